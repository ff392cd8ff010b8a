// Hydration in a real browser: each page hydrates without a warning or an
// error in the console (a mismatch between the server's HTML and the
// browser's view shows up there first).
import { test, expect } from "@playwright/test";
import { open } from "./helpers";

for (const path of ["/", "/products/7", "/cart", "/counter"]) {
  test(`${path} hydrates without console warnings or errors`, async ({ page, javaScriptEnabled }) => {
    test.skip(!javaScriptEnabled, "hydration needs JavaScript");
    const problems: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "warning" || message.type() === "error") problems.push(message.text());
    });
    page.on("pageerror", (error) => problems.push(error.message));
    await open(page, path, javaScriptEnabled);
    await page.waitForTimeout(200);
    expect(problems).toEqual([]);
  });
}
