//! Lossless line storage: each line keeps its exact text and its own line ending.

use core::fmt;
use std::borrow::Cow;
use std::string::String;

use crate::attributes::TypedAttribute;

/// How a line ended in the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub enum LineEnding {
    /// `CRLF`, the RFC 8866 §5 line ending (and what the builder writes).
    #[default]
    CrLf,
    /// `LF` alone, which RFC 8866 §5 asks parsers to accept.
    Lf,
    /// No ending: the last line of an input without a final newline.
    None,
}

impl LineEnding {
    /// The bytes of the ending.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::CrLf => "\r\n",
            Self::Lf => "\n",
            Self::None => "",
        }
    }
}

/// One line of a description, stored exactly as it arrived (without its ending).
///
/// ```
/// use floe_sdp::{Line, LineEnding};
/// let line = Line::new("a=mid:0");
/// assert_eq!(line.line_type(), Some('a'));
/// assert_eq!(line.attribute().unwrap().name, "mid");
/// assert_eq!(line.ending(), LineEnding::CrLf);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Line<'a> {
    text: Cow<'a, str>,
    ending: LineEnding,
}

/// A view of an `a=` line: RFC 8866 §5.13 `attribute = (attribute-name ":" attribute-value) /
/// attribute-name`. `value` is `None` for a flag (`a=rtcp-mux`) and `Some("")` for `a=name:`.
///
/// Trailing spaces and tabs (which the parser reports as
/// [`DiagnosticKind::TrailingWhitespace`](crate::DiagnosticKind::TrailingWhitespace)) are not
/// part of the view, so `a=sendrecv ` is the flag `sendrecv`; the line itself keeps them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Attribute<'a> {
    /// Everything between `a=` and the first `:`.
    pub name: &'a str,
    /// Everything after the first `:`, exactly as written.
    pub value: Option<&'a str>,
}

impl<'a> Attribute<'a> {
    /// Splits the text after `a=`, without its trailing white space.
    ///
    /// ```
    /// use floe_sdp::Attribute;
    /// assert_eq!(Attribute::split("sendrecv \t"), Attribute { name: "sendrecv", value: None });
    /// assert_eq!(Attribute::split("mid:0 "), Attribute { name: "mid", value: Some("0") });
    /// ```
    #[must_use]
    pub fn split(rest: &'a str) -> Self {
        let rest = trim_end_ws(rest);
        // Names are short: a byte loop beats a SIMD search here.
        match rest.bytes().position(|b| b == b':') {
            Some(i) => Self {
                name: &rest[..i],
                value: Some(&rest[i + 1..]),
            },
            None => Self {
                name: rest,
                value: None,
            },
        }
    }
}

impl<'a> Line<'a> {
    /// A line with a CRLF ending (the text must not contain a line break; one that does is kept
    /// as text and flagged when the description is parsed again).
    #[must_use]
    pub fn new(text: impl Into<Cow<'a, str>>) -> Self {
        Self {
            text: text.into(),
            ending: LineEnding::CrLf,
        }
    }

    /// A line with the given ending.
    #[must_use]
    pub fn with_ending(text: impl Into<Cow<'a, str>>, ending: LineEnding) -> Self {
        Self {
            text: text.into(),
            ending,
        }
    }

    /// `<type>=<value>` with a CRLF ending.
    #[must_use]
    pub fn field(line_type: char, value: &str) -> Line<'static> {
        let mut s = String::with_capacity(value.len() + 2);
        s.push(line_type);
        s.push('=');
        s.push_str(value);
        Line::new(s)
    }

    /// `a=<name>[:<value>]` with a CRLF ending.
    #[must_use]
    pub fn attribute_line(name: &str, value: Option<&str>) -> Line<'static> {
        let mut s = String::with_capacity(name.len() + value.map_or(0, str::len) + 3);
        s.push_str("a=");
        s.push_str(name);
        if let Some(v) = value {
            s.push(':');
            s.push_str(v);
        }
        Line::new(s)
    }

    /// `a=` line for a typed attribute.
    #[must_use]
    pub fn typed<'t, T: TypedAttribute<'t>>(attr: &T) -> Line<'static> {
        use core::fmt::Write as _;
        let mut s = String::with_capacity(32);
        s.push_str("a=");
        s.push_str(T::NAME);
        if T::HAS_VALUE {
            s.push(':');
            let _ = write!(s, "{attr}");
        }
        Line::new(s)
    }

    /// The text without the line ending.
    #[must_use]
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The line ending.
    #[must_use]
    pub const fn ending(&self) -> LineEnding {
        self.ending
    }

    /// Sets the line ending.
    pub fn set_ending(&mut self, ending: LineEnding) {
        self.ending = ending;
    }

    /// The type letter when the line has the shape `<letter>=...`.
    #[must_use]
    pub fn line_type(&self) -> Option<char> {
        line_type(&self.text)
    }

    /// The text after `<type>=`, when the line has that shape.
    #[must_use]
    pub fn value(&self) -> Option<&str> {
        self.line_type().map(|_| &self.text[2..])
    }

    /// The attribute view of an `a=` line.
    #[must_use]
    pub fn attribute(&self) -> Option<Attribute<'_>> {
        if self.line_type() == Some('a') {
            Some(Attribute::split(&self.text[2..]))
        } else {
            None
        }
    }

    /// A copy that owns its text.
    #[must_use]
    pub fn into_owned(self) -> Line<'static> {
        Line {
            text: Cow::Owned(self.text.into_owned()),
            ending: self.ending,
        }
    }
}

