#!/usr/bin/env bash
#! The app on several servers, tested as it runs: scripts/cluster.sh's two
#! processes on a throwaway PostgreSQL behind nginx, then
#! - the end-to-end suite, JavaScript on and off, through nginx;
#! - a sign-up on process A whose session process B knows, then a
#!   checkout served by A, then `/` from B for a visitor without cookies:
#!   it shows the new stock (B dropped its kept page);
#! - 2,000 concurrent adds to one cart through nginx: exactly 2,000 units;
#! - a rolling restart of both processes under reads and writes through
#!   nginx: no call fails, and the counter went up by every write answered.
#! - SIGKILL of one process in a burst of writes through nginx: every write
#!   answered 200 is in the database, and the survivor answers the rest.
#! Build first with `cargo leptos build --release --split`.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
. scripts/lib.sh
port=${CLUSTER_CHECK_PORT:-3401}
dir=$root/target/cluster-check
url="http://127.0.0.1:$port"
workers=4
# 2,000 connections at once need more file descriptors than the usual 1,024.
ulimit -n 16384 2>/dev/null || ulimit -n "$(ulimit -Hn)"
# The database a failed run left behind.
[ ! -f "$dir/postgres" ] || scripts/postgres.sh stop "$(cat "$dir/postgres")"
rm -rf "$dir" && mkdir -p "$dir"
say() { echo "cluster-check: $*"; }
fail() { echo "cluster-check: $*" >&2; exit 1; }

# No rate limit (every call comes from this machine) and room for the
# 2,000 calls at once; one uploads folder that both processes share.
CLUSTER_BUILD=0 CLUSTER_PORT=$port CLUSTER_DIR=$dir APP_RATE_LIMIT_PER_SECOND=0 APP_MAX_IN_FLIGHT_PER_CLIENT=0 \
  APP_MAX_IN_FLIGHT=4096 APP_UPLOADS_DIR="$dir/uploads" \
  scripts/cluster.sh 2 >"$dir/cluster.log" 2>&1 &
cluster=$!
# On any exit: the bursts below stop, then the cluster.
trap 'touch "$dir/stop"; kill $(jobs -p) 2>/dev/null; wait 2>/dev/null || true' EXIT
for _ in $(seq 1 600); do
  [ -f "$dir/url" ] && break
  kill -0 "$cluster" 2>/dev/null || { cat "$dir/cluster.log" >&2; fail "the cluster did not start"; }
  sleep 0.1
done
[ -f "$dir/url" ] || fail "the cluster did not start within 60 s (log: $dir/cluster.log)"
read -r pid_a addr_a < <(sed -n 1p "$dir/processes")
read -r _ addr_b < <(sed -n 2p "$dir/processes")
database="postgres://app@127.0.0.1:$(cat "$(cat "$dir/postgres")/port")/postgres"
say "nginx at $url, processes A at $addr_a and B at $addr_b"

say "the end-to-end suite through nginx (the database is fresh)"
# The admin's tests grant rights with the server's command, on this database.
(cd end2end && E2E_BASE_URL=$url E2E_DATABASE_URL=$database npx playwright test --forbid-only)

post() { curl -s --max-time 30 -X POST -H 'Accept: application/json' "$@"; }

# The stock `/` shows for product 3 on the process at $1, and whether it
# came from the page cache.
stock_of_3() {
  local stock
  stock=$(curl -s -D "$dir/headers" "http://$1/" | tr '\n' ' ' |
    grep -oP 'id="product-3".*?class="stock">\K[^<]*' | head -n 1 || true)
  [ -n "$stock" ] || fail "no stock for product 3 in / from $1"
  echo "$stock"
}

