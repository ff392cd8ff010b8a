// Accounts in a real browser, with JavaScript on and off: a visitor's cart
// follows them through sign-up into an order, /orders lists it, sign-out
// ends the session, a guarded page sends a signed-out visitor to sign in
// and back, and a wrong password is refused beside its field.
import { test, expect } from "./fixtures";
import { PASSWORD, newEmail, open, settled } from "./helpers";

test("checking out signed out leads through sign-up back to the cart, then to the order", async ({ page, javaScriptEnabled, consoleWatch }) => {
  consoleWatch.allow(401);
  await open(page, "/products/17", javaScriptEnabled);
  await page.getByLabel("Quantity").fill("3");
  await page.getByRole("button", { name: "Add to cart" }).click();
  await expect(page.getByTestId("cart-count")).toHaveText("3");
  await settled(page);
  await open(page, "/cart", javaScriptEnabled);
  await page.getByRole("button", { name: "Place order" }).click();
  if (javaScriptEnabled) {
    // The call answered 401: the page offers the way in.
    await expect(page.getByText("Sign in to continue.")).toBeVisible();
    await page.getByRole("link", { name: "Sign in", exact: true }).last().click();
  }
  // Without JavaScript the server sent the form here itself.
  await expect(page).toHaveURL(/\/sign-in\?next=%2Fcart$/);
  await page.getByRole("link", { name: "Create an account" }).click();
  await expect(page).toHaveURL(/\/sign-up\?next=%2Fcart$/);
  const email = newEmail();
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/cart$/);
  await expect(page.getByTestId("account-email")).toHaveText(email);
  await expect(page.getByTestId("cart-count")).toHaveText("3");
  await page.getByRole("button", { name: "Place order" }).click();
  await expect(page).toHaveURL(/\/orders\/\d+$/);
  const order = page.url().match(/\/orders\/(\d+)$/)![1];
  await open(page, "/orders", javaScriptEnabled);
  await expect(page.getByRole("link", { name: `#${order}` })).toBeVisible();
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByTestId("sign-in-link")).toBeVisible();
  await expect(page.getByTestId("cart-count")).toHaveText("0");
  // The order is the account's: signed out, its page asks to sign in.
  await open(page, `/orders/${order}`, javaScriptEnabled);
  await expect(page).toHaveURL(new RegExp(`/sign-in\\?next=%2Forders%2F${order}$`));
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(new RegExp(`/orders/${order}$`));
  await expect(page.getByRole("heading", { name: `Order #${order}` })).toBeVisible();
});

test("a wrong password is refused beside its field, with the email kept", async ({ page, javaScriptEnabled, consoleWatch }) => {
  consoleWatch.allow(422);
  await open(page, "/sign-in", javaScriptEnabled);
  const email = newEmail();
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("not the password");
  await page.getByRole("button", { name: "Sign in" }).click();
  const password = page.getByLabel("Password");
  await expect(password).toHaveAccessibleDescription("That email and password do not match an account.");
  await expect(password).toHaveAttribute("aria-invalid", "true");
  await expect(password).toBeFocused();
  await expect(password).toHaveValue(javaScriptEnabled ? "not the password" : "");
  await expect(page.getByLabel("Email")).toHaveValue(email);
  await expect(page.getByTestId("sign-in-link")).toBeVisible();
});
