//! `floe ice demo --trace FILE.svg`: the timeline drawn as one self-contained SVG, a row per
//! candidate pair (side A's, then side B's), checks, responses and consent as marks over time,
//! nomination and selection highlighted, with a legend and a time axis. No scripts, no fonts or
//! images from elsewhere: any browser shows it.

use core::fmt::Write as _;
use core::time::Duration;

use super::timeline::{Mark, Row, ms};

const ROW_H: f64 = 22.0;
const LABEL_W: f64 = 430.0;
const PLOT_W: f64 = 760.0;
const TOP: f64 = 64.0;
const RIGHT: f64 = 24.0;

/// Where a time goes on the plot: linear over `[0, end]`, or, with a `split` well before
/// the end, `[0, split]` over the first [`SPLIT_AT`] of the width and the rest (idle time
/// until consent) compressed into what is left, so that the checks stay readable.
#[derive(Debug, Clone, Copy)]
struct Scale {
    end: f64,
    split: Option<f64>,
}

/// Share of the width the time before the split gets.
const SPLIT_AT: f64 = 0.75;

impl Scale {
    fn new(end: Duration, split: Option<Duration>) -> Self {
        let end = ms(end).max(1.0);
        let split = split.map(ms).filter(|s| *s > 0.0 && *s * 3.0 < end);
        Self { end, split }
    }

    fn x(&self, t_ms: f64) -> f64 {
        let f = match self.split {
            Some(s) if t_ms <= s => t_ms / s * SPLIT_AT,
            Some(s) => SPLIT_AT + (t_ms - s) / (self.end - s) * (1.0 - SPLIT_AT),
            None => t_ms / self.end,
        };
        LABEL_W + f * PLOT_W
    }
}

/// The drawing of `rows` over `[0, end]`, with `title` on top; with `split`, the time after
/// it is compressed (see [`Scale`]).
pub(crate) fn svg(rows: &[Row], end: Duration, split: Option<Duration>, title: &str) -> String {
    let scale = Scale::new(end, split);
    let x = |t: Duration| scale.x(ms(t));
    let height = TOP + ROW_H * rows.len().max(1) as f64 + 48.0;
    let width = LABEL_W + PLOT_W + RIGHT;
    let mut s = String::new();
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="monospace" font-size="11">"#
    );
    let _ = writeln!(s, r#"<rect width="100%" height="100%" fill="white"/>"#);
    let _ = writeln!(
        s,
        r#"<text x="8" y="18" font-size="13" font-weight="bold">{}</text>"#,
        escape(title)
    );
    legend(&mut s);
    for (i, row) in rows.iter().enumerate() {
        let y = TOP + ROW_H * i as f64;
        let fill = match (row.selected_at.is_some(), i % 2) {
            (true, _) => "#fff3c4",
            (false, 0) => "#f6f6f6",
            _ => "white",
        };
        let _ = writeln!(
            s,
            r#"<rect x="0" y="{y}" width="{width}" height="{ROW_H}" fill="{fill}"/>"#
        );
        if let Some(t) = row.selected_at {
            let _ = writeln!(
                s,
                r##"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" fill="#f5c542" opacity="0.45"/>"##,
                x(t),
                y + 3.0,
                (LABEL_W + PLOT_W - x(t)).max(1.0),
                ROW_H - 6.0
            );
        }
        let weight = if row.selected_at.is_some() {
            "bold"
        } else {
            "normal"
        };
        let color = if row.side == 'A' {
            "#12355b"
        } else {
            "#5b1235"
        };
        let _ = writeln!(
            s,
            r#"<text x="8" y="{:.1}" font-weight="{weight}" fill="{color}">{}</text>"#,
            y + 15.0,
            escape(&row.label)
        );
        let cy = y + ROW_H / 2.0;
        for &(t, mark) in &row.marks {
            mark_svg(&mut s, x(t), cy, mark);
        }
    }
    axis(&mut s, rows.len(), scale);
    s.push_str("</svg>\n");
    s
}

fn mark_svg(s: &mut String, x: f64, y: f64, mark: Mark) {
    let _ = match mark {
        Mark::Check => writeln!(
            s,
            r##"<circle cx="{x:.1}" cy="{:.1}" r="3" fill="none" stroke="#555"/>"##,
            y - 3.0
        ),
        Mark::Response => writeln!(
            s,
            r##"<circle cx="{x:.1}" cy="{:.1}" r="3.5" fill="#2a9d3a"/>"##,
            y + 3.0
        ),
        Mark::Failed => writeln!(
            s,
            r##"<path d="M{:.1},{:.1} l8,8 m0,-8 l-8,8" stroke="#d62828" stroke-width="2"/>"##,
            x - 4.0,
            y - 4.0
        ),
        Mark::Nominated => writeln!(
            s,
            r##"<circle cx="{x:.1}" cy="{y:.1}" r="7" fill="none" stroke="#e07b00" stroke-width="2"/>"##
        ),
        Mark::Selected => writeln!(
            s,
            r##"<path d="M{x:.1},{:.1} l5,9 h-10 z" fill="#e07b00"/>"##,
            y - 5.0
        ),
        Mark::Consent => writeln!(
            s,
            r##"<rect x="{:.1}" y="{:.1}" width="6" height="6" fill="#1d6fd6"/>"##,
            x - 3.0,
            y - 3.0
        ),
        Mark::Data => writeln!(
            s,
            r##"<rect x="{:.1}" y="{:.1}" width="2" height="12" fill="#7b2cbf"/>"##,
            x - 1.0,
            y - 6.0
        ),
    };
}

