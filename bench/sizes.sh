#!/usr/bin/env bash
#! Prints the release bundle's sizes, raw and gzip (-9): first what every
#! first load downloads (the main WASM, its JS glue, the split loader and the
#! stylesheet), then the files a split build loads later, when a page other
#! than `/` is first shown. Build first with `cargo leptos build --release
#! --split`. Fails if the development call inspector left a trace in it.
#! With --compare, also builds the bundle again with the inspector's
#! browser hooks compiled out (`--cfg ferry_inspector_off`, in a target
#! folder of its own: a few minutes) and says whether every file is the
#! same, byte for byte.
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

# The call inspector is development only: its hooks compile into debug WASM
# alone and its panel is a script the dev server adds. A trace of either in
# the release bundle fails the report.
inspector=$(grep -l -a -e '__ferryInspector' -e 'ferry-inspector' "$pkg"/*.wasm "$pkg"/*.js "$pkg"/*.css 2>/dev/null || true)
if [ -n "$inspector" ]; then
  echo "sizes: the call inspector reached the release bundle: $inspector" >&2
  exit 1
fi
echo "call inspector in the release bundle: none (no hook in its WASM, JS or CSS)"

[ "${1:-}" = "--compare" ] || exit 0
# RUSTFLAGS leave cargo's -C metadata (and so every symbol) as it was: only
# the code the cfg removes can make a byte differ.
off=target/inspector-off
(cd "$root" && RUSTFLAGS="${RUSTFLAGS:+$RUSTFLAGS }--cfg ferry_inspector_off" \
  CARGO_TARGET_DIR="$root/$off/target" LEPTOS_SITE_ROOT="$off/site" \
  cargo leptos build --release --split --frontend-only) >"$root/$off.log" 2>&1 ||
  { tail -30 "$root/$off.log" >&2; echo "sizes: the build without the inspector failed" >&2; exit 1; }
# wasm-split writes its loader's lists of shared names and its manifest's
# keys in hash order, which changes from build to build: those two files
# are compared with the names sorted, every other file byte for byte.
python3 - "$pkg" "$root/$off/site/pkg" <<'PY'
import json, pathlib, re, sys

ours, without = map(pathlib.Path, sys.argv[1:])
names = lambda path: sorted(p.name for p in path.iterdir())
if names(ours) != names(without):
    sys.exit(f"sizes: other files without the call inspector: {names(ours)} against {names(without)}")

def sorted_names(match):
    items = sorted(i.strip() for i in match.group(1).split(b",") if i.strip())
    return b"{ " + b", ".join(items) + b" }"

def canonical(path):
    data = path.read_bytes()
    if path.name == "__wasm_split_manifest.json":
        return json.dumps(json.loads(data), sort_keys=True).encode()
    if path.name.startswith("__wasm_split") and path.suffix == ".js":
        return re.sub(rb"\{ ?([\w$, ]*?) ?\}", sorted_names, data)
    return data

exact = [p.name for p in ours.iterdir() if p.read_bytes() == (without / p.name).read_bytes()]
differ = [p.name for p in ours.iterdir() if canonical(p) != canonical(without / p.name)]
if differ:
    sys.exit(f"sizes: the release bundle differs from the one built without the call inspector: {differ}")
print(f"release bundle without the call inspector: the same {len(exact)} of {len(names(ours))} files "
      "byte for byte, the rest (wasm-split's loader and manifest) the same but for the order of names")
PY
