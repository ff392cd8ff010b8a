// ferry's edit loop in the page (see ferry::dev). Runs after Leptos's
// `patch` function, with reloadPort, protocol, statePath and eventsPath.
const KEPT = "ferry-dev-kept";
// Views of this page that cargo-leptos patched since it loaded, and
// whether any patch came at all (a rebuild without one is not markup).
const patched = new Set();
let patchSeen = false;
// Set by a patch the page cannot keep: one outside <body> (the shell's
// head), or one that moves nodes (copies lose their event listeners).
let mustReload = false;
let logic = null;
let stale = false;
let overlay = null;

const getState = () =>
  fetch(statePath, { cache: "no-store" }).then((r) => (r.ok ? r.json() : null)).catch(() => null);

getState().then((state) => {
  if (state && logic === null) logic = state.logic;
});

// What the user typed, which field had focus, and the scroll position,
// put back after a reload of the same address.
function keep() {
  const fields = [];
  document.querySelectorAll("input, textarea, select").forEach((field, index) => {
    const changed = field.type === "checkbox" || field.type === "radio"
      ? field.checked !== field.defaultChecked
      : field.tagName === "SELECT"
        ? [...field.options].some((o) => o.selected !== o.defaultSelected)
        : field.value !== field.defaultValue;
    if (changed && field.type !== "password" && field.type !== "file") {
      fields.push({ index, name: field.name, value: field.value, checked: field.checked });
    }
  });
  const all = [...document.querySelectorAll("input, textarea, select")];
  sessionStorage.setItem(KEPT, JSON.stringify({
    href: location.href, x: scrollX, y: scrollY, fields,
    focus: all.indexOf(document.activeElement),
  }));
}

function putBack() {
  const saved = sessionStorage.getItem(KEPT);
  sessionStorage.removeItem(KEPT);
  if (!saved) return;
  const kept = JSON.parse(saved);
  if (kept.href !== location.href) return;
  const all = [...document.querySelectorAll("input, textarea, select")];
  for (const { index, name, value, checked } of kept.fields) {
    const field = all[index];
    if (!field || field.name !== name) continue;
    if (field.type === "checkbox" || field.type === "radio") field.checked = checked;
    else field.value = value;
  }
  all[kept.focus]?.focus();
  scrollTo(kept.x, kept.y);
}

if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", putBack, { once: true });
} else {
  putBack();
}

function reload() {
  keep();
  location.reload();
}

// The nodes between a view's hot-reload markers, one list per instance,
// in `within` (the body, or the whole document).
function instances(root, id, within = root.body) {
  const walker = root.createTreeWalker(within, NodeFilter.SHOW_COMMENT);
  const found = [];
  let open = null;
  while (walker.nextNode()) {
    const text = walker.currentNode.textContent;
    if (text === `hot-reload|${id}|open`) open = walker.currentNode;
    else if (text === `hot-reload|${id}|close` && open) {
      const range = root.createRange();
      range.setStartAfter(open);
      range.setEndBefore(walker.currentNode);
      found.push(range.cloneContents());
      open = null;
    }
  }
  return found;
}

// A view's markup as text: elements, their attributes (but those a form
// sets while it runs) and the text, spaces collapsed.
function shape(fragment) {
  const out = [];
  const walk = (node) => {
    for (const child of node.childNodes) {
      if (child.nodeType === Node.TEXT_NODE) out.push(child.textContent);
      else if (child.nodeType === Node.ELEMENT_NODE) {
        const attrs = [...child.attributes]
          .filter((a) => a.name !== "aria-busy" && a.name !== "disabled")
          .map((a) => `${a.name}=${a.value}`).sort();
        out.push(`<${child.localName} ${attrs.join(" ")}>`);
        walk(child);
        out.push(`</${child.localName}>`);
      }
    }
  };
  walk(fragment);
  return out.join("").replace(/\s+/g, " ").trim();
}

// After a rebuild: keep the page if only markup changed (patched here, or
// in views this page does not show) and every view patched here now reads
// as the new server renders it; else reload.
async function rebuilt() {
  if (!patchSeen || mustReload) return reload();
  const state = await getState();
  if (!state || logic === null || state.logic !== logic) return reload();
  const response = await fetch(location.href, { cache: "no-store" }).catch(() => null);
  if (!response?.ok) return reload();
  const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
  for (const id of patched) {
    const live = instances(document, id);
    const served = instances(fresh, id);
    if (live.length !== served.length) return reload();
    if (live.some((view, i) => shape(view) !== shape(served[i]))) return reload();
  }
  patched.clear();
  patchSeen = false;
  stale = true;
  window.devLoopKept = (window.devLoopKept ?? 0) + 1;
  console.info("[ferry] markup patched in place; the next navigation loads the new code");
}

