//! The detector: which earlier article, if any, an article's body is a copy of.

use std::collections::VecDeque;

use rustc_hash::FxHashMap;
use xxhash_rust::xxh3::xxh3_64_with_seed;

use crate::minhash::{SIGNATURE_LEN, Signature};
use crate::shingle::Shingles;

/// Locality-sensitive hashing: 32 bands of 4 bins. Pairs with Jaccard 0.5 become
/// candidates with probability 0.87, pairs at 0.8 with probability 1 − 10⁻¹⁰; every
/// candidate is then checked against the thresholds below.
const BANDS: usize = 32;
const ROWS: usize = SIGNATURE_LEN / BANDS;

/// When a body counts as a copy of another. The defaults are documented in the README.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct DedupConfig {
    /// Estimated Jaccard similarity of the shingle sets at or above which two bodies are
    /// copies (`--dup-threshold`).
    pub threshold: f32,
    /// Share of the shorter body's shingles found in the longer one at or above which the
    /// shorter is a (trimmed) copy.
    pub containment: f32,
    /// Bodies with fewer words are never declared copies on their text alone.
    pub min_words: usize,
    /// Share of the numbers of the text with fewer numbers that the other must contain.
    pub number_agreement: f32,
    /// How many recent articles are remembered as possible originals.
    pub window: usize,
    /// Dated articles older than this (behind the newest one) are forgotten: copies of a
    /// wire text run within hours or days.
    pub window_seconds: i64,
}

impl Default for DedupConfig {
    fn default() -> Self {
        Self {
            threshold: 0.8,
            containment: 0.9,
            min_words: 25,
            number_agreement: 0.8,
            window: 100_000,
            window_seconds: 3 * 24 * 3600,
        }
    }
}

/// An article found to be a copy: of which original (the payload of the earliest article
/// of its copy group), and how sure.
#[derive(Debug, Clone, PartialEq)]
pub struct Copy<P> {
    pub original: P,
    pub jaccard: f32,
    pub containment: f32,
}

struct Entry<P> {
    seq: u64,
    /// For each band, the previous remembered body with the same band key (a chain
    /// through the window, newest first), or [`NONE`].
    previous: [u64; BANDS],
    /// The band keys, kept so that forgetting the body costs no hashing.
    keys: [u64; BANDS],
    /// Publication time (seconds), if known.
    time: Option<i64>,
    signature: Signature,
    shingles: usize,
    numbers: Vec<u64>,
    /// The payload of the group's earliest article.
    root: P,
}

/// Finds copies among recent articles. `P` is what the caller wants back about an
/// original (its id and story, say).
pub struct Detector<P> {
    config: DedupConfig,
    entries: VecDeque<Entry<P>>,
    /// Band key → the newest body with it; older ones are chained through the entries,
    /// so remembering and forgetting a body allocate nothing.
    buckets: FxHashMap<u64, u64>,
    next_seq: u64,
    latest: Option<i64>,
}

const NONE: u64 = u64::MAX;

/// What a saved detector holds: the window's bodies in order. The band index is rebuilt
/// on loading (it is derived from the signatures), which halves what is saved.
#[derive(serde::Serialize)]
struct SavedRef<'a, P> {
    config: &'a DedupConfig,
    next_seq: u64,
    latest: Option<i64>,
    entries: Vec<SavedEntryRef<'a, P>>,
}

#[derive(serde::Serialize)]
struct SavedEntryRef<'a, P> {
    seq: u64,
    time: Option<i64>,
    signature: &'a Signature,
    shingles: usize,
    numbers: &'a [u64],
    root: &'a P,
}

#[derive(serde::Deserialize)]
struct Saved<P> {
    config: DedupConfig,
    next_seq: u64,
    latest: Option<i64>,
    entries: Vec<SavedEntry<P>>,
}

#[derive(serde::Deserialize)]
struct SavedEntry<P> {
    seq: u64,
    time: Option<i64>,
    signature: Signature,
    shingles: usize,
    numbers: Vec<u64>,
    root: P,
}

