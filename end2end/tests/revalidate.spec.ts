// Revalidation in a real browser: a mutation declares its tags on
// the server, and every query on the page with a matching tag refetches,
// though no component names the action. Without JavaScript, the form's
// redirect renders the page again, so it is fresh by construction.
import { test, expect } from "./fixtures";
import { countCalls, markDocument, open } from "./helpers";

test("a quick add refreshes the badge and the stock shown, with no reload", async ({ page, javaScriptEnabled }) => {
  test.skip(!javaScriptEnabled, "an event handler needs JavaScript");
  await open(page, "/products/7", javaScriptEnabled);
  await expect(page.getByTestId("stock")).toHaveText("50 in stock");
  const sameDocument = await markDocument(page);
  const calls = countCalls(page);
  await page.getByRole("button", { name: "Quick add" }).click();
  await expect(page.getByTestId("cart-count")).toHaveText("1");
  await expect(page.getByTestId("stock")).toHaveText("49 in stock");
  await expect(page.getByTestId("in-cart")).toHaveText("1 in your cart");
  await sameDocument();
  // One request: the cart's fresh read came inside the mutation's response.
  expect(calls).toEqual(["/api/cart/add"]);
  console.log(`requests per mutation (quick add): ${calls.length}`);
});

test("the form refreshes the same values, with and without JavaScript", async ({ page, javaScriptEnabled }) => {
  await open(page, "/products/8", javaScriptEnabled);
  await expect(page.getByTestId("stock")).toHaveText("60 in stock");
  await page.getByLabel("Quantity").fill("2");
  await page.getByRole("button", { name: "Add to cart" }).click();
  await expect(page.getByTestId("cart-count")).toHaveText("2");
  await expect(page.getByTestId("stock")).toHaveText("58 in stock");
  await expect(page.getByTestId("in-cart")).toHaveText("2 in your cart");
});

test("a refused call refreshes nothing", async ({ page, javaScriptEnabled, consoleWatch }) => {
  test.skip(!javaScriptEnabled, "counts the browser's background calls");
  consoleWatch.allow(422);
  await open(page, "/products/15", javaScriptEnabled);
  const calls = countCalls(page);
  await page.getByLabel("Quantity").fill("50");
  await page.getByRole("button", { name: "Add to cart" }).click();
  await expect(page.getByLabel("Quantity")).toHaveAccessibleDescription(/left\.$/);
  expect(calls).toEqual(["/api/cart/add"]);
});

test("two quick adds at once end with both counted, whichever answer comes back last", async ({ page, javaScriptEnabled }) => {
  test.skip(!javaScriptEnabled, "an event handler needs JavaScript");
  await open(page, "/products/11", javaScriptEnabled);
  // The first add creates the cart, so both adds below share it.
  await page.getByRole("button", { name: "Quick add" }).click();
  await expect(page.getByTestId("cart-count")).toHaveText("1");
  // The first of the next two is answered by the server first but reaches
  // the page last: its inline answer (2 in the cart) is older than the
  // second's (3), and must not replace it.
  let held = true;
  let releasedFirst: () => void = () => {};
  const firstArrived = new Promise<void>((resolve) => (releasedFirst = resolve));
  await page.route("**/api/cart/add", async (route) => {
    if (!held) return route.continue();
    held = false;
    const response = await route.fetch();
    await new Promise((resolve) => setTimeout(resolve, 800));
    await route.fulfill({ response });
    releasedFirst();
  });
  await page.getByRole("button", { name: "Quick add" }).click();
  await page.waitForTimeout(100);
  await page.getByRole("button", { name: "Quick add" }).click();
  await expect(page.getByTestId("cart-count")).toHaveText("3");
  await firstArrived;
  await page.waitForTimeout(300);
  await expect(page.getByTestId("cart-count")).toHaveText("3");
  await expect(page.getByTestId("in-cart")).toHaveText("3 in your cart");
});
