#!/usr/bin/env bash
#! The benchmark suite, one command: `bench/run.sh`. Builds the release app
#! (precompressed assets), starts it on a fresh database, and measures, each
#! against a baseline from the same run:
#! - SSR of `/` (20 products) with wrk, 32 connections, 10 s: requests/s,
#!   p50, p99, and server CPU ms per request from /proc; twice: as a visitor
#!   without cookies gets it (the page cache's kept page) and as one with a
#!   cookie gets it (rendered every time). The baseline is the floor, a bare
#!   axum handler serving a static string of the page's size;
#! - the add-to-cart server function as a browser first calls it (form post,
#!   same origin, no cart yet), same figures (without the shop, the counter);
#!   then again as ferry's client sends it from a page that shows the cart,
#!   with the cart's fresh read answered inline, and the bytes of each answer;
#! - no lost updates: 2,000 add-to-cart calls at once for one cart must end
#!   with exactly 2,000 units (without the shop: 2,000 counter adds);
#! - first-load bytes of `/` as served (gzip and brotli): scripts, WASM and
#!   stylesheet, against the 130,000-byte gzip target, beside the Leptos
#!   floor below (no peer's page is measured here, so none is compared);
#! - the Leptos floor: the first-load bytes of the smallest Leptos app that
#!   routes, shows a query and posts a form (bench/leptos-floor.sh);
#! - time to interactive of `/` in Chromium with 4x CPU throttling on a
#!   Slow 3G network (bench/first-load.cjs), beside the same page served
#!   with no script;
#! - the islands client model built from the same commit (bench/islands.sh;
#!   BENCH_SKIP_ISLANDS=1 skips it): first-load bytes, time to interactive,
#!   server CPU of a rendered `/` and of an add with its fresh data, and the
#!   browser's requests for one add (bench/mutation.cjs), beside the same
#!   figures for full hydration;
#! - past capacity: with a bound of 64 requests in flight, the admitted
#!   requests' p50 and p99 at 32 and at 128 clients, and the refused ones;
#! - 3,000 connections that send half a request line: how many the server
#!   closed 7 s later (header-read-timeout 5 s), and a page's time meanwhile;
#! - resident memory before and right after those two runs;
#! - a soak of mixed reads and writes on a fresh process (BENCH_SOAK_SECONDS,
#!   default 120) after 30 s of warm-up: resident memory and open file
#!   descriptors at its end beside where they were after the warm-up;
#! - the dev loop (bench/devloop.sh; BENCH_SKIP_DEV_LOOP=1 skips it);
#! - kept `/`, rendered `/` and the server function again, through nginx to
#!   two processes on PostgreSQL (scripts/cluster.sh), beside the one
#!   process on SQLite, with the CPU time of the app, nginx and PostgreSQL
#!   (bench/cluster.sh; BENCH_SKIP_CLUSTER=1 skips it).
#! Prints one table and writes it, with a chart, to target/bench/ and into
#! bench/README.md (its "latest run"); then
#! checks each figure against the table's target and fails, naming every
#! one missed.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
. scripts/lib.sh
. bench/measure.sh
. bench/bursts.sh
. bench/cluster.sh
. bench/islands.sh
out=target/bench
rm -rf "$out" && mkdir -p "$out"
port=${BENCH_PORT:-3300}
addr="127.0.0.1:$port"
floor_addr="127.0.0.1:$((port + 1))"
duration=${BENCH_SECONDS:-10}
connections=32
# 2,000 connections at once need more file descriptors than the usual 1,024.
ulimit -n 16384 2>/dev/null || ulimit -n "$(ulimit -Hn)"

need_wrk
echo "bench: building the release app and the bench tools" >&2
cargo leptos build --release --split --precompress >"$out/build.log" 2>&1 || { tail -30 "$out/build.log"; exit 1; }
scripts/gzip-best.sh
cargo build --release --quiet -p bench
tools=target/release/bench
binary=$(release_binary)

