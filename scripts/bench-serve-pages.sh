#!/usr/bin/env bash
# Benchmark: page and API throughput of `tidings serve` over an existing store, with wrk on
# loopback (apt-get install wrk). Reports requests/s and latency percentiles for the front
# page, the largest story's page and the API story list.
#
#   scripts/bench-serve-pages.sh DATA_DIR [SECONDS=10]
#
# A 1,000,000-article store: tidings generate --articles 1000000 > big.jsonl &&
# tidings ingest --data DATA_DIR big.jsonl
set -euo pipefail
data=${1:?usage: bench-serve-pages.sh DATA_DIR [SECONDS]}
seconds=${2:-10}
bin=${TIDINGS_BIN:-target/release/tidings}
out=$(mktemp)
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -f "$out"' EXIT

"$bin" serve -q --data "$data" --bind 127.0.0.1:0 > "$out" &
server=$!
for _ in $(seq 600); do grep -q http:// "$out" 2>/dev/null && break; sleep 0.1; done
base=$(grep -o 'http://[^ ]*' "$out" | head -1)
largest=$(curl -s "${base}api/v1/stories?sort=size&limit=1" | grep -o '"id":"s[0-9]*"' | head -1 | cut -d'"' -f4)
for path in "" "story/$largest" "api/v1/stories?limit=20"; do
  echo "== GET /$path"
  wrk -t2 -c32 -d"${seconds}s" --latency "$base$path" | grep -E 'Requests/sec|^ +(50|99)%|Non-2xx'
done
