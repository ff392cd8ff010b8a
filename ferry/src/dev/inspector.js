// ferry's call inspector (see ferry::dev): every server-function call the
// page makes, joined to what the server logged for it. Runs after reload.js,
// with callsPath (null without ferry's `logging` feature). The page's debug
// WebAssembly tells it about calls through window.__ferryInspector.record.
const STORE = "ferry-inspector";
const calls = new Map();
const queries = new Map();
const changes = new Map();
const opened = new Set();
let lastSubmit = null;
let saved = {};
try { saved = JSON.parse(localStorage.getItem(STORE)) ?? {}; } catch { saved = {}; }
const view = { open: saved.open === true, tab: saved.tab === "queries" ? "queries" : "calls" };

const remember = () => localStorage.setItem(STORE, JSON.stringify(view));

// A mutation that starts just after a form was submitted to its endpoint
// was made by that form; any other, by an event handler.
document.addEventListener("submit", (event) => {
  const action = event.target.getAttribute?.("action");
  if (action) lastSubmit = { path: new URL(action, location.href).pathname, at: performance.now() };
}, true);

function kindOf(message) {
  if (message.client !== "mutation") return "read";
  const fromForm = lastSubmit && lastSubmit.path === message.path
    && performance.now() - lastSubmit.at < 2000;
  if (fromForm) lastSubmit = null;
  return fromForm ? "form" : "handler";
}

const handlers = {
  start(m) {
    calls.set(m.id, { ...m, kind: kindOf(m), started: performance.now(), at: new Date(), inline: [] });
    const query = queries.get(m.query);
    if (query) Object.assign(query, { read: m.path, args: m.args });
  },
  finish(m) {
    const call = calls.get(m.id);
    if (!call) return;
    Object.assign(call, m, { ms: performance.now() - call.started });
    const query = queries.get(call.query);
    if (query) Object.assign(query, { fetched: new Date(), how: "network", status: m.status });
    if (m.requestId) serverSide(call, 0);
  },
  inline(m) {
    calls.set(m.id, { ...m, kind: "inline", at: new Date(), ms: 0, inline: [] });
    calls.get(m.cause)?.inline.push(m.id);
    const query = queries.get(m.query);
    if (query) Object.assign(query, { read: m.path, args: m.args, fetched: new Date(), how: "inline", status: m.status });
  },
  refetch(m) {
    const call = calls.get(m.id);
    if (call) call.refetched = m.queries;
  },
  query(m) { queries.set(m.query, { id: m.query, tags: m.tags }); },
  reads(m) {
    const query = queries.get(m.query);
    if (query) Object.assign(query, { read: m.path, args: m.args });
  },
  "query-gone"(m) { queries.delete(m.query); },
  value(m) {
    const query = queries.get(m.query);
    if (query) query.value = m.value;
  },
  optimistic(m) { changes.set(m.id, { query: m.query, kept: null }); },
  settled(m) {
    const change = changes.get(m.id);
    if (change) change.kept = m.kept;
  },
};

// The latest calls only: a page left open for a day stays light.
const KEPT_CALLS = 300;

window.__ferryInspector = {
  record(text) {
    const message = JSON.parse(text);
    handlers[message.type]?.(message);
    while (calls.size > KEPT_CALLS) calls.delete(calls.keys().next().value);
    draw();
  },
};

// The server's lines and span times for a call, by its request id; the
// request's span closes once its answer is sent, so look again shortly.
async function serverSide(call, tries) {
  if (!callsPath) return;
  await new Promise((done) => setTimeout(done, 100 * (tries + 1)));
  const response = await fetch(callsPath + encodeURIComponent(call.requestId), { cache: "no-store" })
    .catch(() => null);
  const log = response?.ok ? await response.json() : null;
  const span = log?.entries.find((e) => e.kind === "span" && e.name === "request");
  if (log) call.log = log;
  if (span) call.serverMs = span.ms;
  else if (tries < 4) return serverSide(call, tries + 1);
  else call.log ??= { missing: true, entries: [] };
  draw();
}

