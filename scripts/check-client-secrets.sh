#!/usr/bin/env bash
#! Checks that server-only things never reach the browser: the release WASM
#! and JS must not contain the database URL, SQL, or server-only module
#! names. Each needle is first found in the server binary, so a needle that
#! matches nothing anywhere (and so proves nothing) fails the check too.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$root/scripts/lib.sh"
server=$(release_binary)
client=("$root"/target/site/pkg/*.wasm "$root"/target/site/pkg/*.js)
[ -x "$server" ] && [ -f "${client[0]}" ] || { echo "secrets: build with cargo leptos build --release --split first" >&2; exit 1; }

needles=(
  ".db?mode=rwc"               # the default database URL
  "UPDATE counter SET value"   # SQL from the repositories
  "app/core/src/db/mod.rs"     # server-only modules
  "app/core/src/db/postgres.rs"
  "services/counter/src/lib.rs" # server-only crates
  "sqlx"
)
if [ -d "$root/app/cart" ]; then # the example shop
  needles+=(
    "INSERT INTO cart_lines"
    "BEGIN IMMEDIATE"
    "SELECT p.id AS product_id"
    "services/shop/src/cart/mod.rs"
    "services/shop/src/orders/mod.rs"
    "services/shop/src/cart/postgres.rs"
    "FOR NO KEY UPDATE OF p"     # PostgreSQL's checkout
    "cart_lines"
    "password_hash"              # the accounts' SQL and password hashing
    "services/shop/src/accounts/mod.rs"
    "services/shop/src/accounts/password.rs"
    "argon2id"
    "services/shop/src/catalog/images.rs"  # storing and serving uploads
    "UPDATE products SET price_cents"
  )
fi
failed=0
for needle in "${needles[@]}"; do
  if ! grep -qaF -- "$needle" "$server"; then
    echo "secrets: \"$needle\" is not in the server binary either; the check would prove nothing" >&2
    failed=1
  elif grep -qaF -- "$needle" "${client[@]}"; then
    echo "secrets: \"$needle\" reached the browser bundle" >&2
    failed=1
  fi
done
[ "$failed" -eq 0 ] && echo "secrets: none of ${#needles[@]} server-only strings is in the browser bundle"
exit "$failed"
