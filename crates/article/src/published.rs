use jiff::Timestamp;
use jiff::civil::Date;

/// A publication time. Inputs often give only a day or a month, so the precision is kept:
/// a month-only date must not look like an exact midnight timestamp when times are compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub struct Published {
    /// The instant (UTC); for a day or month, its first moment.
    pub at: Timestamp,
    pub precision: Precision,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub enum Precision {
    Month,
    Day,
    Instant,
}

impl Published {
    /// The instant `seconds` after the Unix epoch (`None` outside the representable range).
    pub fn instant(seconds: i64) -> Option<Self> {
        Some(Self { at: Timestamp::from_second(seconds).ok()?, precision: Precision::Instant })
    }

    /// Seconds since the Unix epoch.
    pub fn seconds(&self) -> i64 {
        self.at.as_second()
    }

    /// RFC 3339 for instants, `YYYY-MM-DD` for days and `YYYY-MM` for months.
    pub fn to_display_string(&self) -> String {
        let date = self.at.to_zoned(jiff::tz::TimeZone::UTC).date();
        match self.precision {
            Precision::Instant => self.at.to_string(),
            Precision::Day => date.to_string(),
            Precision::Month => format!("{:04}-{:02}", date.year(), date.month()),
        }
    }
}

/// How far ahead of the present a publication time may lie (clocks and time zones
/// differ); later ones are not publication times (a placeholder such as 9998-12-31, or a
/// feed's mistake), and one of them would make every other article look old.
pub const FUTURE_TOLERANCE: jiff::SignedDuration = jiff::SignedDuration::from_hours(24);
/// The earliest year taken for a publication; year 1 is what a zero date becomes.
pub const EARLIEST_YEAR: i16 = 1700;

impl Published {
    /// Why this cannot be a publication time (given the present, `now`), if it cannot.
    pub fn implausible(&self, now: Timestamp) -> Option<String> {
        let year = self.at.to_zoned(jiff::tz::TimeZone::UTC).year();
        if year < EARLIEST_YEAR {
            return Some(format!("implausible (before {EARLIEST_YEAR})"));
        }
        let limit = now.checked_add(FUTURE_TOLERANCE).unwrap_or(Timestamp::MAX);
        (self.at > limit).then(|| "implausible (more than a day in the future)".to_string())
    }
}

/// Whether a string that [`parse_published`] refused is still a well-formed date, only
/// one too late for any clock (`9999-12-31T23:59:59Z` lies beyond the last instant a
/// timestamp can hold): such a string is an implausible date, not an unrecognised one.
/// `2019-13-45` is neither: it is not a date at all.
pub fn looks_like_date(raw: &str) -> bool {
    let s = raw.trim();
    let number = |range: std::ops::Range<usize>| {
        s.get(range).filter(|p| p.bytes().all(|b| b.is_ascii_digit()))?.parse::<u32>().ok()
    };
    let dash = |at: usize| s.as_bytes().get(at) == Some(&b'-');
    let (Some(year), Some(month)) = (number(0..4), number(5..7)) else { return false };
    let day_ok = s.len() == 7 || (dash(7) && number(8..10).is_some_and(|d| (1..=31).contains(&d)));
    year >= 9999 && dash(4) && (1..=12).contains(&month) && day_ok
}

/// Parses the publication dates the brief allows: RFC 3339, RFC 2822 (feeds), `YYYY-MM-DD`,
/// `YYYY-MM`, and a few forms seen in the wild (a space instead of `T`, a naive
/// date-time taken as UTC). Returns `None` for anything else; callers decide whether that
/// is an error.
pub fn parse_published(raw: &str) -> Option<Published> {
    let s = raw.trim();
    if s.is_empty() {
        return None;
    }
    let instant = |at| Some(Published { at, precision: Precision::Instant });
    if let Ok(at) = s.parse::<Timestamp>() {
        return instant(at);
    }
    if let Ok(zoned) = jiff::fmt::rfc2822::parse(s) {
        return instant(zoned.timestamp());
    }
    if s.len() > 10
        && let Ok(dt) = s.replace(' ', "T").parse::<jiff::civil::DateTime>()
    {
        return dt.to_zoned(jiff::tz::TimeZone::UTC).ok().and_then(|z| instant(z.timestamp()));
    }
    if s.len() == 10
        && let Ok(date) = s.parse::<Date>()
    {
        return day_start(date, Precision::Day);
    }
    if s.len() == 7 {
        let (y, m) = s.split_once('-')?;
        let date = Date::new(y.parse().ok()?, m.parse().ok()?, 1).ok()?;
        return day_start(date, Precision::Month);
    }
    None
}

fn day_start(date: Date, precision: Precision) -> Option<Published> {
    let at = date.to_zoned(jiff::tz::TimeZone::UTC).ok()?.timestamp();
    Some(Published { at, precision })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_documented_form() {
        let rfc3339 = parse_published("2019-04-25T06:10:00+02:00").unwrap();
        assert_eq!(rfc3339.at.to_string(), "2019-04-25T04:10:00Z");
        assert_eq!(rfc3339.precision, Precision::Instant);

        let rfc2822 = parse_published("Thu, 25 Apr 2019 06:10:00 +0200").unwrap();
        assert_eq!(rfc2822.at, rfc3339.at);

        let day = parse_published("2019-04-23").unwrap();
        assert_eq!(day.precision, Precision::Day);
        assert_eq!(day.to_display_string(), "2019-04-23");

        let month = parse_published("2019-04").unwrap();
        assert_eq!(month.precision, Precision::Month);
        assert_eq!(month.to_display_string(), "2019-04");
        assert!(month < day);

        let naive = parse_published("2014-03-10 16:52:50").unwrap();
        assert_eq!(naive.at.to_string(), "2014-03-10T16:52:50Z");
    }

    #[test]
    fn future_and_ancient_dates_are_implausible() {
        let now = parse_published("2026-12-01T12:00:00Z").unwrap().at;
        let plausible = |s: &str| parse_published(s).unwrap().implausible(now).is_none();
        assert!(plausible("2026-12-02T11:00:00Z"), "within a day ahead: clocks differ");
        assert!(plausible("1814-05-17"));
        assert!(!plausible("2026-12-03"));
        assert!(!plausible("9998-12-31"));
        assert!(!plausible("0001-01-01T00:00:00Z"));
        assert!(parse_published("9999-12-31T23:59:59Z").is_none() && looks_like_date("9999-12-31T23:59:59Z"));
        assert!(!looks_like_date("yesterday") && !looks_like_date("25.04.2019") && !looks_like_date("2019-13-45"));
        assert!(!looks_like_date("9999-13-01") && looks_like_date("9999-12"));
    }

    #[test]
    fn rejects_garbage_without_panicking() {
        for bad in ["", "yesterday", "2019-13", "2019-02-30", "20190425", "2019-4", "----"] {
            assert!(parse_published(bad).is_none(), "{bad:?} should not parse");
        }
    }
}
