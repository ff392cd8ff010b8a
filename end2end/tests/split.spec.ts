// The pages other than `/` load their code when first shown (lazy routes,
// `cargo leptos build --split`): `/` fetches none of it, and a link from `/`
// fetches the page's WASM chunk without leaving the document, after which
// the page works as if it had been loaded first.
import { test, expect } from "./fixtures";
import type { Page } from "@playwright/test";
import { markDocument, open } from "./helpers";

/** Records the paths of the WASM files the page fetches from now on. */
function wasmFetched(page: Page) {
  const files: string[] = [];
  page.on("request", (request) => {
    const path = new URL(request.url()).pathname;
    if (path.endsWith(".wasm")) files.push(path);
  });
  return files;
}

test("/ loads no other page's code; a link loads it, and the page works", async ({ page, javaScriptEnabled }) => {
  test.skip(!javaScriptEnabled, "lazy loading needs JavaScript");
  // Console errors fail it through the fixture; failed loads fail it here.
  const problems: string[] = [];
  page.on("response", (response) => {
    if (response.status() >= 400) problems.push(`${response.status()} ${response.url()}`);
  });
  const fetched = wasmFetched(page);
  await open(page, "/", javaScriptEnabled);
  expect(fetched.filter((path) => path.includes("_route_view"))).toEqual([]);

  const sameDocument = await markDocument(page);
  await page.getByRole("article", { name: "Harbour Mug" }).getByRole("link", { name: "Harbour Mug" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Harbour Mug" })).toBeVisible();
  expect(fetched.some((path) => path.includes("product_route_view"))).toBe(true);

  // The lazily loaded page is live: its quick add reaches the header's badge.
  const before = Number(await page.getByTestId("cart-count").textContent());
  await page.getByRole("button", { name: "Quick add" }).click();
  await expect(page.getByTestId("cart-count")).toHaveText(String(before + 1));

  await page.getByRole("link", { name: /^Cart/ }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Your cart" })).toBeVisible();
  await expect(page.getByRole("row", { name: /Harbour Mug/ })).toBeVisible();
  await sameDocument();
  expect(problems).toEqual([]);
});