if [ -d app/cart ]; then
  say "a checkout on A, then / on B for a visitor without cookies"
  stock_of_3 "$addr_b" >/dev/null
  before=$(stock_of_3 "$addr_b")
  grep -qi '^x-ferry-cache: hit' "$dir/headers" || fail "B did not keep / (no x-ferry-cache: hit)"
  jar="$dir/cookies-a"
  post -c "$jar" -o /dev/null -H "Origin: http://$addr_a" --data 'product_id=3&quantity=2' "http://$addr_a/api/cart/add"
  # Orders belong to accounts: sign up on A; the session is in the shared
  # database, so B knows it.
  status=$(post -b "$jar" -c "$jar" -o /dev/null -w '%{http_code}' -H "Origin: http://$addr_a" \
    --data 'email=cluster%40example.com&password=correct+horse+battery&next=%2F' "http://$addr_a/api/accounts/sign-up")
  [ "$status" = 200 ] || fail "the sign-up on A answered $status"
  me=$(post -b "$jar" -H "Origin: http://$addr_b" "http://$addr_b/api/accounts/me")
  case "$me" in
    *'"cluster@example.com"'*) say "signed up on A; B knows the session: $me" ;;
    *) fail "B does not know the session A started: $me" ;;
  esac
  status=$(post -b "$jar" -o /dev/null -w '%{http_code}' -H "Origin: http://$addr_a" "http://$addr_a/api/orders/checkout")
  [ "$status" = 200 ] || fail "the checkout on A answered $status"
  # The checkout answered once its revalidation was sent; B hears it
  # within milliseconds.
  started=$(date +%s%N)
  asked=0
  while true; do
    after=$(stock_of_3 "$addr_b")
    asked=$((asked + 1))
    waited=$((($(date +%s%N) - started) / 1000000))
    [ "$after" != "$before" ] && break
    [ "$waited" -lt 100 ] || fail "B still shows \"$before\" for product 3 100 ms after A's checkout"
  done
  say "B showed \"$before\" (kept), then \"$after\" in its answer number $asked after A's checkout answered ($waited ms later, B's render included)"
  [ "${before%% *}" -eq $((${after%% *} + 2)) ] || fail "the stock went from \"$before\" to \"$after\", not down by 2"

  say "2,000 concurrent adds to one cart through nginx"
  psql=$(ls /usr/lib/postgresql/*/bin/psql | sort -V | tail -n 1)
  # 25 products with room for 80 units each: the 99-per-line rule holds.
  "$psql" -q "$database" -c "INSERT INTO products (id, name, description, price_cents, stock, created_at)
    SELECT i, 'Burst item ' || i, 'For the lost-updates check.', 100, 1000000, now()
    FROM generate_series(101, 125) AS i"
  cookie=$(post -D - -o /dev/null -H "Origin: $url" --data 'product_id=101&quantity=1' "$url/api/cart/add" |
    sed -n 's/^[Ss]et-[Cc]ookie: \([^;]*\).*/\1/p' | head -n 1)
  post -o /dev/null -H "Origin: $url" -H "Cookie: $cookie" --data 'product_id=101' "$url/api/cart/remove"
  bodies=()
  for id in $(seq 101 125); do bodies+=("product_id=$id&quantity=1"); done
  # With the server selected too, its dependencies resolve to the features
  # the tests built them with, so only the tool itself is compiled.
  debug_cargo build --quiet -p bench -p server --bin bench
  sleep 1.2 # nginx writes its log every second
  logged=$(wc -l <"$dir/nginx/access.log")
  burst_started=$SECONDS
  answered=$(target/debug/bench burst "127.0.0.1:$port" /api/cart/add "$cookie" 2000 "${bodies[@]}")
  units=$(post -H "Origin: $url" -H "Cookie: $cookie" "$url/api/cart/get" |
    grep -o '"quantity":[0-9]*' | cut -d: -f2 | awk '{s += $1} END {print s + 0}')
  sleep 1.2 # nginx writes its log every second
  # A line: address "POST /api/cart/add HTTP/1.1" status upstreams times,
  # where nginx lists each upstream it tried ("A, B" when it went on to B
  # after A's connection timed out): counted by the one that answered.
  served=$(tail -n +$((logged + 1)) "$dir/nginx/access.log" | grep ' "POST /api/cart/add ' |
    awk '{ i = 6; while ($i ~ /,$/) i++; print $i, (i > 6 ? "after another timed out" : "") }' | sort | uniq -c |
    awk '{ n = $1; $1 = ""; printf "%s%s by%s", sep, n, $0; sep = ", " }')
  say "$answered of 2,000 answered 200 in $((SECONDS - burst_started)) s ($served); the cart holds $units units"
  [ "$answered" = 2000 ] && [ "$units" = 2000 ] || fail "2,000 adds did not make 2,000 units"
  grep -q "by $addr_a" <<<"$served" && grep -q "by $addr_b" <<<"$served" ||
    fail "the adds were not spread over both processes: $served"
else
  say "no shop: the stock and cart checks are skipped"
fi

say "a rolling restart of both processes under reads and writes through nginx"
# One line per call: the kind, curl's exit code and the status.
traffic() {
  local out=$1 code status
  while [ ! -f "$dir/restart-stop" ]; do
    code=0
    status=$(curl -s --max-time 10 -o /dev/null -w '%{http_code}' -X POST -H "Origin: $url" \
      -H 'Accept: application/json' --data 'by=1' "$url/api/counter/add") || code=$?
    echo "write $code $status" >>"$out"
    code=0
    status=$(curl -s --max-time 10 -o /dev/null -w '%{http_code}' "$url/") || code=$?
    echo "read $code $status" >>"$out"
  done
}
counter_now() {
  local value
  value=$(post -H "Origin: $url" "$url/api/counter/get")
  [[ $value =~ ^[0-9]+$ ]] || fail "the counter could not be read: $value"
  echo "$value"
}
before=$(counter_now)
for w in $(seq 1 "$workers"); do traffic "$dir/rolling.$w" & done
sleep 1
kill -USR1 "$(cat "$dir/cluster.pid")"
for _ in $(seq 1 900); do grep -qx done "$dir/restarted" 2>/dev/null && break; sleep 0.1; done
grep -qx done "$dir/restarted" || fail "the rolling restart did not finish within 90 s (log: $dir/cluster.log)"
# Until nginx takes the last one back (fail_timeout, 5 s): the SIGKILL
# below needs both.
sleep 6
touch "$dir/restart-stop"
wait $(jobs -p | grep -vx "$cluster") 2>/dev/null || true
calls=$(cat "$dir"/rolling.? | grep -c .)
failed=$(cat "$dir"/rolling.? | grep -vc ' 0 200$' || true)
writes=$(cat "$dir"/rolling.? | grep -c '^write 0 200$' || true)
after=$(counter_now)
say "$calls calls during the restart of $(grep -c : "$dir/restarted") processes: $failed failed; $writes writes answered 200, the counter went up by $((after - before))"
[ "$failed" -eq 0 ] || { grep -v ' 0 200$' "$dir"/rolling.? | sort | uniq -c >&2; fail "calls failed during a rolling restart"; }
[ $((after - before)) -eq "$writes" ] || fail "the counter went up by $((after - before)), not by the $writes answered writes"
# Process A is a new one now.
read -r pid_a _ < <(grep -F " $addr_a" "$dir/restarted" | tail -n 1)

say "SIGKILL of process A in a burst of writes through nginx"
# One line per call: whether A was already killed when it started, curl's
# exit code and the status.
burst() {
  local out=$1 code status phase
  while [ ! -f "$dir/stop" ]; do
    phase=before
    [ -f "$dir/killed" ] && phase=after
    code=0
    status=$(curl -s --max-time 10 -o /dev/null -w '%{http_code}' -X POST -H "Origin: $url" \
      -H 'Accept: application/json' --data 'by=1' "$url/api/counter/add") || code=$?
    echo "$phase $code $status" >>"$out"
  done
}
counter() { post -H "Origin: $url" "$url/api/counter/get"; }
start_value=$(counter)
for w in $(seq 1 "$workers"); do burst "$dir/burst.$w" & done
sleep 1.5
kill -9 "$pid_a"
touch "$dir/killed"
sleep 2
touch "$dir/stop"
wait $(jobs -p | grep -vx "$cluster") 2>/dev/null || true
calls=$(cat "$dir"/burst.? | grep -c .)
ok=$(cat "$dir"/burst.? | grep -c ' 0 200$' || true)
ok_after=$(cat "$dir"/burst.? | grep -c '^after 0 200$' || true)
failed=$((calls - ok))
end_value=$(counter)
added=$((end_value - start_value))
say "$ok of $calls calls answered 200 ($ok_after after the kill, all from B), $failed failed; the counter went up by $added"
[ "$added" -ge "$ok" ] && [ "$added" -le "$calls" ] || fail "an answered write was lost"
[ "$ok_after" -gt 0 ] || fail "nothing was answered after the kill: nginx did not send the rest to B"
# At most the calls in flight on A when it died fail, one per worker, and
# as many again on connections nginx had open to A.
[ "$failed" -le $((2 * workers)) ] || fail "$failed calls failed; at most $((2 * workers)) were in flight on A"
say "passed"