// Whether a patch moves existing nodes (leptos_hot_reload's `Path`).
const movesNodes = (value) => value !== null && typeof value === "object"
  && (Object.hasOwn(value, "Path") || Object.values(value).some(movesNodes));

// The page's WebAssembly predates the patch: follow links, and back and
// forward, in full.
addEventListener("popstate", () => {
  if (stale) location.reload();
});
document.addEventListener("click", (event) => {
  const link = event.target.closest?.("a[href]");
  if (!stale || !link || link.target || event.defaultPrevented || event.button !== 0) return;
  if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const url = new URL(link.href, location.href);
  if (url.origin !== location.origin) return;
  event.preventDefault();
  event.stopImmediatePropagation();
  location.assign(url);
}, true);

function swapStyle(css) {
  document.querySelectorAll("link").forEach((link) => {
    if (link.getAttribute("href")?.includes(css)) {
      link.setAttribute("href", `/${css}?version=${Date.now()}`);
    }
  });
}

function connect() {
  const scheme = location.protocol === "https:" ? "wss://" : protocol;
  const ws = new WebSocket(`${scheme}${location.hostname}:${reloadPort}/live_reload`);
  ws.onmessage = (event) => {
    const message = JSON.parse(event.data);
    if (message.css) swapStyle(message.css);
    if (message.view) {
      patchSeen = true;
      for (const [id, changes] of JSON.parse(message.view)) {
        if (changes.length === 0) continue;
        if (instances(document, id).length > 0) {
          patched.add(id);
          if (movesNodes(changes)) mustReload = true;
        } else if (instances(document, id, document).length > 0) {
          mustReload = true;
        }
      }
      patch(message.view);
    }
    if (message.all) {
      // Listen again at once: a stylesheet saved while the page decides
      // must still reach it.
      ws.onclose = null;
      connect();
      rebuilt().catch(reload);
    }
  };
  ws.onclose = () => setTimeout(connect, 500);
}
connect();

function showError(build) {
  overlay ??= document.createElement("ferry-build-error");
  const shadow = overlay.shadowRoot ?? overlay.attachShadow({ mode: "open" });
  const place = build.file ? `${build.file}${build.line ? `:${build.line}` : ""}` : "";
  shadow.innerHTML = `<style>
    :host { position: fixed; inset: 0; z-index: 2147483647; background: rgb(0 0 0 / .6);
      display: flex; align-items: flex-start; justify-content: center; padding: 4vh 2vw; }
    section { background: #1e1e1e; color: #eee; max-width: 960px; width: 100%; max-height: 90vh;
      overflow: auto; border-top: 4px solid #e5484d; border-radius: 6px; padding: 1rem 1.25rem;
      font: 14px/1.5 ui-monospace, SFMono-Regular, Menlo, monospace; }
    h2 { font-size: 16px; margin: 0 0 .25rem; color: #ff8589; }
    p { margin: 0 0 .75rem; color: #aaa; }
    pre { white-space: pre-wrap; margin: 0; }
    button { float: right; background: none; border: 1px solid #666; color: #eee; border-radius: 4px; cursor: pointer; }
  </style><section role="alertdialog" aria-labelledby="t">
    <button type="button" aria-label="Close">×</button>
    <h2 id="t">Build failed</h2><p></p><pre></pre></section>`;
  shadow.querySelector("p").textContent = place
    ? `${place} — the page comes back when the code compiles.`
    : "The page comes back when the code compiles.";
  shadow.querySelector("pre").textContent = build.output;
  shadow.querySelector("button").onclick = () => overlay.remove();
  if (!overlay.isConnected) document.documentElement.append(overlay);
}

// The build's state, streamed while the tab is visible (a browser opens
// few connections per host: hidden tabs give theirs back).
let events = null;
function listen() {
  if (document.hidden) {
    events?.close();
    events = null;
    return;
  }
  if (events) return;
  events = new EventSource(eventsPath);
  events.addEventListener("state", (event) => {
    const state = JSON.parse(event.data);
    // A failed build's message stays while the next one builds.
    if (state.build.status === "failed") showError(state.build);
    else if (state.build.status === "ok") overlay?.remove();
  });
}
document.addEventListener("visibilitychange", listen);
listen();
