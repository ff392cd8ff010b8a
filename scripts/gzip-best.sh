#!/usr/bin/env bash
#! Rewrites the precompressed .gz files of the built site with gzip -9:
#! `cargo leptos build --release --precompress` writes them at a lower
#! level (about 15 % larger for the WASM). The server sends them as they
#! are, so this is free at run time. Run after a release build.
#! Usage: scripts/gzip-best.sh [site root]   (default target/site)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
site=${1:-$root/target/site}
count=0
while IFS= read -r -d '' compressed; do
  gzip -9 -n -c "${compressed%.gz}" >"$compressed.tmp" && mv "$compressed.tmp" "$compressed"
  count=$((count + 1))
done < <(find "$site" -name '*.gz' -print0)
[ "$count" -gt 0 ] || { echo "gzip-best: no .gz files; build with --precompress first" >&2; exit 1; }
echo "gzip-best: $count files recompressed with gzip -9" >&2
