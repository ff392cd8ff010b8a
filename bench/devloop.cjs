// The edit loop, as a developer lives it: starts `cargo leptos watch
// --hot-reload`, opens /counter in Chromium, types into the form and adds
// to the count, then times, from the moment a file is saved:
// - a markup edit (the counter's heading) until the open page shows it,
//   and whether the page kept its state (no reload, typed value, count);
//   (the check also edits a view the page does not show: page left alone)
// - a stylesheet edit until the page's computed style has it;
// - a logic edit (a server function's body) until the server serves it;
// - a server-only edit (the counter's SQL) until the server serves it, and
//   the floor: an edit to server/src/main.rs alone, compiled and linked;
// - a build error until the page shows it, and its fix until it is gone;
// - a start of `cargo leptos watch` with nothing to rebuild until the first
//   page is served.
// Each is the median of several edits. Every edit is undone on exit.
//
// Usage: node bench/devloop.cjs   (env DEVLOOP_PORT, DEVLOOP_RELOAD_PORT
// (a free one by default), DEVLOOP_EDITS,
// DEVLOOP_ONLY=edits for the server-side edits alone, with no browser: it
// prints logic s, server-only s, floor s; DEVLOOP_CHECK=1 for the test:
// each promise once, and the exit status says whether all held;
// DEVLOOP_FEATURES=islands for the islands client model)
// Prints one line: markup-visible s, kept (of n), style s, logic s,
// error-shown s, error-cleared s, cold-start s, the same markup edit
// served by the rebuilt server (what a reload would wait for), server-only
// s and floor s. Details go to stderr.
const fs = require("node:fs");
const path = require("node:path");
const { spawn } = require("node:child_process");
const net = require("node:net");
const { live } = require("./live.cjs");

const root = path.join(__dirname, "..");
const out = path.join(root, "target", "bench");
const port = Number(process.env.DEVLOOP_PORT ?? 3400);
const base = `http://127.0.0.1:${port}`;
// cargo-leptos's live-reload port: one of its own, found free (the port
// after the site's may be taken, by any connection's local end). Set by
// main before the first start.
let reloadPort = null;

// A local TCP port nobody listens on now.
function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer().once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port: free } = server.address();
      server.close(() => resolve(free));
    });
  });
}
const edits = Number(process.env.DEVLOOP_EDITS ?? 5);
// The counter's read: its SQL, wherever the layout keeps it (a server-only
// file), for the server-only edit.
const STORE_SQL = "SELECT value FROM counter WHERE id = 1";
function findSql(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      const found = findSql(file);
      if (found) return found;
    } else if (entry.name.endsWith(".rs") && fs.readFileSync(file, "utf8").includes(STORE_SQL)) {
      return file;
    }
  }
  return null;
}
const store = ["services", "app"].map((d) => path.join(root, d)).filter((d) => fs.existsSync(d))
  .map(findSql).find(Boolean);
if (!store) throw new Error(`devloop: no file under app or services has ${STORE_SQL}`);
const files = {
  view: path.join(root, "app/counter/src/views.rs"),
  logic: path.join(root, "app/counter/src/lib.rs"),
  style: path.join(root, "style/main.css"),
  shell: path.join(root, "app/src/shell.rs"),
  store,
  main: path.join(root, "server/src/main.rs"),
};
const originals = Object.fromEntries(Object.entries(files).map(([k, f]) => [k, fs.readFileSync(f, "utf8")]));
let watch = null;

const log = (...args) => console.error("devloop:", ...args);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const seconds = (ms) => (ms / 1000).toFixed(2);

function restore() {
  for (const [k, f] of Object.entries(files)) fs.writeFileSync(f, originals[k]);
}

// When cargo-leptos said what, on this clock: the logic edits' breakdown.
const said = [];
const MILESTONES = { "server built": /Cargo\S* finished.*--package=[\w-]*server/, "front built": /Finished.*for front/, serving: /Serving\S* at/ };

function start() {
  fs.mkdirSync(out, { recursive: true });
  const logFile = fs.createWriteStream(path.join(out, "watch.log"), { flags: "a" });
  // DEVLOOP_FEATURES=islands checks the loop in the islands client model.
  const features = process.env.DEVLOOP_FEATURES ? ["--features", process.env.DEVLOOP_FEATURES] : [];
  watch = spawn("cargo", ["leptos", "watch", "--hot-reload", ...features], {
    cwd: root,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
      LEPTOS_RELOAD_PORT: String(reloadPort),
      // Its own site folder: the release build's target/site stays as it is.
      LEPTOS_SITE_ROOT: "target/devloop-site",
      DATABASE_URL: `sqlite://${out}/devloop.db?mode=rwc`,
      RUST_LOG: "warn",
    },
  });
  for (const stream of [watch.stdout, watch.stderr]) {
    stream.on("data", (chunk) => {
      logFile.write(chunk);
      for (const [name, pattern] of Object.entries(MILESTONES)) {
        if (pattern.test(chunk.toString())) said.push({ name, at: Date.now() });
      }
    });
  }
}