fn legend(s: &mut String) {
    let items = [
        (Mark::Check, "check sent"),
        (Mark::Response, "response"),
        (Mark::Failed, "pair failed"),
        (Mark::Nominated, "nominated"),
        (Mark::Selected, "selected (row highlighted)"),
        (Mark::Consent, "consent check"),
        (Mark::Data, "application data"),
    ];
    let mut x = 14.0;
    for (mark, text) in items {
        mark_svg(s, x, 40.0, mark);
        let _ = writeln!(s, r#"<text x="{:.1}" y="44">{text}</text>"#, x + 12.0);
        x += 30.0 + 7.0 * text.len() as f64;
    }
}

fn axis(s: &mut String, rows: usize, scale: Scale) {
    let y = TOP + ROW_H * rows.max(1) as f64 + 8.0;
    let _ = writeln!(
        s,
        r##"<line x1="{LABEL_W}" y1="{y}" x2="{}" y2="{y}" stroke="#333"/>"##,
        LABEL_W + PLOT_W
    );
    let mut tick = |t: f64| {
        let x = scale.x(t);
        let _ = writeln!(
            s,
            r##"<line x1="{x:.1}" y1="{y}" x2="{x:.1}" y2="{:.1}" stroke="#333"/><text x="{x:.1}" y="{:.1}" text-anchor="middle">{}</text>"##,
            y + 4.0,
            y + 16.0,
            label_ms(t)
        );
    };
    let segments = match scale.split {
        Some(split) => vec![(0.0, split, 6.0), (split, scale.end, 2.0)],
        None => vec![(0.0, scale.end, 8.0)],
    };
    for (from, to, ticks) in segments {
        let step = nice_step((to - from) / ticks);
        let mut t = (from / step).ceil() * step;
        while t <= to + 1e-9 {
            tick(t);
            t += step;
        }
    }
    if let Some(split) = scale.split {
        let x = scale.x(split);
        let _ = writeln!(
            s,
            r##"<path d="M{:.1},{:.1} l6,-8 m2,8 l6,-8" stroke="#333"/><text x="{x:.1}" y="{:.1}" text-anchor="middle">time compressed after this</text>"##,
            x - 7.0,
            y + 4.0,
            y + 32.0
        );
    }
    let _ = writeln!(
        s,
        r#"<text x="{:.1}" y="{:.1}" text-anchor="end">time since start</text>"#,
        LABEL_W + PLOT_W,
        y + 32.0
    );
}

/// 1, 2 or 5 times a power of ten, at least `raw`.
fn nice_step(raw: f64) -> f64 {
    let mut p = 1.0;
    while p * 10.0 <= raw {
        p *= 10.0;
    }
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * p)
        .find(|v| *v >= raw)
        .unwrap_or(10.0 * p)
}

fn label_ms(t: f64) -> String {
    if t >= 1000.0 {
        format!("{:.1} s", t / 1000.0)
    } else {
        format!("{t:.0} ms")
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_drawing_has_a_row_per_pair_its_marks_a_legend_and_an_axis() {
        let rows = vec![
            Row {
                side: 'A',
                label: "A  host 127.0.0.1:1 -> host 127.0.0.1:2".into(),
                marks: vec![
                    (Duration::from_millis(1), Mark::Check),
                    (Duration::from_millis(2), Mark::Response),
                    (Duration::from_millis(3), Mark::Nominated),
                    (Duration::from_millis(3), Mark::Selected),
                ],
                selected_at: Some(Duration::from_millis(3)),
            },
            Row {
                side: 'B',
                label: "B  relay <x> -> prflx".into(),
                marks: vec![(Duration::from_millis(40), Mark::Failed)],
                selected_at: None,
            },
        ];
        let svg = svg(&rows, Duration::from_millis(50), None, "demo & test");
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(svg.trim_end().ends_with("</svg>"));
        assert!(svg.contains("demo &amp; test") && svg.contains("relay &lt;x&gt;"));
        assert!(svg.contains("consent check") && svg.contains("time since start"));
        // The selected row is highlighted from its selection on.
        assert!(svg.contains("#f5c542"));
        assert_eq!(svg.matches("#d62828").count(), 2, "legend and the failure");
        assert!(svg.contains(">50 ms<"), "axis reaches the end");
        assert_eq!(svg.matches("http://").count(), 1, "only the namespace");
    }

    #[test]
    fn idle_time_after_the_split_is_compressed() {
        let scale = Scale::new(Duration::from_secs(6), Some(Duration::from_millis(300)));
        assert!((scale.x(300.0) - (LABEL_W + SPLIT_AT * PLOT_W)).abs() < 1e-9);
        assert!((scale.x(6000.0) - (LABEL_W + PLOT_W)).abs() < 1e-9);
        assert!(scale.x(150.0) < scale.x(300.0) && scale.x(300.0) < scale.x(3000.0));
        // A split too close to the end is no split.
        assert!(
            Scale::new(Duration::from_secs(1), Some(Duration::from_millis(600)))
                .split
                .is_none()
        );
    }

    #[test]
    fn axis_steps_are_round() {
        assert_eq!(nice_step(0.7), 1.0);
        assert_eq!(nice_step(13.0), 20.0);
        assert_eq!(nice_step(420.0), 500.0);
        assert_eq!(nice_step(2500.0), 5000.0);
    }
}
