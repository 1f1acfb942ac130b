//! Publication dates as pages write them for readers, when the markup gives none a
//! machine can read: "Published 11:11 PM EST Nov 19, 2019", "Publisert 02.03.2026 kl.
//! 07.15", "2. mars 2026", "19 November 2019 14:05 CET", "2019-11-19".

use jiff::civil::{Date, Time};
use tidings_article::{Precision, Published};

/// Month names (and their usual abbreviations) in the languages we read.
const MONTHS: [&[&str]; 12] = [
    &["jan", "january", "januar", "janvier", "januari", "jänner", "janeiro", "enero"],
    &["feb", "february", "februar", "février", "februari", "febr"],
    &["mar", "march", "mars", "märz", "maart", "mrz"],
    &["apr", "april", "avril"],
    &["may", "mai", "maj", "mei"],
    &["jun", "june", "juni", "juin"],
    &["jul", "july", "juli", "juillet"],
    &["aug", "august", "augusti", "août", "augustus"],
    &["sep", "sept", "september", "septembre"],
    &["oct", "okt", "october", "oktober", "octobre"],
    &["nov", "november", "novembre"],
    &["dec", "des", "dez", "december", "desember", "dezember", "décembre"],
];

/// Zone abbreviations news pages print, as hours east of UTC.
const ZONES: &[(&str, i8)] = &[
    ("utc", 0),
    ("gmt", 0),
    ("cet", 1),
    ("cest", 2),
    ("bst", 1),
    ("est", -5),
    ("edt", -4),
    ("cst", -6),
    ("cdt", -5),
    ("pst", -8),
    ("pdt", -7),
];

/// The first date (with its time, when one is written next to it) in `text`.
pub fn written_date(text: &str) -> Option<Published> {
    let words: Vec<String> = text
        .split(|c: char| c.is_whitespace() || c == ',' || c == '|')
        .map(|w| w.trim_matches(|c: char| matches!(c, '(' | ')' | '[' | ']' | '·' | '–' | '—')).to_lowercase())
        .filter(|w| !w.is_empty())
        .collect();
    (0..words.len()).find_map(|i| date_at(&words, i).map(|(date, end)| with_time(date, &words, i, end)))
}

/// A date starting at word `i`, and the index after its last word.
fn date_at(words: &[String], i: usize) -> Option<(Date, usize)> {
    let w = words[i].as_str();
    if let Some(date) = iso_date(w).or_else(|| dotted_date(w)) {
        return Some((date, i + 1));
    }
    let year = |j: usize| words.get(j).and_then(|y| y.trim_end_matches('.').parse::<i16>().ok()).filter(|y| *y >= 1900);
    // "2. mars 2026", "19 November 2019"
    if let Some(day) = day_number(w)
        && let Some(month) = words.get(i + 1).and_then(|m| month_number(m))
        && let Some(y) = year(i + 2)
    {
        return Date::new(y, month, day).ok().map(|d| (d, i + 3));
    }
    // "Nov 19, 2019", "November 19 2019"
    if let Some(month) = month_number(w)
        && let Some(day) = words.get(i + 1).and_then(|d| day_number(d))
        && let Some(y) = year(i + 2)
    {
        return Date::new(y, month, day).ok().map(|d| (d, i + 3));
    }
    None
}

/// `2019-11-19` (or the date part of `2019-11-19T14:05`).
fn iso_date(w: &str) -> Option<Date> {
    w.get(..10).filter(|d| d.as_bytes().get(4) == Some(&b'-'))?.parse().ok()
}

/// `02.03.2026` (day first, as in Norway and Germany).
fn dotted_date(w: &str) -> Option<Date> {
    let mut parts = w.trim_end_matches('.').split('.');
    let (d, m, y) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || y.len() != 4 {
        return None;
    }
    Date::new(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?).ok()
}

fn day_number(w: &str) -> Option<i8> {
    let digits = w.trim_end_matches('.').trim_end_matches(|c: char| c.is_ascii_alphabetic());
    digits.parse::<i8>().ok().filter(|d| (1..=31).contains(d))
}

fn month_number(w: &str) -> Option<i8> {
    let w = w.trim_end_matches('.');
    MONTHS.iter().position(|names| names.contains(&w)).map(|m| m as i8 + 1)
}

/// The date at the time written just before or after it ("11:11 PM EST Nov 19, 2019",
/// "02.03.2026 kl. 07.15", "19 November 2019 14:05 CET"), in the zone it names (else UTC).
fn with_time(date: Date, words: &[String], start: usize, end: usize) -> Published {
    let after = (end..(end + 4).min(words.len())).collect::<Vec<_>>();
    let before = (start.saturating_sub(4)..start).collect::<Vec<_>>();
    for range in [after, before] {
        let Some((at, time)) = range.iter().find_map(|&j| time_of(&words[j]).map(|t| (j, t))) else { continue };
        let pm = words.get(at + 1).map(String::as_str);
        let time = match (pm, time.hour()) {
            (Some("pm" | "p.m."), h) if h < 12 => time.with().hour(h + 12).build().unwrap_or(time),
            (Some("am" | "a.m."), 12) => time.with().hour(0).build().unwrap_or(time),
            _ => time,
        };
        let zone = words[at + 1..(at + 4).min(words.len())]
            .iter()
            .find_map(|w| ZONES.iter().find(|(name, _)| name == w).map(|(_, hours)| *hours))
            .unwrap_or(0);
        let Ok(offset) = jiff::tz::Offset::from_hours(zone) else { continue };
        if let Ok(at) = date.to_datetime(time).to_zoned(jiff::tz::TimeZone::fixed(offset)) {
            return Published { at: at.timestamp(), precision: Precision::Instant };
        }
    }
    let at = date.to_zoned(jiff::tz::TimeZone::UTC).map(|z| z.timestamp()).unwrap_or_default();
    Published { at, precision: Precision::Day }
}

/// `14:05`, `07.15` (after "kl."), `11:11`.
fn time_of(w: &str) -> Option<Time> {
    let (h, m) = w.split_once([':', '.'])?;
    let m = m.get(..2)?;
    if h.is_empty() || h.len() > 2 || w.len() > 8 {
        return None;
    }
    Time::new(h.parse().ok()?, m.parse().ok()?, 0, 0).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Option<String> {
        written_date(text).map(|p| p.to_display_string())
    }

    #[test]
    fn datelines_as_pages_write_them() {
        assert_eq!(at("Published 11:11 PM EST Nov 19, 2019").as_deref(), Some("2019-11-20T04:11:00Z"));
        assert_eq!(at("Publisert 02.03.2026 kl. 07.15").as_deref(), Some("2026-03-02T07:15:00Z"));
        assert_eq!(at("Oppdatert: 2. mars 2026").as_deref(), Some("2026-03-02"));
        assert_eq!(at("19 November 2019 14:05 CET").as_deref(), Some("2019-11-19T13:05:00Z"));
        assert_eq!(at("Av Kari Nordmann | 2019-11-19").as_deref(), Some("2019-11-19"));
        assert_eq!(at("Veröffentlicht am 3. Dezember 2025").as_deref(), Some("2025-12-03"));
    }

    #[test]
    fn numbers_that_are_no_dates_are_left_alone() {
        assert_eq!(at("Share this story 12 comments"), None);
        assert_eq!(at("Les mer 31.02.2026"), None, "no 31 February");
        assert_eq!(at("May we suggest 3 more"), None);
        assert_eq!(at(""), None);
    }
}