// --- drawing -----------------------------------------------------------
const host = document.createElement("ferry-inspector");
const root = host.attachShadow({ mode: "open" });
root.innerHTML = `<style>
  [hidden] { display: none !important; }
  :host { all: initial; font: 12px/1.45 ui-monospace, SFMono-Regular, Menlo, monospace; color: #e6e6e6; }
  .corner { position: fixed; right: 12px; bottom: 12px; z-index: 2147483646; background: #1f2933; color: #e6e6e6;
    border: 1px solid #52606d; border-radius: 999px; padding: 4px 10px; cursor: pointer; font: inherit; }
  .corner.failed { border-color: #e5484d; }
  section { position: fixed; left: 0; right: 0; bottom: 0; height: 42vh; z-index: 2147483646; background: #111820;
    border-top: 2px solid #3e7bfa; display: flex; flex-direction: column; }
  header { display: flex; gap: 6px; align-items: center; padding: 4px 8px; background: #1f2933; }
  header button { background: none; color: inherit; border: 1px solid transparent; border-radius: 4px; cursor: pointer; font: inherit; }
  header button[aria-selected=true] { border-color: #3e7bfa; }
  header .grow { flex: 1; color: #9aa5b1; }
  .body { flex: 1; overflow: auto; }
  ol, table { margin: 0; padding: 0; }
  ol { list-style: none; }
  li { border-bottom: 1px solid #243140; }
  summary { cursor: pointer; padding: 3px 8px; display: grid; grid-template-columns: 5.5em 1fr 3.5em 20em; gap: 8px; }
  .kind { color: #9aa5b1; } .ok { color: #7ee2a8; } .bad { color: #ff8589; }
  dl { margin: 0 8px 6px 6.2em; display: grid; grid-template-columns: 9em 1fr; gap: 1px 8px; }
  dt { color: #9aa5b1; } dd { margin: 0; white-space: pre-wrap; word-break: break-word; }
  table { display: block; border-collapse: collapse; } td, th { text-align: left; padding: 3px 8px; vertical-align: top; border-bottom: 1px solid #243140; }
  .empty { padding: 8px; color: #9aa5b1; }
</style><button class="corner" type="button" title="Server calls (Alt+Shift+F)">ferry</button>
<section hidden aria-label="ferry inspector"><header>
  <button type="button" data-tab="calls">Calls</button><button type="button" data-tab="queries">Live queries</button>
  <span class="grow">Alt+Shift+F</span><button type="button" data-act="clear">Clear</button>
  <button type="button" data-act="close" aria-label="Close">×</button>
</header><div class="body"></div></section>`;
const corner = root.querySelector(".corner");
const panel = root.querySelector("section");
const body = root.querySelector(".body");

function toggle(open = !view.open) {
  view.open = open;
  remember();
  draw();
}
corner.onclick = () => toggle(true);
root.querySelector("[data-act=close]").onclick = () => toggle(false);
root.querySelector("[data-act=clear]").onclick = () => { calls.clear(); draw(); };
root.querySelectorAll("[data-tab]").forEach((tab) => {
  tab.onclick = () => { view.tab = tab.dataset.tab; remember(); draw(); };
});
document.addEventListener("keydown", (event) => {
  if (event.altKey && event.shiftKey && event.code === "KeyF") {
    event.preventDefault();
    toggle();
  }
});

const el = (tag, attrs = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value !== undefined && value !== null) node.setAttribute(name, value);
  }
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
};
const ms = (value) => (value === undefined ? "…" : `${value < 10 ? value.toFixed(1) : Math.round(value)} ms`);
const argsText = (args) => (Array.isArray(args)
  ? args.map(([name, value]) => `${name} = ${value}`).join("\n") || "(none)"
  : String(args ?? ""));
const queryName = (id) => {
  const query = queries.get(id);
  return query ? `[${query.tags.join(", ")}]${query.read ? ` ← ${query.read}` : ""}` : `query ${id} (gone)`;
};

// The error as the page got it: ferry's error body, else the text.
function errorText(call) {
  if (!call.status || call.status < 400) return null;
  try {
    const error = JSON.parse(call.body);
    if (error.kind === "invalid") {
      return `please correct:\n${Object.entries(error.fields).map(([f, m]) => `  ${f}: ${m}`).join("\n")}`;
    }
    return `${error.kind}: ${error.message ?? error.what ?? JSON.stringify(error)}`;
  } catch {
    return call.body ?? `status ${call.status}`;
  }
}

