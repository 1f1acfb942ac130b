//! Extraction quality on pages we wrote: invented articles in five languages, each placed in
//! six page layouts news sites use (semantic `<article>`, anonymous `<div>`s with the sidebar
//! first, a comment section, an old table layout, "read also" boxes and captions inside the
//! story, cookie banner and share buttons). The score is word-level F1 between the extracted
//! text and the article's own paragraphs (the measure of the extraction benchmarks).

use std::collections::HashMap;

use tidings_extract::extract;

const ARTICLES: &[(&str, &str, [&str; 3])] = &[
    (
        "nb",
        "Ferja gikk på grunn ved Helligvær",
        [
            "Ferja MS «Landegode» gikk på grunn ved Helligvær søndag kveld med 43 passasjerer om bord, opplyser Hovedredningssentralen i Nord-Norge.",
            "Redningsskøyta kom fram etter en halvtime, og passasjerene ble ført i land i Bodø like før midnatt. Ingen ble skadd.",
            "Kystverket undersøker skroget, og rederiet sier ferja tas ut av trafikk i minst en uke mens skadene blir utbedret.",
        ],
    ),
    (
        "nn",
        "Rasfare stengde fylkesvegen i dalen",
        [
            "Fylkesvegen gjennom dalen vart stengd laurdag etter at geologar fann nye sprekker i fjellsida over vegen.",
            "Bebuarane må køyre omvegen over fjellet, og kommunen har sett opp ein ekstra skulebuss for elevane i bygda.",
            "Vegvesenet reknar med at vegen kan opnast att om to veker dersom målingane syner at fjellet ligg i ro.",
        ],
    ),
    (
        "en",
        "Dock workers end nine-day strike",
        [
            "Dock workers in the northern port returned to work on Thursday after nine days on strike, when the union accepted a pay rise of four per cent.",
            "The stoppage had left more than forty ships waiting offshore and cost exporters an estimated two million pounds a day.",
            "Both sides said talks on shift patterns would continue next month, with a mediator appointed by the port authority.",
        ],
    ),
    (
        "de",
        "Hochwasser in Passau: Altstadt gesperrt",
        [
            "Nach tagelangem Regen ist die Donau in Passau über die Marke von neun Metern gestiegen, die Altstadt wurde am Morgen gesperrt.",
            "Feuerwehr und Technisches Hilfswerk errichteten mobile Schutzwände, zahlreiche Keller mussten ausgepumpt werden.",
            "Der Wetterdienst erwartet für das Wochenende Entspannung, warnt aber vor weiteren Gewittern im Bayerischen Wald.",
        ],
    ),
    (
        "sv",
        "Riksdagen röstade igenom budgeten",
        [
            "Riksdagen röstade på onsdagen igenom regeringens budget med knapp marginal efter en lång debatt i kammaren.",
            "Oppositionen kritiserade sänkningen av skatten på bensin och menade att den gynnar hushåll med höga inkomster.",
            "Finansministern sade efter omröstningen att budgeten ger utrymme för fler poliser och kortare vårdköer.",
        ],
    ),
];

const NAV: &str = "<nav><ul><li><a href='/'>Forsiden</a></li><li><a href='/sport'>Sport</a></li><li><a href='/kultur'>Kultur</a></li><li><a href='/debatt'>Debatt</a></li></ul></nav>";
const FOOTER: &str =
    "<footer><p>Ansvarlig redaktør: Kari Nordmann. Personvern. Informasjonskapsler. Kontakt oss.</p></footer>";
const MOST_READ: &str = "<aside class='most-read'><h2>Mest lest</h2><ol><li><a href='/1'>Slik får du billigere strøm i vinter</a></li><li><a href='/2'>Kjendisparet har gått fra hverandre</a></li><li><a href='/3'>Her er årets beste turstier i Nordland</a></li></ol></aside>";

fn paragraphs(p: &[&str; 3]) -> String {
    p.iter().map(|t| format!("<p>{t}</p>")).collect()
}

