#!/usr/bin/env bash
#! Prints the release bundle's sizes, raw and gzip (-9), of what the browser
#! downloads: the WASM, its JS glue and the stylesheet. Build first with
#! `cargo leptos build --release`.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
pkg="$root/target/site/pkg"
[ -d "$pkg" ] || { echo "sizes: $pkg is missing; run cargo leptos build --release first" >&2; exit 1; }

printf '%-24s %12s %12s\n' file raw gzip
total_raw=0
total_gz=0
for file in "$pkg"/*.wasm "$pkg"/*.js "$pkg"/*.css; do
  [ -f "$file" ] || continue
  raw=$(wc -c <"$file")
  gz=$(gzip -9 -c "$file" | wc -c)
  total_raw=$((total_raw + raw))
  total_gz=$((total_gz + gz))
  printf '%-24s %12d %12d\n' "$(basename "$file")" "$raw" "$gz"
done
printf '%-24s %12d %12d\n' total "$total_raw" "$total_gz"
