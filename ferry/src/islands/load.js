// ferry's islands loader: the page's WASM, its JS and the page patch wait
// in a <template id="ferry-islands"> until the visitor first points at,
// touches or focuses an island, and are started then. Until that moment
// the page is HTML whose forms post without script, as with JavaScript
// off. A click on a button that does nothing without script (type
// "button", or outside any form) made before the islands are live is run
// again once they are.
// A page with no island loads nothing and is marked live at once. The
// page's <html> carries `data-islands-deferred` meanwhile, so a stylesheet
// can show the controls that need script (their clicks will run).
(() => {
  document.documentElement.setAttribute("data-islands-deferred", "");
  const starters = ["pointerover", "pointerdown", "touchstart", "focusin"];
  const waiting = [];
  let started = false;
  const island = (event) => event.target.closest?.("leptos-island");
  const live = () => document.body?.hasAttribute("data-hydrated");

  // Leptos's islands script starts on the browser's next idle period
  // (requestIdleCallback, with no deadline), which may never come after a
  // click: headless Chromium skipped it in 3 runs of 4. The visitor is
  // waiting here, so it starts at once, with `window` in its module scope
  // saying there is no idle callback (every other name is the window's).
  const now = 'const window = new Proxy(globalThis, { has: (target, name) => name !== "requestIdleCallback" && Reflect.has(target, name) });\n';

  // The template's scripts, made anew: a script cloned from a template
  // would not run.
  const start = () => {
    started = true;
    for (const kind of starters) document.removeEventListener(kind, onStarter, true);
    const template = document.getElementById("ferry-islands");
    for (const node of template?.content.childNodes ?? []) {
      let copy = document.importNode(node, true);
      if (node.nodeName === "SCRIPT") {
        copy = document.createElement("script");
        for (const { name, value } of node.attributes) copy.setAttribute(name, value);
        copy.textContent = (node.type === "module" ? now : "") + node.textContent;
      }
      document.head.append(copy);
    }
  };
  const onStarter = (event) => {
    if (!started && island(event)) start();
  };
  // A button of type "button", or one outside any form, does nothing
  // without script: its click is kept for the islands.
  const onClick = (event) => {
    const button = event.target.closest?.("button");
    if (!button || (button.type !== "button" && button.form) || !island(event) || live()) return;
    if (!started) start();
    button.setAttribute("aria-busy", "true");
    waiting.push(button);
  };
  const replay = () => {
    document.removeEventListener("click", onClick, true);
    for (const button of waiting.splice(0)) {
      button.removeAttribute("aria-busy");
      if (button.isConnected) button.click();
    }
  };

  for (const kind of starters) document.addEventListener(kind, onStarter, { capture: true, passive: true });
  document.addEventListener("click", onClick, true);
  new MutationObserver((_, observer) => {
    if (!live()) return;
    observer.disconnect();
    replay();
  }).observe(document.documentElement, { subtree: true, attributes: true, attributeFilter: ["data-hydrated"] });
  document.addEventListener("DOMContentLoaded", () => {
    if (!document.querySelector("leptos-island")) document.body.setAttribute("data-hydrated", "true");
  });
})();
