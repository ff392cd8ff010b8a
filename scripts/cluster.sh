#!/usr/bin/env bash
#! The app as it runs on several servers, on one machine: a throwaway
#! PostgreSQL, N server processes (default 2) of the release build, and
#! nginx in front of them. Prints the address to open; Ctrl-C (or SIGTERM)
#! stops everything it started.
#!
#!   scripts/cluster.sh [N]            builds the release app first
#!   CLUSTER_BUILD=0 scripts/cluster.sh  uses the release build as it is
#!
#! CLUSTER_PORT (default 8080) is nginx's port; CLUSTER_DIR (default
#! target/cluster) holds the logs, nginx's configuration, `processes` (one
#! line per server: pid and address) for scripts that drive the cluster,
#! and `postgres`, the path of the database's own folder. That folder is a
#! new one under /tmp, which PostgreSQL's user can always enter (unlike a
#! clone under a 0700 home). Other settings pass through the environment to every
#! process (APP_RATE_LIMIT_PER_SECOND=0, for instance). SIGUSR1 to the pid
#! in `cluster.pid` restarts the processes one at a time, as a deploy does;
#! `restarted` gets a line per process (its new pid and address), then
#! `done`. CLUSTER_BINARY and CLUSTER_SITE_ROOT run another build (the
#! islands one: scripts/islands-check.sh --cluster).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
. scripts/lib.sh

count=${1:-2}
[[ $count =~ ^[1-9][0-9]?$ ]] || { echo "usage: $0 [number of server processes, 1-99]" >&2; exit 2; }
port=${CLUSTER_PORT:-8080}
dir=${CLUSTER_DIR:-target/cluster}
dir=$(mkdir -p "$dir" && cd "$dir" && pwd)
pids=()
# The database a killed run left behind, then this run's.
[ ! -f "$dir/postgres" ] || scripts/postgres.sh stop "$(cat "$dir/postgres")"
pg_dir=$(mktemp -u /tmp/cluster-postgres.XXXXXX)
echo "$pg_dir" >"$dir/postgres"

stop_all() {
  # A second Ctrl-C while the servers drain must not skip the rest.
  trap '' INT TERM
  trap - EXIT
  # The servers drain; nginx stops at once.
  [ ${#pids[@]} -eq 0 ] || kill -TERM "${pids[@]}" 2>/dev/null || true
  [ ${#servers[@]} -eq 0 ] || kill -TERM "${servers[@]}" 2>/dev/null || true
  wait 2>/dev/null || true
  scripts/postgres.sh stop "$pg_dir"
  echo "cluster: stopped" >&2
}
trap stop_all EXIT
trap 'exit 130' INT TERM

if [ "${CLUSTER_BUILD:-1}" != 0 ]; then
  echo "cluster: building the release app" >&2
  cargo leptos build --release --split >"$dir/build.log" 2>&1 || { tail -30 "$dir/build.log" >&2; exit 1; }
fi
binary=${CLUSTER_BINARY:-$(release_binary)}
[ -x "$binary" ] || { echo "cluster: no release build at $binary" >&2; exit 1; }

database=$(scripts/postgres.sh start "$pg_dir")
# Every process signs and reads the same cart cookies.
session_key=${APP_SESSION_KEY:-$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')}

: >"$dir/processes"
upstreams=""
servers=()
addrs=()
# Starts process $1 on address $2 (the same address when it restarts).
# A stopping process keeps serving for 6 s, each answer saying `Connection:
# close`: longer than nginx keeps an idle connection (keepalive_timeout,
# 5 s), so nginx has dropped every connection to it before it closes one
# (closing an idle one could race with a POST nginx was sending on it: 1
# of 1,980 calls failed so in a rolling restart here).
start_server() {
  LEPTOS_SITE_ADDR=$2 LEPTOS_SITE_ROOT=${CLUSTER_SITE_ROOT:-target/site} LEPTOS_ENV=PROD \
    DATABASE_URL=$database APP_SESSION_KEY=$session_key APP_TRUSTED_PROXIES=127.0.0.1 \
    APP_SHUTDOWN_DELAY=${APP_SHUTDOWN_DELAY:-6} \
    RUST_LOG=${RUST_LOG:-warn} "$binary" >>"$dir/server-$1.log" 2>&1 &
  servers[$1]=$!
  wait_for "http://$2/readyz" "cluster: server $1 (log: $dir/server-$1.log)" "$!"
}
for n in $(seq 1 "$count"); do
  addr="127.0.0.1:$(free_port)"
  addrs[$n]=$addr
  # One at a time: the first applies the migrations.
  start_server "$n" "$addr"
  echo "${servers[$n]} $addr" >>"$dir/processes"
  upstreams+="    server $addr max_fails=1 fail_timeout=5s;"$'\n'
done

# SIGUSR1: a rolling restart, as a deploy does it: one process at a time
# drains (SIGTERM) and exits, and a new one starts on its address and
# answers /readyz; the next goes once nginx has taken it back (it skips a
# process that refused a connection for fail_timeout, 5 s, from the
# refusal: stopping the next one sooner would leave it none). `restarted` counts them.
rolling_restart() {
  for n in $(seq 1 "$count"); do
    kill -TERM "${servers[$n]}" 2>/dev/null || true
    wait "${servers[$n]}" 2>/dev/null || true
    start_server "$n" "${addrs[$n]}"
    echo "${servers[$n]} ${addrs[$n]}" >>"$dir/restarted"
    [ "$n" -eq "$count" ] || sleep 6
  done
  echo done >>"$dir/restarted"
}
trap rolling_restart USR1
echo $$ >"$dir/cluster.pid"

mkdir -p "$dir/nginx/temp"
# Started as root, nginx would run its workers as nobody, who may not
# enter this folder (under /root, say) for its temporary files.
user=""
[ "$(id -u)" -ne 0 ] || user="user root;"
sed -e "s|@DIR@|$dir/nginx|g" -e "s|@PORT@|$port|g" -e "s|^# @USER@|$user|" scripts/cluster/nginx.conf |
  awk -v upstreams="$upstreams" '{ if ($0 ~ /@UPSTREAMS@/) printf "%s", upstreams; else print }' \
    >"$dir/nginx/nginx.conf"
nginx=$(command -v nginx || echo /usr/sbin/nginx)
"$nginx" -p "$dir/nginx" -c "$dir/nginx/nginx.conf" -g 'daemon off;' &
front=$!
pids+=("$front")
wait_for "http://127.0.0.1:$port/readyz" "cluster: nginx (log: $dir/nginx/error.log)" "$front"

echo "http://127.0.0.1:$port" >"$dir/url"
echo "cluster: open http://127.0.0.1:$port ($count processes on PostgreSQL behind nginx; logs in $dir; Ctrl-C stops all)" >&2
# A server process that dies leaves the others serving, as on real
# machines; nginx exiting ends the cluster. A trapped signal (a rolling
# restart) ends `wait` early: wait again.
while kill -0 "$front" 2>/dev/null; do wait "$front" || true; done
echo "cluster: nginx exited (log: $dir/nginx/error.log); stopping the rest" >&2
exit 1