LEPTOS_SITE_ADDR="$addr" LEPTOS_SITE_ROOT=target/site LEPTOS_ENV=PROD \
  DATABASE_URL="sqlite://$out/bench.db?mode=rwc" APP_RATE_LIMIT_PER_SECOND=0 APP_MAX_IN_FLIGHT_PER_CLIENT=0 APP_MAX_IN_FLIGHT=4096 \
  APP_SESSION_KEY=bench-only-0123456789abcdef0123456789abcdef RUST_LOG=warn \
  "$binary" >"$out/server.log" 2>&1 &
server=$!
trap 'kill $server ${floor:-} ${cluster:-} 2>/dev/null || true; wait 2>/dev/null || true' EXIT
wait_for "http://$addr/readyz" "bench: the server (log: $out/server.log)"

page_bytes=$(curl -s "http://$addr/" | wc -c)
"$tools" floor "$floor_addr" "$page_bytes" &
floor=$!
wait_for "http://$floor_addr/" "bench: the floor server"

echo "bench: SSR of / (kept, then rendered) and the floor, ${duration} s each" >&2
curl -s -o /dev/null "http://$addr/"
kept=$(curl -s -o /dev/null -w '%header{x-ferry-cache}' "http://$addr/")
load ssr "$server" "http://$addr/"
# Any cookie makes the page the visitor's own: rendered, never kept.
load rendered "$server" "http://$addr/" -H "Cookie: bench=1"
load floor "$floor" "http://$floor_addr/"
# The shop's add-to-cart, or the counter's add in an app without the shop.
if [ -d app/cart ]; then
  action=/api/cart/add action_body="product_id=3&quantity=1" action_name=add-to-cart
else
  action=/api/counter/add action_body="by=1" action_name="counter add"
fi
cat >"$out/action.lua" <<LUA
wrk.method = "POST"
wrk.body = "$action_body"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Accept"] = "application/json"
wrk.headers["Origin"] = "http://$addr"
LUA
echo "bench: the $action server function, ${duration} s" >&2
load action "$server" "http://$addr$action" -s "$out/action.lua"
# The same call as ferry's browser client makes it on a page that shows the
# cart: it lists the cart's read, and the response carries its fresh answer.
if [ -d app/cart ]; then
  held='[{"t":"cart","m":"POST","p":"/api/cart/get","b":"","c":"application/x-www-form-urlencoded"}]'
else
  held='[{"t":"counter","m":"POST","p":"/api/counter/get","b":"","c":"application/x-www-form-urlencoded"}]'
fi
held=$(printf '%s' "$held" | base64 -w0 | tr '+/' '-_' | tr -d '=')
sed '$a wrk.headers["x-ferry-queries"] = "'"$held"'"' "$out/action.lua" >"$out/inline.lua"
echo "bench: the same call with the page's read answered inline, ${duration} s" >&2
load inline "$server" "http://$addr$action" -s "$out/inline.lua"
response_bytes() {
  curl -s -o /dev/null -w '%{size_download}' -X POST --data "$action_body" \
    -H 'Content-Type: application/x-www-form-urlencoded' -H 'Accept: application/json' \
    -H "Origin: http://$addr" "$@" "http://$addr$action"
}
echo "$(response_bytes) $(response_bytes -H "x-ferry-queries: $held")" >"$out/response-bytes.txt"

echo "bench: 2,000 calls to $action at once" >&2
if [ -d app/cart ]; then
  read -r answered units < <(cart_burst)
else
  read -r answered units < <(counter_burst)
fi

echo "bench: first-load bytes of /" >&2
first_load "http://$addr" >"$out/bytes.txt"
echo "bench: what Leptos alone weighs (bench/leptos-floor)" >&2
bench/leptos-floor.sh >"$out/floor-bytes.txt"
echo "bench: time to interactive of / (Chromium, 4x CPU throttling, Slow 3G)" >&2
node bench/first-load.cjs "http://$addr" 3 >"$out/tti.txt"
html_bytes "http://$addr" >"$out/html.txt"
node bench/mutation.cjs "http://$addr" >"$out/mutation.txt"

