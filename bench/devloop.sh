#!/usr/bin/env bash
#! The dev loop: runs bench/devloop.cjs (a real `cargo leptos watch
#! --hot-reload` and a real Chromium) and prints its one line: markup edit
#! visible s, pages kept (of n), stylesheet applied s, logic edit served s,
#! build error shown s, cleared s, cold start s, markup served rebuilt s.
#! Medians; see the .cjs.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
exec node bench/devloop.cjs
