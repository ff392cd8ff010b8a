#!/usr/bin/env bash
#! Measuring helpers for bench/run.sh (sourced): load with wrk, CPU time
#! from /proc, first-load bytes as served, and the report and chart.
#! Expects $out, $duration, $connections and $action_name.

need_wrk() {
  command -v wrk >/dev/null && return 0
  echo "bench: installing wrk (Debian)" >&2
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq wrk >/dev/null
}

# User plus system CPU time of a process, in clock ticks.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# load NAME PID URL [wrk options]: runs wrk and writes NAME.txt with
# requests/s, p50 ms, p99 ms, server CPU ms per request, requests, errors.
load() {
  local name=$1 pid=$2 url=$3
  shift 3
  local before after
  before=$(cpu_ticks "$pid")
  wrk -t2 -c"$connections" -d"${duration}s" --latency "$@" "$url" >"$out/$name.wrk"
  after=$(cpu_ticks "$pid")
  awk -v ticks=$((after - before)) -v hz="$(getconf CLK_TCK)" '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; return v * 1000 }
    $1 == "50%" { p50 = ms($2) }
    $1 == "99%" { p99 = ms($2) }
    /requests in/ { requests = $1 }
    /^Requests\/sec:/ { rps = $2 }
    /Non-2xx or 3xx responses:/ { errors += $NF }
    /Socket errors:/ { errors += $4 + $6 + $8 + $10 }
    END { printf "%.0f %.2f %.2f %.3f %d %d\n", rps, p50, p99, ticks * 1000 / hz / requests, requests, errors }
  ' "$out/$name.wrk" >"$out/$name.txt"
}

# first_load BASE [PART]: one line per asset `/` loads: path, gzip bytes,
# brotli bytes, as the server sends them (and the encodings it used). The
# assets are those the page names (stylesheet, icon, scripts, WASM) and
# the modules its scripts import (the split loader); PART as page_part's.
first_load() {
  local base=$1 path gz br
  for path in $(first_load_paths "$base" "${2:-all}"); do
    gz=$(curl -s -H 'Accept-Encoding: gzip' -o /dev/null -w '%{size_download} %header{content-encoding}' "$base$path")
    br=$(curl -s -H 'Accept-Encoding: br' -o /dev/null -w '%{size_download} %header{content-encoding}' "$base$path")
    echo "$path ${gz% *} ${br% *} ${gz#* }/${br#* }"
  done
}

field() { awk -v n="$2" '{print $n}' "$out/$1.txt"; }
pct() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0f %%", 100 * a / b }'; }
# first_load_bytes_of REGEX: the gzip bytes of the first-load assets whose
# path matches REGEX.
first_load_bytes_of() { awk -v re="$1" '$1 ~ re {s += $2} END {print s + 0}' "$out/bytes.txt"; }
sum_column() { awk -v n="$1" '{s += $n} END {print s + 0}' "$out/bytes.txt"; }
# edit_target SECONDS FLOOR: a dev-loop target set for the machine the
# layout work measured on (a Xeon, where an edit to server/src/main.rs
# alone, compiled and linked, is served in 1.9 s), scaled to this one by
# the same edit's time in this run: machines here differ by up to 2x.
edit_target() { awk -v s="$1" -v f="$2" 'BEGIN { printf "%.1f", s * f / 1.9 }'; }

# page_part BASE PART: the HTML of `/`, `all` of it; for an islands page
# whose code waits for the visitor (ferry's islands template), `now` is
# what loads with the page (outside the template) and `later` what the
# first interaction loads (inside it).
page_part() {
  local html
  html=$(curl -s "$1/")
  case $2 in
    now) perl -0pe 's|<template id="ferry-islands">.*?</template><script|<script|s' <<<"$html" ;;
    later) perl -0ne 'print $1 if m|<template id="ferry-islands">(.*?)</template><script|s' <<<"$html" ;;
    *) printf '%s\n' "$html" ;;
  esac
}

