//! Dates in the reader's locale, chosen from the `Accept-Language` header (the pages work
//! without JavaScript, so the server formats them). Times are shown in UTC, and say so.

use jiff::Timestamp;

/// How dates are written for one reader.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateStyle {
    /// 26.04.2019 09:00 (Norwegian, Danish, German, most of Europe).
    DayDotMonth,
    /// 2019-04-26 09:00 (Swedish, and the fallback).
    Iso,
    /// 26 Apr 2019 09:00 (British and other English).
    DayMonthName,
    /// Apr 26, 2019 9:00 AM (American English).
    MonthNameDay,
}

impl DateStyle {
    /// The style for the first language in an `Accept-Language` header.
    pub fn from_accept_language(header: Option<&str>) -> Self {
        let first = header
            .and_then(|h| h.split(',').next())
            .map(|tag| tag.split(';').next().unwrap_or("").trim().to_ascii_lowercase())
            .unwrap_or_default();
        let (lang, region) = first.split_once('-').unwrap_or((first.as_str(), ""));
        match (lang, region) {
            ("en", "us") => DateStyle::MonthNameDay,
            ("en", _) => DateStyle::DayMonthName,
            ("nb" | "nn" | "no" | "da" | "de" | "fi" | "pl" | "cs" | "ru" | "fr" | "it" | "es", _) => {
                DateStyle::DayDotMonth
            }
            _ => DateStyle::Iso,
        }
    }

    /// A stored date (RFC 3339, `YYYY-MM-DD` or `YYYY-MM`) for reading.
    pub fn format(self, stored: &str) -> String {
        let Ok(ts) = stored.parse::<Timestamp>() else {
            // A day or a month: shown as stored, which every reader understands.
            return stored.to_string();
        };
        let pattern = match self {
            DateStyle::DayDotMonth => "%d.%m.%Y %H:%M UTC",
            DateStyle::Iso => "%Y-%m-%d %H:%M UTC",
            DateStyle::DayMonthName => "%-d %b %Y %H:%M UTC",
            DateStyle::MonthNameDay => "%b %-d, %Y %-I:%M %p UTC",
        };
        ts.strftime(pattern).to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_locale_gets_its_format() {
        let t = "2019-04-26T09:05:00Z";
        let style = |h| DateStyle::from_accept_language(Some(h));
        assert_eq!(style("nb-NO,nb;q=0.9,en;q=0.8").format(t), "26.04.2019 09:05 UTC");
        assert_eq!(style("en-US,en;q=0.5").format(t), "Apr 26, 2019 9:05 AM UTC");
        assert_eq!(style("en-GB").format(t), "26 Apr 2019 09:05 UTC");
        assert_eq!(style("sv").format(t), "2019-04-26 09:05 UTC");
        assert_eq!(DateStyle::from_accept_language(None).format(t), "2019-04-26 09:05 UTC");
        assert_eq!(style("de").format("2019-04"), "2019-04");
    }
}
