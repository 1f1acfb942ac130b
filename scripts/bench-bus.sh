#!/usr/bin/env bash
# Benchmark: articles through NATS JetStream against a direct ingest, both into PostgreSQL
# on this machine. Alternates ROUNDS times: a direct `tidings ingest` into a new database,
# then `tidings ingest --bus` (publishing) followed by `tidings place` into another new
# database (timed from the first publish to the last article committed), and prints
# articles per second of each and their ratio.
#
#   scripts/bench-bus.sh STREAM.jsonl [ROUNDS=2]
#
# Needs PostgreSQL (TIDINGS_BENCH_POSTGRES, default postgres://postgres@127.0.0.1:5432),
# nats-server (started here on a port and a store directory of its own, removed at the end;
# or TIDINGS_BENCH_NATS=HOST:PORT for a running server, whose streams bench_* are then left
# behind), and a release build.
set -euo pipefail
stream=$1
rounds=${2:-2}
bin=${TIDINGS_BIN:-target/release/tidings}
pg=${TIDINGS_BENCH_POSTGRES:-postgres://postgres@127.0.0.1:5432}
work=$(mktemp -d)
nats=${TIDINGS_BENCH_NATS:-}
if [ -z "$nats" ]; then
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  nats-server -a 127.0.0.1 -p "$port" -js -sd "$work/nats" > /dev/null 2>&1 &
  nats_pid=$!
  nats=127.0.0.1:$port
  sleep 1
fi
export PGOPTIONS="-c client_min_messages=warning"
articles=$(wc -l < "$stream")
db() { psql "$pg/postgres" -qAt -c "$1" > /dev/null; }
count() { psql "$pg/$1" -qAt -c "SELECT count(*) FROM articles" 2> /dev/null || echo 0; }
cleanup() {
  pkill -f "tidings place --data $pg/tidings_bench_bus" 2> /dev/null || true
  db "DROP DATABASE IF EXISTS tidings_bench_direct WITH (FORCE)"
  db "DROP DATABASE IF EXISTS tidings_bench_bus WITH (FORCE)"
  if [ -n "${nats_pid:-}" ]; then kill "$nats_pid" 2> /dev/null || true; wait "$nats_pid" 2> /dev/null || true; fi
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
