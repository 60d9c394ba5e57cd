//! The result of a parse, whose warnings include the value checks: run during the parse
//! ([`ParseOptions::check_values`](crate::ParseOptions::check_values)) or on the first read of
//! [`Parsed::warnings`].

use core::fmt;
use std::sync::OnceLock;
use std::vec::Vec;

use crate::description::SessionDescription;
use crate::error::Diagnostic;
use crate::parser::too_many;

/// A parsed description and the deviations it was accepted with.
///
/// The structure (line endings, line types, order, repeats, required lines, attribute names
/// and placement) is checked during the parse. The values (the `o= c= m= ...` fields and the
/// values of known attributes such as `rtpmap`, `candidate` or `fingerprint`) are checked
/// during the parse when [`ParseOptions::check_values`](crate::ParseOptions::check_values) is
/// on (the default in [`Mode::Strict`](crate::Mode::Strict), which must reject them), and
/// otherwise on the first call of [`Self::warnings`]. Either way `warnings()` returns the same
/// list in the same order; a caller that never reads it never pays for the value checks, and
/// the typed views check what they read ([`crate::MediaSection::get_attribute`] and
/// [`crate::SessionDescription::origin`] return the errors).
///
/// ```
/// use floe_sdp::{DiagnosticKind, Mode, SessionDescription};
/// let input = "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nm=audio 9 RTP/AVP 0\r\n\
///              a=rtpmap:0 PCMU/x\r\n";
/// let parsed = SessionDescription::parse_with(input, Mode::Lenient)?;
/// let w = &parsed.warnings()[0];
/// assert_eq!((w.line, w.column), (6, 17));
/// assert!(matches!(w.kind, DiagnosticKind::InvalidAttribute { name: "rtpmap", .. }));
/// assert_eq!(parsed.description().to_string(), input);
/// # Ok::<(), floe_sdp::ParseError>(())
/// ```
#[derive(Clone)]
pub struct Parsed<'a> {
    description: SessionDescription<'a>,
    /// What the parse reported: every warning when values were checked during the parse,
    /// the structural ones otherwise.
    found: Vec<Diagnostic>,
    /// `Some((k, max))` when values are left to [`Self::warnings`]: `found[..k]` are about
    /// single lines, `found[k..]` about the whole input (reported after every line's own);
    /// `max` is [`ParseOptions::max_warnings`](crate::ParseOptions::max_warnings).
    deferred: Option<(usize, usize)>,
    /// `found` merged with the value checks, on first read (only when `deferred`).
    merged: OnceLock<Vec<Diagnostic>>,
}

impl<'a> Parsed<'a> {
    pub(crate) fn new(
        description: SessionDescription<'a>,
        found: Vec<Diagnostic>,
        deferred: Option<(usize, usize)>,
    ) -> Self {
        Self {
            description,
            found,
            deferred,
            merged: OnceLock::new(),
        }
    }

    /// The description (every line, byte for byte).
    #[must_use]
    pub const fn description(&self) -> &SessionDescription<'a> {
        &self.description
    }

    /// The description, to keep or edit.
    ///
    /// ```
    /// use floe_sdp::{Mode, SessionDescription};
    /// let parsed = SessionDescription::parse_with("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n", Mode::Strict)?;
    /// let mut sdp = parsed.into_description();
    /// sdp.push_raw_attribute("ice-lite", None);
    /// assert!(sdp.to_string().ends_with("a=ice-lite\r\n"));
    /// # Ok::<(), floe_sdp::ParseError>(())
    /// ```
    #[must_use]
    pub fn into_description(self) -> SessionDescription<'a> {
        self.description
    }

    /// What the mode tolerated, in line order (within a line, in the order a checking parse
    /// meets them): structural deviations, then fields and known attributes whose values break
    /// their grammar or carry an advisory.
    ///
    /// Computed on the first call when the parse did not check values (cached after).
    #[must_use]
    pub fn warnings(&self) -> &[Diagnostic] {
        let Some((k, max)) = self.deferred else {
            return &self.found;
        };
        self.merged.get_or_init(|| self.with_values(k, max))
    }

    /// `found` with the value checks merged in, cut at `max` like the checking parse cuts.
    fn with_values(&self, k: usize, max: usize) -> Vec<Diagnostic> {
        // The parse kept at most `max + 1` line-level warnings, and the first `max + 1` of the
        // merged order come from the first `max + 1` of each list.
        let values = self
            .description
            .value_diagnostics_up_to(max.saturating_add(1));
        let (lines, input) = self.found.split_at(k.min(self.found.len()));
        let mut all = merge_by_line(lines, &values);
        all.extend_from_slice(input);
        if let Some(first_dropped) = all.get(max).copied() {
            all.truncate(max);
            all.push(too_many(&first_dropped, max));
        }
        all
    }

    /// The description and the warnings.
    ///
    /// ```
    /// use floe_sdp::{DiagnosticKind, SessionDescription};
    /// let input = "v=0\no=- 1 1 IN IP4 0.0.0.0\ns=-\nt=0 0\n";
    /// let (sdp, warnings) = SessionDescription::parse_with(input, floe_sdp::Mode::Lenient)?.into_parts();
    /// assert_eq!(warnings[0].kind, DiagnosticKind::LfLineEnding);
    /// assert_eq!(sdp.to_string(), input);
    /// # Ok::<(), floe_sdp::ParseError>(())
    /// ```
    #[must_use]
    pub fn into_parts(mut self) -> (SessionDescription<'a>, Vec<Diagnostic>) {
        let warnings = match self.deferred {
            None => self.found,
            Some((k, max)) => self
                .merged
                .take()
                .unwrap_or_else(|| self.with_values(k, max)),
        };
        (self.description, warnings)
    }
}