/// The six layouts.
fn layouts(lang: &str, title: &str, p: &[&str; 3]) -> Vec<String> {
    let head = format!(
        "<!doctype html><html lang='{lang}'><head><meta charset='utf-8'><title>{title} | Avisa</title></head><body>"
    );
    vec![
        format!(
            "{head}{NAV}<main><article><h1>{title}</h1>{}</article>{MOST_READ}</main>{FOOTER}</body></html>",
            paragraphs(p)
        ),
        format!(
            "{head}<div class='wrap'><div class='sidebar'>{MOST_READ}<div class='ad'>Annonse: Kjøp ny bil nå</div></div><div class='content'><div class='headline'>{title}</div><div class='text'>{}</div></div></div>{FOOTER}</body></html>",
            paragraphs(p)
        ),
        format!(
            "{head}{NAV}<article><h1>{title}</h1>{}</article><section class='comments'><h3>Kommentarer (2)</h3><div class='comment'><a href='/u/1'>ola</a> Dette var en trist sak.</div><div class='comment'><a href='/u/2'>kari</a> Godt ingen ble skadd!</div></section>{FOOTER}</body></html>",
            paragraphs(p)
        ),
        format!(
            "{head}<table width='100%'><tr><td class='menu'>{NAV}</td><td class='story'><h1>{title}</h1>{}</td><td class='right'>{MOST_READ}</td></tr></table>{FOOTER}</body></html>",
            paragraphs(p)
        ),
        format!(
            "{head}{NAV}<article><h1>{title}</h1><p>{}</p><figure><img src='/b.jpg' alt=''><figcaption>Foto: NTB</figcaption></figure><div class='related'><h4>Les også</h4><ul><li><a href='/x'>Tidligere ulykker i samme område</a></li></ul></div><p>{}</p><p>{}</p></article>{FOOTER}</body></html>",
            p[0], p[1], p[2]
        ),
        format!(
            "{head}<div id='cookie-banner'>Vi bruker informasjonskapsler for å gi deg en bedre opplevelse. <button>Godta alle</button></div>{NAV}<article><div class='share'><a href='/fb'>Del på Facebook</a> <a href='/x'>Del på X</a></div><h1>{title}</h1>{}<div class='newsletter'>Meld deg på nyhetsbrevet vårt! <a href='/nb'>Registrer</a></div></article>{FOOTER}</body></html>",
            paragraphs(p)
        ),
    ]
}

fn words(text: &str) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    for w in text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
        *counts.entry(w.to_lowercase()).or_insert(0) += 1;
    }
    counts
}

/// Word-level (bag of words) F1 of `got` against `gold`.
fn f1(got: &str, gold: &str) -> f64 {
    let (g, t) = (words(got), words(gold));
    let overlap: usize = g.iter().map(|(w, n)| (*n).min(t.get(w).copied().unwrap_or(0))).sum();
    let (p, r) = (
        overlap as f64 / g.values().sum::<usize>().max(1) as f64,
        overlap as f64 / t.values().sum::<usize>().max(1) as f64,
    );
    if p + r == 0.0 { 0.0 } else { 2.0 * p * r / (p + r) }
}

#[test]
fn main_text_f1_on_our_pages() {
    let mut scores = Vec::new();
    for (lang, title, p) in ARTICLES {
        let gold = p.join(" ");
        for (i, html) in layouts(lang, title, p).iter().enumerate() {
            let page = extract(html, Some("https://avisa.example/sak/1")).expect("extracts");
            let score = f1(&page.text, &gold);
            if score < 0.9 {
                eprintln!("{lang} layout {i}: F1 {score:.3}\n  got: {}", page.text);
            }
            assert_eq!(
                page.title.as_deref().map(|t| t.contains(title)),
                Some(true),
                "{lang} layout {i}: {:?}",
                page.title
            );
            scores.push(score);
        }
    }
    let mean = scores.iter().sum::<f64>() / scores.len() as f64;
    let worst = scores.iter().copied().fold(1.0, f64::min);
    eprintln!("body-text F1 over {} pages: mean {mean:.3}, worst {worst:.3}", scores.len());
    assert!(mean >= 0.95, "mean body-text F1 {mean:.3} is below 0.95");
    assert!(worst >= 0.8, "a page scored {worst:.3}");
}
