//! Reading command input: files, `-` for stdin, and line splitting shared by the subcommands.

use std::io::Read;
use std::process::ExitCode;

/// Exit status for a usage error (bad flags, unreadable input file).
pub(crate) const EXIT_USAGE: u8 = 2;
/// Exit status when an input failed to decode or a check failed.
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

/// Reads an input as UTF-8 text, reporting a usage error on stderr when it cannot.
pub(crate) fn read_text(path: &str) -> Result<String, ExitCode> {
    let bytes = read_source(path).map_err(|e| usage_error(&format!("{path}: {e}")))?;
    String::from_utf8(bytes).map_err(|e| usage_error(&format!("{path}: not UTF-8: {e}")))
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