impl<P: serde::Serialize> serde::Serialize for Detector<P> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let entries = self
            .entries
            .iter()
            .map(|e| SavedEntryRef {
                seq: e.seq,
                time: e.time,
                signature: &e.signature,
                shingles: e.shingles,
                numbers: &e.numbers,
                root: &e.root,
            })
            .collect();
        SavedRef { config: &self.config, next_seq: self.next_seq, latest: self.latest, entries }.serialize(serializer)
    }
}

impl<'de, P: serde::Deserialize<'de> + Clone> serde::Deserialize<'de> for Detector<P> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let saved = Saved::<P>::deserialize(deserializer)?;
        let mut d = Detector {
            config: saved.config,
            entries: VecDeque::with_capacity(saved.entries.len()),
            buckets: FxHashMap::default(),
            next_seq: saved.next_seq,
            latest: saved.latest,
        };
        for e in saved.entries {
            if d.entries.back().is_some_and(|last| last.seq + 1 != e.seq) {
                return Err(serde::de::Error::custom("the saved dedup window is not contiguous"));
            }
            let (keys, previous) = d.index(&e.signature, e.seq);
            d.entries.push_back(Entry {
                seq: e.seq,
                previous,
                keys,
                time: e.time,
                signature: e.signature,
                shingles: e.shingles,
                numbers: e.numbers,
                root: e.root,
            });
        }
        Ok(d)
    }
}

impl<P: Clone> Detector<P> {
    pub fn new(config: DedupConfig) -> Self {
        Self { config, entries: VecDeque::new(), buckets: FxHashMap::default(), next_seq: 0, latest: None }
    }

    /// The earlier article this body copies, if any. Does not remember the body: call
    /// [`Detector::remember`] once the article's place is known.
    pub fn find(&self, shingles: &Shingles) -> Option<Copy<P>> {
        let signature = shingles.signature.as_ref()?;
        if shingles.words < self.config.min_words {
            return None;
        }
        let first_seq = self.entries.front()?.seq;
        let entry = |seq: u64| seq.checked_sub(first_seq).and_then(|i| self.entries.get(i as usize));
        let mut candidates: Vec<u64> = Vec::new();
        for b in 0..BANDS {
            let mut seq = self.buckets.get(&band_key(signature, b)).copied().unwrap_or(NONE);
            while let Some(e) = entry(seq) {
                candidates.push(seq);
                seq = e.previous[b];
            }
        }
        candidates.sort_unstable();
        candidates.dedup();
        let mut best: Option<(f32, Copy<P>)> = None;
        for seq in candidates {
            let Some(entry) = entry(seq) else { continue };
            let jaccard = signature.jaccard(&entry.signature);
            let containment = containment(jaccard, shingles.count, entry.shingles);
            let similar = jaccard >= self.config.threshold || containment >= self.config.containment;
            if !similar || !self.numbers_agree(&shingles.numbers, &entry.numbers) {
                continue;
            }
            let score = jaccard.max(containment);
            if best.as_ref().is_none_or(|(b, _)| score > *b) {
                best = Some((score, Copy { original: entry.root.clone(), jaccard, containment }));
            }
        }
        best.map(|(_, c)| c)
    }

    /// Remembers a body published at `time` (seconds, if known) as a possible original;
    /// `root` is the payload of its copy group's earliest article (its own, unless it is a
    /// copy).
    pub fn remember(&mut self, shingles: Shingles, time: Option<i64>, root: P) {
        if let Some(t) = time {
            self.latest = Some(self.latest.map_or(t, |l| l.max(t)));
        }
        let Some(signature) = shingles.signature else { return };
        if shingles.words < self.config.min_words {
            return;
        }
        let seq = self.next_seq;
        self.next_seq += 1;
        let (keys, previous) = self.index(&signature, seq);
        let (count, numbers) = (shingles.count, shingles.numbers);
        self.entries.push_back(Entry { seq, previous, keys, time, signature, shingles: count, numbers, root });
        let cutoff = self.latest.map(|l| l - self.config.window_seconds);
        while let Some(front) = self.entries.front() {
            let too_old = matches!((front.time, cutoff), (Some(t), Some(c)) if t < c);
            if self.entries.len() <= self.config.window && !too_old {
                break;
            }
            self.forget_oldest();
        }
    }

