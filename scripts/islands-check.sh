#!/usr/bin/env bash
#! The islands client model (`cargo leptos build --features islands`): builds
#! the release server and WASM in a target folder of their own
#! (target/islands: switching features in the shared one would rebuild
#! everything twice), then runs the browser tests against that build,
#! JavaScript on and off (E2E_MODEL=islands skips what an islands build
#! does not have: lazy routes). Extra arguments go to Playwright.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
. scripts/lib.sh
export CARGO_TARGET_DIR="$root/target/islands/target"
mkdir -p target/islands
binary=$(sed -n 's/^bin-target = "\(.*\)"/\1/p' Cargo.toml)
release_for_tests env LEPTOS_SITE_ROOT=target/islands/site \
  cargo leptos build --release --features islands >target/islands/build.log 2>&1 ||
  { tail -30 target/islands/build.log >&2; echo "islands: the build failed" >&2; exit 1; }
cd end2end
E2E_MODEL=islands E2E_SERVER="target/islands/target/release/$binary" E2E_SITE_ROOT=target/islands/site \
  npx playwright test "$@"