# first_load_paths BASE [PART]: the paths of the assets `/` names (PART as
# page_part's), and of the modules its scripts import from beside them.
first_load_paths() {
  local base=$1 paths script
  paths=$(page_part "$base" "${2:-all}" | grep -oE '(href|src)="/[^"]+\.(css|svg|ico|js|wasm)"' | cut -d'"' -f2 | sort -u)
  for script in $(grep -E '\.js$' <<<"$paths"); do
    curl -s "$base$script" | grep -oE 'from ?"\./[^"]+\.js"' | cut -d'"' -f2 | sed "s|^\./|${script%/*}/|"
  done | cat - <(echo "$paths") | sort -u
}

# process_size PID: resident memory in KiB and open file descriptors.
process_size() {
  echo "$(awk '/^VmRSS:/ {print $2}' "/proc/$1/status") $(ls "/proc/$1/fd" | wc -l)"
}

# soak PID BASE SECONDS: mixed reads and writes with wrk, 30 s of warm-up
# then SECONDS more, as one visitor with a cart: the page rendered for them,
# and an add then a removal of one product in turn, so the data stays the
# same size and any growth is the server's own. Prints the process's size
# after the warm-up and at the end (RSS KiB, fds, each), the soak's
# requests/s and SECONDS.
soak() {
  local pid=$1 base=$2 seconds=$3 warm end cookie
  cookie=$(curl -s -D - -o /dev/null -X POST -H "Origin: $base" -H 'Accept: application/json' \
    --data 'product_id=3&quantity=1' "$base/api/cart/add" | sed -n 's/^[Ss]et-[Cc]ookie: \([^;]*\).*/\1/p' | head -n 1)
  cat >"$out/soak.lua" <<LUA
local n = 0
local form = { ["Content-Type"] = "application/x-www-form-urlencoded", ["Accept"] = "application/json",
  ["Origin"] = "$base", ["Cookie"] = "$cookie" }
request = function()
  n = n + 1
  if n % 8 == 0 then return wrk.format("POST", "/api/cart/add", form, "product_id=3&quantity=1") end
  if n % 8 == 4 then return wrk.format("POST", "/api/cart/remove", form, "product_id=3") end
  return wrk.format("GET", "/", { ["Cookie"] = "$cookie" })
end
LUA
  wrk -t2 -c"$connections" -d30s -s "$out/soak.lua" "$base/" >/dev/null
  warm=$(process_size "$pid")
  wrk -t2 -c"$connections" -d"${seconds}s" -s "$out/soak.lua" "$base/" >"$out/soak.wrk"
  end=$(process_size "$pid")
  echo "$warm $end $(awk '/^Requests\/sec:/ {printf "%.0f", $2}' "$out/soak.wrk") $seconds"
}

