// The shop in a real browser, with JavaScript on (hydrated, no reloads) and
// off (plain forms and redirects): add, quick add, change, remove, check out,
// and validation errors shown next to their field.
import { test, expect } from "./fixtures";
import { badge, countCalls, markDocument, open, settled, signUp } from "./helpers";

test("adding through the form fills the badge", async ({ page, javaScriptEnabled }) => {
  await open(page, "/", javaScriptEnabled);
  expect(await badge(page)).toBe(0);
  const mug = page.getByRole("article", { name: "Harbour Mug" });
  await mug.getByLabel("Quantity").fill("3");
  await mug.getByRole("button", { name: "Add to cart" }).click();
  await expect(page.getByTestId("cart-count")).toHaveText("3");
});

test("quick add updates the badge without leaving the page", async ({ page, javaScriptEnabled }) => {
  test.skip(!javaScriptEnabled, "an event handler needs JavaScript");
  await open(page, "/products/7", javaScriptEnabled);
  const sameDocument = await markDocument(page);
  await page.getByRole("button", { name: "Quick add" }).click();
  await expect(page.getByTestId("cart-count")).toHaveText("1");
  await page.getByRole("button", { name: "Quick add" }).click();
  await expect(page.getByTestId("cart-count")).toHaveText("2");
  await sameDocument();
});

test("a new visitor's two quick adds land in one cart", async ({ page, javaScriptEnabled }) => {
  test.skip(!javaScriptEnabled, "an event handler needs JavaScript");
  await open(page, "/products/7", javaScriptEnabled);
  // The first add makes the cart and sets its cookie in its answer: held
  // here, so the second click comes while it is in flight. Sent at once,
  // the second would make a cart of its own, and one add would be lost.
  let releaseFirst: () => void = () => {};
  const released = new Promise<void>((resolve) => (releaseFirst = resolve));
  let held = true;
  await page.route("**/api/cart/add", async (route) => {
    if (!held) return route.continue();
    held = false;
    const response = await route.fetch();
    await released;
    await route.fulfill({ response });
  });
  const calls = countCalls(page);
  await page.getByRole("button", { name: "Quick add" }).click();
  await page.getByRole("button", { name: "Quick add" }).click();
  await expect(page.getByTestId("cart-count")).toHaveText("2");
  expect(calls).toEqual(["/api/cart/add"]);
  releaseFirst();
  await expect.poll(() => calls.length).toBe(2);
  await expect(page.getByTestId("in-cart")).toHaveText("2 in your cart");
  await page.reload();
  await expect(page.getByTestId("cart-count")).toHaveText("2");
});

test("quick add stays hidden without JavaScript", async ({ page, javaScriptEnabled }) => {
  test.skip(javaScriptEnabled, "checks the no-JavaScript page");
  await page.goto("/products/7");
  // In the page (so it is hidden by the stylesheet, not missing) and not shown.
  const quickAdd = page.locator("button.quick-add");
  await expect(quickAdd).toHaveCount(1);
  await expect(quickAdd).toHaveText("Quick add");
  await expect(quickAdd).toBeHidden();
  await expect(page.getByRole("button", { name: "Add to cart" })).toBeVisible();
});

test("the cart changes quantities and removes lines", async ({ page, javaScriptEnabled }) => {
  await open(page, "/products/13", javaScriptEnabled);
  await page.getByRole("button", { name: "Add to cart" }).click();
  await expect(page.getByTestId("cart-count")).toHaveText("1");
  await settled(page);
  await open(page, "/cart", javaScriptEnabled);
  await expect(page.getByTestId("cart-total")).toHaveText("$11.00");
  await page.getByLabel("Quantity of Knot Tying Kit").fill("4");
  const calls = countCalls(page);
  await page.getByRole("button", { name: "Update" }).click();
  await expect(page.getByTestId("cart-total")).toHaveText("$44.00");
  await expect(page.getByTestId("cart-count")).toHaveText("4");
  if (javaScriptEnabled) {
    // One request: the cart's fresh read came inside the mutation's response.
    expect(calls).toEqual(["/api/cart/set"]);
    console.log(`requests per mutation (quantity change): ${calls.length}`);
  }
  await page.getByRole("button", { name: "Remove Knot Tying Kit" }).click();
  await expect(page.getByText("Your cart is empty.")).toBeVisible();
  await expect(page.getByTestId("cart-count")).toHaveText("0");
});

test("checking out shows the order and takes the stock", async ({ page, javaScriptEnabled }) => {
  await open(page, "/products/19", javaScriptEnabled);
  const before = Number((await page.getByTestId("stock").textContent())!.split(" ")[0]);
  await page.getByLabel("Quantity").fill("2");
  await page.getByRole("button", { name: "Add to cart" }).click();
  await expect(page.getByTestId("cart-count")).toHaveText("2");
  await settled(page);
  // Orders belong to accounts: the cart follows the visitor into theirs.
  await signUp(page, javaScriptEnabled, "/cart");
  await expect(page.getByTestId("cart-count")).toHaveText("2");
  const calls = countCalls(page);
  await page.getByRole("button", { name: "Place order" }).click();
  await expect(page).toHaveURL(/\/orders\/\d+$/);
  await expect(page.getByRole("heading", { name: /^Order #\d+$/ })).toBeVisible();
  await expect(page.getByTestId("order-total")).toHaveText("$14.00");
  await expect(page.getByTestId("order-status")).toHaveText("Placed: we are packing it");
  await expect(page.getByTestId("cart-count")).toHaveText("0");
  if (javaScriptEnabled) {
    // One request: the cart's fresh read and the order page's read both
    // came inside the checkout's response.
    expect(calls).toEqual(["/api/orders/checkout"]);
    console.log(`requests per mutation (checkout): ${calls.length}`);
  }
  await open(page, "/products/19", javaScriptEnabled);
  await expect(page.getByTestId("stock")).toHaveText(`${before - 2} in stock`);
});

test("a refused quantity is explained next to the field", async ({ page, javaScriptEnabled }) => {
  await open(page, "/products/3", javaScriptEnabled);
  const field = page.getByLabel("Quantity");
  // Bypass the browser's own max check: the shop's rule is under test
  // (in the browser with JavaScript, on the server without).
  await field.evaluate((input: HTMLInputElement) => input.removeAttribute("max"));
  await field.fill("150");
  await page.getByRole("button", { name: "Add to cart" }).click();
  await expect(page.getByLabel("Quantity")).toHaveAccessibleDescription("Choose 1 to 99.");
  await expect(page.getByLabel("Quantity")).toHaveValue("150");
  await expect(page.getByTestId("cart-count")).toHaveText("0");
});

test("more than the stock is refused with what is left", async ({ page, javaScriptEnabled, consoleWatch }) => {
  consoleWatch.allow(422);
  await open(page, "/products/15", javaScriptEnabled);
  const left = (await page.getByTestId("stock").textContent())!.match(/\d+/)![0];
  await page.getByLabel("Quantity").fill("50");
  await page.getByRole("button", { name: "Add to cart" }).click();
  await expect(page.getByLabel("Quantity")).toHaveAccessibleDescription(`Only ${left} left.`);
});
