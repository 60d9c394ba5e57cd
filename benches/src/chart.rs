//! A small SVG bar chart for bench reports: one panel per figure, one horizontal bar per
//! crate, the value written at the end of each bar and an optional goal drawn as a dashed line.

use core::fmt::Write as _;

/// One figure: its title, a value per crate (in the order of the chart's names) and a goal.
#[derive(Debug, Clone)]
pub struct Panel {
    /// What is measured, with its unit and which way is better.
    pub title: String,
    /// One value per crate.
    pub values: Vec<f64>,
    /// The goal, drawn as a dashed line, if any.
    pub goal: Option<f64>,
    /// Decimals to print a value with.
    pub decimals: usize,
}

const WIDTH: f64 = 760.0;
const LABEL: f64 = 100.0;
const BAR_AREA: f64 = 560.0;
const BAR: f64 = 16.0;
const GAP: f64 = 4.0;
const TITLE: f64 = 36.0;
const PANEL_GAP: f64 = 14.0;

/// The chart as an SVG document: `names` label the bars (the first is drawn highlighted),
/// `caption` goes on top.
#[must_use]
pub fn svg(caption: &str, names: &[&str], panels: &[Panel]) -> String {
    let panel_height = TITLE + names.len() as f64 * (BAR + GAP) + PANEL_GAP;
    let height = 30.0 + panels.len() as f64 * panel_height;
    let mut s = String::new();
    let _ = write!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}\" height=\"{height}\" \
         font-family=\"sans-serif\" font-size=\"12\">\n\
         <rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n\
         <text x=\"8\" y=\"18\" font-size=\"14\" font-weight=\"bold\">{}</text>\n",
        escape(caption)
    );
    for (p, panel) in panels.iter().enumerate() {
        let top = 30.0 + p as f64 * panel_height;
        let max = panel
            .values
            .iter()
            .copied()
            .chain(panel.goal)
            .fold(0.0_f64, f64::max)
            .max(f64::MIN_POSITIVE);
        let scale = BAR_AREA / (max * 1.15);
        let _ = writeln!(
            s,
            "<text x=\"8\" y=\"{}\" font-weight=\"bold\">{}</text>",
            top + 14.0,
            escape(&panel.title)
        );
        for (i, (name, value)) in names.iter().zip(&panel.values).enumerate() {
            let y = top + TITLE + i as f64 * (BAR + GAP);
            let fill = if i == 0 { "#d9480f" } else { "#868e96" };
            let w = (value * scale).max(1.0);
            let _ = writeln!(
                s,
                "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>\
                 <rect x=\"{LABEL}\" y=\"{y}\" width=\"{w:.1}\" height=\"{BAR}\" fill=\"{fill}\"/>\
                 <text x=\"{:.1}\" y=\"{}\">{:.*}</text>",
                LABEL - 6.0,
                y + BAR - 4.0,
                escape(name),
                LABEL + w + 4.0,
                y + BAR - 4.0,
                panel.decimals,
                value
            );
        }
        if let Some(goal) = panel.goal {
            let x = LABEL + goal * scale;
            let bottom = top + TITLE + names.len() as f64 * (BAR + GAP);
            let _ = writeln!(
                s,
                "<line x1=\"{x:.1}\" y1=\"{}\" x2=\"{x:.1}\" y2=\"{bottom}\" stroke=\"#1864ab\" \
                 stroke-width=\"1.5\" stroke-dasharray=\"4 3\"/>\
                 <text x=\"{:.1}\" y=\"{}\" fill=\"#1864ab\">Floe goal {:.*}</text>",
                top + TITLE - 4.0,
                x + 4.0,
                top + TITLE - 6.0,
                panel.decimals,
                goal
            );
        }
    }
    s.push_str("</svg>\n");
    s
}

fn escape(t: &str) -> String {
    t.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
