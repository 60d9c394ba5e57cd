//! Splits a candidate line into SP-separated fields and collects warnings.

use crate::error::{Field, ParseError};
use crate::grammar::find_space;
use crate::warning::{WarningKind, Warnings};

/// A 1-based column from a 0-based byte offset.
pub(crate) fn col(pos: usize) -> u32 {
    u32::try_from(pos.saturating_add(1)).unwrap_or(u32::MAX)
}

/// One SP-separated field: its text and byte offset in the line.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Tok<'a> {
    pub(crate) text: &'a str,
    pub(crate) pos: usize,
}

/// The field cursor over one line.
pub(crate) struct Lexer<'a> {
    pub(crate) line: &'a str,
    pub(crate) pos: usize,
    /// End of the line without trailing white space.
    pub(crate) end: usize,
    strict: bool,
    pub(crate) warnings: Warnings,
    /// Strict mode: where the first extra white space was, reported unless an error further
    /// left comes first (see [`Lexer::finish`]).
    deferred_space: Option<usize>,
    /// Offset of the last run of extra spaces between fields, if any.
    pub(crate) last_extra_space: Option<usize>,
}

impl<'a> Lexer<'a> {
    /// Trims surrounding white space (lenient mode, with a warning).
    pub(crate) fn new(line: &'a str, strict: bool) -> Result<Self, ParseError> {
        let b = line.as_bytes();
        let mut end = b.len();
        while end > 0 && matches!(b[end - 1], b' ' | b'\t' | b'\r' | b'\n') {
            end -= 1;
        }
        let mut start = 0;
        while start < end && matches!(b[start], b' ' | b'\t') {
            start += 1;
        }
        let mut lx = Self {
            line,
            pos: start,
            end,
            strict,
            warnings: Warnings::default(),
            deferred_space: None,
            last_extra_space: None,
        };
        if start > 0 {
            lx.warn(WarningKind::ExtraWhitespace, 0)?;
        }
        if end < b.len() {
            lx.extra_space(end);
        }
        Ok(lx)
    }

    /// Records a warning, or fails in strict mode when it is an RFC violation.
    pub(crate) fn warn(&mut self, kind: WarningKind, pos: usize) -> Result<(), ParseError> {
        if self.strict && kind.violates_rfc() {
            return Err(ParseError::NotStrict {
                warning: kind,
                column: col(pos),
            });
        }
        self.warnings.push(kind, col(pos));
        Ok(())
    }

    /// Extra white space at `pos`: a warning, or in strict mode an error that
    /// [`Lexer::finish`] raises unless an error further left comes first.
    #[cold]
    fn extra_space(&mut self, pos: usize) {
        if self.strict {
            self.deferred_space.get_or_insert(pos);
        } else {
            self.warnings.push(WarningKind::ExtraWhitespace, col(pos));
        }
    }

    /// The leftmost of the parse result and a deferred strict-mode white-space error.
    pub(crate) fn finish<T>(&self, result: Result<T, ParseError>) -> Result<T, ParseError> {
        let Some(pos) = self.deferred_space else {
            return result;
        };
        let ws = ParseError::NotStrict {
            warning: WarningKind::ExtraWhitespace,
            column: col(pos),
        };
        match result {
            Err(e) if e.column() <= ws.column() => Err(e),
            _ => Err(ws),
        }
    }

    #[inline(always)]
    pub(crate) const fn at_end(&self) -> bool {
        self.pos >= self.end
    }

    /// The next field, consuming the separator after it.
    #[inline(always)]
    pub(crate) fn next(&mut self) -> Tok<'a> {
        let b = self.line.as_bytes();
        let start = self.pos;
        let len = find_space(b.get(start..self.end).unwrap_or_default());
        let text = self.line.get(start..start + len).unwrap_or_default();
        let mut i = start + len + 1;
        if i < self.end && b.get(i) == Some(&b' ') {
            i = self.skip_spaces(i);
        }
        self.pos = i;
        Tok { text, pos: start }
    }

    #[cold]
    fn skip_spaces(&mut self, mut i: usize) -> usize {
        self.extra_space(i);
        self.last_extra_space = Some(i);
        while i < self.end && self.line.as_bytes().get(i) == Some(&b' ') {
            i += 1;
        }
        i
    }

    /// The next mandatory field, or [`ParseError::Missing`].
    #[inline(always)]
    pub(crate) fn field(&mut self, field: Field) -> Result<Tok<'a>, ParseError> {
        if self.at_end() {
            return Err(ParseError::Missing {
                field,
                column: col(self.end),
            });
        }
        Ok(self.next())
    }
}
