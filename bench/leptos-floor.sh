#!/usr/bin/env bash
#! What Leptos itself costs in the browser: builds bench/leptos-floor (one
#! route, one query, one form posting to a server function) with the app's
#! WASM profile, the same wasm-bindgen and wasm-opt steps as cargo-leptos,
#! and prints its first-load bytes (WASM and JS glue), raw and gzip -9.
#! With --islands: the islands floor, the same query and form as the
#! page's one island (`--features islands`, in a target folder of its own).
#! Output: one line, "raw gzip". Needs scripts/setup.sh's tools.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
floor="$root/bench/leptos-floor"
out="$root/target/leptos-floor"
features=()
if [ "${1:-}" = --islands ]; then
  out="$root/target/leptos-floor-islands"
  features=(--features islands)
fi
mkdir -p "$out/pkg"
# The app's versions of every crate, so the two builds compare like with like.
cp "$root/Cargo.lock" "$floor/Cargo.lock"
trap 'rm -f "$floor/Cargo.lock"' EXIT
cargo build --quiet --manifest-path "$floor/Cargo.toml" --target-dir "$out/target" \
  --target wasm32-unknown-unknown --profile wasm-release "${features[@]}"
wasm-bindgen --target web --no-typescript --out-dir "$out/pkg" --out-name floor \
  "$out/target/wasm32-unknown-unknown/wasm-release/leptos_floor.wasm"
PATH="$root/node_modules/.bin:$PATH" wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int \
  "$out/pkg/floor_bg.wasm" -o "$out/pkg/floor_bg.wasm"
raw=0 gz=0
for file in "$out/pkg/floor_bg.wasm" "$out/pkg/floor.js"; do
  raw=$((raw + $(wc -c <"$file")))
  gz=$((gz + $(gzip -9 -c "$file" | wc -c)))
done
echo "$raw $gz"
