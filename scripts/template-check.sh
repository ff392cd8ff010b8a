#!/usr/bin/env bash
#! The template: generates both variants from the working tree with
#! `cargo leptos new`, as a user would, and checks each one: the app's own
#! names everywhere (no trace of the template's, except the `ferry` toolkit
#! it depends on); the minimal variant, asked for islands, with its
#! `cargo leptos build` (an islands build), its own Rust tests and clippy
#! (server and WASM); then the shop with the default answers (the whole
#! page hydrates): its server crates with their tests, and its WASM, built.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$root/scripts/lib.sh"
# Outside this workspace: cargo-generate adds an app generated inside a
# workspace to that workspace's members.
work="${TMPDIR:-/tmp}/template-check"
# This repository's target directory: the apps depend on the same crates,
# in the same versions (Cargo.lock is copied) and with the same features,
# so what the tests already compiled is reused rather than built again
# (debug_cargo: as cargo-leptos builds). Their own packages are named for
# each app, so they cannot collide; their `ferry` is this one's, copied.
export CARGO_TARGET_DIR="$root/target"
# Each app is built once: incremental caches would only take disk (gigabytes).
export CARGO_INCREMENTAL=0
rm -rf "$work" && mkdir -p "$work"

# Generates an app (scripts/lib.sh), or stops.
generate() {
  generate_app "$work" "$1" || { echo "template: $1 was not generated" >&2; exit 1; }
}

# Stops with a message when a check fails.
need() {
  local what=$1; shift
  "$@" || { echo "template: $what" >&2; exit 1; }
}

