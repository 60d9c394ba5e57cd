//! Shared grammar pieces (RFC 8866 §9 ABNF): character classes, numbers, and a cursor that walks
//! the space-separated fields of a value with nom, remembering where each field starts so errors
//! carry an exact offset.

use core::str::FromStr;

use nom::{Parser, character::complete::digit1};

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

/// Whether `b` is an RFC 8866 `token-char`.
#[inline]
pub(crate) fn is_token_byte(b: u8) -> bool {
    TOKEN[usize::from(b)]
}

/// Whether `s` is a non-empty RFC 8866 `token`.
#[inline]
pub(crate) fn is_token(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| TOKEN[b as usize])
}

/// Parses the whole of `s` as a decimal number of type `T` (digits only: no sign, no space).
///
/// Up to 19 digits are read with a byte loop (the hot path: ports, payload types, SSRCs);
/// longer ones go through nom and `FromStr` so the range check stays exact.
pub(crate) fn number<T: FromStr + TryFrom<u64>>(
    s: &str,
    field: &'static str,
) -> Result<T, ValueErrorKind> {
    let bytes = s.as_bytes();
    if !bytes.is_empty() && bytes.len() <= 19 {
        let mut n: u64 = 0;
        for &b in bytes {
            if !b.is_ascii_digit() {
                return Err(ValueErrorKind::Invalid { field });
            }
            n = n * 10 + u64::from(b - b'0');
        }
        return T::try_from(n).map_err(|_| ValueErrorKind::OutOfRange { field });
    }
    match digit1::<&str, NomError<'_>>(s) {
        Ok(("", _)) => s.parse().map_err(|_| ValueErrorKind::OutOfRange { field }),
        _ => Err(ValueErrorKind::Invalid { field }),
    }
}

/// Splitting on one ASCII byte with a plain loop: on the short fields of SDP this beats
/// `str::split(char)`, whose searcher is built for long haystacks.
pub(crate) trait ByteSplit {
    /// Like `str::split` on an ASCII separator.
    fn split_b(&self, sep: u8) -> SplitByte<'_>;
    /// Like `str::split_once` on an ASCII separator.
    fn split_once_b(&self, sep: u8) -> Option<(&str, &str)>;
}

impl ByteSplit for str {
    #[inline]
    fn split_b(&self, sep: u8) -> SplitByte<'_> {
        SplitByte {
            rest: Some(self),
            sep,
        }
    }

    #[inline]
    fn split_once_b(&self, sep: u8) -> Option<(&str, &str)> {
        let i = self.bytes().position(|b| b == sep)?;
        Some((&self[..i], &self[i + 1..]))
    }
}

/// Iterator of [`ByteSplit::split_b`].
#[derive(Debug, Clone)]
pub(crate) struct SplitByte<'a> {
    rest: Option<&'a str>,
    sep: u8,
}

impl<'a> Iterator for SplitByte<'a> {
    type Item = &'a str;

    #[inline]
    fn next(&mut self) -> Option<&'a str> {
        let r = self.rest?;
        match r.bytes().position(|b| b == self.sep) {
            Some(i) => {
                self.rest = Some(&r[i + 1..]);
                Some(&r[..i])
            }
            None => {
                self.rest = None;
                Some(r)
            }
        }
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
        let end = self
            .rest
            .bytes()
            .position(|b| b == b' ')
            .unwrap_or(self.rest.len());
        let (word, rest) = self.rest.split_at(end);
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
    pub(crate) fn number<T: FromStr + TryFrom<u64>>(
        &mut self,
        field: &'static str,
    ) -> Result<T, ValueError> {
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
