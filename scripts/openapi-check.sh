#!/usr/bin/env bash
#! The OpenAPI document against the real server: prints it with the release
#! binary's `openapi` command, validates it against the OpenAPI 3.1 schema
#! (openapi-spec-validator), then starts the release server in production
#! (on a fresh SQLite database, with the document served and the rate limit
#! off so that every generated request reaches a function) and runs
#! schemathesis against it: generated valid and invalid arguments for every
#! operation, failing on any 5xx and on any answer the document does not
#! describe (status, content type, body schema). Bounded: OPENAPI_EXAMPLES
#! examples per operation (default 40) and OPENAPI_SECONDS per run (default
#! 30). In the shop it runs twice: anonymous, then signed in as an admin, so
#! guarded functions are tried past their guard. Build first with `cargo leptos build --release --split`;
#! the tools come from scripts/setup.sh python.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
. scripts/lib.sh
binary=$(release_binary)
venv=target/python
[ -x "$venv/bin/st" ] || scripts/setup.sh python
dir=target/openapi
rm -rf "$dir" && mkdir -p "$dir"

"$binary" openapi >"$dir/openapi.json"
"$venv/bin/openapi-spec-validator" "$dir/openapi.json"
operations=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(sum(len(p) for p in d["paths"].values()))' "$dir/openapi.json")
echo "openapi: $operations operations; the document is valid OpenAPI 3.1"

port=$(free_port)
LEPTOS_ENV=PROD LEPTOS_SITE_ADDR="127.0.0.1:$port" LEPTOS_SITE_ROOT=target/site \
  DATABASE_URL="sqlite://$dir/app.db?mode=rwc" APP_UPLOADS_DIR="$dir/uploads" \
  APP_SESSION_KEY=openapi-check-only-0123456789abcdef0123456789abcdef \
  APP_OPENAPI=/api/openapi.json APP_RATE_LIMIT_PER_SECOND=0 APP_MAX_IN_FLIGHT_PER_CLIENT=0 \
  RUST_LOG=warn "$binary" >"$dir/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait 2>/dev/null || true' EXIT
wait_for "http://127.0.0.1:$port/readyz" "openapi-check: the server (log: $dir/server.log)" "$server"
# The served document is the printed one.
curl -sf "http://127.0.0.1:$port/api/openapi.json" | python3 -c '
import json, sys
served, printed = json.load(sys.stdin), json.load(open(sys.argv[1]))
sys.exit(0 if served == printed else "openapi-check: the served document differs from `openapi`")' "$dir/openapi.json"

# The guide's calls from outside the browser (chapter 10), curl's then
# Python's, on the fresh database (the shop's: a new app without it has no cart).
if [ -f scripts/openapi/call.py ]; then
  added=$(curl -s -X POST "http://127.0.0.1:$port/api/cart/add" -d product_id=3 -d quantity=1 || true)
  [ "$added" = 1 ] || { echo "openapi-check: curl's add answered ${added:-nothing}, not 1" >&2; exit 1; }
  python3 scripts/openapi/call.py "http://127.0.0.1:$port"
fi

# schemathesis over every operation, with every check but
# positive_data_acceptance, which wants a 2xx for any input the schema
# allows: a product that does not exist, or more than its stock, is
# well-formed and still refused (404, 422), as the document says.
fuzz() {
  local log=$1 seconds=$2 excluded=$3
  shift 3
  "$venv/bin/st" run "$dir/openapi.json" --url "http://127.0.0.1:$port" \
    --checks all --exclude-checks "$excluded" \
    --max-examples "${OPENAPI_EXAMPLES:-40}" --max-time "$seconds" --workers 1 \
    --seed 1 --no-color "$@" >"$dir/$log" 2>&1 ||
    { tail -n 80 "$dir/$log" >&2; tail -n 20 "$dir/server.log" >&2; exit 1; }
  grep -E "generated|Scenarios" "$dir/$log" | sed "s/^ */openapi: $log: /" || true
}
fuzz anonymous.log "${OPENAPI_SECONDS:-30}" positive_data_acceptance

# Then signed in as an admin (the shop's), so that guarded functions are
# tried past their guard: the session cookie's name is the document's own.
# Signing up, in or out would end or replace that session, and a request
# without the cookie is what the run above made: both left to it (the
# cookie rides on every request here, so "missing" it is not tried).
if grep -q '"/api/accounts/sign-up"' "$dir/openapi.json"; then
  name=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["components"]["securitySchemes"]["session"]["name"])' "$dir/openapi.json")
  cookie=$(curl -sf -o /dev/null -D - -X POST "http://127.0.0.1:$port/api/accounts/sign-up" \
    -d email=openapi-check@example.com -d password=correct+horse+battery -d next=/ |
    tr -d '\r' | sed -n "s/^[Ss]et-[Cc]ookie: \($name=[^;]*\).*/\1/p" | head -n 1)
  [ -n "$cookie" ] || { echo "openapi-check: signing up set no $name cookie" >&2; exit 1; }
  DATABASE_URL="sqlite://$dir/app.db?mode=rwc" "$binary" admin grant openapi-check@example.com >/dev/null
  fuzz admin.log "${OPENAPI_SECONDS:-30}" positive_data_acceptance,negative_data_rejection -H "Cookie: $cookie" \
    --exclude-operation-id sign_up --exclude-operation-id sign_in --exclude-operation-id sign_out
  ! grep -q "Authentication failed" "$dir/admin.log" ||
    { grep -A10 "Authentication failed" "$dir/admin.log" >&2; echo "openapi-check: signed in, a guarded function still refused every call" >&2; exit 1; }
fi
echo "openapi: schemathesis found no 5xx and no answer the document does not describe"
