// Hydration in a real browser: each page hydrates without a warning or an
// error in the console (a mismatch between the server's HTML and the
// browser's view shows up there first); the fixture fails the test on one.
import { test, expect } from "./fixtures";
import { open } from "./helpers";

for (const path of ["/", "/products/7", "/cart", "/counter", "/sign-in", "/sign-up"]) {
  test(`${path} hydrates without console warnings or errors`, async ({ page, javaScriptEnabled }) => {
    test.skip(!javaScriptEnabled, "hydration needs JavaScript");
    await open(page, path, javaScriptEnabled);
    await page.waitForTimeout(200);
    await expect(page.locator("body[data-hydrated]")).toHaveCount(1);
  });
}
