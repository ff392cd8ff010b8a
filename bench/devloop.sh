#!/usr/bin/env bash
#! The dev loop: runs bench/devloop.cjs (a real `cargo leptos watch
#! --hot-reload` and a real Chromium) and prints its one line: markup edit
#! visible s, pages kept (of n), stylesheet applied s, logic edit served s,
#! build error shown s, cleared s, cold start s, markup served rebuilt s,
#! server-only edit served s, floor (server/src/main.rs) s; then the same
#! three server-side edits (logic, server-only, floor) in an app generated
#! as the minimal variant, built in this target directory: whether an
#! edit's cost grows with the app. Medians; see the .cjs.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
. scripts/lib.sh
shop=$(node bench/devloop.cjs)
work="${TMPDIR:-/tmp}/devloop-minimal"
rm -rf "$work" && mkdir -p "$work"
CARGO_GENERATE_VALUE_VARIANT=minimal generate_app "$work" acme-mini >&2
minimal=$(cd "$work/acme-mini" &&
  CARGO_TARGET_DIR="$root/target" DEVLOOP_ONLY=edits DEVLOOP_PORT="$(free_port)" node bench/devloop.cjs)
echo "$shop $minimal"