impl fmt::Debug for Parsed<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Parsed")
            .field("description", &self.description)
            .field("warnings", &self.warnings())
            .finish()
    }
}

impl PartialEq for Parsed<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.description == other.description && self.warnings() == other.warnings()
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for Parsed<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct as _;
        let mut s = serializer.serialize_struct("Parsed", 2)?;
        s.serialize_field("description", &self.description)?;
        s.serialize_field("warnings", self.warnings())?;
        s.end()
    }
}

/// `a` and `b` (each in line order) merged in line order, `a` first within a line: the
/// order of a parse that checks values, which reports a line's value last.
fn merge_by_line(a: &[Diagnostic], b: &[Diagnostic]) -> Vec<Diagnostic> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while let (Some(x), Some(y)) = (a.get(i), b.get(j)) {
        if x.line <= y.line {
            out.push(*x);
            i += 1;
        } else {
            out.push(*y);
            j += 1;
        }
    }
    out.extend_from_slice(&a[i..]);
    out.extend_from_slice(&b[j..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{DiagnosticKind, ValueErrorKind};
    use crate::parser::{Mode, ParseOptions};

    const INPUT: &str = "v=0\no=- x 1 IN IP4 0.0.0.0\ns=-\na=ice-lite\nt=0 0\n\
        m=audio 9 RTP/AVP 0 8\na=rtpmap:0 PCMU/x \na=mid:a\na=fmtp:8\na=x-y:z\n\
        a=candidate:1 1 udp 1 0.0.0.0 9 typ host\na=setup:bogus";

    #[test]
    fn lazy_and_eager_checks_report_the_same_warnings_in_the_same_order() {
        let lazy = SessionDescription::parse_with(INPUT, Mode::Lenient).unwrap();
        let eager = SessionDescription::parse_with(
            INPUT,
            ParseOptions::new(Mode::Lenient).check_values(true),
        )
        .unwrap();
        assert!(lazy.deferred.is_some() && eager.deferred.is_none());
        assert_eq!(lazy.warnings(), eager.warnings());
        let lines: Vec<_> = lazy.warnings().iter().map(|w| w.line).collect();
        // LF ending (1), o= sess-id (2), t= out of order (5), trailing space then the rtpmap value (7),
        // empty fmtp (9), candidate address (11), then the missing final newline before the
        // setup value (12): within a line, the line-level warning first.
        assert_eq!(lines, [1, 2, 5, 7, 7, 9, 11, 12, 12]);
        assert!(matches!(
            lazy.warnings()[8].kind,
            DiagnosticKind::InvalidAttribute { name: "setup", .. }
        ));
        assert_eq!(lazy, eager);
        assert_eq!(lazy.clone().into_parts().1, eager.warnings());
    }

    #[test]
    fn the_warning_limit_cuts_both_paths_at_the_same_place() {
        let full = SessionDescription::parse_with(INPUT, Mode::Lenient).unwrap();
        let n = full.warnings().len();
        for max in 0..=n + 1 {
            let lazy = ParseOptions::new(Mode::Lenient).max_warnings(max);
            let lazy = SessionDescription::parse_with(INPUT, lazy).unwrap();
            let eager = ParseOptions::new(Mode::Lenient)
                .max_warnings(max)
                .check_values(true);
            let eager = SessionDescription::parse_with(INPUT, eager).unwrap();
            assert_eq!(lazy.warnings(), eager.warnings(), "max {max}");
            let w = lazy.warnings();
            if max < n {
                assert_eq!(w.len(), max + 1);
                assert_eq!(&w[..max], &full.warnings()[..max]);
                let marker = w[max];
                let first_dropped = full.warnings()[max];
                assert_eq!(
                    (marker.line, marker.column, marker.kind),
                    (
                        first_dropped.line,
                        first_dropped.column,
                        DiagnosticKind::TooManyWarnings { limit: max }
                    )
                );
            } else {
                assert_eq!(w, full.warnings());
            }
        }
    }

    #[test]
    fn session_ids_past_u64_are_a_warning_not_a_strict_error() {
        let input = "v=0\r\no=- 123456789012345678901234 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n";
        let strict = SessionDescription::parse_with(input, Mode::Strict).unwrap();
        let w = strict.warnings();
        assert_eq!((w.len(), w[0].line, w[0].column), (1, 2, 5));
        assert!(matches!(
            w[0].kind,
            DiagnosticKind::InvalidField {
                line_type: 'o',
                error: ValueErrorKind::OutOfRange { field: "sess-id" }
            }
        ));
        let lenient = SessionDescription::parse_with(input, Mode::Lenient).unwrap();
        assert_eq!(lenient.warnings(), w);
        // Not digits at all is still a strict error.
        let bad = input.replace("1234567890", "12345x7890");
        assert!(SessionDescription::parse_with(&bad, Mode::Strict).is_err());
    }

    #[test]
    fn merge_keeps_line_order_and_puts_the_first_list_first_within_a_line() {
        let d = |line, column| Diagnostic {
            line,
            column,
            kind: DiagnosticKind::MalformedLine,
        };
        let merged = merge_by_line(&[d(1, 1), d(3, 1), d(9, 1)], &[d(3, 2), d(4, 2)]);
        let got: Vec<_> = merged.iter().map(|d| (d.line, d.column)).collect();
        assert_eq!(got, [(1, 1), (3, 1), (3, 2), (4, 2), (9, 1)]);
        assert!(merge_by_line(&[], &[]).is_empty());
    }
}
