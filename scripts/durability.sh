#!/usr/bin/env bash
#! Durability: kills the release server with SIGKILL in the middle of a
#! burst of counter increments, restarts it on the same database, and checks
#! that every increment answered with success is there: the counter is at
#! least the number of 200s (and at most the number of calls sent). Build
#! first with `cargo leptos build --release`.
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
  LEPTOS_SITE_ADDR="127.0.0.1:$port" DATABASE_URL="sqlite://$dir/app.db" \
    APP_SESSION_KEY=durability-check-only-0123456789abcdef0123456789 \
    APP_RATE_LIMIT_PER_SECOND=0 RUST_LOG=error "$binary" >>"$dir/server.log" 2>&1 &
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

start_server
value=$(curl -s -X POST -H 'Accept: application/json' "$url/api/counter/get")
kill "$server"; wait 2>/dev/null || true

echo "durability: $answered of $sent increments answered 200 before SIGKILL; after restart the counter is $value"
[ "$value" -ge "$answered" ] && [ "$value" -le "$sent" ]
