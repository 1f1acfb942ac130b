//! The gazetteer: countries, world regions, capitals and major cities with their names in
//! the supported languages, so that *Moskva*, *Moscow* and *Moskau* are one place with one
//! canonical name, and a name is typed as a place because it is one.
//!
//! `data/gazetteer.tsv` is built by `scripts/build-gazetteer.py` from Unicode CLDR
//! (country and region names; Unicode License v3) and GeoNames (cities and their alternate
//! names; CC BY 4.0). `data/regions.tsv` adds Nordic regions and areas, written by us.
//! Spellings are looked up by their name key, so transliteration and diacritics do not
//! matter.

use std::sync::OnceLock;

use rustc_hash::FxHashMap;

use crate::name_key::name_key;

const BUILT: &str = include_str!("../data/gazetteer.tsv");
const REGIONS: &str = include_str!("../data/regions.tsv");

/// What kind of place a gazetteer entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlaceKind {
    Country,
    Region,
    City,
}

/// One place, whichever spelling named it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    /// The name shown for the place (English, as in CLDR and GeoNames).
    pub name: &'static str,
    pub kind: PlaceKind,
    /// ISO 3166 country code; empty for places above countries (Europe).
    pub country: &'static str,
}

/// Every spelling's name key, mapped to its place.
pub struct Gazetteer {
    places: Vec<Place>,
    by_key: FxHashMap<String, u32>,
}

impl Gazetteer {
    /// The gazetteer that ships with tidings, parsed once per process.
    pub fn get() -> &'static Gazetteer {
        static GAZETTEER: OnceLock<Gazetteer> = OnceLock::new();
        GAZETTEER.get_or_init(|| {
            let mut g = Gazetteer { places: Vec::new(), by_key: FxHashMap::default() };
            // Hand-written regions first: a spelling claimed twice keeps its first place.
            g.load(REGIONS);
            g.load(BUILT);
            g
        })
    }

    fn load(&mut self, text: &'static str) {
        for line in text.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()) {
            let mut fields = line.split('\t');
            let (Some(kind), Some(name), Some(country), Some(spellings)) =
                (fields.next(), fields.next(), fields.next(), fields.next())
            else {
                continue;
            };
            let kind = match kind {
                "country" => PlaceKind::Country,
                "region" => PlaceKind::Region,
                _ => PlaceKind::City,
            };
            let id = self.places.len() as u32;
            self.places.push(Place { name, kind, country });
            for spelling in spellings.split('|') {
                let key = name_key(spelling);
                if !key.is_empty() {
                    self.by_key.entry(key).or_insert(id);
                }
            }
        }
    }

    /// The place a name key stands for, if any.
    pub fn lookup(&self, key: &str) -> Option<&Place> {
        self.by_key.get(key).map(|&id| &self.places[id as usize])
    }

    /// Like [`Gazetteer::lookup`], but also takes a Nordic or German genitive (*Nord-Koreas*,
    /// *Moskvas*, *Russlands*) as its place.
    pub fn lookup_inflected(&self, key: &str, genitive_s: bool) -> Option<&Place> {
        self.lookup(key).or_else(|| {
            let base = key.strip_suffix('s').filter(|_| genitive_s)?;
            self.lookup(base)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place(spelling: &str) -> Option<&'static str> {
        Gazetteer::get().lookup(&name_key(spelling)).map(|p| p.name)
    }

    #[test]
    fn spellings_in_every_language_meet() {
        for s in ["Moskva", "Moscow", "Moskau"] {
            assert_eq!(place(s), Some("Moscow"), "{s}");
        }
        for s in ["Nord-Korea", "Nordkorea", "North Korea"] {
            assert_eq!(place(s), Some("North Korea"), "{s}");
        }
        for s in ["København", "Copenhagen", "Kopenhagen"] {
            assert_eq!(place(s), Some("Copenhagen"), "{s}");
        }
        assert_eq!(place("Vladivostok"), Some("Vladivostok"));
        assert_eq!(place("Tromsø"), Some("Tromsø"));
        assert_eq!(place("Finnmark"), Some("Finnmark"));
        assert_eq!(place("Storbritannia"), Some("United Kingdom"));
    }

    #[test]
    fn genitives_only_where_the_language_has_them() {
        let g = Gazetteer::get();
        let key = name_key("Nord-Koreas");
        assert_eq!(g.lookup_inflected(&key, true).map(|p| p.name), Some("North Korea"));
        assert_eq!(g.lookup_inflected(&key, false), None);
    }

    #[test]
    fn ordinary_names_are_not_places() {
        for s in ["Putin", "Jurij Usjakov", "Equinor", "Statoil"] {
            assert_eq!(place(s), None, "{s}");
        }
    }
}
