// Waits until a page opened in Playwright is live (`body[data-hydrated]`).
// An islands page loads its code when the visitor first points at an
// island: this points at the first one, as a mouse passing over it would.
// A fully hydrated page has no island and loads its code by itself.
// pointAtIsland runs in the page: the pointer arriving on its first island.
const pointAtIsland = () =>
  document.querySelector("leptos-island")?.dispatchEvent(new PointerEvent("pointerover", { bubbles: true }));

exports.pointAtIsland = pointAtIsland;
exports.live = async (page) => {
  await page.evaluate(pointAtIsland);
  await page.waitForSelector("body[data-hydrated]");
};
