#!/usr/bin/env bash
#! Durability: kills the release server with SIGKILL in the middle of a
#! burst of add-to-cart calls, restarts it on the same database, and checks
#! that every call answered with success is there. Build first with
#! `cargo leptos build --release`.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
port=${DURABILITY_PORT:-3201}
dir=target/durability
workers=4
rm -rf "$dir" && mkdir -p "$dir"
url="http://127.0.0.1:$port"

start_server() {
  LEPTOS_SITE_ADDR="127.0.0.1:$port" DATABASE_URL="sqlite://$dir/shop.db" \
    FERRY_SESSION_KEY=durability-check-only-0123456789abcdef0123456789 \
    FERRY_RATE_LIMIT_PER_SECOND=0 RUST_LOG=error target/release/server >>"$dir/server.log" 2>&1 &
  server=$!
  for _ in $(seq 1 100); do
    curl -sf -o /dev/null "$url/api/v1/products/1" && return 0
    sleep 0.1
  done
  echo "durability: the server did not start; see $dir/server.log" >&2
  exit 1
}

# Each call makes a new cart holding one unit; a 200 means it was committed.
# The cart's cookie is recorded only once the answer is in.
burst() {
  local out=$1
  while true; do
    response=$(curl -s -D - -o /dev/null -X POST \
      -H 'Accept: application/json' -H 'Content-Type: application/x-www-form-urlencoded' \
      --data 'product_id=19&quantity=1' "$url/api/cart/add") || return 0
    case "$response" in
      "HTTP/1.1 200"*) grep -i '^set-cookie: ferry_cart=' <<<"$response" | sed 's/^[^:]*: //; s/;.*//' >>"$out" ;;
    esac
  done
}

start_server
for w in $(seq 1 "$workers"); do burst "$dir/answered.$w" & done
sleep 1.5
kill -9 "$server"
wait 2>/dev/null || true
answered=$(cat "$dir"/answered.* 2>/dev/null | sort -u)
count=$(grep -c . <<<"$answered" || true)
[ "$count" -gt 0 ] || { echo "durability: no call succeeded before the kill; nothing was tested" >&2; exit 1; }

start_server
missing=0
while read -r cookie; do
  cart=$(curl -s -X POST -H 'Accept: application/json' -H "Cookie: $cookie" "$url/api/cart/get")
  grep -q '"19":{"product_id":19' <<<"$cart" || missing=$((missing + 1))
done <<<"$answered"
kill "$server"; wait 2>/dev/null || true

echo "durability: $count add-to-cart calls answered 200 before SIGKILL; after restart $((count - missing)) found, $missing missing"
[ "$missing" -eq 0 ]
