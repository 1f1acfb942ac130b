#!/usr/bin/env bash
# Trains the Norwegian name tagger's shipped weights (crates/analyze/data/names.tagger) on
# NorNE's training documents. NorNE (github.com/ltgoslo/norne; annotations CC0, texts owned by
# their publishers) is read from a local checkout and nothing of it enters the repository: the
# weights are hashed features only.
#
# Usage: scripts/train-names.sh NORNE_CHECKOUT [OUT]
#
# NorNE's ndt/ folders hold every document once (Bokmål and Nynorsk); a document sharing a
# sentence with the UD development or test split is left out whole, so what remains is the
# training split (29,580 sentences; the UD training files hold 29,870).
set -euo pipefail
norne=${1:?usage: $0 NORNE_CHECKOUT [OUT]}
out=${2:-crates/analyze/data/names.tagger}
cargo run --release --quiet -- train-names --out "$out" \
  --exclude "$norne/ud/nob/no_bokmaal-ud-dev.conllu" --exclude "$norne/ud/nob/no_bokmaal-ud-test.conllu" \
  --exclude "$norne/ud/nno/no_nynorsk-ud-dev.conllu" --exclude "$norne/ud/nno/no_nynorsk-ud-test.conllu" \
  "$norne/ndt/nob" "$norne/ndt/nno"
