// An islands page loads its code when the visitor first points at an
// island, not with the page: until then it is HTML whose forms post
// without script, and a click on a script-only button waits for the
// islands and then runs, once. On the counter, which every app has.
import { test, expect, islands } from "./fixtures";
import { countCalls, markDocument } from "./helpers";
import type { Page } from "@playwright/test";

test.beforeEach(({ javaScriptEnabled }) => {
  test.skip(!islands || !javaScriptEnabled, "an islands page with JavaScript on");
});

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

const count = async (page: Page) => Number(await page.getByTestId("count").textContent());

test("the page loads no code until the pointer reaches an island", async ({ page }) => {
  const code: string[] = [];
  page.on("request", (request) => {
    const path = new URL(request.url()).pathname;
    if (/\.(wasm|js)$/.test(path)) code.push(path);
  });
  await page.goto("/counter");
  await page.waitForLoadState("networkidle");
  expect(code).toEqual([]);
  await expect(page.locator("body[data-hydrated]")).toHaveCount(0);
  await page.getByLabel("Add").hover();
  await page.locator("body[data-hydrated]").waitFor();
  expect(code.some((path) => path.endsWith(".wasm"))).toBe(true);
});

test("a click made before the islands are live runs once they are", async ({ page }) => {
  const release = await holdCode(page);
  await page.goto("/counter");
  const before = await count(page);
  const sameDocument = await markDocument(page);
  const calls = countCalls(page);
  const quickAdd = page.getByRole("button", { name: "Quick +1" });
  await quickAdd.click();
  await expect(quickAdd).toHaveAttribute("aria-busy", "true");
  expect(calls).toEqual([]);
  release();
  await expect(page.getByTestId("count")).toHaveText(String(before + 1));
  await expect(quickAdd).not.toHaveAttribute("aria-busy", "true");
  await sameDocument();
  expect(calls).toEqual(["/api/counter/add"]);
});

test("a form sent before the islands are live posts without script", async ({ page }) => {
  const release = await holdCode(page);
  await page.goto("/counter");
  const before = await count(page);
  await page.evaluate(() => ((window as any).__before = true));
  await page.getByLabel("Add").fill("3");
  await page.getByRole("button", { name: "Add", exact: true }).click();
  await expect(page.getByTestId("count")).toHaveText(String(before + 3));
  // A new document: the browser posted the form and followed the redirect.
  expect(await page.evaluate(() => (window as any).__before)).toBeUndefined();
  release();
});
