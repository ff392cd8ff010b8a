#!/usr/bin/env bash
#! cargo-leptos's `bin-cargo-command` (Cargo.toml): runs cargo as cargo-leptos
#! asks, shows its output as usual, and leaves the build's status and
#! messages in target/ferry-dev/, where the running server reads them to
#! show a build error in the page (ferry::dev).
#!
#! cargo replaces this script (exec), so when cargo-leptos stops a build to
#! start another, it stops cargo itself and no stale build keeps the target
#! directory locked. The status is read from cargo's last words: `Finished`
#! is ok, an `error` is failed, neither (stopped) leaves `building`.
set -euo pipefail

dir="${CARGO_TARGET_DIR:-target}/ferry-dev"
mkdir -p "$dir"
echo building >"$dir/status"
# cargo colours its output only for a terminal, and tee is not one.
if [ -t 2 ] && [ -z "${CARGO_TERM_COLOR:-}" ]; then
  export CARGO_TERM_COLOR=always
fi

capture() {
  tee "$dir/output.part" >&2
  if grep -q 'Finished' "$dir/output.part"; then
    echo ok >"$dir/status"
  elif grep -q 'error' "$dir/output.part"; then
    mv "$dir/output.part" "$dir/output"
    echo failed >"$dir/status"
  fi
}

exec cargo "$@" 2> >(capture)
