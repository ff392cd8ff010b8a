#!/usr/bin/env bash
#! The islands client model beside full hydration, for bench/run.sh
#! (sourced): builds the islands variant of the same commit (`build_islands`
#! in scripts/lib.sh, production's profile), serves it on a fresh database,
#! and measures what the two models do differently: first-load bytes of
#! `/` (the assets it loads by itself, those the first pointing at an
#! island loads, and the HTML, which carries the islands' props and the
#! loader), time to interactive, server CPU of a rendered `/` and of an
#! add as each model's client sends it (an islands add renders the page
#! again), the requests one add costs in the browser, and the Leptos floor
#! in each model (bench/leptos-floor.sh [--islands]). Expects $out,
#! $duration, $connections, $port, $addr, $action and $out/inline.lua from
#! run.sh.

# html_bytes BASE: the bytes of `/` gzipped (-9), as a compressing proxy
# would send it (the app compresses its assets ahead, not its pages).
html_bytes() {
  curl -s "$1/" | gzip -9 | wc -c
}

islands_run() {
  local site=target/islands/site iaddr="127.0.0.1:$((port + 2))" pid server
  server=$(build_islands "$out/islands-build.log" --precompress)
  scripts/gzip-best.sh "$site"
  LEPTOS_SITE_ADDR="$iaddr" LEPTOS_SITE_ROOT=$site LEPTOS_ENV=PROD \
    DATABASE_URL="sqlite://$out/islands.db?mode=rwc" APP_RATE_LIMIT_PER_SECOND=0 APP_MAX_IN_FLIGHT_PER_CLIENT=0 APP_MAX_IN_FLIGHT=4096 \
    APP_SESSION_KEY=bench-only-0123456789abcdef0123456789abcdef RUST_LOG=warn \
    "$server" >"$out/islands-server.log" 2>&1 &
  pid=$!
  wait_for "http://$iaddr/readyz" "bench: the islands server (log: $out/islands-server.log)"
  # What loads with the page, and what waits for the visitor's first
  # pointing at an island (ferry's islands template).
  first_load "http://$iaddr" now >"$out/islands-bytes.txt"
  first_load "http://$iaddr" later >"$out/islands-later-bytes.txt"
  html_bytes "http://$iaddr" >"$out/islands-html.txt"
  load islands-rendered "$pid" "http://$iaddr/" -H "Cookie: bench=1"
  # As an island's client sends the add: the cart's read held, and the
  # page named, so the answer brings `/` rendered again.
  sed -e "s|http://$addr\"|http://$iaddr\"|" \
    -e '$a wrk.headers["x-ferry-page"] = "/"' "$out/inline.lua" >"$out/islands-add.lua"
  load islands-add "$pid" "http://$iaddr$action" -s "$out/islands-add.lua"
  node bench/first-load.cjs "http://$iaddr" 3 >"$out/islands-tti.txt"
  node bench/mutation.cjs "http://$iaddr" >"$out/islands-mutation.txt"
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  # What Leptos alone weighs in this model: the floor's query and form as
  # one island.
  bench/leptos-floor.sh --islands >"$out/islands-floor-bytes.txt"
}

# gzip_bytes_in NAME: the gzip bytes of the assets listed in $out/NAME.txt.
gzip_bytes_in() { awk '{s += $2} END {print s + 0}' "$out/$1.txt"; }
# islands_first_load: the gzip bytes of the assets an islands `/` loads
# with no visitor action.
islands_first_load() { gzip_bytes_in islands-bytes; }

# islands_rows: the report's rows, islands beside full hydration.
islands_rows() {
  local islands full later
  islands=$(islands_first_load)
  later=$(gzip_bytes_in islands-later-bytes)
  full=$(sum_column 2)
  echo "| measure | islands | full hydration (same commit, same run) | ratio |"
  echo "|---|---|---|---|"
  echo "| first-load bytes of \`/\`, gzip: the assets it loads with no visitor action (islands: CSS, icon; full: WASM, JS, CSS, icon) | $islands | $full | $(pct "$islands" "$full") |"
  echo "| the assets the first pointing at an island loads (WASM, JS, the page patch's script is inline), gzip | $later | none: in the first load | |"
  echo "| bytes received with no visitor action, in Chromium, once the network is quiet (HTML and headers included) | $(field islands-tti 5) | $(field tti 5) | $(pct "$(field islands-tti 5)" "$(field tti 5)") |"
  echo "| the Leptos floor, gzip (WASM and JS: a query and a form; islands: as one island, full: on a route) | $(field islands-floor-bytes 2) | $(field floor-bytes 2) | $(pct "$(field islands-floor-bytes 2)" "$(field floor-bytes 2)") |"
  echo "| the HTML of \`/\`, gzip -9 (islands: their props, the loader, the waiting scripts) | $(cat "$out/islands-html.txt") | $(cat "$out/html.txt") | $(pct "$(cat "$out/islands-html.txt")" "$(cat "$out/html.txt")") |"
  echo "| 4x CPU, Slow 3G: the load event, ms (forms post from then on, with or without script) | $(field islands-tti 6) | $(field tti 6) | $(pct "$(field islands-tti 6)" "$(field tti 6)") |"
  echo "| the same: navigation to hydrated, the visitor pointing at an island as soon as the page is parsed, ms | $(field islands-tti 1) | $(field tti 1) (by itself) | $(pct "$(field islands-tti 1)" "$(field tti 1)") |"
  echo "| the same: pointing at an island once the page has loaded, to hydrated, ms | $(field islands-tti 7) | 0: hydrated by itself | |"
  echo "| rendered \`/\`: server CPU ms/request | $(field islands-rendered 4) | $(field rendered 4) | $(pct "$(field islands-rendered 4)" "$(field rendered 4)") |"
  echo "| $action_name with its fresh data, as each client sends it: server CPU ms/call (islands: \`/\` rendered again too) | $(field islands-add 4) | $(field inline 4) | $(pct "$(field islands-add 4)" "$(field inline 4)") |"
  echo "| the browser's requests for one quick add (bytes received) | $(field islands-mutation 1) ($(field islands-mutation 2)) | $(field mutation 1) ($(field mutation 2)) | |"
  echo "| failed requests (rendered / add) | $(field islands-rendered 6) / $(field islands-add 6) | | |"
}