kill "$server" 2>/dev/null || true
wait "$server" 2>/dev/null || true
if [ "${BENCH_SKIP_ISLANDS:-0}" != 1 ]; then
  echo "bench: the islands model, built from the same commit, and the same measures" >&2
  islands_run
fi
if [ "${BENCH_SKIP_CLUSTER:-0}" != 1 ]; then
  echo "bench: the same loads through nginx to two processes on PostgreSQL, ${duration} s each" >&2
  cluster_run
fi
# Past capacity: the same server with a bound of 64 requests in flight,
# loaded by 32 clients (the normal run's concurrency, where the machine is
# already saturated) and then by 128; then a soak of mixed reads and writes.
LEPTOS_SITE_ADDR="$addr" LEPTOS_SITE_ROOT=target/site LEPTOS_ENV=PROD \
  DATABASE_URL="sqlite://$out/bench.db?mode=rwc" APP_RATE_LIMIT_PER_SECOND=0 APP_MAX_IN_FLIGHT_PER_CLIENT=0 APP_MAX_IN_FLIGHT=64 \
  APP_HEADER_READ_TIMEOUT=5 \
  APP_SESSION_KEY=bench-only-0123456789abcdef0123456789abcdef RUST_LOG=warn \
  "$binary" >>"$out/server.log" 2>&1 &
server=$!
wait_for "http://$addr/readyz" "bench: the bounded server (log: $out/server.log)"
process_size "$server" >"$out/size-before-storms.txt"
echo "bench: past capacity: rendered / with 32, then 128 clients, ${duration} s each" >&2
"$tools" overload "$addr" / bench=1 32 "$duration" >"$out/overload-32.txt"
"$tools" overload "$addr" / bench=1 128 "$duration" >"$out/overload-128.txt"
echo "bench: 3,000 connections that never finish a request (header-read-timeout 5 s)" >&2
"$tools" stall "$addr" 3000 7 >"$out/stall.txt"
process_size "$server" >"$out/size-after-storms.txt"
# The soak runs on a fresh process, so it measures the steady load alone.
kill "$server" 2>/dev/null || true
wait "$server" 2>/dev/null || true
LEPTOS_SITE_ADDR="$addr" LEPTOS_SITE_ROOT=target/site LEPTOS_ENV=PROD \
  DATABASE_URL="sqlite://$out/bench.db?mode=rwc" APP_RATE_LIMIT_PER_SECOND=0 APP_MAX_IN_FLIGHT_PER_CLIENT=0 \
  APP_SESSION_KEY=bench-only-0123456789abcdef0123456789abcdef RUST_LOG=warn \
  "$binary" >>"$out/server.log" 2>&1 &
server=$!
wait_for "http://$addr/readyz" "bench: the soak's server (log: $out/server.log)"
echo "bench: soak, 30 s of warm-up then ${BENCH_SOAK_SECONDS:-120} s" >&2
soak "$server" "http://$addr" "${BENCH_SOAK_SECONDS:-120}" >"$out/soak.txt"

if [ "${BENCH_SKIP_DEV_LOOP:-0}" != 1 ]; then
  kill "$server" "$floor" 2>/dev/null || true
  echo "bench: the dev loop (cargo leptos watch)" >&2
  bench/devloop.sh >"$out/devloop.txt"
fi

report "$answered" "$units" "${kept:-}" | tee "$out/results.md"
chart >"$out/results.svg"
# bench/README.md shows this run's table as printed, so the figures the
# docs quote cannot drift from what the benchmark measured.
publish "$out/results.md" bench/README.md
# Last, so the table is printed and written whatever it says: the run fails
# when any figure misses its target, naming each.
targets "$answered" "$units" | tee -a "$out/results.md"
