#!/usr/bin/env bash
# Runs every fuzz target (fuzz/fuzz_targets/) for a bounded time: first over the inputs
# that once broke it (fuzz/regressions/TARGET/, kept as regression tests), then from seeds
# made of the sample data, for SECONDS each (default 30). A crash stops the script with
# the input saved under fuzz/artifacts/TARGET/; copy it to fuzz/regressions/TARGET/ once
# fixed.
#
#   scripts/fuzz.sh [SECONDS]
#
# cargo-fuzz passes flags that only nightly compilers accept; RUSTC_BOOTSTRAP lets the
# stable toolchain accept them. No sanitizer: the code under test is safe Rust, and
# libFuzzer still finds panics, timeouts and runaway memory.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-30}
export RUSTC_BOOTSTRAP=1
export CARGO_INCREMENTAL=0

if ! cargo fuzz --version >/dev/null 2>&1; then
  cargo install cargo-fuzz --locked --version 0.13.2
fi

seeds=$(mktemp -d)
trap 'rm -rf "$seeds"' EXIT
mkdir -p "$seeds"/{readers,extract,query,dates}

# readers: the first byte picks the format (see fuzz_targets/readers.rs), the rest is a file.
seed() { # seed FORMAT_BYTE NAME < file
  { printf "\\x$(printf %02x "$1")"; cat; } > "$seeds/readers/$2"
}
page='<html lang="nb"><head><title>Brua er åpnet</title><meta property="og:title" content="Brua er åpnet">
<meta property="article:published_time" content="2019-04-23T10:00:00+02:00"></head><body><nav><a href="/">Forsiden</a></nav>
<article><h1>Brua er åpnet</h1><p>Ordføreren klippet snoret lørdag, og mange møtte opp.</p>
<p>Brua har kostet 120 millioner kroner &amp; tok to år å bygge.</p></article><script>var x = "<div>";</script></body></html>'
head -c 3000 examples/news/norsk.jsonl | seed 0 norsk.jsonl
head -c 3000 examples/news/international.jsonl | gzip -c | seed 1 intl.jsonl.gz
for f in examples/news/text/*.txt; do head -c 3000 "$f" | seed 2 "$(basename "$f")"; done
for f in examples/news/feeds/*; do head -c 3000 "$f" | seed 3 "$(basename "$f")"; done
printf '%s' "$page" | seed 4 page.html
http=$(printf 'HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n%s' "$page")
warc=$(printf 'WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: https://avis.example/bru\r\nContent-Length: %d\r\n\r\n%s\r\n\r\n' \
  "$(printf '%s' "$http" | wc -c)" "$http")
printf '%s' "$warc" | seed 5 page.warc
printf '%s' "$warc" | gzip -c | seed 6 page.warc.gz
printf '<opml version="2.0"><body><outline text="Nord &amp; Sør" xmlUrl="https://nord.example/rss"/></body></opml>' | seed 7 feeds.opml

printf '%s' "$page" > "$seeds/extract/page.html"
printf '<div><div><p>Tekst</p></div>' > "$seeds/extract/unclosed.html"
printf '<p>Tekst</p><svg><title>Ikon</title>%s</svg><!-- x --><script><!--<script></script>--></script>' \
  "$(printf '<g>%.0s' $(seq 300))" > "$seeds/extract/drawing.html"

i=0
for q in 'atomprogram' '"Kim Jong-un" -Trump' 'vladivost* (Hanoi OR Vladivostok)' 'NOT a ((b c) OR d)' 'title:x [1 TO 5]'; do
  printf '%s' "$q" > "$seeds/query/q$i"; i=$((i + 1))
done
i=0
for d in '2019-04-25T06:10:00+02:00' 'Thu, 25 Apr 2019 06:10:00 +0200' '2019-04-23' '2019-04' '9999-12-31T23:59:59Z' '2014-03-10 16:52:50'; do
  printf '%s' "$d" > "$seeds/dates/d$i"; i=$((i + 1))
done

cargo fuzz build --sanitizer none --fuzz-dir fuzz
for target in readers extract query dates; do
  echo "== fuzz $target (${secs}s)"
  regressions="fuzz/regressions/$target"
  if [ -d "$regressions" ] && [ -n "$(ls -A "$regressions")" ]; then
    cargo fuzz run --sanitizer none --fuzz-dir fuzz "$target" "$regressions"/* -- -timeout=10
  fi
  corpus=$(mktemp -d -p "$seeds")
  log="$seeds/$target.log"
  if ! cargo fuzz run --sanitizer none --fuzz-dir fuzz "$target" "$corpus" "$seeds/$target" -- \
    -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 >"$log" 2>&1; then
    tail -n 60 "$log"
    echo "fuzz target $target failed; the input is in fuzz/artifacts/$target/" >&2
    exit 1
  fi
  grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb)' "$log" || true
done