# report ANSWERED UNITS KEPT: the results as a Markdown table; KEPT is the
# page cache's answer for `/` without cookies (`hit`, or empty when off).
report() {
  local gzip brotli cpu
  gzip=$(sum_column 2)
  brotli=$(sum_column 3)
  cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')
  echo "Measured $(date -u +%Y-%m-%d) on $(nproc) cores ($cpu), $(free -g | awk '/Mem:/ {print $2}') GiB;"
  echo "wrk, $connections connections, ${duration} s per run, client and server on the same machine."
  echo
  echo "| measure | this app | baseline (same run) | ratio | target |"
  echo "|---|---|---|---|---|"
  local as_served="rendered: page cache off"
  [ "$3" = hit ] && as_served="kept page, no cookies"
  echo "| SSR \`/\` requests/s ($as_served) | $(field ssr 1) | floor $(field floor 1) | $(pct "$(field ssr 1)" "$(field floor 1)") of floor | ≥ 30 % of floor |"
  echo "| SSR \`/\` p50 / p99 ms ($as_served) | $(field ssr 2) / $(field ssr 3) | floor $(field floor 2) / $(field floor 3) | | |"
  echo "| SSR \`/\` server CPU ms/request ($as_served) | $(field ssr 4) | floor $(field floor 4) | | ≤ 0.3 |"
  echo "| SSR \`/\` requests/s (rendered: visitor with a cookie) | $(field rendered 1) | floor $(field floor 1) | $(pct "$(field rendered 1)" "$(field floor 1)") of floor | ≥ 30 % of floor |"
  echo "| SSR \`/\` p50 / p99 ms (rendered) | $(field rendered 2) / $(field rendered 3) | floor $(field floor 2) / $(field floor 3) | | |"
  echo "| SSR \`/\` server CPU ms/request (rendered) | $(field rendered 4) | floor $(field floor 4) | | ≤ 0.2 |"
  echo "| $action_name requests/s | $(field action 1) | floor $(field floor 1) | $(pct "$(field action 1)" "$(field floor 1)") of floor | |"
  echo "| $action_name p50 / p99 ms | $(field action 2) / $(field action 3) | floor $(field floor 2) / $(field floor 3) | | p99 ≤ 10 |"
  echo "| $action_name server CPU ms/call | $(field action 4) | floor $(field floor 4) | | ≤ 0.13 |"
  if [ -f "$out/inline.txt" ]; then
    echo "| $action_name with the page's read answered inline: requests/s, p50 / p99 ms | $(field inline 1), $(field inline 2) / $(field inline 3) | without: $(field action 1), $(field action 2) / $(field action 3) | | |"
    echo "| $action_name with the page's read answered inline: server CPU ms/call | $(field inline 4) | without: $(field action 4) (plus the refetch it saves) | | |"
    echo "| $action_name response bytes, without / with the inline answer | $(awk '{print $1 " / " $2}' "$out/response-bytes.txt") | | | |"
  fi
  echo "| failed requests (SSR kept / rendered / $action_name / inline / floor) | $(field ssr 6) / $(field rendered 6) / $(field action 6) / $(field inline 6) / $(field floor 6) | | | 0 |"
  echo "| 2,000 concurrent ${action_name} calls | $1 answered 200, $2 units | 2,000 | | exactly 2,000 |"
  # The baseline is the Leptos floor measured in this run; no peer's page
  # is measured here, so no ratio to one is printed.
  # The target is met by the islands model, measured below when it runs.
  local target="≤ 130,000"
  [ ! -f "$out/islands-bytes.txt" ] || target="≤ 130,000; islands: $(islands_first_load) (below)"
  if [ -f "$out/floor-bytes.txt" ]; then
    echo "| first-load bytes, gzip | $gzip | the Leptos floor $(field floor-bytes 2) | $(pct "$gzip" "$(field floor-bytes 2)") of the floor | $target |"
  else
    echo "| first-load bytes, gzip | $gzip | | | $target |"
  fi
  echo "| first-load bytes, brotli | $brotli | gzip: $gzip | $(pct "$brotli" "$gzip") of gzip | |"
  if [ -f "$out/floor-bytes.txt" ]; then
    echo "| the Leptos floor (one route, one query, one form; WASM and JS), gzip | $(field floor-bytes 2) | this app's WASM and JS: $(first_load_bytes_of '\.(wasm|js)$') | $(pct "$(field floor-bytes 2)" "$(first_load_bytes_of '\.(wasm|js)$')") of this app | |"
  fi
  if [ -f "$out/tti.txt" ]; then
    echo "| time to interactive of \`/\`, 4x CPU, Slow 3G: navigation to hydrated, ms | $(field tti 1) | the page with no script, to its load event: $(field tti 3) | $(awk -v a="$(field tti 1)" -v b="$(field tti 3)" 'BEGIN { printf "%.1f x", a / b }') | |"
    echo "| bytes received until then (HTML, CSS, JS, WASM, headers included) | $(field tti 2) | no script: $(field tti 4) | | |"
  fi
  if [ -f "$out/overload-128.txt" ]; then
    echo "| past capacity (64 in flight at most), rendered \`/\`: admitted p50 / p99 ms at 128 clients | $(field overload-128 2) / $(field overload-128 3) | at 32 clients: $(field overload-32 2) / $(field overload-32 3) | | |"
    echo "| the same: admitted / refused with 503 / failed, at 128 clients | $(field overload-128 1) / $(field overload-128 4) / $(field overload-128 5) | at 32: $(field overload-32 1) / $(field overload-32 4) / $(field overload-32 5) | | 0 failed |"
  fi
  if [ -f "$out/stall.txt" ]; then
    echo "| 3,000 connections that send half a request line: closed by the server 7 s later (header-read-timeout 5 s) | $(field stall 1) of $(field stall 2) | | | all |"
    echo "| a page requested meanwhile, ms | $(field stall 3) | | | answered |"
  fi
  if [ -f "$out/size-after-storms.txt" ]; then
    echo "| resident memory after the past-capacity and stalled-connection runs, MiB | $(awk '{printf "%.1f", $1 / 1024}' "$out/size-after-storms.txt") | before them: $(awk '{printf "%.1f", $1 / 1024}' "$out/size-before-storms.txt") | | |"
  fi
  if [ -f "$out/soak.txt" ]; then
    echo "| soak on a fresh process, $(field soak 6) s of mixed reads and writes ($(field soak 5) requests/s): resident memory, MiB, at the end | $(awk '{printf "%.1f", $3 / 1024}' "$out/soak.txt") | after warm-up: $(awk '{printf "%.1f", $1 / 1024}' "$out/soak.txt") | $(pct "$(field soak 3)" "$(field soak 1)") | ≤ 105 % |"
    echo "| the same: open file descriptors at the end | $(field soak 4) | after warm-up: $(field soak 2) | | |"
  fi
  if [ -f "$out/devloop.txt" ]; then
    read -r markup kept style logic shown cleared cold rebuilt server_only floor mini_logic mini_server_only mini_floor <"$out/devloop.txt"
    echo "| dev loop: markup edit visible in the open page, s (pages kept) | $markup ($kept) | served rebuilt: $rebuilt | | ≤ 0.5 |"
    echo "| dev loop: stylesheet edit applied, s | $style | | | |"
    echo "| dev loop: server function edit served, s | $logic | the floor, server/src/main.rs alone: $floor | minimal variant: $mini_logic | ≤ 5 × floor / 1.9 = $(edit_target 5 "$floor") |"
    echo "| dev loop: server-only edit (services/, the counter's SQL) served, s | $server_only | the floor: $floor | minimal variant: $mini_server_only (floor $mini_floor) | ≤ 3 × floor / 1.9 = $(edit_target 3 "$floor") |"
    echo "| dev loop: build error shown in the page / gone after the fix, s | $shown / $cleared | | | |"
    echo "| dev loop: \`cargo leptos watch\` start to first page, s | $cold | | | |"
  fi
  if [ -f "$out/islands-mutation.txt" ]; then
    echo
    echo "The islands client model (\`--features islands\`), built from the same commit:"
    echo
    islands_rows
  fi
  if [ -f "$out/cluster-action.parts" ]; then
    echo
    echo "The same loads on several servers: two processes on PostgreSQL behind nginx (scripts/cluster.sh), same machine:"
    echo
    cluster_rows
  fi
  echo
  echo "First-load assets (path, gzip bytes, brotli bytes, encodings served):"
  echo
  sed 's/^/    /' "$out/bytes.txt"
}

