// An islands page loads its code when the visitor first points at an
// island, not with the page: until then it is HTML whose forms post
// without script, and a click on a script-only button waits for the
// islands and then runs, once.
import { test, expect, islands } from "./fixtures";
import { badge, countCalls, markDocument, stockOf } from "./helpers";
import type { Page } from "@playwright/test";

/** Holds the page's WASM until `release()`. */
async function holdCode(page: Page) {
  let release: () => void = () => {};
  const gate = new Promise<void>((resolve) => (release = resolve));
  await page.route("**/*.wasm", async (route) => {
    await gate;
    // The page may have gone meanwhile (a form's post): nothing to answer.
    await route.continue().catch(() => {});
  });
  return release;
}

test.beforeEach(({ javaScriptEnabled }) => {
  test.skip(!islands || !javaScriptEnabled, "an islands page with JavaScript on");
});

test("the page loads no code until the pointer reaches an island", async ({ page }) => {
  const code: string[] = [];
  page.on("request", (request) => {
    if (/\.(wasm|js)$/.test(new URL(request.url()).pathname)) code.push(new URL(request.url()).pathname);
  });
  await page.goto("/");
  await page.waitForLoadState("networkidle");
  expect(code).toEqual([]);
  await expect(page.locator("body[data-hydrated]")).toHaveCount(0);
  // The script-only controls show already: their clicks will run.
  await expect(page.getByRole("button", { name: "Quick add" }).first()).toBeVisible();
  await page.getByRole("article", { name: "Harbour Mug" }).getByLabel("Quantity").hover();
  await page.locator("body[data-hydrated]").waitFor();
  expect(code.some((path) => path.endsWith(".wasm"))).toBe(true);
});

test("a click made before the islands are live runs once they are", async ({ page }) => {
  const release = await holdCode(page);
  await page.goto("/products/7");
  expect(await badge(page)).toBe(0);
  const stock = await stockOf(page);
  const sameDocument = await markDocument(page);
  const calls = countCalls(page);
  const quickAdd = page.getByRole("button", { name: "Quick add" });
  await quickAdd.click();
  await expect(quickAdd).toHaveAttribute("aria-busy", "true");
  expect(calls).toEqual([]);
  release();
  await expect(page.getByTestId("cart-count")).toHaveText("1");
  await expect(page.getByTestId("stock")).toHaveText(`${stock - 1} in stock`);
  await expect(quickAdd).not.toHaveAttribute("aria-busy", "true");
  await sameDocument();
  expect(calls).toEqual(["/api/cart/add"]);
});

test("a form sent before the islands are live posts without script", async ({ page }) => {
  const release = await holdCode(page);
  await page.goto("/products/8");
  const stock = await stockOf(page);
  await page.evaluate(() => ((window as any).__before = true));
  await page.getByLabel("Quantity").fill("2");
  await page.getByRole("button", { name: "Add to cart" }).click();
  await expect(page).toHaveURL(/\/products\/8$/);
  await expect(page.getByTestId("cart-count")).toHaveText("2");
  await expect(page.getByTestId("stock")).toHaveText(`${stock - 2} in stock`);
  // A new document: the browser posted the form and followed the redirect.
  expect(await page.evaluate(() => (window as any).__before)).toBeUndefined();
  release();
});
