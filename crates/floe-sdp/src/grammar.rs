//! Shared grammar pieces (RFC 8866 §9 ABNF): character classes, numbers, and a cursor that walks
//! the space-separated fields of a value with nom, remembering where each field starts so errors
//! carry an exact offset.

use core::str::FromStr;

use nom::{Parser, bytes::complete::take_while, character::complete::digit1};

use crate::error::{ValueError, ValueErrorKind};

/// The nom error type used by the grammar functions (only its position is used).
pub(crate) type NomError<'a> = nom::error::Error<&'a str>;

/// RFC 8866 §9 `token-char`: visible ASCII except the separators `"(),/:;<=>?@[\]` and space.
const fn token_table() -> [bool; 256] {
    let mut t = [false; 256];
    let mut b = 0x21;
    while b < 0x7f {
        t[b] = !matches!(
            b as u8,
            b'"' | b'('
                | b')'
                | b','
                | b'/'
                | b':'
                | b';'
                | b'<'
                | b'='
                | b'>'
                | b'?'
                | b'@'
                | b'['
                | b'\\'
                | b']'
        );
        b += 1;
    }
    t
}

static TOKEN: [bool; 256] = token_table();

/// Whether `c` is an RFC 8866 `token-char`.
#[inline]
pub(crate) fn is_token_char(c: char) -> bool {
    c.is_ascii() && TOKEN[c as usize]
}

/// Whether `s` is a non-empty RFC 8866 `token`.
#[inline]
pub(crate) fn is_token(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| TOKEN[b as usize])
}

/// Parses the whole of `s` as a decimal number of type `T` (digits only: no sign, no space).
pub(crate) fn number<T: FromStr>(s: &str, field: &'static str) -> Result<T, ValueErrorKind> {
    match digit1::<&str, NomError<'_>>(s) {
        Ok(("", _)) => s.parse().map_err(|_| ValueErrorKind::OutOfRange { field }),
        _ => Err(ValueErrorKind::Invalid { field }),
    }
}

/// Walks a value field by field. Fields are separated by exactly one space (RFC 8866 `SP`).
#[derive(Debug, Clone)]
pub(crate) struct Cursor<'a> {
    value: &'a str,
    rest: &'a str,
    /// Offset of a separator consumed after the last field, not yet followed by a field.
    pending_separator: Option<usize>,
}

impl<'a> Cursor<'a> {
    pub(crate) fn new(value: &'a str) -> Self {
        Self {
            value,
            rest: value,
            pending_separator: None,
        }
    }

    /// Byte offset of the next unread character.
    pub(crate) fn offset(&self) -> usize {
        self.value.len() - self.rest.len()
    }

    /// Whether every field has been read.
    pub(crate) fn at_end(&self) -> bool {
        self.rest.is_empty()
    }

    /// Consumes everything left and returns it with its offset.
    pub(crate) fn take_rest(
        &mut self,
        field: &'static str,
    ) -> Result<(&'a str, usize), ValueError> {
        let at = self.offset();
        if self.rest.is_empty() {
            return Err(ValueError::missing(at, field));
        }
        let r = self.rest;
        self.rest = "";
        self.pending_separator = None;
        Ok((r, at))
    }

