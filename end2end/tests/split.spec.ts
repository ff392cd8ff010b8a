// The pages other than `/` load their code when first shown (lazy routes,
// `cargo leptos build --split`): `/` fetches none of it, and a link from `/`
// fetches the page's WASM chunk without leaving the document, after which
// the page works as if it had been loaded first.
import { test, expect, islands } from "./fixtures";
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
  test.skip(islands, "an islands page hydrates no route: it loads its islands only");
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

/** Which page shows each lazy route (`__{route}_route_view_…` in the manifest). */
const lazyPages: Record<string, string> = {
  product: "/products/3",
  cart: "/cart",
  counter: "/counter",
  sign_in: "/sign-in",
  sign_up: "/sign-up",
  orders: "/orders",
  order: "/orders/1",
  admin: "/admin",
};

/** The split files a page's head asks the browser to preload, sorted. */
function splitPreloads(html: string): string[] {
  const head = html.slice(0, html.indexOf("</head>"));
  return [...head.matchAll(/<link\b[^>]*>/g)]
    .map((tag) => tag[0])
    .filter((tag) => /rel="preload"/.test(tag))
    .map((tag) => tag.match(/href="([^"]*)"/)?.[1] ?? "")
    .filter((href) => /\/(chunk_|split_)[^/]*\.wasm$/.test(href))
    .sort();
}

// Each lazy page's head names its own split files, each once, however the
// pages are asked for: one after another in two orders, and all at once
// (Leptos 0.8's own tags went into whichever page's render the thread had
// last touched: a `/` with 175 of them, a `/cart` with none).
test("each lazy page preloads its own split files, in any order and at once", async ({ request, javaScriptEnabled }) => {
  test.skip(!javaScriptEnabled, "no page is opened: one run is enough");
  test.skip(islands, "an islands page hydrates no route: its files are not preloaded");
  const manifest: Record<string, string[]> = await (await request.get("/pkg/__wasm_split_manifest.json")).json();
  const expected = (route: string) => {
    const name = Object.keys(manifest).find((key) => key.startsWith(`__${route}_route_view_`));
    expect(name, `the manifest names ${route}'s lazy view`).toBeDefined();
    return manifest[name!].map((file) => `/pkg/${file}.wasm`).sort();
  };
  const check = async (route: string) => {
    const response = await request.get(lazyPages[route]);
    expect(response.status(), lazyPages[route]).toBe(200);
    expect(splitPreloads(await response.text()), lazyPages[route]).toEqual(expected(route));
  };
  const home = async () => expect(splitPreloads(await (await request.get("/")).text()), "/").toEqual([]);

  const routes = Object.keys(lazyPages);
  for (const route of routes) await check(route);
  await home();
  for (const route of [...routes].reverse()) await check(route);
  await Promise.all([home(), ...routes.flatMap((route) => [check(route), check(route)]), home()]);
});

