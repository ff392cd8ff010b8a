// How many requests one mutation costs the browser, and what they carry:
// opens `/` in Chromium, waits until it is hydrated, clicks the first
// product's quick add, and counts every request made from the click until
// the header's badge shows the new count and the network has been quiet
// for a second (refetches, page reloads and late chunks included).
//
// Usage: node bench/mutation.cjs BASE_URL
// Prints one line: requests, bytes received for them (bodies as encoded).
// Uses the Playwright that end2end/ installs, and Debian's chromium.
const path = require("node:path");
const { chromium } = require(path.join(__dirname, "..", "end2end", "node_modules", "@playwright/test"));

const { live } = require("./live.cjs");

const base = process.argv[2];

(async () => {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu"],
  });
  const page = await browser.newPage();
  await page.goto(base + "/");
  await live(page);
  const badge = page.getByTestId("cart-count");
  const before = Number(await badge.textContent());
  const requests = [];
  page.on("requestfinished", (request) => requests.push(request));
  await page.getByRole("button", { name: "Quick add" }).first().click();
  await page.waitForFunction((n) => Number(document.querySelector("[data-testid=cart-count]")?.textContent) === n, before + 1);
  await page.waitForLoadState("networkidle");
  let bytes = 0;
  for (const request of requests) bytes += (await request.sizes()).responseBodySize;
  await browser.close();
  console.log(`${requests.length} ${bytes}`);
})().catch((error) => { console.error(error); process.exit(1); });