// "server built 4.1, serving 4.6" for what cargo-leptos said since `started`.
function breakdown(started) {
  return said.filter((s) => s.at >= started)
    .map((s) => `${s.name} ${seconds(s.at - started)}`).join(", ");
}

async function stop() {
  if (!watch) return;
  try { process.kill(-watch.pid, "SIGTERM"); } catch {}
  const gone = new Promise((r) => watch.once("exit", r));
  await Promise.race([gone, sleep(10000)]);
  try { process.kill(-watch.pid, "SIGKILL"); } catch {}
  watch = null;
  await sleep(500);
}

// True once the counter page is served (the server is up) and shows the
// count of the original code: no seven-digit offset. A page that does not
// answer (the server restarting) is not the original code served.
async function originalServed() {
  const page = await html("/counter");
  return page.includes('data-testid="count"') && !/data-testid="count"[^>]*>\d{7}/.test(page);
}

async function html(url) {
  try {
    const response = await fetch(base + url, { cache: "no-store" });
    return response.ok ? await response.text() : "";
  } catch {
    return "";
  }
}

// Polls every 20 ms until test() holds; returns the milliseconds it took.
async function until(what, seconds, test) {
  const started = Date.now();
  while (!(await test())) {
    if (Date.now() - started > seconds * 1000) throw new Error(`timed out: ${what} (see ${out}/watch.log)`);
    if (watch && watch.exitCode !== null) throw new Error(`cargo leptos watch exited (see ${out}/watch.log)`);
    await sleep(20);
  }
  return Date.now() - started;
}

// The page as a developer left it: a value typed, the count moved.
const pageErrors = [];

async function openCounter(browser) {
  const page = await browser.newPage();
  page.on("pageerror", (err) => pageErrors.push(String(err)));
  await page.goto(base + "/counter");
  await live(page);
  await page.getByRole("button", { name: "Quick +1" }).click();
  await page.waitForFunction(() => !document.querySelector('[data-testid="saving"]').textContent.trim());
  await page.locator('input[name="by"]').fill("7");
  await page.evaluate(() => { window.__benchMark = 1; });
  return page;
}

// How many rebuilds the page's edit loop has decided to keep it through.
const keptCount = (page) => page.evaluate(() => window.devLoopKept ?? 0).catch(() => 0);

// Waits until the page keeps itself through the rebuild (true) or
// reloads (false), a minute at most.
async function decision(page, keptBefore) {
  await page.waitForFunction((n) => window.__benchMark === undefined || (window.devLoopKept ?? 0) > n,
    keptBefore, { timeout: 60000, polling: 50 }).catch(() => {});
  return (await keptCount(page)) > keptBefore;
}

async function pageState(page) {
  return page.evaluate(() => ({
    mark: window.__benchMark === 1,
    typed: document.querySelector('input[name="by"]').value,
    count: document.querySelector('[data-testid="count"]').textContent,
  }));
}

async function markupEdits(page, count = edits) {
  const times = [];
  const served = [];
  let kept = 0;
  for (let i = 1; i <= count; i++) {
    const before = await pageState(page);
    const keptBefore = await keptCount(page);
    const heading = `Counter ${i}${Date.now() % 1000}`;
    const started = Date.now();
    fs.writeFileSync(files.view, originals.view.replace('<h1>"Counter"</h1>', `<h1>"${heading}"</h1>`));
    await page.waitForFunction((h) => document.querySelector("h1")?.textContent === h, heading, { polling: "raf", timeout: 120000 });
    times.push(Date.now() - started);
    await until("the new heading served", 600, async () => (await html("/counter")).includes(heading));
    served.push(Date.now() - started);
    const decided = await decision(page, keptBefore);
    const after = await pageState(page).catch(() => ({}));
    const same = decided && after.mark && after.typed === before.typed && after.count === before.count;
    if (same) kept++;
    log(`markup edit ${i}: visible in ${seconds(times.at(-1))} s, served rebuilt in ${seconds(served.at(-1))} s, ${same ? "kept" : "reloaded"} (${JSON.stringify(after)})`);
    if (!after.mark) {
      await page.evaluate(() => { window.__benchMark = 1; });
      await page.locator('input[name="by"]').fill("7");
    }
  }
  return { visible: median(times), served: median(served), kept };
}

