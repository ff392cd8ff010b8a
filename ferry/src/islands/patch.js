// ferry's page patch for islands builds: morphs the page into the one a
// mutation's answer brought (rendered again by the server after the call),
// keeping each island whose component and props did not change as it is,
// live, with what was typed in it; an island that changed or is new is
// hydrated afresh. Called by ferry's client with the page's HTML.
window.__ferryPatch = (html) => {
  const next = new DOMParser().parseFromString(html, "text/html").body;
  const key = (island) => `${island.dataset.component} ${island.dataset.props ?? ""}`;
  // Each unchanged island and its twin in the new page share an id for the
  // morph, so the morph pairs them whatever moved around them.
  const live = new Map();
  for (const island of document.body.querySelectorAll("leptos-island")) {
    const same = live.get(key(island)) ?? [];
    live.set(key(island), [...same, island]);
  }
  const paired = [];
  for (const island of next.querySelectorAll("leptos-island")) {
    const twin = live.get(key(island))?.shift();
    if (!twin) continue;
    const id = `ferry-island-${paired.length}`;
    twin.id = island.id = id;
    paired.push(twin);
  }
  const fresh = new Set();
  const found = (node) => {
    if (node.nodeName === "LEPTOS-ISLAND") fresh.add(node);
    for (const island of node.querySelectorAll?.("leptos-island") ?? []) fresh.add(island);
  };
  Idiomorph.morph(document.body, [...next.childNodes], {
    morphStyle: "innerHTML",
    ignoreActiveValue: true,
    callbacks: {
      beforeNodeMorphed(old, now) {
        if (old.nodeName !== "LEPTOS-ISLAND") return true;
        if (paired.includes(old)) return false; // unchanged: kept live
        const replacement = document.importNode(now, true);
        old.replaceWith(replacement);
        found(replacement);
        return false;
      },
      afterNodeAdded: found,
    },
  });
  for (const island of paired) island.removeAttribute("id");
  // The outermost new islands only: hydrating one hydrates those inside it.
  for (const island of fresh) {
    const outer = island.parentElement?.closest("leptos-island");
    if (island.isConnected && !fresh.has(outer)) window.__hydrateIsland?.(island, island.dataset.component);
  }
};
