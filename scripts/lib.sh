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

# The release server binary: cargo-leptos's `bin-target` in Cargo.toml,
# which `cargo leptos new` renames with the app.
release_binary() {
  local name
  name=$(sed -n 's/^bin-target = "\(.*\)"/\1/p' "${root:-.}/Cargo.toml" | head -n 1)
  echo "${root:-.}/target/release/${name:-server}"
}

# free_port: a local TCP port nobody listens on now.
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
