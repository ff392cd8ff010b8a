#!/usr/bin/env bash
#! Runs every test: set-up, formatting, the docs' links, clippy, Rust tests
#! (unit, HTTP, binary, ferry's doctests), the same on a throwaway
#! PostgreSQL, ferry's package as published and its docs, the template's
#! two variants, the release build, browser tests with JavaScript on and
#! off, durability, hostile clients, the OpenAPI document against the
#! release server (schemathesis), the size report, the islands build (made
#! beside the tests after the release build) with the browser tests and
#! more through nginx on two processes on PostgreSQL, and the edit loop
#! under `cargo leptos watch`. Ends with each section's seconds.
#!
#! Usage: scripts/test.sh           everything (what CI runs)
#!        scripts/test.sh --quick   the inner loop: formatting, the docs'
#!                                  links, clippy, the Rust tests on SQLite,
#!                                  the release build and the browser tests
#!                                  with JavaScript on
#!
#! Each configuration is compiled once and shared: every debug build (the
#! tests, the template's apps, `cargo leptos watch`) is made as cargo-leptos
#! makes its own (scripts/lib.sh: debug_cargo) in the one target directory,
#! and the server's release build is not optimised (release_for_tests).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

. scripts/lib.sh

quick=0
case "${1:-}" in
  --quick) quick=1 ;;
  "") ;;
  *) echo "usage: $0 [--quick]" >&2; exit 2 ;;
esac

# Each section's name and seconds, printed as a table when the run ends
# (passed or not), so every log shows where the time went.
names=()
seconds=()
current=""
since=$SECONDS
close_section() {
  [ -z "$current" ] || { names+=("$current"); seconds+=($((SECONDS - since))); }
  current=""
}
# section NAME [WHAT]: NAME in the table, WHAT only in the log.
section() {
  close_section
  current=$1
  since=$SECONDS
  printf '\n== %s%s\n' "$1" "${2:+: $2}"
}
summary() {
  local status=$1 i
  close_section
  printf '\n%-40s %7s\n' "section" "seconds"
  for i in "${!names[@]}"; do
    printf '%-40s %7d\n' "${names[$i]}" "${seconds[$i]}"
  done
  printf '%-40s %7d\n' "total$([ "$status" -eq 0 ] || echo " (failed)")" "$SECONDS"
}
pg_dir=""
islands_build=""
on_exit() {
  local status=$?
  set +e
  [ -z "$islands_build" ] || kill -- "-$islands_build" 2>/dev/null
  [ -z "$pg_dir" ] || scripts/postgres.sh stop "$pg_dir"
  summary "$status"
  exit "$status"
}
trap on_exit EXIT

section "set-up"
# A clean clone's builds (debug, release, WASM, the template's apps) take
# about 16 GB: say so up front rather than fail an hour in on a full disk.
free_kb=$(df -Pk "$root" | awk 'NR == 2 { print $4 }')
if [ "$free_kb" -lt $((20 * 1024 * 1024)) ]; then
  echo "warning: $((free_kb / 1024 / 1024)) GB free here; the tests' builds take about 16 GB" >&2
fi
scripts/setup.sh

section "formatting"
cargo fmt --all --check

section "docs' links" "every relative link and repository path in the READMEs and the guide exists"
scripts/link-check.sh

section "clippy" "the server's crates with all their targets, and the WASM; no warnings"
debug_cargo clippy --quiet --workspace --exclude "$(lib_package)" --all-targets -- -D warnings
cargo clippy --quiet -p "$(lib_package)" --target wasm32-unknown-unknown -- -D warnings

section "Rust tests on SQLite"
# The frontend crate is the WASM entry; built natively it would pull the
# hydrate feature into the server's build, so it is left to cargo-leptos.
# ferry's doctests are merged into one program (edition 2024): 8 s here.
# When one cannot join the others, rustdoc silently compiles each alone
# instead, 60 s; to name it: RUSTC_BOOTSTRAP=1 RUSTDOCFLAGS='-Zunstable-options
# --merge-doctests=yes' (a full rebuild, for that run only).
debug_cargo test --workspace --exclude "$(lib_package)"

