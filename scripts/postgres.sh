#!/usr/bin/env bash
#! A throwaway PostgreSQL from Debian's packages, for tests and the local
#! cluster: its data, socket and log in DIR, on a free local port.
#!   scripts/postgres.sh start DIR   starts it (installing PostgreSQL if
#!                                   missing) and prints its URL
#!   scripts/postgres.sh stop DIR    stops it and removes DIR
set -euo pipefail

usage() { echo "usage: $0 start|stop DIR" >&2; exit 2; }
[ $# -eq 2 ] || usage
command=$1
dir=$2
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

sudo=""
[ "$(id -u)" -eq 0 ] || sudo=sudo

# The newest installed server's programs, installing Debian's if none is.
bin_dir() {
  local found
  found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if [ -z "$found" ] || [ ! -x "$found/initdb" ]; then
    echo "postgres: installing PostgreSQL (Debian)" >&2
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql >/dev/null
    found=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  fi
  echo "$found"
}

# Runs a server program as the data directory's owner: initdb refuses root.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

start() {
  local bin port
  bin=$(bin_dir)
  mkdir -p "$dir"
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres "$dir"
    # initdb runs as postgres, who must be able to reach DIR: say so now,
    # not as initdb's "Permission denied".
    runuser -u postgres -- test -w "$dir" ||
      { rmdir "$dir" 2>/dev/null || true; echo "postgres: the postgres user cannot enter $dir (a parent folder is closed to it); use a folder under /tmp" >&2; exit 1; }
  fi
  as_owner "$bin/initdb" -D "$dir/data" -A trust -U app --no-sync >"$dir/initdb.log" 2>&1 ||
    { cat "$dir/initdb.log" >&2; exit 1; }
  port=$(free_port)
  # fsync stays on (the default): the tests check that answered writes
  # survive a crash.
  as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null ||
    { cat "$dir/log" >&2; exit 1; }
  echo "$port" >"$dir/port"
  echo "postgres://app@127.0.0.1:$port/postgres"
}

stop() {
  [ -d "$dir/data" ] || return 0
  as_owner "$(bin_dir)/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}

case $command in
  start) start ;;
  stop) stop ;;
  *) usage ;;
esac
