#!/usr/bin/env bash
#! Prints the release bundle's sizes, raw and gzip (-9): first what every
#! first load downloads (the main WASM, its JS glue, the split loader and the
#! stylesheet), then the files a split build loads later, when a page other
#! than `/` is first shown. Build first with `cargo leptos build --release
#! --split`.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
pkg="$root/target/site/pkg"
[ -d "$pkg" ] || { echo "sizes: $pkg is missing; run cargo leptos build --release --split first" >&2; exit 1; }

# table TITLE FILE...: one row per file and a total.
table() {
  local title=$1 raw gz total_raw=0 total_gz=0 file
  shift
  printf '%-52s %10s %10s\n' "$title" raw gzip
  for file in "$@"; do
    [ -f "$file" ] || continue
    raw=$(wc -c <"$file")
    gz=$(gzip -9 -c "$file" | wc -c)
    total_raw=$((total_raw + raw))
    total_gz=$((total_gz + gz))
    printf '%-52s %10d %10d\n' "$(basename "$file")" "$raw" "$gz"
  done
  printf '%-52s %10d %10d\n\n' total "$total_raw" "$total_gz"
}

shopt -s nullglob
later=("$pkg"/split_*.wasm "$pkg"/chunk_*.wasm)
first=()
for file in "$pkg"/*.wasm "$pkg"/*.js "$pkg"/*.css; do
  case "$(basename "$file")" in split_*.wasm | chunk_*.wasm) ;; *) first+=("$file") ;; esac
done
table "first load (every page)" "${first[@]}"
[ "${#later[@]}" -eq 0 ] || table "loaded when a page first needs them" "${later[@]}"
