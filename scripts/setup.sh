#!/usr/bin/env bash
#! Installs every tool the build and tests need, idempotently: a warm machine
#! takes seconds. One line per step; a failed step names itself and stops.
#!
#! Usage: scripts/setup.sh [step ...]   (default: every step, in order)
#! Steps: wasm-target cargo-leptos wasm-bindgen npm debian python
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

CARGO_LEPTOS_VERSION=0.3.11

say() { printf 'setup: %s\n' "$*"; }
fail() { printf 'setup: FAILED at step "%s": %s\n' "$step" "$*" >&2; exit 1; }

# Unpacks a crate's published source into a fresh temp dir and prints its path.
# `cargo info` downloads the .crate into cargo's registry cache as a side effect.
crate_source() {
  local name=$1 version=$2 src
  cargo info --quiet "$name@$version" >/dev/null 2>&1 || fail "cannot fetch $name $version from crates.io"
  src=$(ls -d "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/"$name-$version" 2>/dev/null | head -n1)
  [ -n "$src" ] || fail "source of $name $version not found in cargo's registry cache"
  local dir
  dir=$(mktemp -d)
  cp -r "$src" "$dir/src"
  echo "$dir/src"
}

# The wasm-bindgen version Cargo.lock resolved: the CLI must match it exactly.
locked_wasm_bindgen() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock
}

step_wasm_target() {
  if rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "wasm32-unknown-unknown target: present"
  else
    say "wasm32-unknown-unknown target: installing"
    rustup target add wasm32-unknown-unknown || fail "rustup target add failed"
  fi
}

step_cargo_leptos() {
  if cargo leptos --version 2>/dev/null | grep -q "$CARGO_LEPTOS_VERSION"; then
    say "cargo-leptos $CARGO_LEPTOS_VERSION: present"
    return
  fi
  say "cargo-leptos $CARGO_LEPTOS_VERSION: building from crates.io (about 20 minutes on 2 cores)"
  local dir
  dir=$(crate_source cargo-leptos "$CARGO_LEPTOS_VERSION")
  # Its lockfile pins cargo-util-schemas 0.14.2, which needs a newer rustc than 1.95.
  (cd "$dir" && cargo update --quiet -p cargo-util-schemas --precise 0.14.1) \
    || fail "could not pin cargo-util-schemas 0.14.1"
  # LTO off: the install is a build tool, its speed matters less than ours.
  (cd "$dir" && CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
    cargo install --quiet --locked --path .) || fail "cargo install cargo-leptos failed"
  rm -rf "$(dirname "$dir")"
}

step_wasm_bindgen() {
  local version
  version=$(locked_wasm_bindgen)
  [ -n "$version" ] || fail "no wasm-bindgen in Cargo.lock"
  if wasm-bindgen --version 2>/dev/null | grep -q " $version\$\| $version "; then
    say "wasm-bindgen-cli $version: present"
    return
  fi
  say "wasm-bindgen-cli $version: building from crates.io (about 4 minutes)"
  local dir
  dir=$(crate_source wasm-bindgen-cli "$version")
  # Its lockfile names webpki-roots 1.0.11, which the registry no longer serves.
  if grep -q 'name = "webpki-roots"' "$dir/Cargo.lock" 2>/dev/null; then
    (cd "$dir" && cargo update --quiet -p webpki-roots --precise 1.0.10) \
      || fail "could not pin webpki-roots 1.0.10"
  fi
  (cd "$dir" && cargo install --quiet --locked --path .) || fail "cargo install wasm-bindgen-cli failed"
  rm -rf "$(dirname "$dir")"
}

# npm install only when node_modules is older than the lockfile.
npm_dir() {
  local dir=$1 name
  name=${dir#"$root"}
  name=${name#/}
  name=${name:-.}
  if [ -d "$dir/node_modules" ] && [ "$dir/node_modules" -nt "$dir/package-lock.json" ]; then
    say "npm packages in $name: present"
    return
  fi
  say "npm packages in $name: installing"
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null) || fail "npm ci in $name failed"
  touch "$dir/node_modules"
}

step_npm() {
  npm_dir "$root"
  npm_dir "$root/end2end"
}

# Installs Debian packages; apt-get update runs once, only when needed.
apt_install() {
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get update -qq || fail "apt-get update failed"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null \
    || fail "apt-get install $* failed"
}

# Debian's packages: chromium for the browser tests, curl for the scripts,
# PostgreSQL and nginx for the tests on several processes (scripts/cluster.sh).
step_debian() {
  local missing=()
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  command -v curl >/dev/null || missing+=(curl)
  command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx)
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
  if [ ${#missing[@]} -eq 0 ]; then
    say "chromium, curl, nginx and postgresql: present"
    return
  fi
  say "${missing[*]}: installing from Debian"
  apt_install "${missing[@]}"
}

# PyPI's openapi-spec-validator and schemathesis for the OpenAPI check, in
# target/python, reinstalled only when their list is newer than the venv.
step_python() {
  local venv="$root/target/python" list="$root/scripts/openapi/requirements.txt"
  [ -f "$list" ] || { say "python tools: none listed"; return; }
  if [ -x "$venv/bin/st" ] && [ "$venv/installed" -nt "$list" ]; then
    say "python tools (schemathesis, openapi-spec-validator): present"
    return
  fi
  say "python tools: installing from PyPI"
  python3 -m venv "$venv" || fail "python3 -m venv failed (Debian: apt-get install python3-venv)"
  "$venv/bin/pip" install -q --disable-pip-version-check -r "$list" || fail "pip install -r $list failed"
  touch "$venv/installed"
}

steps=("$@")
[ ${#steps[@]} -gt 0 ] || steps=(wasm-target cargo-leptos wasm-bindgen npm debian python)
for step in "${steps[@]}"; do
  "step_${step//-/_}"
done
say "done"