function serverText(call) {
  if (!callsPath) return "turn on ferry's `logging` feature to see the server's lines";
  if (!call.log) return call.requestId ? "…" : "no request id in the answer";
  if (call.log.missing) {
    return "the server kept nothing for this request: is its logging set up with ferry::logging::init_logging?";
  }
  const lines = call.log.entries.map((e) => (e.kind === "line"
    ? `${e.level.padEnd(5)} ${e.target}: ${e.text}`
    : `span ${e.name} ${ms(e.ms)}`));
  if (call.log.dropped) lines.push(`(${call.log.dropped} earlier lines not kept)`);
  return lines.join("\n");
}

function callItem(call) {
  const failed = call.status >= 400;
  const time = call.kind === "inline" ? "no request" : `browser ${ms(call.ms)} · server ${ms(call.serverMs)}`;
  const summary = el("summary", {},
    el("span", { class: "kind" }, call.kind),
    el("span", { class: "fn" }, call.path.replace(/^\/api\//, "")),
    el("span", { class: failed ? "status bad" : "status ok" }, String(call.status ?? "…")),
    el("span", { class: "time" }, time));
  const rows = [["endpoint", `POST ${call.path}`], ["arguments", argsText(call.args)]];
  if (call.kind === "inline") rows.push(["answered", `inline, in the answer to call ${call.cause}`]);
  if (call.status >= 400) rows.push(["revalidated", "nothing: a failed call changes nothing"]);
  else if (call.tags !== undefined) rows.push(["revalidated", call.tags || "nothing (no tags in the answer)"]);
  if (call.refetched?.length) rows.push(["refetched", call.refetched.map(queryName).join("\n")]);
  if (call.inline.length) {
    rows.push(["inline", call.inline.map((id) => calls.get(id)?.path ?? id).join("\n")]);
  }
  for (const id of call.optimistic ?? []) {
    const change = changes.get(id);
    const fate = change?.kept === null ? "pending" : change?.kept ? "kept" : "rolled back";
    rows.push(["optimistic", `on ${queryName(change?.query)}: ${fate}`]);
  }
  const error = errorText(call);
  if (error) rows.push(["error", error]);
  else if (call.body !== undefined && call.body !== null) rows.push(["returned", call.body]);
  if (call.kind !== "inline") rows.push(["server", serverText(call)]);
  const details = el("dl", {}, ...rows.flatMap(([name, value]) => [el("dt", {}, name), el("dd", {}, value)]));
  const item = el("details", opened.has(call.id) ? { open: "" } : {}, summary, details);
  item.ontoggle = () => (item.open ? opened.add(call.id) : opened.delete(call.id));
  return el("li", { class: "call", "data-kind": call.kind, "data-path": call.path, "data-status": call.status }, item);
}

function queryRow(query) {
  const fetched = query.fetched ? `${query.fetched.toLocaleTimeString()} (${query.how})` : "from the server's render";
  return el("tr", { class: "query" }, el("td", {}, query.tags.join(", ")),
    el("td", {}, query.read ? `${query.read}\n${argsText(query.args)}` : "…"),
    el("td", {}, fetched), el("td", {}, query.value ?? ""));
}

let pending = false;
function draw() {
  if (pending) return;
  pending = true;
  requestAnimationFrame(() => {
    pending = false;
    const list = [...calls.values()].reverse();
    corner.textContent = `ferry · ${calls.size} call${calls.size === 1 ? "" : "s"}`;
    corner.classList.toggle("failed", list.some((c) => c.status >= 400));
    corner.hidden = view.open;
    panel.hidden = !view.open;
    root.querySelectorAll("[data-tab]").forEach((tab) => tab.setAttribute("aria-selected", tab.dataset.tab === view.tab));
    if (!view.open) return;
    if (view.tab === "calls") {
      body.replaceChildren(list.length
        ? el("ol", {}, ...list.map(callItem))
        : el("p", { class: "empty" }, "No server calls since the page loaded."));
    } else {
      const header = el("tr", {}, ...["tags", "read", "last fetched", "shows"].map((h) => el("th", {}, h)));
      body.replaceChildren(el("table", {}, header, ...[...queries.values()].map(queryRow)));
    }
  });
}

const mount = () => { document.documentElement.append(host); draw(); };
if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", mount, { once: true });
else mount();
