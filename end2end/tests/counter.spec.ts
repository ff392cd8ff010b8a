// The skeleton's loop in a real browser: a server function through the form
// (both projects) and through a button (JavaScript only), with the value
// re-rendered each time.
import { test, expect } from "./fixtures";
import type { Page } from "@playwright/test";
import { live } from "./helpers";

/** Opens the start page; with JavaScript on, waits until it is hydrated. */
async function open(page: Page, javaScriptEnabled: boolean) {
  await page.goto("/counter");
  if (javaScriptEnabled) await live(page);
}

async function readCount(page: Page): Promise<number> {
  const text = await page.getByTestId("count").textContent();
  return Number(text);
}

test("the page is complete as served", async ({ page }) => {
  await page.goto("/counter");
  await expect(page.getByRole("heading", { name: "Counter", exact: true })).toBeVisible();
  await expect(page.getByTestId("count")).toHaveText(/^\d+$/);
  await expect(page.getByLabel("Add")).toHaveValue("1");
});

test("the form adds to the counter", async ({ page, javaScriptEnabled }) => {
  await open(page, javaScriptEnabled);
  const before = await readCount(page);
  await page.getByLabel("Add").fill("7");
  await page.getByRole("button", { name: "Add", exact: true }).click();
  await expect(page.getByTestId("count")).toHaveText(String(before + 7));
});

test("an out-of-range step is refused with a message", async ({ page, javaScriptEnabled }) => {
  await open(page, javaScriptEnabled);
  const before = await readCount(page);
  const field = page.getByLabel("Add");
  // Bypass the browser's own min/max check: the counter's rule is under
  // test (in the browser with JavaScript, on the server without).
  await field.evaluate((input: HTMLInputElement) => input.removeAttribute("max"));
  await field.fill("500");
  await page.getByRole("button", { name: "Add", exact: true }).click();
  await expect(page.getByLabel("Add")).toHaveAccessibleDescription("Choose a number from 1 to 100.");
  await expect(page.getByLabel("Add")).toHaveValue("500");
  await expect(page.getByTestId("count")).toHaveText(String(before));
});

test("the quick button adds one without leaving the page", async ({ page, javaScriptEnabled }) => {
  test.skip(!javaScriptEnabled, "an event handler needs JavaScript");
  await open(page, javaScriptEnabled);
  const before = await readCount(page);
  // A marker on window survives only if the page is not reloaded.
  await page.evaluate(() => ((window as any).__sameDocument = true));
  await page.getByRole("button", { name: "Quick +1" }).click();
  await expect(page.getByTestId("count")).toHaveText(String(before + 1));
  expect(await page.evaluate(() => (window as any).__sameDocument)).toBe(true);
});
