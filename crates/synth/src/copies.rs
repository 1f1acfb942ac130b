//! A labelled corpus for near-duplicate detection: original texts in several languages,
//! copies of them with the edits outlets make (a local first paragraph, a byline, a
//! trimmed ending, site boilerplate, a corrected word), and hard negatives: texts from one
//! template (weather, results, share prices) that differ only in their numbers and names.

use crate::{Generator, Rng};

/// What was done to a copy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edit {
    LocalParagraph,
    Byline,
    TrimmedEnding,
    Boilerplate,
    WordChanged,
}

/// One text of the corpus. Texts with the same `group` are copies of one another; each
/// template text has a group of its own.
#[derive(Debug, Clone)]
pub struct CopyText {
    pub id: String,
    pub text: String,
    pub group: u64,
    pub template: bool,
    pub edits: Vec<Edit>,
}

/// The corpus, in the order an outlet stream would deliver it (originals before copies).
pub struct CopyCorpus {
    pub texts: Vec<CopyText>,
}

const BYLINES: &[&str] = &["Av NTB", "(Reuters) -", "Av Kari Nordmann, NTB", "Von dpa", "TT", "By Associated Press"];
const BOILERPLATE: &[&str] = &[
    "Les også: Dette må du vite om saken. Del artikkelen på Facebook eller Twitter.",
    "Annonse. Vi bruker informasjonskapsler for å gi deg en bedre opplevelse på nettstedet vårt.",
    "Abonner på nyhetsbrevet vårt og få de viktigste sakene rett i innboksen hver morgen.",
    "Lesen Sie auch: Die wichtigsten Nachrichten des Tages im Überblick.",
];

impl CopyCorpus {
    /// `originals` original texts, each with 0–5 copies, plus `templates` template texts.
    pub fn generate(seed: u64, originals: usize, templates: usize) -> Self {
        let mut rng = Rng::new(seed ^ 0x00C0_FFEE);
        let mut generator = Generator::new(seed, false, 10_000);
        let mut texts = Vec::new();
        let mut group = 0;
        for o in 0..originals {
            let original = generator.next_labelled().0.text;
            group += 1;
            texts.push(CopyText { id: format!("o{o}"), text: original.clone(), group, template: false, edits: vec![] });
            for c in 0..rng.below(6) {
                let (text, edits) = edit(&mut rng, &mut generator, &original);
                texts.push(CopyText { id: format!("o{o}c{c}"), text, group, template: false, edits });
            }
        }
        for t in 0..templates {
            group += 1;
            texts.push(CopyText {
                id: format!("t{t}"),
                text: template(&mut rng, t),
                group,
                template: true,
                edits: vec![],
            });
        }
        Self { texts }
    }
}

fn sentences(text: &str) -> Vec<&str> {
    text.split_inclusive(['.', '\n']).filter(|s| !s.trim().is_empty()).collect()
}

/// A copy of `original` with a random selection of the edits outlets make.
fn edit(rng: &mut Rng, generator: &mut Generator, original: &str) -> (String, Vec<Edit>) {
    let mut edits = Vec::new();
    let mut body: Vec<String> = sentences(original).into_iter().map(str::to_string).collect();
    if rng.chance(0.3) && body.len() > 6 {
        let keep = body.len() - (body.len() * rng.range(10, 25) as usize / 100).max(1);
        body.truncate(keep);
        edits.push(Edit::TrimmedEnding);
    }
    if rng.chance(0.15) && body.len() > 2 {
        let i = rng.below(body.len() as u64) as usize;
        let words: Vec<&str> = body[i].split(' ').collect();
        let j = rng.below(words.len() as u64) as usize;
        let changed: Vec<String> =
            words.iter().enumerate().map(|(k, w)| if k == j { format!("{w}s") } else { (*w).to_string() }).collect();
        body[i] = changed.join(" ");
        edits.push(Edit::WordChanged);
    }
    let mut text = body.concat();
    if rng.chance(0.3) {
        let local = generator.next_labelled().0.text;
        let lead: String = local.split(' ').take(rng.range(15, 35) as usize).collect::<Vec<_>>().join(" ");
        text = format!("{lead}.\n{text}");
        edits.push(Edit::LocalParagraph);
    }
    if rng.chance(0.5) {
        let byline = BYLINES[rng.below(BYLINES.len() as u64) as usize];
        text = if rng.chance(0.5) { format!("{byline} {text}") } else { format!("{text}\n{byline}") };
        edits.push(Edit::Byline);
    }
    if rng.chance(0.4) {
        let before = BOILERPLATE[rng.below(BOILERPLATE.len() as u64) as usize];
        let after = BOILERPLATE[rng.below(BOILERPLATE.len() as u64) as usize];
        text = format!("{before}\n{text}\n{after}");
        edits.push(Edit::Boilerplate);
    }
    (text, edits)
}

