// Every browser test runs with these: it fails on any error or warning in
// the browser's console and on any uncaught exception, so a page that logs
// one cannot pass. A test that provokes a refusal on purpose declares its
// status (`consoleWatch.allow(422)`): Chromium logs every failed load,
// a refused call's included, as a console error.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test as base, expect, type ConsoleMessage } from "@playwright/test";

export { expect };

/** Whether the suite runs against an islands build: only the islands
 * hydrate. `E2E_MODEL` (`islands` or
 * `hydrate`) says which; without it, the app's own model (an app generated
 * with islands has `features = ["islands"]` in its cargo-leptos metadata). */
const cargoToml = readFileSync(join(__dirname, "..", "..", "Cargo.toml"), "utf8");
export const islands = (process.env.E2E_MODEL ?? (/^features = \["islands"\]/m.test(cargoToml) ? "islands" : "hydrate")) === "islands";

export type ConsoleWatch = {
  /** Lets the console report failed loads with this HTTP status. */
  allow(status: number): void;
};

export const test = base.extend<{ consoleWatch: ConsoleWatch }>({
  consoleWatch: [
    async ({ page }, use) => {
      const problems: string[] = [];
      const allowed = new Set<number>();
      const declared = (message: ConsoleMessage) => {
        const status = message.text().match(/status of (\d{3})/);
        return status !== null && allowed.has(Number(status[1]));
      };
      page.on("console", (message) => {
        if (message.type() !== "error" && message.type() !== "warning") return;
        if (declared(message)) return;
        problems.push(`${message.type()}: ${message.text()} at ${message.location().url}`);
      });
      page.on("pageerror", (error) => problems.push(`uncaught: ${error.message}`));
      await use({ allow: (status) => allowed.add(status) });
      expect(problems, "the browser's console had errors or warnings").toEqual([]);
    },
    { auto: true },
  ],
});
