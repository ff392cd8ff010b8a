#!/usr/bin/env bash
#! Runs every test: set-up, formatting, Rust tests (unit, HTTP, binary, ferry's
#! doctests), ferry's PostgreSQL tests on a throwaway server, ferry's package and
#! its docs, the release build, browser tests with JavaScript on and off, the
#! same browser tests and more through nginx on two processes on PostgreSQL,
#! the size report, and the edit loop under `cargo leptos watch`.
#! One target directory serves all of it; each build configuration is built once.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

. scripts/lib.sh

section() { printf '\n== %s (%ss)\n' "$*" "$SECONDS"; }

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

section "Rust tests, on SQLite"
# The frontend crate is the WASM entry; built natively it would pull the
# hydrate feature into the server's build, so it is left to cargo-leptos.
cargo test --workspace --exclude "$(lib_package)"

section "Rust tests, on PostgreSQL (a throwaway server): the repositories and HTTP tests again, and ferry's revalidation across processes"
pg_dir=$(mktemp -u /tmp/test-postgres.XXXXXX)
trap 'scripts/postgres.sh stop "$pg_dir"' EXIT
pg_url=$(scripts/postgres.sh start "$pg_dir")
# The same test binaries as above: no rebuild. Each test makes a database
# of its own on the server.
APP_TEST_DATABASE_URL=$pg_url cargo test --workspace --exclude "$(lib_package)" --tests
TEST_POSTGRES_URL=$pg_url cargo test --workspace --exclude "$(lib_package)" --lib -- --ignored postgres::

section "the ferry crate as published: its package builds alone, its docs have no warnings"
# ferry-macros goes with it: a proc-macro crate cannot live inside ferry.
cargo package --quiet --allow-dirty -p ferry-macros -p ferry
RUSTDOCFLAGS="-D warnings" cargo doc --quiet --no-deps -p ferry --features server,sqlx,sqlite,postgres

section "release build"
cargo leptos build --release --split

section "server-only code kept out of the browser bundle"
scripts/check-client-secrets.sh

section "browser tests"
(cd end2end && npx playwright test)

if [ -f cargo-generate.toml ]; then
  section "the template: generate both variants and check them"
  scripts/template-check.sh
fi

section "durability: SIGKILL, then SIGTERM, in a burst of writes"
scripts/durability.sh

section "several servers: two processes on PostgreSQL behind nginx (browser tests, revalidation across processes, 2,000 adds, SIGKILL)"
scripts/cluster-check.sh

section "sizes"
bench/sizes.sh
# Last: its debug build needs the target directory for a few minutes, and
# it builds its site into target/devloop-site, away from the release one.
section "the edit loop: cargo leptos watch --hot-reload in Chromium (markup patched and kept, style, logic reload keeping typed values, build error over the page)"
scripts/devloop-check.sh

section "all tests passed"