if [ "$quick" = 0 ]; then
  section "Rust tests on PostgreSQL" "a throwaway server: the repositories and HTTP tests again, and revalidation across processes"
  pg_dir=$(mktemp -u /tmp/test-postgres.XXXXXX)
  pg_url=$(scripts/postgres.sh start "$pg_dir")
  # The same test binaries as above: no rebuild. Each test makes a database
  # of its own on the server.
  APP_TEST_DATABASE_URL=$pg_url debug_cargo test --workspace --exclude "$(lib_package)" --tests
  # The tests that need PostgreSQL itself, ignored on SQLite.
  APP_TEST_DATABASE_URL=$pg_url TEST_POSTGRES_URL=$pg_url \
    debug_cargo test --workspace --exclude "$(lib_package)" --lib -- --ignored postgres
  scripts/postgres.sh stop "$pg_dir"
  pg_dir=""

  section "ferry's package and docs" "the crate as published, with ferry-macros, type-checks alone and its docs have no warnings"
  scripts/package-check.sh

  # Before the release build: its debug builds share the tests' target
  # folder, which the islands build below holds while the other tests run.
  if [ -f cargo-generate.toml ]; then
    section "template" "generate both variants and check them"
    scripts/template-check.sh
  fi
fi

section "release build" "the server's release code at opt-level 0, the WASM as in production"
release_for_tests cargo leptos build --release --split

if [ "$quick" = 1 ]; then
  section "browser tests, JavaScript on"
  (cd end2end && npx playwright test --forbid-only --project=js)
  close_section
  echo "the quick tests passed"
  exit 0
fi

# The islands build (the second client model, tested last but one) runs
# beside the tests below, at the lowest priority: they keep about one core
# of two busy, and it takes what they leave (the islands section took 180 s
# against 304 on a clean clone, the browser tests 13 s more). It writes
# the server binary where this build wrote it, so these tests run a copy.
built=$(built_release_binary)
mkdir -p target/hydrate target/islands
cp "$built" target/hydrate/
export RELEASE_BINARY="$root/target/hydrate/$(basename "$built")"
export E2E_SERVER=${RELEASE_BINARY#"$root/"}
islands_log=target/islands/build.log
# In a process group of its own (setsid), so that a failure stops it whole.
setsid nice -n 19 env root="$root" bash -c \
  '. scripts/lib.sh && release_for_tests build_islands "$1" >target/islands/server-path' _ "$islands_log" &
islands_build=$!

section "secrets" "server-only code kept out of the browser bundle"
scripts/check-client-secrets.sh

section "browser tests" "JavaScript on and off"
(cd end2end && npx playwright test --forbid-only)

section "durability" "SIGKILL, then SIGTERM, in a burst of writes"
scripts/durability.sh

# The shop's (a minimal app has no accounts or carts to attack).
if [ -f scripts/hostile-check.sh ]; then
  section "hostile clients" "slow bodies, invented methods, password guessing, inline reads, forwarded addresses, forged error links, while a visitor keeps loading pages"
  scripts/hostile-check.sh
fi

section "OpenAPI" "the document validated against OpenAPI 3.1, then schemathesis against the release server: no 5xx, no answer the document does not describe"
scripts/openapi-check.sh

section "sizes"
bench/sizes.sh

# The second client model, and the app on several servers, in one run: the
# browser tests above ran on the fully hydrated build, these run on the
# islands build of the same commit through nginx (the server's part is
# the same code in both; the islands' refresh of the page is not).
section "islands on several servers" "the islands build of this commit (the rest of it), then two processes on PostgreSQL behind nginx: browser tests JavaScript on and off, revalidation across processes, 2,000 adds, a rolling restart under load, SIGKILL"
wait "$islands_build" || { echo "islands: the build failed (log: $islands_log)" >&2; exit 1; }
islands_build=""
ISLANDS_SERVER=$(cat target/islands/server-path) scripts/islands-check.sh --cluster

# Last: it edits the sources while it runs (and undoes every edit), and it
# builds its site into target/devloop-site, away from the release one.
section "edit loop" "cargo leptos watch --hot-reload in Chromium: markup patched and kept, style, logic reload keeping typed values, build error over the page"
scripts/devloop-check.sh

close_section
echo "all tests passed"
