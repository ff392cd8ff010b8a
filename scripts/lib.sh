#!/usr/bin/env bash
#! Helpers the scripts share. Source it: `. scripts/lib.sh`.

# The package of the browser bundle: cargo-leptos's `lib-package`.
lib_package() {
  sed -n 's/^lib-package = "\(.*\)"/\1/p' "${root:-.}/Cargo.toml" | head -n 1
}

# The release server binary: cargo-leptos's `bin-target` in Cargo.toml,
# which `cargo leptos new` renames with the app.
release_binary() {
  local name
  name=$(sed -n 's/^bin-target = "\(.*\)"/\1/p' "${root:-.}/Cargo.toml" | head -n 1)
  echo "${root:-.}/target/release/${name:-server}"
}
