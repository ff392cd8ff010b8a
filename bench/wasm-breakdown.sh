#!/usr/bin/env bash
#! Where the browser bundle's bytes go: twiggy on the release WASM as rustc
#! writes it (names kept, before wasm-bindgen and wasm-opt), summed by crate
#! and listed by function, for the whole app (the main module and the
#! lazily loaded pages together: after a split, functions moved out of the
#! main module still look reachable to twiggy until wasm-opt removes them),
#! then the files a split build loads later, as served.
#! Run after `cargo leptos build --release --split`.
#! Usage: bench/wasm-breakdown.sh [rows]   (default 20)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
rows=${1:-20}
release=target/front/wasm32-unknown-unknown/wasm-release
wasm=$(ls "$release"/*.wasm 2>/dev/null | grep -v '_split\.wasm$' | head -n1 || true)
[ -n "$wasm" ] || { echo "wasm-breakdown: no release WASM; run cargo leptos build --release --split" >&2; exit 1; }
command -v twiggy >/dev/null || { echo "wasm-breakdown: installing twiggy from crates.io" >&2; cargo install --quiet --locked twiggy; }

twiggy top -n 1000000 -f csv "$wasm" | python3 -c '
import csv, re, sys
rows = int(sys.argv[1])
items = [(r["Name"], int(r["ShallowSize"])) for r in csv.DictReader(sys.stdin)]
# Custom sections (names, wasm-bindgen metadata) and the descriptors that
# wasm-bindgen reads and removes never reach the browser.
def shipped(name):
    return not (name.startswith(("\"function names\"", "custom section", "export \""))
                or "__wbindgen_describe" in name)
code = [(n, b) for n, b in items if shipped(n)]
total = sum(b for _, b in code)
def crate(name):
    if name.startswith("data segment"):
        return "(static data)"
    if re.match(r"^(elem|table|type|global|import|export|code)\[", name) or name.startswith(("wasm magic", "type[", "func[")):
        return "(wasm structure)"
    # The crate whose code this is: the first path in the name, skipping
    # the generic parameter of an impl (<T as tachys::...> is tachys).
    name = re.sub(r"^<(T|&mut [^ ]+|&[^ ]+) as ", "<", name)
    m = re.search(r"([a-z_][a-z0-9_]*)(\[[0-9a-f]+\])?::", name)
    return m.group(1) if m else "(unnamed)"
by_crate = {}
for n, b in code:
    c = crate(n)
    by_crate[c] = by_crate.get(c, 0) + b
print(f"Release WASM before wasm-bindgen and wasm-opt: {total:,} bytes of code and data")
print()
print("| crate | bytes | share |")
print("|---|---|---|")
for c, b in sorted(by_crate.items(), key=lambda kv: -kv[1])[:rows]:
    print(f"| {c} | {b:,} | {100 * b / total:.1f} % |")
print()
print("| item | bytes |")
print("|---|---|")
for n, b in sorted(code, key=lambda kv: -kv[1])[:rows]:
    n = re.sub(r"::h[0-9a-f]{16}$", "", n)
    n = re.sub(r"\[[0-9a-f]+\]", "", n)
    print(f"| `{n[:110]}` | {b:,} |")
' "$rows"

if ls target/site/pkg/split_*.wasm >/dev/null 2>&1; then
  echo
  echo "Loaded later, when a page first needs them (after wasm-opt, as served):"
  echo
  echo "| file | bytes | gzip |"
  echo "|---|---|---|"
  for file in target/site/pkg/split_*.wasm target/site/pkg/chunk_*.wasm; do
    printf '| %s | %s | %s |\n' "$(basename "$file")" "$(wc -c <"$file")" "$(gzip -9 -c "$file" | wc -c)"
  done
fi
