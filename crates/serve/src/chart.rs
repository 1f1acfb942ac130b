//! Charts as plain SVG data for the templates (which escape every label): a story's
//! sparkline on the front page and its coverage timeline on the story page.

use std::collections::HashMap;

/// Colours for the outlets with most articles in a timeline; the rest share grey.
const PALETTE: [&str; 6] = ["#1f6feb", "#d1242f", "#1a7f37", "#bf8700", "#8250df", "#0a7a8a"];
const OTHER_COLOUR: &str = "#8c959f";
const HOUR: i64 = 3600;
const DAY: i64 = 24 * HOUR;
/// At most this many bars in a timeline; longer spans get wider bins.
const MAX_BINS: i64 = 60;

/// A small line of articles over time.
#[derive(Debug, Clone, PartialEq)]
pub struct Sparkline {
    /// SVG polyline points (numbers only).
    pub points: String,
    pub width: u32,
    pub height: u32,
}

/// Articles per bin over a story's span, as a line `width × height`.
pub fn sparkline(times: &[i64], width: u32, height: u32) -> Option<Sparkline> {
    let (bin, start, bins) = binning(times)?;
    let mut counts = vec![0u32; bins];
    for t in times {
        counts[((t - start) / bin) as usize] += 1;
    }
    let max = counts.iter().copied().max().unwrap_or(1).max(1) as f32;
    let step = width as f32 / (bins.max(2) - 1) as f32;
    let points = counts
        .iter()
        .enumerate()
        .map(|(i, c)| {
            format!("{:.1},{:.1}", i as f32 * step, height as f32 - 1.0 - (*c as f32 / max) * (height as f32 - 2.0))
        })
        .collect::<Vec<_>>()
        .join(" ");
    Some(Sparkline { points, width, height })
}

/// Bin width, first bin start and number of bins for a set of times: hours for a story
/// of up to three days, else days, widened so that there are at most [`MAX_BINS`].
fn binning(times: &[i64]) -> Option<(i64, i64, usize)> {
    let first = *times.iter().min()?;
    let last = *times.iter().max()?;
    let unit = if last - first <= 3 * DAY { HOUR } else { DAY };
    let start = first - first.rem_euclid(unit);
    let units = (last - start) / unit + 1;
    let per_bin = (units + MAX_BINS - 1) / MAX_BINS;
    let bin = unit * per_bin.max(1);
    Some((bin, start, ((last - start) / bin + 1) as usize))
}

/// One bar segment: one outlet's articles in one bin.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    pub x: f32,
    pub y: f32,
    pub w: f32,
    pub h: f32,
    pub colour: &'static str,
    /// Tooltip: outlet, count (escaped by the template).
    pub label: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LegendEntry {
    pub colour: &'static str,
    pub name: String,
    pub articles: usize,
}

/// A story's coverage: articles per hour or day, stacked by outlet.
#[derive(Debug, Clone, PartialEq)]
pub struct Timeline {
    pub bars: Vec<Bar>,
    pub legend: Vec<LegendEntry>,
    pub width: u32,
    pub height: u32,
    /// "hour" or "day" (per bar, before widening).
    pub unit: &'static str,
    pub max_count: u32,
    /// Unix time of the first bin's start and the last bin's end.
    pub start: i64,
    pub end: i64,
}

