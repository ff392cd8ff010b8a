#!/usr/bin/env bash
#! The dev loop: starts `cargo leptos watch`, waits for its first build, then
#! times two edits from save to served: a text change in the app crate (the
#! counter's heading) and a rule added to the stylesheet. Prints the two
#! times in seconds. The edits are undone on exit, however it ends.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
out=target/bench
mkdir -p "$out"
port=${DEVLOOP_PORT:-3400}
base="http://127.0.0.1:$port"
view=app/src/counter/views.rs
css=style/main.css
site=$(sed -n '/^\[\[workspace.metadata.leptos\]\]/,$ s/^name = "\(.*\)"/\1/p' Cargo.toml | head -n 1)
cp "$view" "$out/views.rs.orig"
cp "$css" "$out/main.css.orig"

restore() {
  cp "$out/views.rs.orig" "$view"
  cp "$out/main.css.orig" "$css"
  kill -- "-$watch" 2>/dev/null || true
}

# wait_until SECONDS COMMAND...: retries every 0.1 s.
wait_until() {
  local deadline=$((SECONDS + $1))
  shift
  until "$@" >/dev/null 2>&1; do
    [ "$SECONDS" -lt "$deadline" ] || { echo "devloop: timed out; see $out/watch.log" >&2; exit 1; }
    kill -0 "$watch" 2>/dev/null || { echo "devloop: cargo leptos watch stopped; see $out/watch.log" >&2; exit 1; }
    sleep 0.1
  done
}

served() { curl -sf "$base$1" | grep -qF "$2"; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

LEPTOS_SITE_ADDR="127.0.0.1:$port" LEPTOS_RELOAD_PORT=$((port + 1)) \
  DATABASE_URL="sqlite://$out/devloop.db?mode=rwc" RUST_LOG=warn \
  setsid cargo leptos watch >"$out/watch.log" 2>&1 &
watch=$!
trap restore EXIT
wait_until 2400 served /counter 'data-testid="count"'
sleep 3 # let the watcher settle after the first build

marker="Counter $RANDOM$RANDOM"
started=$(now)
sed -i "s|<h1>\"Counter\"</h1>|<h1>\"$marker\"</h1>|" "$view"
wait_until 900 served /counter "$marker"
app=$(since "$started")

sleep 3
marker="bench-$RANDOM$RANDOM"
started=$(now)
printf '\n.%s { color: red; }\n' "$marker" >>"$css"
wait_until 300 served "/pkg/$site.css" "$marker"
style=$(since "$started")

echo "$app $style"
