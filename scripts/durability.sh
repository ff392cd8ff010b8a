#!/usr/bin/env bash
#! Durability: kills the release server with SIGKILL in the middle of a
#! burst of counter increments, restarts it on the same database, and checks
#! that every increment answered with success is there: the counter is at
#! least the number of 200s (and at most the number of calls sent). Then
#! the same burst meets a SIGTERM: the server must exit within its drain
#! time, every call must either complete with its answer or never be
#! accepted (refused, curl's exit 7), none cut off halfway, and every 200
#! must be in the database after a restart. Build first with
#! `cargo leptos build --release --split`.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
. scripts/lib.sh
binary=$(release_binary)
port=${DURABILITY_PORT:-3201}
dir=target/durability
workers=4
rm -rf "$dir" && mkdir -p "$dir"
url="http://127.0.0.1:$port"

start_server() {
  APP_DRAIN_TIMEOUT=5 LEPTOS_SITE_ADDR="127.0.0.1:$port" DATABASE_URL="sqlite://$dir/app.db" \
    APP_SESSION_KEY=durability-check-only-0123456789abcdef0123456789 \
    APP_RATE_LIMIT_PER_SECOND=0 APP_MAX_IN_FLIGHT_PER_CLIENT=0 RUST_LOG=error "$binary" >>"$dir/server.log" 2>&1 &
  server=$!
  wait_for "$url/readyz" "durability: the server (log: $dir/server.log)"
}

# Each call adds 1; a 200 means it was committed. One line per call sent,
# and one per 200, both written only once known.
burst() {
  local out=$1
  while true; do
    echo sent >>"$out.sent"
    status=$(curl -s -o /dev/null -w '%{http_code}' -X POST \
      -H 'Accept: application/json' -H 'Content-Type: application/x-www-form-urlencoded' \
      --data 'by=1' "$url/api/counter/add") || return 0
    [ "$status" = 200 ] && echo ok >>"$out"
  done
}

start_server
for w in $(seq 1 "$workers"); do burst "$dir/answered.$w" & done
sleep 1.5
kill -9 "$server"
wait 2>/dev/null || true
answered=$(cat "$dir"/answered.? 2>/dev/null | grep -c . || true)
sent=$(cat "$dir"/answered.*.sent | grep -c .)
[ "$answered" -gt 0 ] || { echo "durability: no call succeeded before the kill; nothing was tested" >&2; exit 1; }

counter() { curl -s -X POST -H 'Accept: application/json' "$url/api/counter/get"; }

start_server
value=$(counter)
echo "durability: $answered of $sent increments answered 200 before SIGKILL; after restart the counter is $value"
[ "$value" -ge "$answered" ] && [ "$value" -le "$sent" ] || { echo "durability: an answered increment was lost" >&2; exit 1; }

# Each call's curl exit code and status, until the server refuses one.
burst_until_refused() {
  local out=$1 code status
  while true; do
    echo sent >>"$out.sent"
    code=0
    status=$(curl -s -o /dev/null -w '%{http_code}' -X POST \
      -H 'Accept: application/json' -H 'Content-Type: application/x-www-form-urlencoded' \
      --data 'by=1' "$url/api/counter/add") || code=$?
    echo "$code $status" >>"$out"
    [ "$code" = 0 ] || return 0
  done
}

before=$value
rm -f "$dir"/term.*
for w in $(seq 1 "$workers"); do burst_until_refused "$dir/term.$w" & done
sleep 1.5
kill -TERM "$server"
stopped_at=$SECONDS
while kill -0 "$server" 2>/dev/null; do
  [ $((SECONDS - stopped_at)) -le 7 ] || { echo "durability: still running 7 s after SIGTERM (drain time 5 s)" >&2; exit 1; }
  sleep 0.1
done
took=$((SECONDS - stopped_at))
wait 2>/dev/null || true
outcomes=$(cat "$dir"/term.? | sort | uniq -c | sed 's/^ *//')
cut_off=$(cat "$dir"/term.? | grep -cvE '^(0 200|7 000)$' || true)
ok=$(cat "$dir"/term.? | grep -c '^0 200$' || true)
sent=$(cat "$dir"/term.*.sent | grep -c .)
[ "$cut_off" = 0 ] || { echo "durability: $cut_off calls were cut off by SIGTERM (exit code, status: $outcomes)" >&2; exit 1; }
[ "$ok" -gt 0 ] || { echo "durability: no call succeeded before SIGTERM; nothing was tested" >&2; exit 1; }

start_server
value=$(counter)
kill "$server"; wait 2>/dev/null || true
echo "durability: $ok of $sent increments answered 200 before SIGTERM, the rest refused; the server exited within $((took + 1)) s; after restart the counter went up by $((value - before))"
[ $((value - before)) -ge "$ok" ] && [ $((value - before)) -le "$sent" ]
