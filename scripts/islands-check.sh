#!/usr/bin/env bash
#! The islands client model (`cargo leptos build --features islands`): its
#! release build from this commit (`build_islands` in scripts/lib.sh: the
#! site in target/islands/site, the server in target/islands/), then the
#! browser tests against it, JavaScript on and off (E2E_MODEL=islands skips
#! what an islands page does not hydrate: lazy routes).
#!
#! Usage: scripts/islands-check.sh [playwright arguments]
#!        scripts/islands-check.sh --cluster   (the tests through nginx to two
#!        processes on PostgreSQL instead: scripts/cluster-check.sh)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
. scripts/lib.sh
server=$(release_for_tests build_islands target/islands/build.log)
server=${server#"$root/"}

if [ "${1:-}" = --cluster ]; then
  E2E_MODEL=islands E2E_SERVER="$server" CLUSTER_BINARY="$root/$server" \
    CLUSTER_SITE_ROOT=target/islands/site scripts/cluster-check.sh
else
  cd end2end
  E2E_MODEL=islands E2E_SERVER="$server" E2E_SITE_ROOT=target/islands/site \
    npx playwright test "$@"
fi
