#!/usr/bin/env bash
#! Helpers the scripts share. Source it: `. scripts/lib.sh`.

# wait_for URL WHAT [PID]: waits up to 20 s for URL to answer 2xx;
# otherwise, or as soon as process PID has exited, says that WHAT did not
# start and fails.
wait_for() {
  for _ in $(seq 1 200); do
    curl -sf -o /dev/null "$1" && return 0
    if [ -n "${3:-}" ] && ! kill -0 "$3" 2>/dev/null; then
      echo "$2 exited before it answered at $1" >&2
      exit 1
    fi
    sleep 0.1
  done
  echo "$2 did not start (nothing answered at $1)" >&2
  exit 1
}

# The package of the browser bundle: cargo-leptos's `lib-package`.
lib_package() {
  sed -n 's/^lib-package = "\(.*\)"/\1/p' "${root:-.}/Cargo.toml" | head -n 1
}

# The release server binary where `cargo leptos build --release` writes it:
# cargo-leptos's `bin-target` in Cargo.toml, which `cargo leptos new`
# renames with the app.
built_release_binary() {
  local name
  name=$(sed -n 's/^bin-target = "\(.*\)"/\1/p' "${root:-.}/Cargo.toml" | head -n 1)
  echo "${root:-.}/target/release/${name:-server}"
}

# The release server the scripts run: RELEASE_BINARY when set (scripts/test.sh
# runs a copy of it while the islands build writes the built one), else the
# built one.
release_binary() {
  echo "${RELEASE_BINARY:-$(built_release_binary)}"
}

# free_port: a local TCP port nobody listens on now.
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# The site's name: cargo-leptos's `name` in Cargo.toml, which `cargo leptos
# new` renames with the app.
site_name() {
  sed -n 's/^name = "\(.*\)"/\1/p' "${root:-.}/Cargo.toml" | head -n 1
}

# debug_cargo ARGS...: cargo for a debug build, with what cargo-leptos gives
# its own debug builds (`cargo leptos watch`, `cargo leptos build`): the
# `--cfg erase_components` flag, and LEPTOS_OUTPUT_NAME, which leptos_config
# reads at compile time. Built any other way, the same dependencies would
# be compiled again for the edit loop. LEPTOS_OUTPUT_NAME may be given;
# RUSTFLAGS already set are kept, with the flag after them, as cargo-leptos
# does.
debug_cargo() {
  RUSTFLAGS="${RUSTFLAGS:+$RUSTFLAGS }--cfg erase_components" \
    LEPTOS_OUTPUT_NAME="${LEPTOS_OUTPUT_NAME:-$(site_name)}" cargo "$@"
}

# build_islands LOG [cargo-leptos options...]: the release build of the
# islands client model (`--features islands`) in the shared target folder,
# where only the crates the feature changes are built again. Its site goes
# to target/islands/site and its server to target/islands/; the fully
# hydrated server that cargo-leptos overwrites is put back. Prints the
# islands server's path. Run it as `release_for_tests build_islands ...`
# for the tests' profile.
build_islands() {
  local log=$1 binary
  shift
  binary=$(built_release_binary)
  mkdir -p "${root:-.}/target/islands"
  [ ! -x "$binary" ] || cp "$binary" "${root:-.}/target/islands/hydrate-server"
  LEPTOS_SITE_ROOT=target/islands/site cargo leptos build --release --features islands "$@" >"$log" 2>&1 ||
    { tail -30 "$log" >&2; echo "islands: the build failed (log: $log)" >&2; return 1; }
  cp "$binary" "${root:-.}/target/islands/"
  [ ! -f "${root:-.}/target/islands/hydrate-server" ] || mv "${root:-.}/target/islands/hydrate-server" "$binary"
  echo "${root:-.}/target/islands/$(basename "$binary")"
}

# release_for_tests ARGS...: runs ARGS with the release profile the tests
# build the server with: release code (no debug assertions, the release
# paths) but not optimised (opt-level 0, no whole-program LTO, 16 codegen
# units), which builds in a fraction of the time: 361 s of CPU for the
# server from scratch here, 545 at opt-level 1, 660 at 3. The password
# hashes stay optimised (the profile's package overrides in Cargo.toml).
# The WASM keeps its own profile (wasm-release), so its sizes are
# production's. `bench/run.sh` and `scripts/cluster.sh` build the
# production profile themselves.
release_for_tests() {
  CARGO_PROFILE_RELEASE_OPT_LEVEL=0 CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 "$@"
}

# generate_app WORK NAME: generates an app called NAME into WORK/NAME from
# this repository's working tree (its tracked and new files, not ignored
# ones: no target/ or node_modules), as `cargo leptos new` does for a user.
# No terminal is attached, so prompts take their defaults unless
# CARGO_GENERATE_VALUE_* answers them (CARGO_GENERATE_VALUE_VARIANT=minimal).
# WORK must be outside this workspace: cargo-generate adds an app generated
# inside a workspace to its members.
generate_app() {
  local work=$1 name=$2
  if [ ! -d "$work/source" ]; then
    mkdir -p "$work/source"
    (cd "$root" && git ls-files -z --cached --others --exclude-standard |
      while IFS= read -r -d '' file; do [ -e "$file" ] && printf '%s\0' "$file"; done |
      xargs -0 cp --parents -t "$work/source")
  fi
  (cd "$work" && cargo leptos new --path "$work/source" --name "$name" </dev/null 2>&1 | sed 's/^/  /')
  [ -f "$work/$name/Cargo.toml" ] || { echo "$name was not generated" >&2; return 1; }
}
