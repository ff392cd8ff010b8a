// What a visitor on a slow phone feels on their first visit to `/`: in
// Chromium with 4x CPU throttling and DevTools's "Slow 3G" profile, the
// time from navigation until the page is hydrated (event handlers live),
// and every byte received until then. Beside it, the same page served with
// no script at all, until its load event: the floor for that network.
//
// Usage: node bench/first-load.cjs BASE_URL [runs]   (median of runs, 3 by
// default). Prints one line: hydrated ms, its bytes, no-script ms, its bytes.
// Uses the Playwright that end2end/ installs, and Debian's chromium.
const path = require("node:path");
const { chromium } = require(path.join(__dirname, "..", "end2end", "node_modules", "@playwright/test"));

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

// The same HTML without its scripts and the preloads of the WASM and JS.
const withoutScripts = (html) => html
  .replace(/<script\b[^>]*>[\s\S]*?<\/script>/gi, "")
  .replace(/<link\b[^>]*rel="(modulepreload|preload)"[^>]*>/gi, "");

// One cold visit in a fresh context: milliseconds until `ready`, and the
// bytes received (headers and bodies, as encoded on the wire).
async function visit(browser, scripts) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
  await cdp.send("Network.emulateNetworkConditions", slow3g);
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: 4 });
  let bytes = 0;
  cdp.on("Network.loadingFinished", (event) => { bytes += event.encodedDataLength; });
  if (scripts) {
    await page.addInitScript(watchHydration);
  } else {
    await page.route(base + "/", async (route) => {
      const response = await route.fetch();
      await route.fulfill({ response, body: withoutScripts(await response.text()) });
    });
  }
  await page.goto(base + "/", { waitUntil: scripts ? "commit" : "load", timeout: 180_000 });
  let ms;
  if (scripts) {
    await page.waitForFunction(() => window.__hydratedAt !== undefined, null, { timeout: 180_000, polling: 100 });
    ms = await page.evaluate(() => window.__hydratedAt);
  } else {
    ms = await page.evaluate(() => performance.getEntriesByType("navigation")[0].loadEventEnd);
  }
  await context.close();
  return { ms, bytes };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

(async () => {
  const browser = await chromium.launch(launchOptions);
  const hydrated = [];
  const plain = [];
  for (let i = 0; i < runs; i++) {
    hydrated.push(await visit(browser, true));
    plain.push(await visit(browser, false));
  }
  await browser.close();
  console.log([
    Math.round(median(hydrated.map((r) => r.ms))),
    median(hydrated.map((r) => r.bytes)),
    Math.round(median(plain.map((r) => r.ms))),
    median(plain.map((r) => r.bytes)),
  ].join(" "));
})().catch((error) => { console.error(error); process.exit(1); });
