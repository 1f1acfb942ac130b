#!/usr/bin/env bash
# Benchmark: articles through NATS JetStream against a direct ingest, both into PostgreSQL
# on this machine. Alternates ROUNDS times: a direct `tidings ingest` into a new database,
# then `tidings ingest --bus` (publishing) followed by `tidings place` into another new
# database (timed from the first publish to the last article committed), and prints
# articles per second of each and their ratio.
#
#   scripts/bench-bus.sh STREAM.jsonl [ROUNDS=2]
#
# Needs PostgreSQL (TIDINGS_BENCH_POSTGRES, default postgres://postgres@127.0.0.1:5432)
# and NATS with JetStream (TIDINGS_BENCH_NATS, default 127.0.0.1:4222), and a release build.
set -euo pipefail
stream=$1
rounds=${2:-2}
bin=${TIDINGS_BIN:-target/release/tidings}
pg=${TIDINGS_BENCH_POSTGRES:-postgres://postgres@127.0.0.1:5432}
nats=${TIDINGS_BENCH_NATS:-127.0.0.1:4222}
work=$(mktemp -d)
export PGOPTIONS="-c client_min_messages=warning"
articles=$(wc -l < "$stream")
db() { psql "$pg/postgres" -qAt -c "$1" > /dev/null; }
count() { psql "$pg/$1" -qAt -c "SELECT count(*) FROM articles" 2> /dev/null || echo 0; }
cleanup() {
  pkill -f "tidings place --data $pg/tidings_bench_bus" 2> /dev/null || true
  db "DROP DATABASE IF EXISTS tidings_bench_direct WITH (FORCE)"
  db "DROP DATABASE IF EXISTS tidings_bench_bus WITH (FORCE)"
  rm -rf "$work"
}
trap cleanup EXIT
for round in $(seq "$rounds"); do
  db "DROP DATABASE IF EXISTS tidings_bench_direct WITH (FORCE)"; db "CREATE DATABASE tidings_bench_direct"
  start=$(date +%s.%N)
  "$bin" ingest -q --data "$pg/tidings_bench_direct" --index "$work/direct-index" "$stream" > /dev/null
  direct=$(echo "$(date +%s.%N) - $start" | bc)
  db "DROP DATABASE IF EXISTS tidings_bench_bus WITH (FORCE)"; db "CREATE DATABASE tidings_bench_bus"
  topic="bench_$$_$round"
  "$bin" place -q --data "$pg/tidings_bench_bus" --index "$work/bus-index" --bus "nats://$nats/$topic" \
    --idle-ms 2000 > /dev/null 2>&1 &
  placer=$!
  sleep 1
  start=$(date +%s.%N)
  "$bin" ingest -q --bus "nats://$nats/$topic" "$stream" > /dev/null
  published=$(echo "$(date +%s.%N) - $start" | bc)
  while [ "$(count tidings_bench_bus)" -lt "$articles" ]; do sleep 0.2; done
  bus=$(echo "$(date +%s.%N) - $start" | bc)
  kill -TERM "$placer"; wait "$placer" || true
  awk -v r="$round" -v n="$articles" -v d="$direct" -v b="$bus" -v p="$published" 'BEGIN {
    printf "round %s  direct %7.1f s %6.0f/s   bus %7.1f s %6.0f/s (published in %.1f s)   bus/direct %.2f\n",
      r, d, n / d, b, n / b, p, d / b }'
done