async function styleEdits(page, count = edits) {
  const times = [];
  for (let i = 1; i <= count; i++) {
    const spacing = `${10 + i}px`;
    const started = Date.now();
    fs.writeFileSync(files.style, `${originals.style}\nh1 { letter-spacing: ${spacing}; }\n`);
    await page.waitForFunction((s) => getComputedStyle(document.querySelector("h1")).letterSpacing === s, spacing, { polling: "raf", timeout: 60000 });
    times.push(Date.now() - started);
    log(`style edit ${i}: applied in ${seconds(times.at(-1))} s`);
    await sleep(1000);
  }
  fs.writeFileSync(files.style, originals.style);
  return median(times);
}

// The counter's read, `get_counter`: its body, one expression of type
// `Result<i64, _>` whatever the layout calls inside it, edited into
// `let value = body; Ok(value? + tail)`.
const LOGIC = /(pub async fn get_counter\(\)[^{]*\{\s*)(.+)(\n\})/;
const logicEdit = (tail) => originals.logic.replace(LOGIC,
  (_, head, body, end) => `${head}let value: Result<i64, ferry::Error> = ${body};\n    Ok(value?${tail})${end}`);

// Polls the counter page until its count is in [offset, offset + 1,000,000).
async function countServed(offset) {
  const count = (await html("/counter")).match(/data-testid="count"[^>]*>(-?\d+)/);
  return count && Number(count[1]) >= offset && Number(count[1]) < offset + 1000000;
}

// Saves `edited(offset)` into `file` a few times, each until the counter
// page shows the offset (served by the rebuilt server), then puts the file
// back. The median, in milliseconds.
async function countEdits(what, file, original, edited) {
  const times = [];
  const runs = Math.max(3, Math.ceil(edits / 2));
  for (let i = 1; i <= runs; i++) {
    const offset = i * 1000000;
    const started = Date.now();
    fs.writeFileSync(file, edited(offset));
    times.push(await until(`the ${what} served`, 600, () => countServed(offset)));
    log(`${what} ${i} (${path.relative(root, file)}): served in ${seconds(times.at(-1))} s (${breakdown(started)})`);
    await sleep(2000);
  }
  fs.writeFileSync(file, original);
  await until(`the ${what}'s file restored`, 600, originalServed);
  await sleep(2000);
  return median(times);
}

// A logic edit: the body of a server function.
async function logicEdits() {
  if (!LOGIC.test(originals.logic)) throw new Error(`devloop: ${files.logic} no longer has get_counter's one-line body`);
  return countEdits("logic edit", files.logic, originals.logic, (offset) => logicEdit(` + ${offset}`));
}

// An edit to server-only code (the counter's SQL): served once the server
// alone is rebuilt.
function serverOnlyEdits() {
  return countEdits("server-only edit", files.store, originals.store,
    (offset) => originals.store.replace(STORE_SQL, STORE_SQL.replace("value", `value + ${offset}`)));
}

// The floor: an edit to the binary's own file (server/src/main.rs), served
// once that one file is compiled again and linked. A string the binary
// holds changes (a comment would leave the binary as it was, and
// cargo-leptos restarts the server only for a new one).
const FLOOR = '"listening on http://{}"';

async function floorEdits() {
  if (!originals.main.includes(FLOOR)) throw new Error(`devloop: ${files.main} no longer has ${FLOOR}`);
  const times = [];
  const runs = Math.max(3, Math.ceil(edits / 2));
  for (let i = 1; i <= runs; i++) {
    const started = Date.now();
    fs.writeFileSync(files.main, originals.main.replace(FLOOR, `"listening (edit ${started}) on http://{}"`));
    await until("the floor edit built", 600, async () => said.some((s) => s.name === "serving" && s.at >= started));
    await until("the floor edit served", 600, async () => (await html("/counter")).includes('data-testid="count"'));
    times.push(Date.now() - started);
    log(`floor edit ${i} (server/src/main.rs): served in ${seconds(times.at(-1))} s (${breakdown(started)})`);
    await sleep(2000);
  }
  fs.writeFileSync(files.main, originals.main);
  return median(times);
}

async function buildError(browser) {
  const page = await openCounter(browser);
  const started = Date.now();
  fs.writeFileSync(files.logic, logicEdit(' + "one"'));
  await page.waitForSelector("ferry-build-error", { state: "attached", timeout: 600000 });
  const shown = Date.now() - started;
  const text = await page.evaluate(() => document.querySelector("ferry-build-error").shadowRoot.textContent);
  if (!text.includes("app/counter/src/lib.rs")) throw new Error(`the error overlay does not name the file: ${text}`);
  log(`build error: shown in ${seconds(shown)} s`);
  const fixed = Date.now();
  fs.writeFileSync(files.logic, originals.logic);
  await page.waitForSelector("ferry-build-error", { state: "detached", timeout: 600000 });
  const cleared = Date.now() - fixed;
  log(`build error: cleared ${seconds(cleared)} s after the fix`);
  await until("the fixed build served", 600, async () => (await html("/counter")).includes('data-testid="count"'));
  await page.close();
  return { shown, cleared };
}

// A markup edit to a view the open page does not show (the 404 page): the
// page is left alone.
async function otherViewEdit(page) {
  const text = `Page not found ${Date.now() % 100000}`;
  const keptBefore = await keptCount(page);
  if (!originals.shell.includes('"Page not found"')) throw new Error("devloop: shell.rs no longer says \"Page not found\"");
  fs.writeFileSync(files.shell, originals.shell.replace('"Page not found"', `"${text}"`));
  await until("the 404 page's edit served", 600, async () => {
    const response = await fetch(`${base}/no-such-page`).catch(() => null);
    return response && (await response.text()).includes(text);
  });
  const decided = await decision(page, keptBefore);
  const after = await pageState(page).catch(() => ({}));
  const keptAgain = await keptCount(page);
  fs.writeFileSync(files.shell, originals.shell);
  await until("the 404 page restored", 600, async () => {
    const response = await fetch(`${base}/no-such-page`).catch(() => null);
    return response && !(await response.text()).includes(text);
  });
  await decision(page, keptAgain);
  log(`markup edit elsewhere: ${decided && after.mark ? "page kept" : "page reloaded"}`);
  return decided && after.mark === true;
}

// A logic edit with the page open: the page reloads by itself, shows the
// new code, and has the typed value back.
async function logicReload(browser) {
  const page = await openCounter(browser);
  const offset = 9000000;
  fs.writeFileSync(files.logic, logicEdit(` + ${offset}`));
  // The reloaded page's islands wait for a visitor: point at one meanwhile.
  await page.waitForFunction((offset) => {
    if (window.__benchMark !== undefined) return false;
    if (!document.body?.hasAttribute("data-hydrated")) {
      document.querySelector("leptos-island")?.dispatchEvent(new PointerEvent("pointerover", { bubbles: true }));
      return false;
    }
    return Number(document.querySelector('[data-testid="count"]')?.textContent) >= offset;
  }, offset, { timeout: 600000, polling: 100 });
  const after = await pageState(page);
  log(`logic edit with the page open: reloaded, typed value ${JSON.stringify(after.typed)}`);
  fs.writeFileSync(files.logic, originals.logic);
  await until("the restored code served", 600, originalServed);
  await page.close();
  return after.typed === "7";
}

// The server's side of a call, by its request id, as the page's tools
// read it: the call's log line and its span.
async function callLog() {
  const id = `devloop-${Date.now()}`;
  const called = await fetch(`${base}/api/counter/get`, {
    method: "POST",
    headers: { "x-request-id": id, "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
    body: "",
  });
  if (!called.ok) throw new Error(`devloop: counter/get answered ${called.status}`);
  const logged = await fetch(`${base}/_ferry/dev/calls/${id}`);
  if (!logged.ok) throw new Error(`devloop: the server kept nothing for request ${id} (${logged.status})`);
  const { entries } = await logged.json();
  const line = entries.some((e) => e.kind === "line" && e.text === "server function call");
  const span = entries.some((e) => e.kind === "span" && e.name === "server_fn");
  log(`server's side of a call: ${entries.length} entries kept under its request id`);
  return line && span;
}

// The call inspector in the page: a quick add with its tag, status, server
// time and a server log line, the read its answer brought inline, and a
// refused add with its field error and rolled-back change. Returns what
// failed.
async function inspectorCheck(browser) {
  const failures = [];
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on("pageerror", (err) => pageErrors.push(String(err)));
  // The inspector's hooks must not make the page warn: only ferry's own
  // call lines and the browser's note of the refused add's 422 are expected.
  page.on("console", (message) => {
    const text = message.text();
    if (!["warning", "error"].includes(message.type())) return;
    if (text.startsWith("ferry: ") || text.startsWith("Failed to load resource")) return;
    failures.push(`the page said: ${text.slice(0, 300)}`);
  });
  await page.goto(base + "/products/7");
  await live(page);
  const panel = page.locator("ferry-inspector section");
  if (await panel.isVisible()) failures.push("the inspector was open before anyone opened it");
  await page.keyboard.press("Alt+Shift+KeyF");
  await panel.waitFor({ state: "visible", timeout: 5000 });
  await page.getByRole("button", { name: "Quick add" }).click();
  const add = panel.locator('li.call[data-kind="handler"][data-path="/api/cart/add"][data-status="200"]');
  await add.waitFor({ timeout: 10000 });
  await add.locator("summary").click();
  const text = async (locator, pattern) => {
    try {
      await locator.filter({ hasText: pattern }).first().waitFor({ timeout: 5000 });
      return true;
    } catch {
      return false;
    }
  };
  if (!(await text(add, /revalidated\s*cart/))) failures.push("the quick add's tag is not in the inspector");
  if (!(await text(add, /server \d+(\.\d)? ms/))) failures.push("the quick add's server time is not in the inspector");
  if (!(await text(add, /INFO\s+\S+: server function call/))) failures.push("the quick add's server log line is not in the inspector");
  if (!(await text(add, /optimistic.*kept/))) failures.push("the quick add's optimistic change is not shown as kept");
  const inline = panel.locator('li.call[data-kind="inline"]');
  if (!(await text(inline, /answered\s*inline/))) failures.push("the read the quick add's answer brought is not marked inline");
  // A refused add: more than the stock, through the form.
  await page.getByLabel("Quantity").fill("99");
  await page.getByRole("button", { name: "Add to cart" }).click();
  const refused = panel.locator('li.call[data-kind="form"][data-path="/api/cart/add"][data-status="422"]');
  await refused.waitFor({ timeout: 10000 }).catch(() => failures.push("the refused add is not in the inspector as a form's call"));
  await refused.locator("summary").click().catch(() => {});
  // The field error as the page shows it beside the field.
  const shown = (await page.locator("form.add-to-cart .field-error").first().textContent({ timeout: 5000 }).catch(() => "")).trim();
  if (!shown || !(await text(refused, `quantity: ${shown}`))) failures.push(`the refused add's field error ("${shown}") is not in the inspector`);
  if (!(await text(refused, /optimistic.*rolled back/))) failures.push("the refused add's change is not shown as rolled back");
  // The README's picture of it (copied from here by hand when it changes).
  await add.locator("summary").click().catch(() => {});
  await page.screenshot({ path: path.join(out, "inspector.png") });
  await panel.getByRole("button", { name: "Live queries" }).click();
  if (!(await text(panel.locator("tr.query"), /cart/))) failures.push("the live queries tab does not list the cart's query");
  // Open stays open across a reload.
  await page.reload();
  await live(page);
  if (!(await panel.isVisible())) failures.push("the inspector did not stay open across a reload");
  await page.keyboard.press("Alt+Shift+KeyF");
  await page.close();
  log(`inspector: ${failures.length === 0 ? "quick add, inline read and refused add shown" : failures.join("; ")}`);
  return failures;
}

// DEVLOOP_CHECK=1: what the edit loop promises, once each, as a test.
async function check(browser) {
  const failures = [];
  if (!(await callLog())) failures.push("the server's log line and span of a call were not kept under its request id");
  if (fs.existsSync(path.join(root, "app", "cart"))) failures.push(...(await inspectorCheck(browser)));
  const page = await openCounter(browser);
  const markup = await markupEdits(page, 1);
  if (markup.kept !== 1) failures.push("a markup edit reloaded the page or lost its state");
  const style = await styleEdits(page, 1);
  if (!(style >= 0)) failures.push("a stylesheet edit was not applied");
  if (!(await pageState(page)).mark) failures.push("a stylesheet edit reloaded the page");
  if (!(await otherViewEdit(page))) failures.push("a markup edit to a view not on the page reloaded it");
  await page.close();
  if (!(await logicReload(browser))) failures.push("a logic edit's reload lost the typed value");
  await buildError(browser); // throws if the overlay does not show, name the file, or go
  for (const err of pageErrors) failures.push(`the page threw: ${err}`);
  for (const failure of failures) console.error(`devloop check: FAILED: ${failure}`);
  console.log(failures.length === 0 ? `devloop check: passed (markup kept, style applied, logic reloaded with the typed value back, build error shown and cleared)` : "devloop check: failed");
  return failures.length === 0;
}

async function coldStarts() {
  const times = [];
  for (let i = 1; i <= 3; i++) {
    await stop();
    const started = Date.now();
    start();
    times.push(await until("the first page after a start", 600, async () => (await html("/counter")).includes('data-testid="count"')));
    log(`start ${i}: first page in ${seconds(times.at(-1))} s`);
  }
  return median(times);
}

// cargo-leptos starts its file watcher only after the first build, once it
// has walked the whole tree (target/ included): an edit saved before then is
// never seen, and a watcher that failed to start sees none. Saves a rule no
// element matches into the stylesheet until cargo-leptos reports the new
// stylesheet (an unchanged one is not reported), then puts it back.
async function watcherLive() {
  const said = () => fs.readFileSync(path.join(out, "watch.log"), "utf8");
  // cargo-leptos goes on without its live-reload server when it cannot
  // listen: no page would ever hear of an edit.
  const reloadDead = () => {
    if (/Unable to bind TcpListener|Reload TCP port .* already in use/.test(said())) {
      throw new Error(`cargo leptos watch could not listen on its reload port ${reloadPort} (see ${out}/watch.log)`);
    }
  };
  reloadDead();
  const updates = () => (said().match(/updated style/g) ?? []).length;
  const started = Date.now();
  for (const [i, css] of [`${originals.style}\ndevloop-watch-probe { order: 1; }\n`, originals.style].entries()) {
    const before = updates();
    while (updates() === before) {
      if (Date.now() - started > 60000) throw new Error(`cargo leptos watch saw no saved file in 60 s: its watcher is not running (see ${out}/watch.log)`);
      fs.writeFileSync(files.style, i === 0 ? css.replace("order: 1", `order: ${Date.now() % 100000}`) : css);
      await sleep(1000);
    }
  }
  reloadDead();
  log(`file watcher live ${seconds(Date.now() - started)} s after the first page`);
}

// What cargo-leptos printed last, for a failure's message.
function watchLogTail(lines = 40) {
  try {
    return fs.readFileSync(path.join(out, "watch.log"), "utf8").split("\n").slice(-lines).join("\n");
  } catch {
    return "(no watch.log)";
  }
}

async function main() {
  for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => { restore(); process.exit(130); });
  fs.rmSync(path.join(out, "watch.log"), { force: true });
  // A fresh store each run: the inspector's check adds to a product's cart.
  for (const suffix of ["", "-wal", "-shm"]) fs.rmSync(path.join(out, `devloop.db${suffix}`), { force: true });
  reloadPort = Number(process.env.DEVLOOP_RELOAD_PORT ?? (await freePort()));
  start();
  log("waiting for the first build");
  await until("the first build", 2400, async () => (await html("/counter")).includes('data-testid="count"'));
  await watcherLive();
  if (process.env.DEVLOOP_ONLY === "edits") {
    try {
      const logic = await logicEdits();
      const serverOnly = await serverOnlyEdits();
      const floor = await floorEdits();
      console.log([seconds(logic), seconds(serverOnly), seconds(floor)].join(" "));
    } finally {
      restore();
      await stop();
    }
    return;
  }
  const { chromium } = require(path.join(root, "end2end", "node_modules", "@playwright/test"));
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
  });
  try {
    if (process.env.DEVLOOP_CHECK === "1") {
      process.exitCode = (await check(browser)) ? 0 : 1;
      return;
    }
    const page = await openCounter(browser);
    const markup = await markupEdits(page);
    const style = await styleEdits(page);
    await page.close();
    const logic = await logicEdits();
    const serverOnly = await serverOnlyEdits();
    const floor = await floorEdits();
    const error = await buildError(browser);
    restore();
    await sleep(3000);
    const cold = await coldStarts();
    console.log([seconds(markup.visible), `${markup.kept}/${edits}`, seconds(style), seconds(logic),
      seconds(error.shown), seconds(error.cleared), seconds(cold), seconds(markup.served),
      seconds(serverOnly), seconds(floor)].join(" "));
  } finally {
    restore();
    await browser.close();
    await stop();
  }
}

main().catch(async (err) => {
  restore();
  await stop();
  console.error(err);
  console.error(`devloop: the last lines cargo leptos watch printed:\n${watchLogTail()}`);
  process.exit(1);
});
