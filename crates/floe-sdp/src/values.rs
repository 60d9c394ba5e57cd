//! The value checks: the `v o s i u e p c b t r z k m` fields and the values of known
//! attributes. The parser runs them line by line when asked to
//! ([`ParseOptions::check_values`](crate::ParseOptions::check_values)); otherwise
//! [`Parsed::warnings`](crate::Parsed::warnings) runs them over the whole description on first
//! read. Both go through the functions here, so they report the same things.

use std::vec::Vec;

use crate::attributes::{Known, lookup};
use crate::description::{MediaSection, SessionDescription};
use crate::error::{Diagnostic, DiagnosticKind, ValueError, ValueErrorKind};
use crate::fields::{
    Bandwidth, Connection, FieldValue, Key, MediaLine, Origin, Repeat, TimeZones, Timing, Version,
};
use crate::line::{Attribute, line_type, trim_end_ws};
use crate::parser::{column, split_attribute};

/// The problem with the value of the field on line `n` (`text` is the whole line, `t` its
/// type, not `a`), and whether [`Mode::Strict`](crate::Mode::Strict) rejects it.
pub(crate) fn field_diagnostic(n: u32, text: &str, t: char) -> Option<(Diagnostic, bool)> {
    let value = &text[2..];
    let at = |offset: usize, kind| Diagnostic {
        line: n,
        column: column(text, offset),
        kind,
    };
    let result = match t {
        'v' => Version::parse(value).map(drop),
        'o' => Origin::parse(value).map(drop),
        's' if value.is_empty() => {
            // RFC 8866 §5.3 wants `s= ` or `s=-`; many stacks (and RFC 4317's examples) write
            // `s=` empty: tolerated in both modes.
            let kind = DiagnosticKind::InvalidField {
                line_type: 's',
                error: ValueErrorKind::Missing { field: "text" },
            };
            return Some((at(2, kind), false));
        }
        's' | 'i' | 'u' | 'e' | 'p' => {
            if value.is_empty() {
                Err(ValueError::missing(0, "text"))
            } else {
                Ok(())
            }
        }
        'c' => Connection::parse(value).map(drop),
        'b' => Bandwidth::parse(value).map(drop),
        't' => Timing::parse(value).map(drop),
        'r' => Repeat::parse(value).map(drop),
        'z' => TimeZones::parse(value).map(drop),
        'k' => Key::parse(value).map(drop),
        'm' => match MediaLine::parse_inner(value, false) {
            Ok(m) if m.formats.0.is_empty() => {
                return Some((at(text.len(), DiagnosticKind::MediaWithoutFormat), true));
            }
            other => other.map(drop),
        },
        _ => Ok(()),
    };
    let e = result.err()?;
    // `sess-id` and `sess-version` are `1*DIGIT` (RFC 8866 §9): any length is valid SDP, so a
    // value past `Origin`'s u64 is a warning in both modes, not a strict rejection.
    let rejected = !(t == 'o'
        && matches!(
            e.kind,
            ValueErrorKind::OutOfRange {
                field: "sess-id" | "sess-version"
            }
        ));
    let kind = DiagnosticKind::InvalidField {
        line_type: t,
        error: e.kind,
    };
    Some((at(2 + e.offset, kind), rejected))
}

/// The value problem of one known attribute on line `n` (`text` is the whole line), and
/// whether [`Mode::Strict`](crate::Mode::Strict) rejects it.
pub(crate) fn attribute_diagnostic(
    n: u32,
    text: &str,
    attr: Attribute<'_>,
    known: Known,
) -> Option<(Diagnostic, bool)> {
    let (e, strict) = (known.check)(attr.value)?;
    let diagnostic = Diagnostic {
        line: n,
        column: column(text, 3 + attr.name.len() + e.offset),
        kind: DiagnosticKind::InvalidAttribute {
            name: known.name,
            error: e.kind,
        },
    };
    Some((diagnostic, strict))
}

/// Whether a value diagnostic is a candidate the RFC forbids but browsers send (rejected in
/// strict mode only with [`ParseOptions::strict_candidates`](crate::ParseOptions)).
pub(crate) const fn is_candidate_warning(d: &Diagnostic) -> bool {
    matches!(
        d.kind,
        DiagnosticKind::InvalidAttribute {
            error: ValueErrorKind::CandidateWarning { .. },
            ..
        }
    )
}

/// The value problem of line `n`, whatever its type.
fn line_diagnostic(n: u32, text: &str) -> Option<(Diagnostic, bool)> {
    match line_type(text)? {
        'a' => {
            let (attr, name_ok) = split_attribute(trim_end_ws(&text[2..]));
            let known = lookup(attr.name).filter(|_| name_ok)?;
            attribute_diagnostic(n, text, attr, known)
        }
        t => field_diagnostic(n, text, t),
    }
}

impl SessionDescription<'_> {
    /// Checks the value of every field (`v o s i u e p c b t r z k m`) and of every known
    /// attribute (`rtpmap`, `fmtp`, `candidate`, `fingerprint`, `simulcast`, ...) against its
    /// grammar, and returns each problem or advisory with its 1-based line and column, in line
    /// order: [`DiagnosticKind::InvalidField`], [`DiagnosticKind::MediaWithoutFormat`],
    /// [`DiagnosticKind::InvalidAttribute`]. Unknown attributes and malformed names are not
    /// looked at (the parse reports the names).
    ///
    /// These are the checks a parse runs with
    /// [`ParseOptions::check_values`](crate::ParseOptions::check_values), here over any
    /// description: parsed, built or edited.
    ///
    /// ```
    /// use floe_sdp::{DiagnosticKind, SessionDescription, ValueErrorKind};
    /// let mut sdp = SessionDescription::parse("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n")?;
    /// assert!(sdp.value_diagnostics().is_empty());
    /// sdp.push_raw_attribute("setup", Some("sideways"));
    /// let d = sdp.value_diagnostics();
    /// assert_eq!((d[0].line, d[0].column), (5, 9));
    /// assert!(matches!(d[0].kind, DiagnosticKind::InvalidAttribute { name: "setup", .. }));
    /// # Ok::<(), floe_sdp::ParseError>(())
    /// ```
    #[must_use]
    pub fn value_diagnostics(&self) -> Vec<Diagnostic> {
        self.value_diagnostics_up_to(usize::MAX)
    }

    /// The first `limit` of [`Self::value_diagnostics`].
    pub(crate) fn value_diagnostics_up_to(&self, limit: usize) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        let mut n: u32 = 0;
        let sections = self.media().iter().map(MediaSection::lines);
        for lines in core::iter::once(self.session_lines()).chain(sections) {
            for line in lines {
                n = n.saturating_add(1);
                if out.len() == limit {
                    return out;
                }
                if let Some((d, _)) = line_diagnostic(n, line.text()) {
                    out.push(d);
                }
            }
        }
        out
    }
}