/// A text from one of three templates, filled with other numbers (and names).
fn template(rng: &mut Rng, i: usize) -> String {
    let mut n = |lo: u64, hi: u64| rng.range(lo, hi);
    match i % 3 {
        0 => format!(
            "Været i morgen. I Oslo blir det {} grader og sol, med svak vind fra sør. I Bergen blir det {} grader og {} millimeter regn. I Trondheim blir det {} grader og skyet. I Tromsø blir det {} grader og snøbyger, og vinden øker til {} meter per sekund i kyststrøkene. Temperaturen i natt blir mellom {} og {} grader.",
            n(5, 25),
            n(2, 20),
            n(1, 30),
            n(0, 20),
            n(0, 12),
            n(5, 20),
            n(0, 5),
            n(6, 12)
        ),
        1 => format!(
            "Resultater fra Eliteserien søndag: Rosenborg–Molde {}–{}, Brann–Viking {}–{}, Bodø/Glimt–Vålerenga {}–{}, Lillestrøm–Odd {}–{}. Tabellen etter {} runder: Bodø/Glimt {} poeng, Molde {} poeng, Rosenborg {} poeng, Viking {} poeng.",
            n(0, 5),
            n(0, 5),
            n(0, 5),
            n(0, 5),
            n(0, 5),
            n(0, 5),
            n(0, 5),
            n(0, 5),
            n(5, 29),
            n(10, 70),
            n(10, 70),
            n(10, 70),
            n(10, 70)
        ),
        _ => format!(
            "Oslo Børs steg {},{} prosent til {} poeng fredag. Equinor steg {},{} prosent til {} kroner, mens DNB falt {},{} prosent til {} kroner. Norsk Hydro endte på {} kroner, og Mowi steg {},{} prosent. Omsetningen var på {} millioner kroner. Oljeprisen var {} dollar fatet ved stengetid.",
            n(0, 3),
            n(0, 99),
            n(900, 1500),
            n(0, 5),
            n(0, 99),
            n(200, 400),
            n(0, 5),
            n(0, 99),
            n(150, 250),
            n(40, 90),
            n(0, 5),
            n(0, 99),
            n(2000, 9000),
            n(50, 120)
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn corpus_has_groups_edits_and_templates() {
        let corpus = CopyCorpus::generate(1, 50, 30);
        let templates = corpus.texts.iter().filter(|t| t.template).count();
        assert_eq!(templates, 30);
        let copies: Vec<_> = corpus.texts.iter().filter(|t| !t.template && t.id.contains('c')).collect();
        assert!(copies.len() > 50);
        for edit in [Edit::LocalParagraph, Edit::Byline, Edit::TrimmedEnding, Edit::Boilerplate, Edit::WordChanged] {
            assert!(copies.iter().any(|c| c.edits.contains(&edit)), "{edit:?} never applied");
        }
        let again = CopyCorpus::generate(1, 50, 30);
        assert!(corpus.texts.iter().zip(&again.texts).all(|(a, b)| a.text == b.text));
    }
}