# publish RESULTS README: puts RESULTS (the run's table) between README's
# two "bench/run.sh" markers, in place of the run before.
publish() {
  python3 - "$1" "$2" <<'PY'
import re, sys
results, readme = sys.argv[1], sys.argv[2]
text = open(readme, encoding="utf-8").read()
start, end = "<!-- bench/run.sh: latest run -->", "<!-- bench/run.sh: end of latest run -->"
if start not in text or end not in text:
    sys.exit(f"publish: {readme} has no latest-run markers")
table = open(results, encoding="utf-8").read().strip()
head, rest = text.split(start, 1)
_, tail = rest.split(end, 1)
open(readme, "w", encoding="utf-8").write(f"{head}{start}\n{table}\n{end}{tail}")
PY
}

# chart: requests/s and first-load bytes as horizontal bars, in SVG.
chart() {
  local gzip
  gzip=$(sum_column 2)
  {
    echo "floor $(field floor 1) requests/s"
    echo "SSR / kept $(field ssr 1) requests/s"
    echo "SSR / rendered $(field rendered 1) requests/s"
    echo "$action_name $(field action 1) requests/s"
    echo "this app, gzip $gzip bytes"
    echo "target 130000 bytes"
    [ -f "$out/floor-bytes.txt" ] && echo "Leptos floor $(field floor-bytes 2) bytes"
  } | awk '
    { unit = $NF; value = $(NF - 1); label = $1; for (i = 2; i < NF - 1; i++) label = label " " $i
      n++; labels[n] = label; values[n] = value; units[n] = unit
      if (value > max[unit]) max[unit] = value }
    END {
      printf "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"720\" height=\"%d\" font-family=\"sans-serif\" font-size=\"13\">\n", 30 * n + 20
      for (i = 1; i <= n; i++) {
        y = 30 * i - 10; w = 380 * values[i] / max[units[i]]
        printf "<text x=\"0\" y=\"%d\">%s</text>\n", y + 14, labels[i]
        printf "<rect x=\"150\" y=\"%d\" width=\"%.0f\" height=\"18\" fill=\"%s\"/>\n", y, w, (units[i] == "bytes" ? "#c0504d" : "#4f81bd")
        printf "<text x=\"%.0f\" y=\"%d\">%s %s</text>\n", 155 + w, y + 14, values[i], units[i]
      }
      print "</svg>"
    }'
}

