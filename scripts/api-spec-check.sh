#!/usr/bin/env bash
# Checks the JSON API against its own OpenAPI document with schemathesis (property-based:
# generated valid and invalid requests, every answer checked for server errors, status
# codes, content types and schemas). Runs a server with the sample corpus and a token on a
# free loopback port; installs schemathesis into a virtualenv under target/ if missing.
#
#   scripts/api-spec-check.sh [MAX_EXAMPLES]     # default 30 per operation
set -euo pipefail
cd "$(dirname "$0")/.."
examples=${1:-30}
venv=target/schemathesis-venv
if [ ! -x "$venv/bin/schemathesis" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet 'schemathesis>=4.3,<5'
fi

# The binary as the test build makes it: `cargo build` alone would resolve dependency
# features without the dev-dependencies and compile much of the tree again.
cargo test --workspace --no-run --quiet
bin=target/debug/tidings
work=$(mktemp -d)
server=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

"$bin" ingest -q --data "$work/data" examples/news
token=spec-check-token-0123456789abcdef
TIDINGS_TOKEN=$token "$bin" serve --data "$work/data" --bind 127.0.0.1:0 >"$work/serve.out" 2>"$work/serve.err" &
server=$!
for _ in $(seq 100); do
  grep -q 'http://' "$work/serve.out" 2>/dev/null && break
  sleep 0.1
done
base=$(grep -o 'http://[0-9.:]*' "$work/serve.out" | head -1)
[ -n "$base" ] || { cat "$work/serve.err" >&2; echo "the server did not start" >&2; exit 1; }

# Every check but three: positive_data_acceptance expects a 2xx for every request the
# schema allows, but a schema cannot say that a query must not only exclude words, that a
# cursor belongs to one sort order or that `since` must read as a date: those are 400s the
# document lists. use_after_free and ensure_resource_availability need DELETE operations.
status=0
"$venv/bin/schemathesis" run "$base/api/v1/openapi.json" \
  --checks all --exclude-checks positive_data_acceptance,use_after_free,ensure_resource_availability \
  --max-examples "$examples" --seed 1 --workers 2 --request-timeout 30 \
  -H "Authorization: Bearer $token" --warnings off || status=$?
if ! kill -0 "$server" 2>/dev/null; then
  echo "the server died during the check" >&2
  tail -20 "$work/serve.err" >&2
  exit 1
fi
if grep -q 'internal error' "$work/serve.err"; then
  echo "the server logged internal errors:" >&2
  grep 'internal error' "$work/serve.err" | head -5 >&2
  status=1
fi
exit $status
