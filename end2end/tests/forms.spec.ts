// Forms as `<ferry::Form>` makes them: pending while the call runs, the expected
// change shown at once and rolled back on a refusal, the shop's rules
// checked in the browser with no request, several calls at once, typed
// values kept after a refusal, and the outcome told to assistive
// technology (aria-invalid, aria-describedby, focus, polite live regions).
import { test, expect } from "./fixtures";
import type { Locator, Page } from "@playwright/test";
import { countCalls, hold, open, settled, stockOf } from "./helpers";

test("a form is busy while its call runs, and a second submit is refused", async ({ page, javaScriptEnabled }) => {
  test.skip(!javaScriptEnabled, "pending state needs JavaScript");
  await open(page, "/", javaScriptEnabled);
  const card = page.getByRole("article", { name: "Harbour Mug" });
  const form = card.locator("form.add-to-cart");
  const button = card.getByRole("button", { name: "Add to cart" });
  const calls = await hold(page, "/api/cart/add");
  await button.click();
  await expect(button).toBeDisabled();
  await expect(button).toHaveAttribute("aria-busy", "true");
  await expect(form).toHaveAttribute("aria-busy", "true");
  // The badge counts up before the server answers.
  await expect(page.getByTestId("cart-count")).toHaveText("1");
  // Enter in the field and a scripted submit are refused too: one call.
  await card.getByLabel("Quantity").press("Enter");
  await form.evaluate((f: HTMLFormElement) => f.requestSubmit());
  await page.waitForTimeout(300);
  expect(calls.held).toHaveLength(1);
  calls.release();
  await expect(button).toBeEnabled();
  await expect(button).not.toHaveAttribute("aria-busy");
  await expect(form).not.toHaveAttribute("aria-busy");
  await expect(page.getByTestId("cart-count")).toHaveText("1");
  expect(calls.held).toHaveLength(1);
});

test("the counter shows the new count and 'Saving…' at once, then the server's count", async ({ page, javaScriptEnabled }) => {
  test.skip(!javaScriptEnabled, "optimistic updates need JavaScript");
  await open(page, "/counter", javaScriptEnabled);
  const before = Number(await page.getByTestId("count").textContent());
  const calls = await hold(page, "/api/counter/add");
  await page.getByLabel("Add").fill("7");
  await page.getByRole("button", { name: "Add", exact: true }).click();
  await expect(page.getByTestId("count")).toHaveText(String(before + 7));
  await expect(page.getByTestId("saving")).toHaveText("Saving…");
  // Someone else adds 1 meanwhile: the server's answer, not the guess,
  // must be what stays.
  const direct = await page.request.post("/api/counter/add", {
    form: { by: "1" },
    headers: { Origin: new URL(page.url()).origin, Accept: "application/json" },
  });
  expect(direct.status()).toBe(200);
  calls.release();
  await expect(page.getByTestId("saving")).toHaveText("");
  await expect(page.getByTestId("count")).toHaveText(String(before + 8));
});

test("a refused add rolls the badge back and says why beside the field", async ({ page, javaScriptEnabled, consoleWatch }) => {
  test.skip(!javaScriptEnabled, "optimistic updates need JavaScript");
  consoleWatch.allow(422);
  await open(page, "/products/15", javaScriptEnabled);
  const left = await stockOf(page);
  expect(left).toBeLessThan(50);
  const calls = await hold(page, "/api/cart/add");
  await page.getByLabel("Quantity").fill("50");
  await page.getByRole("button", { name: "Add to cart" }).click();
  await expect(page.getByTestId("cart-count")).toHaveText("50");
  calls.release();
  await expect(page.getByTestId("cart-count")).toHaveText("0");
  const field = page.getByLabel("Quantity");
  await expect(field).toHaveAccessibleDescription(`Only ${left} left.`);
  await expect(field).toHaveAttribute("aria-invalid", "true");
  await expect(field).toBeFocused();
  await expect(field).toHaveValue("50");
});

test("a rule broken in the browser is refused with no request", async ({ page, javaScriptEnabled }) => {
  test.skip(!javaScriptEnabled, "the browser's check needs JavaScript");
  const calls = countCalls(page);
  await open(page, "/products/3", javaScriptEnabled);
  const quantity = page.getByLabel("Quantity");
  await quantity.evaluate((input: HTMLInputElement) => input.removeAttribute("max"));
  await quantity.fill("150");
  await page.getByRole("button", { name: "Add to cart" }).click();
  await expect(quantity).toHaveAccessibleDescription("Choose 1 to 99.");
  await expect(quantity).toBeFocused();

  await open(page, "/counter", javaScriptEnabled);
  const step = page.getByLabel("Add");
  await step.evaluate((input: HTMLInputElement) => input.removeAttribute("max"));
  await step.fill("500");
  await page.getByRole("button", { name: "Add", exact: true }).click();
  await expect(step).toHaveAccessibleDescription("Choose a number from 1 to 100.");
  await page.waitForTimeout(300);
  expect(calls).toEqual([]);
  console.log(`requests for input the rules refuse: ${calls.length}`);
});