    /// Puts body `seq` at the head of its bands' chains: its band keys, and the bodies
    /// it now stands before.
    fn index(&mut self, signature: &Signature, seq: u64) -> ([u64; BANDS], [u64; BANDS]) {
        let mut previous = [NONE; BANDS];
        let mut keys = [0; BANDS];
        for b in 0..BANDS {
            keys[b] = band_key(signature, b);
            previous[b] = self.buckets.insert(keys[b], seq).unwrap_or(NONE);
        }
        (keys, previous)
    }

    fn forget_oldest(&mut self) {
        let Some(old) = self.entries.pop_front() else { return };
        // Chains simply end at the window; only keys whose newest body leaves go.
        for key in old.keys {
            if self.buckets.get(&key) == Some(&old.seq) {
                self.buckets.remove(&key);
            }
        }
    }

    /// Copies keep their numbers; two texts from one template (weather, results, prices)
    /// differ in them.
    fn numbers_agree(&self, a: &[u64], b: &[u64]) -> bool {
        let (small, large) = if a.len() <= b.len() { (a, b) } else { (b, a) };
        if small.is_empty() {
            return true;
        }
        let shared = small.iter().filter(|n| large.binary_search(n).is_ok()).count();
        shared as f32 >= self.config.number_agreement * small.len() as f32
    }
}

/// The share of the smaller set inside the larger, from their Jaccard similarity and
/// sizes: |A∩B| = J(|A|+|B|)/(1+J).
fn containment(jaccard: f32, a: usize, b: usize) -> f32 {
    let smaller = a.min(b).max(1) as f32;
    let intersection = jaccard * (a + b) as f32 / (1.0 + jaccard);
    (intersection / smaller).min(1.0)
}

