#!/usr/bin/env bash
#! The edit loop, checked end to end on a real `cargo leptos watch
#! --hot-reload` and a real Chromium (bench/devloop.cjs, DEVLOOP_CHECK=1):
#! a markup edit shows in the open page with no reload and its state kept,
#! a stylesheet edit is applied, a logic edit reloads the page with the
#! typed value put back, and a build error shows over the page, naming its
#! file, until the fix. Every edit is undone on exit. Builds the debug site
#! into target/devloop-site, so the release site stays as it is.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
. scripts/lib.sh
DEVLOOP_CHECK=1 DEVLOOP_PORT="$(free_port)" node bench/devloop.cjs
