#!/usr/bin/env bash
#! cargo-leptos's `bin-cargo-command` (Cargo.toml): runs cargo as cargo-leptos
#! asks, shows its output as usual, and leaves the build's status and
#! messages in target/ferry-dev/, where the running server reads them to
#! show a build error in the page (ferry::dev).
#!
#! cargo replaces this script (exec), so when cargo-leptos stops a build to
#! start another, it stops cargo itself and no stale build keeps the target
#! directory locked. The status is read from cargo's output: a `Finished`
#! line is ok, an `error:` line is failed, neither (stopped) leaves
#! `building`.
set -euo pipefail

dir="${CARGO_TARGET_DIR:-target}/ferry-dev"
mkdir -p "$dir"
# This run's id ($$ stays cargo's pid after exec): a stopped run's capture,
# which can end after the next run began, must not write the status.
run=$$
echo "$run" >"$dir/current"
echo building >"$dir/status"
# cargo colours its output only for a terminal, and tee is not one.
if [ -t 2 ] && [ -z "${CARGO_TERM_COLOR:-}" ]; then
  export CARGO_TERM_COLOR=always
fi

capture() {
  local part="$dir/output.$run" plain
  tee "$part" >&2
  plain=$(sed 's/\x1b\[[0-9;]*[A-Za-z]//g' "$part")
  if [ "$(cat "$dir/current" 2>/dev/null)" = "$run" ]; then
    if grep -qE '^ *Finished ' <<<"$plain"; then
      echo ok >"$dir/status"
    elif grep -qE '^error(\[E[0-9]+\])?:' <<<"$plain"; then
      cp "$part" "$dir/output"
      echo failed >"$dir/status"
    fi
  fi
  rm -f "$part"
}

exec cargo "$@" 2> >(capture)