# Fails on any mention of the template's name outside the toolkit itself and
# the lines that use it, and on any template tag left unrendered.
check_names() {
  local app=$1 crate=${1//-/_}
  local stray
  stray=$(cd "$work/$app" && grep -rnI -i ferry . --exclude-dir=ferry --exclude-dir=.git --exclude=Cargo.lock |
    grep -vE 'ferry::|ferry(\.workspace| = \{|/(ssr|hydrate|sqlx|server))|"ferry"|`ferry`|ferry/|ferry_(server_fn|http|db)_|x-ferry-|ferry\.[a-z]|[Ff]erry'"'"'s|ferry-macros|ferry-dev|ferry-build-error|ferry-inspector|ferry-islands|__ferryInspector|ferry_inspector_off|"ferry: "|-p ferry|ferry crate|ferry: &Ferry|\(ferry,|&ferry\)|, &?ferry,' || true)
  [ -z "$stray" ] || { echo "template: $app still mentions the template:" >&2; echo "$stray" >&2; exit 1; }
  if grep -rnE '\{%|\{\{ ' "$work/$app"/{Cargo.toml,server/Cargo.toml,Leptos.toml,app/Cargo.toml,app/core/src/site.rs,server/tests/binary.rs,README.md}; then
    echo "template: unrendered tags in $app" >&2; exit 1
  fi
  need "$app: the site is not named $app" grep -q "^name = \"$app\"" "$work/$app/Cargo.toml"
  need "$app: the binary is not named $app" grep -q "^bin-target = \"$app\"" "$work/$app/Cargo.toml"
  need "$app: cargo-leptos would not find the binary" grep -q "^bin-exe-name = \"$app\"" "$work/$app/Cargo.toml"
  need "$app: the cookie is not ${crate}_cart" grep -q "CART_COOKIE: &str = \"${crate}_cart\"" "$work/$app/app/core/src/site.rs"
  need "$app: the database is not $crate.db" grep -q "sqlite://$crate.db" "$work/$app/app/core/src/site.rs"
  need "$app: the packages are not named for the app" grep -q "^name = \"$app-server\"" "$work/$app/server/Cargo.toml"
  need "$app: the template's own files were copied" test ! -e "$work/$app/cargo-generate.toml" -a ! -e "$work/$app/template"
}

started=$SECONDS
echo "template: CARGO_GENERATE_VALUE_VARIANT=minimal CARGO_GENERATE_VALUE_CLIENT=islands"
CARGO_GENERATE_VALUE_VARIANT=minimal CARGO_GENERATE_VALUE_CLIENT=islands generate acme-mini
check_names acme-mini
# cargo-leptos builds both halves with the islands feature from this line.
need "acme-mini: islands not chosen in its cargo-leptos metadata" grep -qx 'features = \["islands"\]' "$work/acme-mini/Cargo.toml"
need "minimal should have no shop" test ! -e "$work/acme-mini/app/cart" -a ! -e "$work/acme-mini/migrations/0001_products.sql"
need "minimal should drop the shop's area crates whole" bash -c "cd '$work/acme-mini/app' && test ! -e shop-core -a ! -e catalog -a ! -e orders -a ! -e accounts -a ! -e admin -a -e core -a -e counter"
need "minimal should name no shop area" bash -c "! grep -qE 'shop-core|catalog' '$work/acme-mini/Cargo.toml' '$work/acme-mini/app/Cargo.toml'"
need "minimal should drop the shop's crate whole" test ! -e "$work/acme-mini/services/shop" -a -e "$work/acme-mini/services/counter"
need "minimal should name no shop crate" bash -c "! grep -rq shop-service '$work/acme-mini/Cargo.toml' '$work/acme-mini/server'"
# The guide's first server function (chapter 2), as a newcomer types it
# in: its diffs must fit the generated files, then build and pass below.
awk '/^```diff$/ { on = 1; next } /^```$/ { on = 0 } on' \
  "$work/acme-mini/ferry/guide/02-server-functions.md" >"$work/first-function.patch"
need "acme-mini: the guide's first server function (chapter 2) does not fit its files" \
  bash -c "cd '$work/acme-mini' && git init -q && git apply '$work/first-function.patch'"
# Built as `cargo leptos watch` builds it (server and WASM), then its own
# Rust tests, which build every other target. The toolkit's copy is left
# out of the tests and the lint: it is this repository's `ferry`, whose
# tests and lint ran in their own sections (about 90 s saved here).
(cd "$work/acme-mini" && cargo leptos build >"$work/acme-mini-build.log" 2>&1) ||
  { tail -30 "$work/acme-mini-build.log" >&2; echo "template: acme-mini does not build" >&2; exit 1; }
need "acme-mini: cargo leptos build made no binary" test -x "$CARGO_TARGET_DIR/debug/acme-mini"
need "acme-mini: cargo-leptos did not build the islands" grep -q -- "--features=islands" "$work/acme-mini-build.log"
need "acme-mini: its docs have broken links" bash -c "cd '$work/acme-mini' && git init -q && scripts/link-check.sh"
toolkit="--exclude ferry --exclude ferry-macros"
(cd "$work/acme-mini" && root=$work/acme-mini debug_cargo test --quiet --workspace --exclude acme-mini-frontend $toolkit 2>&1 |
  grep -E '^test result|FAILED|panicked' | sed 's/^/  /')
# The same build, the guide's test alone: it ran, and passed.
first=$(cd "$work/acme-mini" && root=$work/acme-mini debug_cargo test --quiet --workspace --exclude acme-mini-frontend $toolkit \
  a_reset_puts_the_counter_back_to_zero 2>&1) && grep -q "test result: ok. 1 passed" <<<"$first" ||
  { printf '%s\n' "$first" | tail -30 >&2; echo "template: acme-mini: the guide's first server function's test did not pass" >&2; exit 1; }
# Its own test command lints with no warnings allowed: what the minimal
# variant leaves unused would fail there.
(cd "$work/acme-mini" &&
  root=$work/acme-mini debug_cargo clippy --quiet --workspace --exclude acme-mini-frontend $toolkit --all-targets -- -D warnings &&
  cargo clippy --quiet -p acme-mini-frontend --target wasm32-unknown-unknown -- -D warnings) ||
  { echo "template: acme-mini has clippy warnings" >&2; exit 1; }
echo "template: acme-mini (minimal) generated, built and tested in $((SECONDS - started)) s"

started=$SECONDS
echo "template: the default answers (no terminal, no CARGO_GENERATE_VALUE_VARIANT)"
(unset CARGO_GENERATE_VALUE_VARIANT; generate acme-shop)
check_names acme-shop
need "the default should keep the shop" test -d "$work/acme-shop/app/cart"
need "the default should hydrate the whole page" bash -c "! grep -q '^features = ' '$work/acme-shop/Cargo.toml'"
need "acme-shop: its docs have broken links" bash -c "cd '$work/acme-shop' && git init -q && scripts/link-check.sh"
need "the README should be the app's" grep -q "^# Acme Shop" "$work/acme-shop/README.md"
# Built, not only type-checked: the server's crates with every test target
# but the toolkit's (as above), as this repository's tests built them (their
# dependencies are reused), and the WASM as cargo-leptos builds it for the
# minimal app above (in target/front, cargo-leptos's folder for the
# browser's builds).
(cd "$work/acme-shop" &&
  LEPTOS_OUTPUT_NAME=$(site_name) debug_cargo test --quiet --no-run --workspace --exclude acme-shop-frontend $toolkit &&
  LEPTOS_OUTPUT_NAME=acme-mini debug_cargo build --quiet -p acme-shop-frontend --lib \
    --target wasm32-unknown-unknown --target-dir "$CARGO_TARGET_DIR/front")
echo "template: acme-shop (shop) generated and built in $((SECONDS - started)) s"
