// The admin's page in a real browser, with JavaScript on and off: an
// account made an admin by the operator's command edits a price and a stock and uploads an
// image, and the shop shows each at once; input that breaks a rule, and a
// text file named .png, are refused beside their fields.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test, expect } from "./fixtures";
import { PASSWORD, live, open } from "./helpers";
import type { Locator, Page } from "@playwright/test";

/** The account the tests make an admin of. */
const ADMIN = "admin@example.com";

/**
 * `server admin grant ADMIN`, as an operator runs it (E2E_SERVER names the
 * build under test when it is not the default), on the database the server
 * under test uses: the suite's own (playwright.config.ts), or the cluster's
 * (E2E_DATABASE_URL, from cluster-check.sh).
 */
function grantAdmin() {
  const root = join(__dirname, "..", "..");
  const cargoToml = readFileSync(join(root, "Cargo.toml"), "utf8");
  const binary = cargoToml.match(/^bin-target = "(.*)"/m)?.[1] ?? "server";
  const database = process.env.E2E_DATABASE_URL ?? "sqlite://target/e2e/app.db";
  const server = process.env.E2E_SERVER ?? join("target", "release", binary);
  execFileSync(join(root, server), ["admin", "grant", ADMIN], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: database },
    stdio: "pipe",
  });
}

/** The smallest PNG: one transparent pixel. */
const PIXEL_PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAACklEQVR4nGMAAQAABQABDQottAAAAABJRU5ErkJggg==",
  "base64",
);

/** Signs in as the admin (making the account on the first run), then opens /admin. */
async function signInAsAdmin(page: Page, javaScriptEnabled: boolean) {
  // Made through the API: the database outlives one project's run.
  await page.request.post("/api/accounts/sign-up", {
    form: { email: ADMIN, password: PASSWORD, next: "/" },
    failOnStatusCode: false,
  });
  grantAdmin();
  await open(page, "/sign-in?next=%2Fadmin", javaScriptEnabled);
  await page.getByLabel("Email").fill(ADMIN);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/admin$/);
  await expect(page.getByRole("heading", { name: "Products" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Admin", exact: true })).toHaveAttribute("href", "/admin");
  if (javaScriptEnabled) await live(page);
}

/** Clicks `button` and waits until the server has answered its POST to `endpoint` without an error. */
async function saved(page: Page, endpoint: string, button: Locator) {
  const answered = page.waitForResponse(
    (r) => r.request().method() === "POST" && new URL(r.url()).pathname === endpoint,
  );
  await button.click();
  const response = await answered;
  expect(response.status(), `${endpoint} answered ${response.status()}`).toBeLessThan(400);
}

test("an admin changes a price and a stock, and the shop shows them", async ({ page, javaScriptEnabled, consoleWatch }) => {
  consoleWatch.allow(422);
  await signInAsAdmin(page, javaScriptEnabled);
  const price = page.getByLabel("Price of Timetable Calendar");
  const stock = page.getByLabel("Stock of Timetable Calendar");
  const row = page.locator("tr", { has: price });
  await price.fill("lots");
  await row.getByRole("button", { name: "Save" }).first().click();
  await expect(price).toHaveAccessibleDescription("Enter a price such as 18.50.");
  await expect(price).toHaveAttribute("aria-invalid", "true");
  await expect(price).toHaveValue("lots");
  const newPrice = javaScriptEnabled ? "12.34" : "23.45";
  await price.fill(newPrice);
  await saved(page, "/api/catalog/set-price", row.getByRole("button", { name: "Save" }).first());
  await expect(price).not.toHaveAttribute("aria-invalid", "true");
  await stock.fill(javaScriptEnabled ? "7" : "8");
  await saved(page, "/api/catalog/set-stock", row.getByRole("button", { name: "Save" }).last());
  // Read back from the server, not the fields as typed.
  await open(page, "/admin", javaScriptEnabled);
  await expect(price).toHaveValue(newPrice);
  await expect(stock).toHaveValue(javaScriptEnabled ? "7" : "8");
  await open(page, "/", javaScriptEnabled);
  const card = page.locator("article", { hasText: "Timetable Calendar" });
  await expect(card.locator(".price")).toHaveText(`$${newPrice}`);
  await expect(card.locator(".stock")).toHaveText(javaScriptEnabled ? "7 in stock" : "8 in stock");
});

test("an admin uploads an image that the shop shows, and a text file is refused", async ({ page, javaScriptEnabled }) => {
  await signInAsAdmin(page, javaScriptEnabled);
  const file = page.getByLabel("Image of Oilskin Hat");
  await file.setInputFiles({ name: "notes.png", mimeType: "image/png", buffer: Buffer.from("just some text") });
  await page.locator("tr", { has: file }).getByRole("button", { name: "Upload" }).click();
  await expect(file).toHaveAccessibleDescription("Choose a PNG, JPEG, WebP or GIF image.");
  await expect(file).toHaveAttribute("aria-invalid", "true");
  await file.setInputFiles({ name: "hat.png", mimeType: "image/png", buffer: PIXEL_PNG });
  await page.locator("tr", { has: file }).getByRole("button", { name: "Upload" }).click();
  await expect(page).toHaveURL(/\/admin$/);
  const thumb = page.locator("tr", { has: page.getByLabel("Image of Oilskin Hat") }).locator("img.thumb");
  await expect(thumb).toHaveAttribute("src", /^\/images\/[0-9a-f]{32}\.png$/);
  // Served with its type, the browser decodes it: one pixel wide.
  await expect.poll(() => thumb.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(1);
  const src = await thumb.getAttribute("src");
  await page.getByRole("link", { name: "Oilskin Hat" }).click();
  await expect(page.locator("img.product-image")).toHaveAttribute("src", src!);
});