test("different calls run at once and each form shows its own result", async ({ page, javaScriptEnabled, consoleWatch }) => {
  test.skip(!javaScriptEnabled, "concurrent calls need JavaScript");
  consoleWatch.allow(422);
  await open(page, "/products/15", javaScriptEnabled);
  const left = await stockOf(page);
  await page.getByRole("button", { name: "Add to cart" }).click();
  await expect(page.getByTestId("cart-count")).toHaveText("1");
  await settled(page);
  await open(page, "/products/13", javaScriptEnabled);
  await page.getByRole("button", { name: "Add to cart" }).click();
  await expect(page.getByTestId("cart-count")).toHaveText("2");
  await settled(page);
  await open(page, "/cart", javaScriptEnabled);
  // A page's first change goes alone, so a cookie its answer sets reaches
  // the next ones (ferry::Client); the calls held below come after it.
  const quantity = page.getByLabel("Quantity of Ship in a Bottle");
  await quantity.fill("1");
  await quantity.press("Enter");
  await settled(page);
  const sets = await hold(page, "/api/cart/set");
  const removes = await hold(page, "/api/cart/remove");
  await quantity.fill(String(left + 1));
  await quantity.press("Enter");
  await page.getByRole("button", { name: "Remove Knot Tying Kit" }).click();
  // The same line's second submit, from the row redrawn with the expected
  // quantity, is refused while the first runs.
  await page.getByRole("row", { name: /Ship in a Bottle/ }).getByRole("button", { name: "Update" }).click();
  await expect.poll(() => sets.held.length + removes.held.length).toBe(2);
  // Both changes show while both calls wait: the line's new quantity, the
  // other line gone.
  await expect(page.getByTestId("cart-count")).toHaveText(String(left + 1));
  await expect(page.getByRole("button", { name: "Remove Knot Tying Kit" })).toHaveCount(0);
  await page.waitForTimeout(300);
  expect(sets.held).toHaveLength(1);
  expect(removes.held).toHaveLength(1);
  sets.release();
  removes.release();
  await expect(page.getByRole("button", { name: "Remove Knot Tying Kit" })).toHaveCount(0);
  const field = page.getByLabel("Quantity of Ship in a Bottle");
  await expect(field).toHaveAccessibleDescription(`Only ${left} left.`);
  await expect(field).toHaveValue(String(left + 1));
  await expect(page.getByTestId("cart-count")).toHaveText("1");
});

/** A form of the shop, and how to fill it with a value its rules refuse. */
type Refusal = {
  name: string;
  path: string;
  setUp?: (page: Page, javaScriptEnabled: boolean) => Promise<void>;
  field: (page: Page) => Locator;
  submit: (page: Page) => Locator;
  bad: string;
  message: string;
};

const refusals: Refusal[] = [
  {
    name: "a catalog card's add",
    path: "/",
    field: (page) => page.getByRole("article", { name: "Harbour Mug" }).getByLabel("Quantity"),
    submit: (page) => page.getByRole("article", { name: "Harbour Mug" }).getByRole("button", { name: "Add to cart" }),
    bad: "150",
    message: "Choose 1 to 99.",
  },
  {
    name: "a product page's add",
    path: "/products/4",
    field: (page) => page.getByLabel("Quantity"),
    submit: (page) => page.getByRole("button", { name: "Add to cart" }),
    bad: "0",
    message: "Choose 1 to 99.",
  },
  {
    name: "the cart's quantity",
    path: "/cart",
    setUp: async (page, javaScriptEnabled) => {
      await open(page, "/products/13", javaScriptEnabled);
      await page.getByRole("button", { name: "Add to cart" }).click();
      await expect(page.getByTestId("cart-count")).toHaveText("1");
      await settled(page);
    },
    field: (page) => page.getByLabel("Quantity of Knot Tying Kit"),
    submit: (page) => page.getByRole("button", { name: "Update" }),
    bad: "150",
    message: "Choose 1 to 99.",
  },
  {
    name: "the counter's step",
    path: "/counter",
    field: (page) => page.getByLabel("Add"),
    submit: (page) => page.getByRole("button", { name: "Add", exact: true }),
    bad: "500",
    message: "Choose a number from 1 to 100.",
  },
];

for (const form of refusals) {
  test(`${form.name}: a refusal keeps what was typed, says why beside the field and focuses it`, async ({ page, javaScriptEnabled }) => {
    await form.setUp?.(page, javaScriptEnabled);
    await open(page, form.path, javaScriptEnabled);
    const field = form.field(page);
    // Past the browser's own min/max: the shop's rules are under test.
    await field.evaluate((input: HTMLInputElement) => {
      input.removeAttribute("max");
      input.removeAttribute("min");
    });
    await field.fill(form.bad);
    await form.submit(page).click();
    const refused = form.field(page);
    await expect(refused).toHaveAccessibleDescription(form.message);
    await expect(refused).toHaveValue(form.bad);
    await expect(refused).toHaveAttribute("aria-invalid", "true");
    await expect(refused).toBeFocused();
    // The message is in a polite live region, read out when it appears.
    const describedBy = await refused.getAttribute("aria-describedby");
    await expect(page.locator(`[id="${describedBy}"]`)).toHaveAttribute("role", "status");
  });
}

test("an error in the console fails a test", async ({ page, javaScriptEnabled }) => {
  test.skip(!javaScriptEnabled, "logging needs JavaScript");
  test.fail(true, "the fixture must fail this test");
  await open(page, "/counter", javaScriptEnabled);
  await page.evaluate(() => console.error("a deliberate error"));
});
