#!/usr/bin/env bash
#! The scale-out run for bench/run.sh (sourced): the same loads through
#! nginx to two processes on PostgreSQL (scripts/cluster.sh), with the CPU
#! time of each part: the app's processes, nginx, PostgreSQL.
#! Expects $out, $duration, $connections, $action and $action_body.

# CPU ticks of processes $@ and their children, living and reaped.
tree_ticks() {
  local pid total=0 kids
  for pid in "$@"; do
    [ -r "/proc/$pid/stat" ] || continue
    total=$((total + $(awk '{print $14 + $15 + $16 + $17}' "/proc/$pid/stat")))
    kids=$(pgrep -P "$pid" | tr '\n' ' ')
    [ -z "$kids" ] || total=$((total + $(tree_ticks $kids)))
  done
  echo "$total"
}

# cluster_load NAME URL [wrk options]: as `load`, with the CPU ms per
# request of the app's processes, nginx and PostgreSQL in NAME.parts.
cluster_load() {
  local name=$1 url=$2 before after
  shift 2
  before="$(tree_ticks $cluster_apps) $(tree_ticks $cluster_nginx) $(tree_ticks $cluster_postgres)"
  load "$name" "$cluster_nginx" "$url" "$@"
  after="$(tree_ticks $cluster_apps) $(tree_ticks $cluster_nginx) $(tree_ticks $cluster_postgres)"
  echo "$before $after" | awk -v requests="$(field "$name" 5)" -v hz="$(getconf CLK_TCK)" '
    { printf "%.3f %.3f %.3f\n", ($4 - $1) * 1000 / hz / requests, ($5 - $2) * 1000 / hz / requests,
        ($6 - $3) * 1000 / hz / requests }' >"$out/$name.parts"
}

# cluster_run: starts the cluster, measures kept `/`, rendered `/` and the
# action through it, and stops it.
cluster_run() {
  local dir=$root/target/bench-cluster cluster_port=$((port + 2)) base
  rm -rf "$dir"
  CLUSTER_BUILD=0 CLUSTER_PORT=$cluster_port CLUSTER_DIR=$dir APP_RATE_LIMIT_PER_SECOND=0 APP_MAX_IN_FLIGHT_PER_CLIENT=0 \
    APP_MAX_IN_FLIGHT=4096 RUST_LOG=warn scripts/cluster.sh 2 >"$out/cluster.log" 2>&1 &
  cluster=$! # global: run.sh's exit stops it
  for _ in $(seq 1 600); do
    [ -f "$dir/url" ] && break
    kill -0 "$cluster" 2>/dev/null || { cat "$out/cluster.log" >&2; return 1; }
    sleep 0.1
  done
  base=$(cat "$dir/url")
  cluster_apps=$(awk '{printf "%s ", $1}' "$dir/processes")
  cluster_nginx=$(cat "$dir/nginx/nginx.pid")
  cluster_postgres=$(head -n 1 "$dir/postgres/data/postmaster.pid")
  curl -s -o /dev/null "$base/" && curl -s -o /dev/null "$base/"
  cluster_load cluster-ssr "$base/"
  cluster_load cluster-rendered "$base/" -H "Cookie: bench=1"
  sed "s|http://$addr|$base|" "$out/action.lua" >"$out/cluster-action.lua"
  cluster_load cluster-action "$base$action" -s "$out/cluster-action.lua"
  kill -TERM "$cluster" 2>/dev/null || true
  wait "$cluster" 2>/dev/null || true
}

# cluster_rows: the report's table of the run beside one process on SQLite.
cluster_rows() {
  local name single
  echo "| measure | one process on SQLite | two processes on PostgreSQL behind nginx | ratio | CPU ms/request there: app / nginx / PostgreSQL |"
  echo "|---|---|---|---|---|"
  for name in ssr rendered action; do
    case $name in
      ssr) single="SSR \`/\`, kept page" ;;
      rendered) single="SSR \`/\`, rendered" ;;
      action) single="$action_name" ;;
    esac
    echo "| $single: requests/s | $(field "$name" 1) | $(field "cluster-$name" 1) | $(awk -v a="$(field "cluster-$name" 1)" -v b="$(field "$name" 1)" 'BEGIN { printf "%.2f x", a / b }') | |"
    echo "| $single: p50 / p99 ms | $(field "$name" 2) / $(field "$name" 3) | $(field "cluster-$name" 2) / $(field "cluster-$name" 3) | | |"
    echo "| $single: CPU ms/request, all parts | $(field "$name" 4) | $(awk '{printf "%.3f", $1 + $2 + $3}' "$out/cluster-$name.parts") | | $(awk '{printf "%s / %s / %s", $1, $2, $3}' "$out/cluster-$name.parts") |"
  done
  echo "| failed requests (kept / rendered / $action_name) | $(field ssr 6) / $(field rendered 6) / $(field action 6) | $(field cluster-ssr 6) / $(field cluster-rendered 6) / $(field cluster-action 6) | | |"
}
