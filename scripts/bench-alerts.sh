#!/usr/bin/env bash
# Benchmark: what saved alerts cost ingestion. Ingests the same stream into a new store
# without alerts and with N alerts (scripts/make-alerts.py draws them from the stream's
# vocabulary), alternating, ROUNDS times each, and prints articles per second and the
# notices made.
#
#   scripts/bench-alerts.sh STREAM.jsonl [ALERTS=10000] [ROUNDS=2]
#
# For a real-text stream: python3 ../shared/bench/make_stream.py s200k.jsonl 200000 \
#   ../shared/bench/ecbplus-dev.jsonl. Needs a release build (cargo build --release).
set -euo pipefail
stream=$1
alerts=${2:-10000}
rounds=${3:-2}
bin=${TIDINGS_BIN:-target/release/tidings}
here=$(dirname "$0")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 "$here/make-alerts.py" "$stream" "$alerts" > "$work/alerts.jsonl"
articles=$(wc -l < "$stream")
for round in $(seq "$rounds"); do
  for with in 0 "$alerts"; do
    rm -rf "$work/data"
    if [ "$with" != 0 ]; then "$bin" alerts import -q --data "$work/data" "$work/alerts.jsonl" > /dev/null; fi
    start=$(date +%s.%N)
    "$bin" ingest -q --data "$work/data" "$stream" > /dev/null
    end=$(date +%s.%N)
    notices=$(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT count(*) FROM alert_notices").fetchone()[0])' "$work/data/tidings.sqlite")
    awk -v r="$round" -v w="$with" -v n="$articles" -v s="$start" -v e="$end" -v k="$notices" \
      'BEGIN { printf "round %s  %6s alerts  %8.1f s  %7.0f articles/s  %s notices\n", r, w, e - s, n / (e - s), k }'
  done
done