/// The timeline of dated articles `(time, outlet)`; `None` if none is dated.
pub fn timeline(articles: &[(i64, String)], width: u32, height: u32) -> Option<Timeline> {
    let times: Vec<i64> = articles.iter().map(|(t, _)| *t).collect();
    let (bin, start, bins) = binning(&times)?;
    let mut totals: HashMap<&str, usize> = HashMap::new();
    for (_, s) in articles {
        *totals.entry(s.as_str()).or_default() += 1;
    }
    let mut ranked: Vec<(&str, usize)> = totals.into_iter().collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let colour_of =
        |s: &str| ranked.iter().take(PALETTE.len()).position(|(n, _)| *n == s).map_or(OTHER_COLOUR, |i| PALETTE[i]);
    // counts[bin][colour slot]
    let slots = PALETTE.len() + 1;
    let mut counts = vec![vec![0u32; slots]; bins];
    for (t, s) in articles {
        let slot = PALETTE.iter().position(|c| *c == colour_of(s)).unwrap_or(PALETTE.len());
        counts[((t - start) / bin) as usize][slot] += 1;
    }
    let max_count = counts.iter().map(|c| c.iter().sum::<u32>()).max().unwrap_or(1).max(1);
    let slot_w = width as f32 / bins as f32;
    let scale = (height as f32 - 4.0) / max_count as f32;
    let mut bars = Vec::new();
    for (i, bin_counts) in counts.iter().enumerate() {
        let mut top = height as f32;
        for (slot, &n) in bin_counts.iter().enumerate().filter(|(_, n)| **n > 0) {
            let h = n as f32 * scale;
            top -= h;
            let name = if slot < PALETTE.len() { ranked[slot].0 } else { "other outlets" };
            bars.push(Bar {
                x: i as f32 * slot_w + 0.5,
                y: top,
                w: (slot_w - 1.0).max(1.0),
                h,
                colour: if slot < PALETTE.len() { PALETTE[slot] } else { OTHER_COLOUR },
                label: format!("{name}: {n}"),
            });
        }
    }
    let mut legend: Vec<LegendEntry> = ranked
        .iter()
        .take(PALETTE.len())
        .enumerate()
        .map(|(i, (n, c))| LegendEntry { colour: PALETTE[i], name: n.to_string(), articles: *c })
        .collect();
    let rest: usize = ranked.iter().skip(PALETTE.len()).map(|(_, c)| c).sum();
    if rest > 0 {
        legend.push(LegendEntry { colour: OTHER_COLOUR, name: "other outlets".into(), articles: rest });
    }
    let unit = if bin % DAY == 0 && bin >= DAY { "day" } else { "hour" };
    Some(Timeline { bars, legend, width, height, unit, max_count, start, end: start + bin * bins as i64 })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_two_day_story_is_binned_by_hour_and_stacked_by_outlet() {
        let t0 = 1_556_265_600; // 2019-04-26T08:00:00Z
        let articles = vec![
            (t0, "NRK".to_string()),
            (t0 + 600, "VG".to_string()),
            (t0 + 1200, "NRK".to_string()),
            (t0 + 30 * HOUR, "NRK".to_string()),
        ];
        let t = timeline(&articles, 600, 120).expect("dated");
        assert_eq!(t.unit, "hour");
        assert_eq!(t.max_count, 3);
        assert_eq!(t.legend[0].name, "NRK");
        assert_eq!(t.legend[0].articles, 3);
        // First bin: NRK (2) and VG (1) stacked; last bin: NRK.
        assert_eq!(t.bars.len(), 3);
        let first_bin: f32 = t.bars.iter().filter(|b| b.x < 10.0).map(|b| b.h).sum();
        assert!((first_bin - 116.0).abs() < 0.01, "{first_bin}");
        assert!(t.bars.iter().any(|b| b.label == "VG: 1"));
    }

    #[test]
    fn long_stories_get_wider_bins_and_undated_ones_no_chart() {
        let times: Vec<(i64, String)> = (0..200).map(|d| (d * DAY, "A".to_string())).collect();
        let t = timeline(&times, 600, 100).expect("dated");
        assert_eq!(t.unit, "day");
        assert!(t.bars.len() <= MAX_BINS as usize);
        assert!(timeline(&[], 600, 100).is_none());
        let s = sparkline(&[0, 10, 7200], 80, 20).expect("dated");
        assert_eq!(s.points.split(' ').count(), 3);
    }
}

/// One story on a storyline's timeline: a bar from its first to its last article.
#[derive(Debug, Clone, PartialEq)]
pub struct SpanBar {
    pub x: f32,
    pub y: f32,
    pub w: f32,
}

/// Stories on one time axis, a row each (`width` wide; rows of [`SPAN_ROW`]).
#[derive(Debug, Clone, PartialEq)]
pub struct SpanChart {
    pub width: u32,
    pub height: u32,
    pub bars: Vec<SpanBar>,
}

/// Height of one story's row in a storyline timeline.
pub const SPAN_ROW: f32 = 18.0;
/// The narrowest bar: a story of one article is still visible.
const MIN_SPAN_WIDTH: f32 = 4.0;

/// `(first, last)` Unix times, one per story, on a shared axis; `None` when no story is
/// dated.
pub fn span_chart(spans: &[Option<(i64, i64)>], width: u32) -> Option<SpanChart> {
    let start = spans.iter().flatten().map(|s| s.0).min()?;
    let end = spans.iter().flatten().map(|s| s.1).max()?;
    let scale = (width as f32 - MIN_SPAN_WIDTH) / (end - start).max(1) as f32;
    let bars = spans
        .iter()
        .enumerate()
        .filter_map(|(row, span)| {
            let (first, last) = (*span)?;
            let x = (first - start) as f32 * scale;
            let w = ((last - first) as f32 * scale).max(MIN_SPAN_WIDTH);
            Some(SpanBar { x, y: row as f32 * SPAN_ROW + 3.0, w })
        })
        .collect();
    Some(SpanChart { width, height: (spans.len() as f32 * SPAN_ROW) as u32, bars })
}
