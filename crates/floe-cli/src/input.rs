//! Reading command input (files, `-` for stdin, line splitting) and reporting what is wrong
//! with it, in the one format and with the exit codes every subcommand shares.

use core::fmt::Display;
use std::io::Read;
use std::process::ExitCode;

/// Exit status for a usage error: bad flags or arguments, an input file that cannot be read,
/// an address that cannot be bound or resolved.
pub(crate) const EXIT_USAGE: u8 = 2;
/// Exit status when an input is invalid (does not decode, not UTF-8, not parsable, or
/// unusable) or a check or an exchange with a server failed.
pub(crate) const EXIT_FAILED: u8 = 1;

/// Reads a whole input: `-` is stdin, anything else a file path.
pub(crate) fn read_source(path: &str) -> std::io::Result<Vec<u8>> {
    if path == "-" {
        let mut buf = Vec::new();
        std::io::stdin().read_to_end(&mut buf)?;
        Ok(buf)
    } else {
        std::fs::read(path)
    }
}

/// Reads an input as UTF-8 text. A file that cannot be read is a usage error (exit 2); text
/// that is not UTF-8 is invalid input (exit 1), reported at its first bad byte as
/// `SOURCE:LINE:COLUMN: error: invalid UTF-8`.
pub(crate) fn read_text(path: &str) -> Result<String, ExitCode> {
    let bytes = read_source(path).map_err(|e| usage_error(&format!("{path}: {e}")))?;
    String::from_utf8(bytes).map_err(|e| {
        let (line, column) = utf8_error_position(e.as_bytes(), e.utf8_error().valid_up_to());
        eprintln!(
            "{}",
            located(source_name(path), line, column, "invalid UTF-8")
        );
        ExitCode::from(EXIT_FAILED)
    })
}

/// How an input is named in error messages: `<stdin>` for `-`, otherwise its path.
pub(crate) fn source_name(path: &str) -> &str {
    if path == "-" { "<stdin>" } else { path }
}

/// The one format of an error in an input, whatever the command:
/// `SOURCE:LINE:COLUMN: error: MESSAGE`, line and column 1-based, the column counted in
/// characters. SOURCE is a file name, `<stdin>`, `<args>` (each argument counting as a line)
/// or the flag that carried the text (`--hex`).
pub(crate) fn located(
    source: &str,
    line: impl Display,
    column: impl Display,
    message: impl Display,
) -> String {
    format!("{source}:{line}:{column}: error: {message}")
}

/// The 1-based line and character column of the first byte that is not UTF-8.
pub(crate) fn utf8_error_position(bytes: &[u8], valid_up_to: usize) -> (usize, usize) {
    let before = core::str::from_utf8(&bytes[..valid_up_to]).unwrap_or_default();
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line = before.matches('\n').count() + 1;
    (line, before[line_start..].chars().count() + 1)
}

/// Prints `floe: MESSAGE` on stderr and returns the usage-error exit code.
pub(crate) fn usage_error(message: &str) -> ExitCode {
    eprintln!("floe: {message}");
    ExitCode::from(EXIT_USAGE)
}

/// The lines of a text input that carry content: blank lines and lines whose first
/// non-blank character is `#` are skipped. Yields `(1-based line number, line)`.
pub(crate) fn content_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines().enumerate().filter_map(|(i, line)| {
        let line = line.strip_suffix('\r').unwrap_or(line);
        let trimmed = line.trim_start();
        (!trimmed.is_empty() && !trimmed.starts_with('#')).then_some((i + 1, line))
    })
}
