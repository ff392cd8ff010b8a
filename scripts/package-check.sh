#!/usr/bin/env bash
#! ferry as published: packs ferry-macros and ferry (`cargo package`, which
#! checks the manifests), unpacks both into a workspace of their own, and
#! there type-checks the toolkit with the features docs.rs builds and builds its
#! docs with warnings denied. A file the package leaves out, or a path out
#! of it (an `include_str!` of the repository's README), fails here as it
#! would for a user of the published crate.
#!
#! Cargo's own verification (`cargo package` without --no-verify) builds
#! ferry's whole dependency tree again, with ferry's default features, which
#! no other build here uses: 80 s on 2 cores. Checking and documenting need
#! only the dependencies' metadata, with the features docs.rs uses: the same
#! as `cargo doc -p ferry` in this workspace, so they are shared with it
#! and kept between runs (same versions from Cargo.lock, same profiles).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$root/scripts/lib.sh"
cd "$root"
features=ssr-full,dev,sqlx,sqlite,postgres,openapi
# A folder of its own each time, outside target/: the two crates are
# always checked again, from the files the packages hold.
work=$(mktemp -d "${TMPDIR:-/tmp}/package-check.XXXXXX")
trap 'rm -rf "$work"' EXIT
export CARGO_TARGET_DIR="$root/target"

debug_cargo package --quiet --no-verify --allow-dirty -p ferry-macros -p ferry
# package_version DIR: the version in DIR/Cargo.toml.
package_version() { sed -n 's/^version = "\(.*\)"/\1/p' "$1/Cargo.toml" | head -n 1; }
crates=(ferry-macros ferry)
version=$(package_version "${crates[1]}")
macros_version=$(package_version "${crates[1]}/macros")
tar -xzf "target/package/${crates[0]}-$macros_version.crate" -C "$work"
tar -xzf "target/package/${crates[1]}-$version.crate" -C "$work"
# Newer than any earlier run's: cargo would otherwise find the docs of the
# same paths fresh, from the archive's own times, and not read these files.
find "$work" -type f -exec touch {} +
# The published ferry names ferry-macros by version only; here it is the
# package just made, not one from a registry.
cat >"$work/Cargo.toml" <<EOF
[workspace]
members = ["${crates[1]}-$version"]
resolver = "2"

[patch.crates-io]
ferry-macros = { path = "ferry-macros-$macros_version" }
EOF
# The workspace's profiles too: they are part of what makes a dependency's
# build reusable.
awk '/^\[/ { keep = ($0 ~ /^\[profile\./) } keep' Cargo.toml >>"$work/Cargo.toml"
cp Cargo.lock "$work/Cargo.lock"
(cd "$work" &&
  debug_cargo check --quiet -p ferry --features "$features" &&
  RUSTDOCFLAGS="-D warnings" debug_cargo doc --quiet --no-deps -p ferry --features "$features")
echo "package: ferry $version and ferry-macros $macros_version, as packed, type-check and document with no warning"
