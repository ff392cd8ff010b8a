#!/usr/bin/env bash
#! The lost-updates checks for bench/run.sh (sourced): 2,000 calls at once,
#! then the total read back. Each prints "ANSWERED_200 TOTAL".

post() { curl -s -X POST -H "Origin: http://$addr" -H 'Accept: application/json' "$@"; }

# One cart, 2,000 adds of one unit spread over 25 products with room for
# 80 units each, inside the 99-per-line and stock rules.
cart_burst() {
  "$tools" sql "sqlite://$out/bench.db" "INSERT INTO products (id, name, description, price_cents, stock, created_at)
    WITH RECURSIVE n(i) AS (SELECT 101 UNION ALL SELECT i + 1 FROM n WHERE i < 125)
    SELECT i, 'Bench item ' || i, 'For the lost-updates check.', 100, 1000000, '2026-01-01T00:00:00Z' FROM n"
  local cookie bodies=() answered units
  # The cart is made by a first add, then emptied, so it starts at 0 units.
  cookie=$(post -D - -o /dev/null --data 'product_id=101&quantity=1' "http://$addr/api/cart/add" |
    sed -n 's/^[Ss]et-[Cc]ookie: \([^;]*\).*/\1/p' | head -n 1)
  post -o /dev/null -H "Cookie: $cookie" --data 'product_id=101' "http://$addr/api/cart/remove"
  for id in $(seq 101 125); do bodies+=("product_id=$id&quantity=1"); done
  answered=$("$tools" burst "$addr" /api/cart/add "$cookie" 2000 "${bodies[@]}")
  units=$(post -H "Cookie: $cookie" "http://$addr/api/cart/get" |
    grep -o '"quantity":[0-9]*' | cut -d: -f2 | awk '{s += $1} END {print s + 0}')
  echo "$answered $units"
}

# The counter: 2,000 adds of 1 must raise it by exactly 2,000.
counter_burst() {
  local before after answered
  before=$(post "http://$addr/api/counter/get")
  answered=$("$tools" burst "$addr" /api/counter/add - 2000 "by=1")
  after=$(post "http://$addr/api/counter/get")
  echo "$answered $((after - before))"
}
