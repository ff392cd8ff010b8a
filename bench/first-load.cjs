// What a visitor on a slow phone feels on their first visit to `/`: in
// Chromium with 4x CPU throttling and DevTools's "Slow 3G" profile, the
// time from navigation until the page is hydrated (event handlers live),
// and every byte received until then. Beside it, the same page served with
// no script at all, until its load event: the floor for that network.
//
// An islands page whose code waits for the visitor (ferry's default) is
// hydrated when the visitor first points at an island: the time to
// hydrated is then measured with the pointer arriving as soon as the page
// has parsed (the visitor who acts at once, the worst case), and a second
// visit measures what the page loads with no visitor action (once the
// network is quiet) and how long pointing at an island takes after that.
//
// Usage: node bench/first-load.cjs BASE_URL [runs]   (median of runs, 3 by
// default). Prints one line: hydrated ms, its bytes, no-script ms, its
// bytes, the bytes loaded with no visitor action, the load event's ms in
// that visit, and the ms from pointing at an island to hydrated (0 for a
// page that hydrates by itself).
// Uses the Playwright that end2end/ installs, and Debian's chromium.
const path = require("node:path");
const { chromium } = require(path.join(__dirname, "..", "end2end", "node_modules", "@playwright/test"));
const { pointAtIsland } = require("./live.cjs");

const base = process.argv[2];
const runs = Number(process.argv[3] ?? 3);
// Chrome DevTools's "Slow 3G" preset (500 kbit/s at 80 %, 2 s of latency).
const slow3g = { offline: false, latency: 2000, downloadThroughput: (500 * 1000) / 8 * 0.8, uploadThroughput: (500 * 1000) / 8 * 0.8 };
const launchOptions = {
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
};

// Records when the frontend marks the body hydrated, on the page's clock.
const watchHydration = () => {
  new MutationObserver((_, observer) => {
    if (document.body?.hasAttribute("data-hydrated")) {
      window.__hydratedAt = performance.now();
      observer.disconnect();
    }
  }).observe(document, { subtree: true, attributes: true, attributeFilter: ["data-hydrated"] });
};

// Points at the page's first island as soon as it is parsed, as a visitor
// acting at once would (an islands page loads its code then).
const pointAtOnce = `document.addEventListener("DOMContentLoaded", ${pointAtIsland});`;

// The same HTML without its scripts and the preloads of the WASM and JS.
const withoutScripts = (html) => html
  .replace(/<script\b[^>]*>[\s\S]*?<\/script>/gi, "")
  .replace(/<link\b[^>]*rel="(modulepreload|preload)"[^>]*>/gi, "");

// A fresh context on the throttled profile, counting the bytes received
// (headers and bodies, as encoded on the wire).
async function throttled(browser) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
  await cdp.send("Network.emulateNetworkConditions", slow3g);
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: 4 });
  const received = { bytes: 0 };
  cdp.on("Network.loadingFinished", (event) => { received.bytes += event.encodedDataLength; });
  await page.addInitScript(watchHydration);
  return { context, page, received };
}

const hydratedAt = async (page) => {
  await page.waitForFunction(() => window.__hydratedAt !== undefined, null, { timeout: 180_000, polling: 100 });
  return page.evaluate(() => window.__hydratedAt);
};

// One cold visit, acting at once: milliseconds until hydrated, and the
// bytes received until then.
async function visit(browser) {
  const { context, page, received } = await throttled(browser);
  await page.addInitScript(pointAtOnce);
  await page.goto(base + "/", { waitUntil: "commit", timeout: 180_000 });
  const ms = await hydratedAt(page);
  const bytes = received.bytes;
  await context.close();
  return { ms, bytes };
}

// One cold visit with no action until the network is quiet: the bytes
// received by then and the load event's time; then the pointer arrives
// on an island, and the milliseconds until hydrated.
async function idle(browser) {
  const { context, page, received } = await throttled(browser);
  await page.goto(base + "/", { waitUntil: "load", timeout: 180_000 });
  const waits = await page.evaluate(() => document.getElementById("ferry-islands") !== null);
  if (!waits) await hydratedAt(page);
  await page.waitForLoadState("networkidle", { timeout: 180_000 });
  const bytes = received.bytes;
  const loadMs = await page.evaluate(() => performance.getEntriesByType("navigation")[0].loadEventEnd);
  let pointMs = 0;
  if (waits) {
    // The time, taken in the same task as the pointer arrives.
    const at = await page.evaluate(`(${pointAtIsland})(), performance.now()`);
    pointMs = (await hydratedAt(page)) - at;
  }
  await context.close();
  return { bytes, loadMs, pointMs };
}

// The page with no script, until its load event.
async function plain(browser) {
  const { context, page, received } = await throttled(browser);
  await page.route(base + "/", async (route) => {
    const response = await route.fetch();
    await route.fulfill({ response, body: withoutScripts(await response.text()) });
  });
  await page.goto(base + "/", { waitUntil: "load", timeout: 180_000 });
  const ms = await page.evaluate(() => performance.getEntriesByType("navigation")[0].loadEventEnd);
  const bytes = received.bytes;
  await context.close();
  return { ms, bytes };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

(async () => {
  const browser = await chromium.launch(launchOptions);
  const hydrated = [];
  const quiet = [];
  const bare = [];
  for (let i = 0; i < runs; i++) {
    hydrated.push(await visit(browser));
    quiet.push(await idle(browser));
    bare.push(await plain(browser));
  }
  await browser.close();
  console.log([
    Math.round(median(hydrated.map((r) => r.ms))),
    median(hydrated.map((r) => r.bytes)),
    Math.round(median(bare.map((r) => r.ms))),
    median(bare.map((r) => r.bytes)),
    median(quiet.map((r) => r.bytes)),
    Math.round(median(quiet.map((r) => r.loadMs))),
    Math.round(median(quiet.map((r) => r.pointMs))),
  ].join(" "));
})().catch((error) => { console.error(error); process.exit(1); });
