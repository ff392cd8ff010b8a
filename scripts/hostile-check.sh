#!/usr/bin/env bash
#! Hostile clients: starts the release server with its default limits (in
#! production, on a fresh SQLite database) and runs scripts/hostile/attacks.py
#! against it: requests that announce a body and never send it, invented
#! HTTP methods, password guessing against someone else's account, mutations
#! that ask for dozens of inline reads, clients behind a trusted proxy, and
#! links that put their own text on a page as an error. Each runs from one
#! address for a few seconds while a visitor on another keeps loading the
#! catalog, which must keep answering within its normal latency. The shop's
#! only; build first with `cargo leptos build --release --split`.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
. scripts/lib.sh
binary=$(release_binary)
port=$(free_port)
metrics_port=$(free_port)
dir=target/hostile
rm -rf "$dir" && mkdir -p "$dir"

# The defaults, but a body timeout short enough for a bounded check, and
# 127.0.0.3 as a trusted proxy (the attacks speak from 127.0.0.1 to 3).
LEPTOS_ENV=PROD LEPTOS_SITE_ADDR="127.0.0.1:$port" LEPTOS_SITE_ROOT=target/site \
  DATABASE_URL="sqlite://$dir/app.db?mode=rwc" APP_UPLOADS_DIR="$dir/uploads" \
  APP_SESSION_KEY=hostile-check-only-0123456789abcdef0123456789abcdef \
  APP_BODY_TIMEOUT=5 APP_TRUSTED_PROXIES=127.0.0.3 APP_METRICS="127.0.0.1:$metrics_port" \
  RUST_LOG=warn "$binary" >"$dir/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait 2>/dev/null || true' EXIT
wait_for "http://127.0.0.1:$port/readyz" "hostile-check: the server (log: $dir/server.log)" "$server"
python3 scripts/hostile/attacks.py "$port" "$metrics_port" || { tail -n 20 "$dir/server.log" >&2; exit 1; }