    /// Reads the next space-delimited field (non-empty) and the single space after it.
    pub(crate) fn field(&mut self, field: &'static str) -> Result<&'a str, ValueError> {
        let at = self.offset();
        if self.rest.is_empty() {
            return Err(ValueError::missing(at, field));
        }
        let (rest, word) = take_while::<_, &str, NomError<'_>>(|c: char| c != ' ')
            .parse(self.rest)
            .unwrap_or((self.rest, ""));
        if word.is_empty() {
            return Err(ValueError::invalid(at, field));
        }
        self.rest = rest;
        self.pending_separator = None;
        if let Some(r) = self.rest.strip_prefix(' ') {
            self.pending_separator = Some(self.offset());
            self.rest = r;
        }
        Ok(word)
    }

    /// Reads the next field and checks it with `check`, reporting `field` at its offset.
    pub(crate) fn field_with<T>(
        &mut self,
        field: &'static str,
        check: impl FnOnce(&'a str) -> Result<T, ValueErrorKind>,
    ) -> Result<T, ValueError> {
        let at = self.offset();
        let word = self.field(field)?;
        check(word).map_err(|kind| ValueError { offset: at, kind })
    }

    /// Reads the next field as a decimal number.
    pub(crate) fn number<T: FromStr>(&mut self, field: &'static str) -> Result<T, ValueError> {
        self.field_with(field, |w| number(w, field))
    }

    /// Reads the next field as a `token`.
    pub(crate) fn token(&mut self, field: &'static str) -> Result<&'a str, ValueError> {
        self.field_with(field, |w| {
            if is_token(w) {
                Ok(w)
            } else {
                Err(ValueErrorKind::Invalid { field })
            }
        })
    }

    /// Succeeds when nothing (not even a trailing space) is left.
    pub(crate) fn finish(&self) -> Result<(), ValueError> {
        if !self.rest.is_empty() {
            return Err(ValueError {
                offset: self.offset(),
                kind: ValueErrorKind::TrailingData,
            });
        }
        match self.pending_separator {
            Some(at) => Err(ValueError {
                offset: at,
                kind: ValueErrorKind::TrailingData,
            }),
            None => Ok(()),
        }
    }
}

/// Checks a whole value with a nom parser that must consume all of it; a failure is reported
/// as `field` at the position nom stopped.
pub(crate) fn all<'a, O>(
    value: &'a str,
    field: &'static str,
    mut p: impl Parser<&'a str, Output = O, Error = NomError<'a>>,
) -> Result<O, ValueError> {
    match p.parse(value) {
        Ok(("", o)) => Ok(o),
        Ok((rest, _)) => Err(ValueError {
            offset: value.len() - rest.len(),
            kind: ValueErrorKind::TrailingData,
        }),
        Err(nom::Err::Error(e) | nom::Err::Failure(e)) => {
            Err(ValueError::invalid(value.len() - e.input.len(), field))
        }
        Err(nom::Err::Incomplete(_)) => Err(ValueError::missing(value.len(), field)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_chars_follow_rfc_8866() {
        assert!(is_token("BUNDLE"));
        assert!(is_token("x-google-flag"));
        assert!(is_token("a!#$%&'*+-.^_`{|}~"));
        for bad in ["", "a b", "a:b", "a/b", "a;b", "a=b", "a\"", "a@b", "é"] {
            assert!(!is_token(bad), "{bad:?}");
        }
    }

    #[test]
    fn cursor_reads_fields_and_offsets() {
        let mut c = Cursor::new("- 123 7 IN IP4 1.2.3.4");
        assert_eq!(c.field("username").unwrap(), "-");
        assert_eq!(c.number::<u64>("sess-id").unwrap(), 123);
        assert_eq!(c.offset(), 6);
        assert_eq!(c.number::<u64>("sess-version").unwrap(), 7);
        assert_eq!(c.token("nettype").unwrap(), "IN");
        assert_eq!(c.field("addrtype").unwrap(), "IP4");
        assert_eq!(c.field("unicast-address").unwrap(), "1.2.3.4");
        assert!(c.finish().is_ok());
        assert_eq!(c.field("x"), Err(ValueError::missing(22, "x")));
    }

    #[test]
    fn cursor_reports_double_and_trailing_spaces() {
        let mut c = Cursor::new("a  b");
        c.field("first").unwrap();
        assert_eq!(c.field("second"), Err(ValueError::invalid(2, "second")));
        let mut c = Cursor::new("a ");
        c.field("first").unwrap();
        assert_eq!(
            c.finish(),
            Err(ValueError {
                offset: 1,
                kind: ValueErrorKind::TrailingData
            })
        );
    }

    #[test]
    fn numbers_reject_signs_and_overflow() {
        assert_eq!(number::<u8>("255", "n"), Ok(255));
        assert_eq!(
            number::<u8>("256", "n"),
            Err(ValueErrorKind::OutOfRange { field: "n" })
        );
        assert_eq!(
            number::<u8>("+1", "n"),
            Err(ValueErrorKind::Invalid { field: "n" })
        );
        assert_eq!(
            number::<u8>("", "n"),
            Err(ValueErrorKind::Invalid { field: "n" })
        );
    }
}