impl fmt::Display for Line<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)?;
        f.write_str(self.ending.as_str())
    }
}

/// `s` without trailing spaces and tabs (a byte check first: almost no line has any).
#[inline]
pub(crate) fn trim_end_ws(s: &str) -> &str {
    if matches!(s.as_bytes().last(), Some(b' ' | b'\t')) {
        s.trim_end_matches([' ', '\t'])
    } else {
        s
    }
}

/// The type letter of `text` when it has the shape `<letter>=`.
#[inline]
pub(crate) fn line_type(text: &str) -> Option<char> {
    match text.as_bytes() {
        [t, b'=', ..] if t.is_ascii_alphabetic() => Some(char::from(*t)),
        _ => None,
    }
}

/// Splits input into lines with their endings, fast (one memchr pass for `\n`). A final line
/// without `\n` gets [`LineEnding::None`]; an input ending in a newline has no empty last line.
pub(crate) fn split_lines(input: &str) -> impl Iterator<Item = (&str, LineEnding)> {
    let mut newlines = memchr::memchr_iter(b'\n', input.as_bytes());
    let mut start = 0;
    core::iter::from_fn(move || {
        if start >= input.len() {
            return None;
        }
        let Some(i) = newlines.next() else {
            let line = &input[start..];
            start = input.len();
            return Some((line, LineEnding::None));
        };
        let raw = &input[start..i];
        start = i + 1;
        Some(match raw.strip_suffix('\r') {
            Some(l) => (l, LineEnding::CrLf),
            None => (raw, LineEnding::Lf),
        })
    })
}

#[cfg(test)]
mod tests {
    use std::vec::Vec;

    use super::*;

    #[test]
    fn splits_every_kind_of_ending() {
        let lines: Vec<_> = split_lines("v=0\r\no=x\ns=y").collect();
        assert_eq!(
            lines,
            [
                ("v=0", LineEnding::CrLf),
                ("o=x", LineEnding::Lf),
                ("s=y", LineEnding::None)
            ]
        );
        let lines: Vec<_> = split_lines("a\r\n\r\n\n").collect();
        assert_eq!(
            lines,
            [
                ("a", LineEnding::CrLf),
                ("", LineEnding::CrLf),
                ("", LineEnding::Lf)
            ]
        );
        assert_eq!(split_lines("").count(), 0);
        let lines: Vec<_> = split_lines("x\r").collect();
        assert_eq!(lines, [("x\r", LineEnding::None)]);
        let lines: Vec<_> = split_lines("a\rb\r\r\nc\n").collect();
        assert_eq!(lines, [("a\rb\r", LineEnding::CrLf), ("c", LineEnding::Lf)]);
    }

    #[test]
    fn attribute_views() {
        assert_eq!(
            Attribute::split("rtcp-mux"),
            Attribute {
                name: "rtcp-mux",
                value: None
            }
        );
        assert_eq!(
            Attribute::split("mid:"),
            Attribute {
                name: "mid",
                value: Some("")
            }
        );
        assert_eq!(
            Attribute::split("a:b:c"),
            Attribute {
                name: "a",
                value: Some("b:c")
            }
        );
        assert_eq!(Line::new("m=audio").attribute(), None);
        assert_eq!(Line::new("x").line_type(), None);
        assert_eq!(Line::new("=x").value(), None);
        assert_eq!(
            Line::attribute_line("mid", Some("0")).to_string(),
            "a=mid:0\r\n"
        );
        assert_eq!(Line::field('s', "-").to_string(), "s=-\r\n");
    }
}
