//! The page's chart: runs created over the last 24 hours, one stacked bar an
//! hour by status, as inline SVG (no script, no external asset), with a text
//! summary beside it for screen readers and for anyone who prefers numbers.

use maud::{Markup, html};

/// Hours the chart covers, one bar each.
pub(crate) const HOURS: usize = 24;

/// The statuses in stacking order (bottom first), with their colours.
const SERIES: [(&str, &str); 5] = [
    ("succeeded", "#2f9e44"),
    ("failed", "#e8a317"),
    ("dead", "#c92a2a"),
    ("running", "#4263eb"),
    ("queued", "#91a7ff"),
];

/// Counts per hour (0 the oldest) and status.
#[derive(Clone, Debug, Default)]
pub(crate) struct Counts {
    pub by_hour: Vec<[i64; SERIES.len()]>,
}

impl Counts {
    /// From the store's `(bucket, status, count)` rows.
    pub(crate) fn from_rows(rows: &[(i64, String, i64)]) -> Counts {
        let mut by_hour = vec![[0i64; SERIES.len()]; HOURS];
        for (bucket, status, n) in rows {
            let (Ok(hour), Some(series)) = (
                usize::try_from(*bucket),
                SERIES.iter().position(|(s, _)| s == status),
            ) else {
                continue;
            };
            if let Some(slot) = by_hour.get_mut(hour) {
                slot[series] += n;
            }
        }
        Counts { by_hour }
    }

    fn total(&self, series: usize) -> i64 {
        self.by_hour.iter().map(|h| h[series]).sum()
    }
}

/// The chart and its summary.
pub(crate) fn render(counts: &Counts) -> Markup {
    const BAR: f64 = 20.0;
    const HEIGHT: f64 = 100.0;
    let width = BAR * HOURS as f64;
    let peak = counts
        .by_hour
        .iter()
        .map(|h| h.iter().sum::<i64>())
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let summary: Vec<String> = SERIES
        .iter()
        .enumerate()
        .map(|(i, (name, _))| format!("{} {name}", counts.total(i)))
        .collect();
    let summary = format!("Runs created in the last 24 hours: {}.", summary.join(", "));
    let mut bars: Vec<(f64, f64, f64, &str)> = Vec::new();
    for (hour, slot) in counts.by_hour.iter().enumerate() {
        let x = hour as f64 * BAR + 2.0;
        let mut y = HEIGHT;
        for (i, (_, colour)) in SERIES.iter().enumerate() {
            if slot[i] > 0 {
                let h = (slot[i] as f64 / peak * (HEIGHT - 4.0)).max(1.5);
                y -= h;
                bars.push((x, y, h, colour));
            }
        }
    }
    html! {
        figure.chart {
            svg viewBox=(format!("0 0 {width} {}", HEIGHT + 16.0)) role="img" aria-labelledby="chart-title chart-desc" {
                title id="chart-title" { "Runs per hour, last 24 hours" }
                desc id="chart-desc" { (summary) }
                line x1="0" y1=(HEIGHT) x2=(width) y2=(HEIGHT) stroke="#8c959f" stroke-width="1" {}
                @for (x, y, h, colour) in &bars {
                    rect x=(x) y=(y) width=(BAR - 4.0) height=(h) fill=(colour) {}
                }
                text x="0" y=(HEIGHT + 14.0) font-size="11" fill="#4a5560" { "24 h ago" }
                text x=(width) y=(HEIGHT + 14.0) font-size="11" fill="#4a5560" text-anchor="end" { "now" }
            }
            figcaption {
                ul.legend {
                    @for (i, (name, colour)) in SERIES.iter().enumerate() {
                        li {
                            span.swatch style=(format!("background:{colour}")) aria-hidden="true" {}
                            (name) ": " strong { (counts.total(i)) }
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_land_in_their_hour_and_series() {
        let rows = vec![
            (0, "succeeded".to_string(), 3),
            (23, "dead".to_string(), 1),
            (24, "dead".to_string(), 9), // outside the window
            (5, "unknown".to_string(), 9),
        ];
        let c = Counts::from_rows(&rows);
        assert_eq!(c.by_hour[0][0], 3);
        assert_eq!(c.by_hour[23][2], 1);
        assert_eq!(c.total(2), 1);
        let svg = render(&c).into_string();
        assert!(
            svg.contains("3 succeeded, 0 failed, 1 dead, 0 running, 0 queued"),
            "{svg}"
        );
        assert_eq!(svg.matches("<rect").count(), 2);
    }
}