fn band_key(signature: &Signature, band: usize) -> u64 {
    let rows = signature.band(band, ROWS);
    let mut bytes = [0u8; 4 * ROWS];
    for (i, v) in rows.iter().enumerate() {
        bytes[i * 4..i * 4 + 4].copy_from_slice(&v.to_le_bytes());
    }
    xxh3_64_with_seed(&bytes, band as u64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shingle::shingles;

    const WIRE: &str = "Ferja Landegode gikk på grunn ved Kjerringøy nord for Bodø tirsdag morgen. Det var 42 passasjerer og seks mannskap om bord. Ingen skal være skadd, opplyser Hovedredningssentralen. Ferja tar inn noe vann i baugen, og redningsskøyta fra Bodø er på vei. Politiet i Nordland sier det er for tidlig å si hva som forårsaket ulykken.";

    fn detector() -> Detector<&'static str> {
        Detector::new(DedupConfig::default())
    }

    fn check(d: &Detector<&'static str>, text: &str) -> Option<Copy<&'static str>> {
        d.find(&shingles(text))
    }

    fn remember(d: &mut Detector<&'static str>, text: &str, root: &'static str) {
        d.remember(shingles(text), None, root);
    }

    #[test]
    fn exact_and_edited_copies_are_found() {
        let mut d = detector();
        remember(&mut d, WIRE, "wire");
        assert_eq!(check(&d, WIRE).unwrap().original, "wire");
        let bylined = format!("{WIRE} Av NTB.");
        assert_eq!(check(&d, &bylined).map(|c| c.original), Some("wire"));
        let trimmed = &WIRE[..WIRE.find("Ferja tar").unwrap()];
        let c = check(&d, trimmed).expect("trimmed copy");
        assert!(c.containment >= 0.9, "{c:?}");
    }

    #[test]
    fn copies_of_copies_point_to_the_earliest() {
        let mut d = detector();
        remember(&mut d, WIRE, "first");
        let copy = format!("{WIRE} Les også: Flere saker fra Nordland.");
        let found = check(&d, &copy).unwrap();
        remember(&mut d, &copy, found.original);
        assert_eq!(check(&d, &copy).unwrap().original, "first");
    }

    #[test]
    fn templates_with_other_numbers_and_short_texts_are_not_copies() {
        let mut d = detector();
        let weather = |a: u32, b: u32, c: u32| {
            format!(
                "Været i morgen: I Oslo blir det {a} grader og sol hele dagen. I Bergen blir det {b} grader og regn fra morgenen av. I Trondheim blir det {c} grader og skyet, med litt vind fra nordvest utover kvelden og natten."
            )
        };
        remember(&mut d, &weather(12, 9, 7), "monday");
        assert!(check(&d, &weather(14, 8, 6)).is_none());
        assert!(check(&d, &weather(12, 9, 7)).is_some());
        remember(&mut d, "Kort melding om været i dag", "short");
        assert!(check(&d, "Kort melding om været i dag").is_none());
    }

    #[test]
    fn different_articles_are_not_copies_and_old_ones_are_forgotten() {
        let mut d = Detector::new(DedupConfig { window: 1, ..DedupConfig::default() });
        remember(&mut d, WIRE, "wire");
        let other = "Ekstremværet Gisle har nådd kysten av Vestland. Over 20 000 kunder er uten strøm, og flere veier er stengt på grunn av trær som har veltet. Meteorologisk institutt har målt vindkast på 44 meter per sekund på Utsira, og flere ferjesamband er innstilt for resten av dagen.";
        assert!(check(&d, other).is_none());
        remember(&mut d, other, "storm");
        assert!(check(&d, WIRE).is_none(), "the wire text left the window");
        assert!(d.buckets.values().all(|&s| s == 1));
    }

    #[test]
    fn bodies_older_than_the_time_window_are_forgotten() {
        let mut d = detector();
        d.remember(shingles(WIRE), Some(0), "monday");
        assert!(check(&d, WIRE).is_some());
        d.remember(shingles("Helt andre ord om noe annet, med mange flere ord enn fem i en lang setning som fortsetter og fortsetter uten stopp i det hele tatt her."), Some(4 * 24 * 3600), "friday");
        assert!(check(&d, WIRE).is_none());
    }

    #[test]
    fn containment_from_jaccard_and_sizes() {
        // A inside B, |A| = 50, |B| = 100: J = 0.5, containment 1.
        assert!((containment(0.5, 50, 100) - 1.0).abs() < 1e-6);
        assert!((containment(1.0, 80, 80) - 1.0).abs() < 1e-6);
        assert!(containment(0.1, 100, 100) < 0.2);
    }
}

#[cfg(test)]
mod saved {
    use super::*;
    use crate::shingle::shingles;

    fn body(n: u32) -> String {
        (0..80).map(|i| format!("ord{n}x{i} ")).collect()
    }

    #[test]
    fn a_saved_detector_finds_what_the_original_finds() {
        let mut d: Detector<String> = Detector::new(DedupConfig { window: 50, ..DedupConfig::default() });
        for n in 0..80 {
            d.remember(shingles(&body(n)), Some(i64::from(n) * 60), format!("a{n}"));
        }
        let bytes = postcard::to_stdvec(&d).expect("serializes");
        let restored: Detector<String> = postcard::from_bytes(&bytes).expect("deserializes");
        assert_eq!(restored.entries.len(), 50);
        for n in 0..90 {
            let probe = shingles(&format!("{} tillegg", body(n)));
            assert_eq!(d.find(&probe), restored.find(&probe), "body {n}");
        }
        assert!(restored.find(&shingles(&body(79))).is_some());
        assert!(restored.find(&shingles(&body(5))).is_none(), "forgotten before saving");
    }
}