# targets ANSWERED UNITS: checks every figure that has a target in the
# table against it; prints each one missed and fails if any was.
targets() {
  local missed=0 gzip
  gzip=$(sum_column 2)
  # met NAME VALUE most|least LIMIT: one target. A value that is not a
  # plain number (empty, NaN) misses it.
  met() {
    awk -v v="$2" -v side="$3" -v l="$4" \
      'BEGIN { exit !(v ~ /^[0-9]+(\.[0-9]+)?$/ && (side == "most" ? v + 0 <= l + 0 : v + 0 >= l + 0)) }' ||
      { echo "target missed: $1: $2 (at $3 $4)"; missed=1; }
  }
  at_most() { met "$1" "$2" most "$3"; }
  at_least() { met "$1" "$2" least "$3"; }
  # percent_of A B: A as a percentage of B, unrounded.
  percent_of() { awk -v a="$1" -v b="$2" 'BEGIN { print 100 * a / b }'; }
  at_least "SSR / requests/s (kept), % of floor" "$(percent_of "$(field ssr 1)" "$(field floor 1)")" 30
  at_most "SSR / server CPU ms/request (kept)" "$(field ssr 4)" 0.3
  at_least "SSR / requests/s (rendered), % of floor" "$(percent_of "$(field rendered 1)" "$(field floor 1)")" 30
  at_most "SSR / server CPU ms/request (rendered)" "$(field rendered 4)" 0.2
  at_most "$action_name p99 ms" "$(field action 3)" 10
  at_most "$action_name server CPU ms/call" "$(field action 4)" 0.13
  local inline_failed=0
  [ ! -f "$out/inline.txt" ] || inline_failed=$(field inline 6)
  at_most "failed requests" "$(($(field ssr 6) + $(field rendered 6) + $(field action 6) + inline_failed + $(field floor 6)))" 0
  [ "$1" = 2000 ] && [ "$2" = 2000 ] || { echo "target missed: 2,000 concurrent calls: $1 answered, $2 units (exactly 2,000)"; missed=1; }
  # The first-load target is the islands model's when it was measured:
  # full hydration cannot meet it (the Leptos floor alone is above it).
  if [ -f "$out/islands-bytes.txt" ]; then
    at_most "first-load bytes, gzip (islands)" "$(islands_first_load)" 130000
  else
    at_most "first-load bytes, gzip" "$gzip" 130000
  fi
  [ ! -f "$out/overload-128.txt" ] || at_most "past capacity: failed at 128 clients" "$(field overload-128 5)" 0
  [ ! -f "$out/stall.txt" ] || at_least "stalled connections closed" "$(field stall 1)" "$(field stall 2)"
  [ ! -f "$out/soak.txt" ] || at_most "soak: resident memory at the end, % of after warm-up" "$(percent_of "$(field soak 3)" "$(field soak 1)")" 105
  if [ -f "$out/devloop.txt" ]; then
    at_most "dev loop: markup edit visible, s" "$(field devloop 1)" 0.5
    local floor
    floor=$(field devloop 10)
    at_most "dev loop: server function edit served, s" "$(field devloop 4)" "$(edit_target 5 "$floor")"
    at_most "dev loop: server-only edit served, s" "$(field devloop 9)" "$(edit_target 3 "$floor")"
  fi
  [ "$missed" -eq 0 ] && echo "every target met"
  return "$missed"
}
