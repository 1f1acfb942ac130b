#!/usr/bin/env bash
# Benchmark: what saved alerts cost ingestion. Ingests the same stream into a new store
# without alerts and with N alerts (scripts/make-alerts.py draws them from the stream's
# vocabulary), alternating, ROUNDS times each, and prints articles per second and the
# notices made.
#
#   scripts/bench-alerts.sh STREAM.jsonl [ALERTS=10000] [ROUNDS=2]
#
# SELECTIVE=1 draws the alerts from words found in at most 10 stories of the stream (as
# ingested without alerts in the first round), as a client or topic is in a day of news;
# by default they come from the whole vocabulary, a stress case where each alert follows
# many stories. MODE=absent makes alerts whose words occur nowhere (the cost of reading each
# article), MODE=quiet alerts that match but never tell (see make-alerts.py).
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
articles=$(wc -l < "$stream")
for round in $(seq "$rounds"); do
  for with in 0 "$alerts"; do
    if [ ! -e "$work/alerts.jsonl" ] && [ "$with" != 0 ]; then
      python3 "$here/make-alerts.py" "$stream" "$alerts" ${SELECTIVE:+"$work/data/tidings.sqlite"} > "$work/alerts.jsonl"
    fi
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
