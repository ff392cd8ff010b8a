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

// The call inspector is for `cargo leptos watch` only: a release page has
// neither the panel nor its hooks, and the server has no route for it.
test("a release build has no call inspector", async ({ page, request, javaScriptEnabled }) => {
  test.skip(!javaScriptEnabled, "the inspector is a script");
  await open(page, "/counter", javaScriptEnabled);
  await page.getByRole("button", { name: "Quick +1" }).click();
  await page.keyboard.press("Alt+Shift+KeyF");
  await expect(page.locator("ferry-inspector")).toHaveCount(0);
  expect(await page.evaluate(() => "__ferryInspector" in window)).toBe(false);
  expect((await request.get("/_ferry/dev/calls/any")).status()).toBe(404);
});
