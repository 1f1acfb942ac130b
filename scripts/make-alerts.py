#!/usr/bin/env python3
"""Writes N alerts as JSON Lines (for `tidings alerts import`), drawn from the vocabulary of
an input stream, for the alert benchmark (scripts/bench-alerts.sh).

usage: make-alerts.py INPUT.jsonl N [STORE.sqlite] > alerts.jsonl

With MODE=absent in the environment, the alerts' words occur in no stream (what reading
every article costs); with MODE=quiet, the alerts match as usual but never tell (what
following stories costs, without the notices).

The mix is what a monitoring desk saves: one or two words a client cares about, names
(entity alerts), phrases, and OR-lists, drawn from words and names that occur in 3 to
0.1 % of the stream's articles (what a client's name or topic does: the most common words
make no one's alert). Deterministic (seeded).

With STORE (the input ingested without alerts), the alerts are *selective*: drawn only from
words, phrases and names found in at most 10 of its stories, as a client or a topic is in a
day of news. A stream whose generator spreads every word over many stories (make_stream.py
mixes sentences of random articles) has almost none; then the script says so and stops.
"""
import collections
import json
import os
import random
import re
import sqlite3
import sys

# A selective alert's word is in at most this many stories.
SELECTIVE_STORIES = 10


def main():
    source, n = sys.argv[1], int(sys.argv[2])
    mode = os.environ.get("MODE", "")
    if mode == "absent":
        for i in range(n):
            print(json.dumps({"name": f"alert-{i:05d}", "min_articles": 2, "trigger": "new-story",
                              "every_seconds": 3600, "query": f"qqzx{i}absentword"}))
        return
    spread = story_spread(sys.argv[3]) if len(sys.argv) > 3 else None
    words, names, pairs = collections.Counter(), collections.Counter(), collections.Counter()
    seen = 0
    for line in open(source, encoding="utf-8"):
        if seen >= 20000:
            break
        seen += 1
        a = json.loads(line)
        text = f"{a.get('title', '')} {a.get('text', '')}"
        tokens = re.findall(r"[^\W\d_]{4,}", text)
        words.update({w.lower() for w in tokens})
        pairs.update({f"{x.lower()} {y.lower()}" for x, y in zip(tokens, tokens[1:])})
        names.update({m.group(1) for m in re.finditer(r"(?<=[a-z,] )([A-Z][a-z]{2,}(?: [A-Z][a-z]{2,})?)", text)})
    # What a client's name or topic is: in a few articles of thousands (3 to 0.1 %).
    top = max(3, seen // 1000)
    # Rare as a stem, too: a search finds every word of its stem (*policing* finds *police*),
    # so a word counts with all words that share its first five letters.
    stems = collections.Counter()
    for w, c in words.items():
        stems[w[:5]] += c
    rare = sorted(w for w, c in words.items() if 3 <= c and stems[w[:5]] <= top and len(w) >= 5)
    common = sorted(w for w, c in words.items() if top < c <= seen // 20)
    phrases = sorted(p for p, c in pairs.items() if 2 <= c <= top and all(stems[w[:5]] <= top * 20 for w in p.split()))
    people = sorted(w for w, c in names.items() if 3 <= c <= top)
    if spread is not None:
        few = lambda text: all(spread.get(w.lower()[:5], 0) <= SELECTIVE_STORIES for w in text.split())
        rare, common, phrases, people = ([w for w in pool if few(w)] for pool in (rare, common, phrases, people))
        if min(len(rare), len(people)) < 20 or not common or not phrases:
            sys.exit(f"make-alerts.py: too few words of this stream are in at most {SELECTIVE_STORIES} stories "
                     f"({len(rare)} words, {len(people)} names) to draw selective alerts from")
    rng = random.Random(7)
    for i in range(n):
        kind = rng.random()
        alert = {"name": f"alert-{i:05d}", "min_articles": 2, "trigger": "new-story", "every_seconds": 3600}
        if kind < 0.35 or not people:
            alert["query"] = rng.choice(rare)
        elif kind < 0.5:
            alert["query"] = f"{rng.choice(rare)} {rng.choice(common)}"
        elif kind < 0.7:
            alert["entity"] = rng.choice(people)
        elif kind < 0.85:
            alert["query"] = f'"{rng.choice(phrases)}"'
        else:
            alert["query"] = " OR ".join(rng.sample(rare, 3))
        if rng.random() < 0.1:
            alert["trigger"] = rng.choice(["breaking", "update"])
        if mode == "quiet":
            alert["trigger"], alert["min_articles"] = "new-story", 1_000_000
        print(json.dumps(alert))


def story_spread(store):
    """Per five-letter word start (what a stem roughly is), in how many stories it occurs."""
    stories = collections.defaultdict(set)
    db = sqlite3.connect(f"file:{store}?mode=ro", uri=True)
    for title, body, story in db.execute("SELECT title, coalesce(body, ''), story_id FROM articles"):
        for w in set(re.findall(r"[^\W\d_]{4,}", f"{title} {body}".lower())):
            stories[w[:5]].add(story)
    return {k: len(v) for k, v in stories.items()}


if __name__ == "__main__":
    main()
