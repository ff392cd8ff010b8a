#!/usr/bin/env bash
#! The islands client model (`cargo leptos build --features islands`): its
#! release build from this commit (`build_islands` in scripts/lib.sh: the
#! site in target/islands/site, the server in target/islands/), checks its
#! OpenAPI document is the fully hydrated server's, then runs the browser
#! tests against it, JavaScript on and off (E2E_MODEL=islands skips
#! what an islands page does not hydrate: lazy routes).
#!
#! Usage: scripts/islands-check.sh [playwright arguments]
#!        scripts/islands-check.sh --cluster   (the tests through nginx to two
#!        processes on PostgreSQL instead: scripts/cluster-check.sh)
#! ISLANDS_SERVER=PATH uses that islands server, built already with
#! `release_for_tests build_islands` (scripts/test.sh builds it while other
#! tests run), instead of building it here.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
. scripts/lib.sh
server=${ISLANDS_SERVER:-$(release_for_tests build_islands target/islands/build.log)}
server=${server#"$root/"}
# The OpenAPI document is the server's, the same in both client models.
hydrate_server=$(release_binary)
if [ -x "$hydrate_server" ] && ! cmp -s <("$hydrate_server" openapi) <("$server" openapi); then
  echo "islands: the islands server's OpenAPI document differs from the fully hydrated one's" >&2
  exit 1
fi

if [ "${1:-}" = --cluster ]; then
  E2E_MODEL=islands E2E_SERVER="$server" CLUSTER_BINARY="$root/$server" \
    CLUSTER_SITE_ROOT=target/islands/site scripts/cluster-check.sh
else
  cd end2end
  E2E_MODEL=islands E2E_SERVER="$server" E2E_SITE_ROOT=target/islands/site \
    npx playwright test "$@"
fi
