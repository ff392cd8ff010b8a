// Browser tests against the release server, in Debian's chromium, twice:
// once with JavaScript (hydrated app) and once without (plain HTML forms).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { defineConfig } from "@playwright/test";

const port = Number(process.env.E2E_PORT ?? 3100);
// E2E_BASE_URL points the suite at an app already running, on a fresh
// database (scripts/cluster-check.sh: nginx in front of two processes on
// PostgreSQL); without it, the suite starts the release server below.
const external = process.env.E2E_BASE_URL;
const baseURL = external ?? `http://127.0.0.1:${port}`;

// Every run starts the server on a fresh database (migrations and seed
// data), so the stock the tests see does not depend on earlier runs. The
// reset belongs to the server's start command: Playwright evaluates this
// file again in each worker, while the server is running.
const database = "target/e2e/app.db";
const uploads = "target/e2e/uploads";

// The release binary: cargo-leptos's `bin-target`, named for the app, and
// its site; E2E_SERVER and E2E_SITE_ROOT name another build's (the islands
// build's, in a target folder of its own).
const cargoToml = readFileSync(join(__dirname, "..", "Cargo.toml"), "utf8");
const binary = cargoToml.match(/^bin-target = "(.*)"/m)?.[1] ?? "server";
const server = process.env.E2E_SERVER ?? `target/release/${binary}`;
const siteRoot = process.env.E2E_SITE_ROOT ?? "target/site";

// Playwright cannot download a browser here; Debian's chromium is used instead.
const launchOptions = {
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
};

export default defineConfig({
  testDir: "./tests",
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  retries: 0,
  reporter: [["list"]],
  use: { baseURL, trace: "retain-on-failure" },
  projects: [
    { name: "js", use: { javaScriptEnabled: true, launchOptions } },
    { name: "no-js", use: { javaScriptEnabled: false, launchOptions } },
  ],
  // The release server built by `cargo leptos build --release`, on its own port.
  webServer: external ? undefined : {
    command: `mkdir -p target/e2e && rm -rf ${database} ${database}-wal ${database}-shm ${uploads} && exec ${server}`,
    cwd: "..",
    url: `${baseURL}/`,
    timeout: 60_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
    env: {
      LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
      LEPTOS_SITE_ROOT: siteRoot,
      LEPTOS_ENV: "PROD",
      // Production mode needs a session key; this one exists only for tests.
      APP_SESSION_KEY: "end-to-end-tests-only-0123456789abcdef0123456789abcdef",
      DATABASE_URL: `sqlite://${database}`,
      APP_UPLOADS_DIR: uploads,
      RUST_LOG: "warn",
    },
  },
});
