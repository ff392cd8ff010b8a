// Shared steps for the browser tests.
import { expect, type Page } from "@playwright/test";

/** Opens a page; with JavaScript on, waits until it is hydrated. */
export async function open(page: Page, path: string, javaScriptEnabled: boolean) {
  await page.goto(path);
  if (javaScriptEnabled) await live(page);
}

/** Waits until the page is hydrated. An islands page loads its code when
 * the visitor first points at an island: this points at the first one, as
 * a mouse passing over it would (a fully hydrated page has none). */
export async function live(page: Page) {
  await page.evaluate(() =>
    document.querySelector("leptos-island")?.dispatchEvent(new PointerEvent("pointerover", { bubbles: true })));
  await page.locator("body[data-hydrated]").waitFor();
}

/** The number in the header's cart badge. */
export async function badge(page: Page): Promise<number> {
  return Number(await page.getByTestId("cart-count").textContent());
}

/** Fails the test if the page navigates (a full reload or a new document). */
export async function markDocument(page: Page) {
  await page.evaluate(() => ((window as any).__sameDocument = true));
  return async () => expect(await page.evaluate(() => (window as any).__sameDocument)).toBe(true);
}

/** Records the server-function calls the page makes from now on. */
export function countCalls(page: Page) {
  const calls: string[] = [];
  page.on("request", (request) => {
    if (request.method() === "POST" && new URL(request.url()).pathname.startsWith("/api/")) {
      calls.push(new URL(request.url()).pathname);
    }
  });
  return calls;
}

/** Holds every call to `path` (`/api/cart/add`) until `release()`;
 * `held` lists their bodies as they arrive. */
export async function hold(page: Page, path: string) {
  const held: string[] = [];
  let open: () => void = () => {};
  const gate = new Promise<void>((resolve) => (open = resolve));
  await page.route(`**${path}`, async (route) => {
    held.push(route.request().postData() ?? "");
    await gate;
    await route.continue();
  });
  return { held, release: () => open() };
}

/** Reads the number in a "12 in stock" line. */
export async function stockOf(page: Page): Promise<number> {
  return Number((await page.getByTestId("stock").textContent())!.match(/\d+/)![0]);
}

/** Waits until no form on the page has a call running (`<ferry::Form>` marks such a
 * form `aria-busy`). An optimistic badge shows the new count before the
 * server has answered, so a test that leaves the page after an add waits
 * for this first, or the add may not have reached the cart. */
export async function settled(page: Page) {
  await expect(page.locator('form[aria-busy="true"]')).toHaveCount(0);
}

/** The password every test account gets. */
export const PASSWORD = "correct horse battery";

/** An email no other test (or earlier run on the same database) used. */
export function newEmail(): string {
  return `e2e-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}@example.com`;
}

/** Makes an account at /sign-up, which returns to `next` signed in. */
export async function signUp(page: Page, javaScriptEnabled: boolean, next = "/") {
  const email = newEmail();
  await open(page, `/sign-up?next=${encodeURIComponent(next)}`, javaScriptEnabled);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(new URL(next, page.url()).href);
  await expect(page.getByTestId("account-email")).toHaveText(email);
  return email;
}
