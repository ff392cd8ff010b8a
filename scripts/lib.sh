#!/usr/bin/env bash
#! Helpers the scripts share. Source it: `. scripts/lib.sh`.

# The release server binary: cargo-leptos's `bin-target` in Cargo.toml,
# which `cargo leptos new` renames with the app.
release_binary() {
  local name
  name=$(sed -n 's/^bin-target = "\(.*\)"/\1/p' "${root:-.}/Cargo.toml" | head -n 1)
  echo "${root:-.}/target/release/${name:-server}"
}
