#!/usr/bin/env bash
# Benchmark: ingest over the API. Generates a synthetic corpus, starts `tidings serve` with a
# token on an empty data directory, POSTs it in batches (one request at a time, as a feeder
# would) and prints articles per second for the whole run and per tenth of it.
#
#   scripts/bench-api-ingest.sh [ARTICLES=100000] [BATCH=1000]
#
# Needs curl and a release build (cargo build --release).
set -euo pipefail
articles=${1:-100000}
batch=${2:-1000}
bin=${TIDINGS_BIN:-target/release/tidings}
work=$(mktemp -d)
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -rf "$work"' EXIT

"$bin" generate -q --articles "$articles" > "$work/corpus.jsonl"
split -l "$batch" -d -a 6 "$work/corpus.jsonl" "$work/batch."
token=bench-token-0123456789abcdef
TIDINGS_TOKEN=$token "$bin" serve -q --data "$work/data" --bind 127.0.0.1:0 > "$work/serve.out" 2>"${BENCH_STDERR:-/dev/stderr}" &
server=$!
for _ in $(seq 100); do grep -q http:// "$work/serve.out" 2>/dev/null && break; sleep 0.1; done
url=$(grep -o 'http://[^ ]*' "$work/serve.out" | head -1)api/v1/articles

batches=("$work"/batch.*)
tenth=$(( (${#batches[@]} + 9) / 10 ))
start=$(date +%s.%N); lap=$start; done_articles=0; lap_articles=0
for i in "${!batches[@]}"; do
  status=$(curl -s -o "$work/reply.json" -w '%{http_code}' -H "Authorization: Bearer $token" \
    -H 'Content-Type: application/x-ndjson' --data-binary @"${batches[$i]}" "$url")
  [ "$status" = 200 ] || { echo "batch $i: HTTP $status: $(cat "$work/reply.json")" >&2; exit 1; }
  n=$(wc -l < "${batches[$i]}"); done_articles=$((done_articles + n)); lap_articles=$((lap_articles + n))
  if (( (i + 1) % tenth == 0 )); then
    now=$(date +%s.%N)
    printf 'after %7d articles: %6.0f articles/s\n' "$done_articles" "$(echo "$lap_articles / ($now - $lap)" | bc -l)"
    lap=$now; lap_articles=0
  fi
done
end=$(date +%s.%N)
printf 'total: %d articles in %d requests of %d, %.1f s, %.0f articles/s\n' "$done_articles" "${#batches[@]}" \
  "$batch" "$(echo "$end - $start" | bc -l)" "$(echo "$done_articles / ($end - $start)" | bc -l)"
