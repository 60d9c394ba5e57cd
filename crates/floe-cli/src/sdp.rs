//! `floe sdp`: check, format and show session descriptions (RFC 8866) with `floe-sdp`.

mod json;

use std::collections::HashSet;
use std::io::Write as _;
use std::process::ExitCode;

use clap::Subcommand;
use floe_sdp::{
    Diagnostic, DiagnosticKind, Mode, ParseOptions, Parsed, SessionDescription, validate,
};

use crate::input::{
    EXIT_FAILED, EXIT_USAGE, located, read_source, read_text, source_name, utf8_error_position,
};

/// Subcommands of `floe sdp`.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Parse and validate descriptions; print `FILE:LINE:COLUMN: error|warning: message` on
    /// stdout for each problem, in line order.
    ///
    /// Errors in every mode: what makes a description unusable (the first line not `v=`; no
    /// `o=`, `s=` or `t=` line; a `v=`, `o=`, `c=` or `m=` line that does not parse, such as
    /// `m=video` without port and protocol or a port above 65535; an `m=` line without
    /// format), content that is not UTF-8 (at its first bad byte), and the validation rules
    /// (BUNDLE groups and mids, payload types, fingerprints, simulcast and rids, ICE
    /// credentials).
    ///
    /// The default (lenient) mode lets through, as warnings, what browsers send and stacks
    /// accept: lines out of RFC 8866 order, repeated or unknown line types, malformed lines,
    /// LF line endings, trailing white space, and attribute or `b=`/`t=` values that break
    /// their grammar. `--strict` lets through only LF line endings, a missing final newline,
    /// trailing white space on an `a=` line, an empty `s=`, `c=`/`b=` right after `t=` and the
    /// candidate advisories; it stops at the first error.
    ///
    /// Exit status: 0 when no file has an error, 1 otherwise, 2 when a file cannot be read
    /// (after checking the others).
    Check {
        /// SDP files (`-` for stdin).
        #[arg(required = true)]
        files: Vec<String>,
        /// RFC 8866 grammar and WebRTC placement rules instead of accepting what endpoints send.
        #[arg(long)]
        strict: bool,
    },
    /// Print the parsed description: byte for byte the input, or `--canonical` (CRLF line
    /// endings, no trailing white space). Exits 1, after printing it, when the description is
    /// unusable (as `floe sdp check` finds in every mode), with the errors on stderr.
    Fmt {
        /// SDP file (`-` for stdin).
        file: String,
        /// Rewrite to the canonical CRLF form.
        #[arg(long)]
        canonical: bool,
    },
    /// Print the typed model as JSON, losing nothing the input said: origin (session id and
    /// version as strings, since they exceed what a JSON number read as a double keeps),
    /// session_name, connection (`c=`), bandwidths (`b=`), groups, ice_lite,
    /// extmap_allow_mixed, msid_semantic, fingerprints, the session's attributes as written,
    /// media (kind, port, protocol, formats, m_line_error, mid, direction, connection,
    /// bandwidths, ICE and DTLS parameters, codecs, extmaps, ssrcs, msid, rids, simulcast,
    /// candidates, attributes as written) and diagnostics (line, column, severity, message).
    ///
    /// A value that does not parse (an `m=` line, a candidate, a `c=` line...) stands where
    /// its typed form would, as `{"raw", "line", "column", "error"}`: the line as written and
    /// what `floe sdp check` says about it. Exits 1, after printing it, when the description
    /// is unusable, with the errors on stderr.
    Json {
        /// SDP file (`-` for stdin).
        file: String,
    },
}

/// Runs a `floe sdp` subcommand.
pub(crate) fn run(cmd: Command) -> ExitCode {
    match cmd {
        Command::Check { files, strict } => {
            check(&files, if strict { Mode::Strict } else { Mode::Lenient })
        }
        Command::Fmt { file, canonical } => fmt(&file, canonical),
        Command::Json { file } => show_json(&file),
    }
}

/// `SOURCE:LINE:COLUMN: SEVERITY: MESSAGE` for one parse diagnostic: an error when the mode
/// rejected it or it makes the description unusable, a warning otherwise.
fn diagnostic_line(source: &str, d: &Diagnostic, rejected: bool) -> (u32, u32, String) {
    let severity = if rejected || d.kind.makes_unusable() {
        "error"
    } else {
        "warning"
    };
    let text = format!("{source}:{}:{}: {severity}: {}", d.line, d.column, d.kind);
    (d.line, d.column, text)
}

/// What makes the description unusable, past the warning cap too: when the parse stopped
/// reporting at [`ParseOptions::max_warnings`], the text is parsed again without the cap and
/// only these findings are kept (a description with 10 000 harmless warnings and a broken
/// `m=` line after them is still unusable).
fn unusable_findings(text: &str, parsed: &Parsed<'_>, mode: Mode) -> Vec<Diagnostic> {
    let capped = parsed
        .warnings()
        .last()
        .is_some_and(|d| matches!(d.kind, DiagnosticKind::TooManyWarnings { .. }));
    let uncapped;
    let warnings = if capped {
        let options = ParseOptions::new(mode).max_warnings(usize::MAX);
        uncapped = SessionDescription::parse_with(text, options)
            .map(|p| p.warnings().to_vec())
            .unwrap_or_default();
        &uncapped[..]
    } else {
        parsed.warnings()
    };
    warnings
        .iter()
        .filter(|d| d.kind.makes_unusable())
        .copied()
        .collect()
}

/// Checks one readable file: the lines to print, in line order, and whether any is an error.
fn check_one(source: &str, bytes: Vec<u8>, mode: Mode) -> (Vec<String>, bool) {
    // Content that is not UTF-8 is a defect of that description, located like the others.
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let (line, column) = utf8_error_position(e.as_bytes(), e.utf8_error().valid_up_to());
            return (vec![located(source, line, column, "invalid UTF-8")], true);
        }
    };
    let parsed = match SessionDescription::parse_with(&text, mode) {
        Ok(parsed) => parsed,
        Err(e) => return (vec![diagnostic_line(source, &e, true).2], true),
    };
    let mut out: Vec<(u32, u32, String)> = parsed
        .warnings()
        .iter()
        .map(|w| diagnostic_line(source, w, false))
        .collect();
    let unusable = unusable_findings(&text, &parsed, mode);
    // Those past the warning cap are errors to print too.
    let printed: HashSet<&Diagnostic> = parsed.warnings().iter().collect();
    out.extend(
        unusable
            .iter()
            .filter(|d| !printed.contains(d))
            .map(|d| diagnostic_line(source, d, true)),
    );
    let findings = validate(parsed.description());
    out.extend(findings.iter().map(|f| {
        let text = located(source, f.line, f.column, f.rule);
        (f.line, f.column, text)
    }));
    // Stable: within one position, parse diagnostics stay before validation findings.
    out.sort_by_key(|(line, column, _)| (*line, *column));
    let failed = !unusable.is_empty() || !findings.is_empty();
    (out.into_iter().map(|(.., text)| text).collect(), failed)
}

fn check(files: &[String], mode: Mode) -> ExitCode {
    let mut failed = false;
    let mut unreadable = false;
    for file in files {
        // An unreadable file is a usage error (exit 2), reported after checking the others.
        let bytes = match read_source(file) {
            Ok(b) => b,
            Err(e) => {
                unreadable = true;
                eprintln!("floe: {file}: {e}");
                continue;
            }
        };
        let (lines, file_failed) = check_one(source_name(file), bytes, mode);
        failed |= file_failed;
        for line in lines {
            println!("{line}");
        }
    }
    if unreadable {
        ExitCode::from(EXIT_USAGE)
    } else if failed {
        ExitCode::from(EXIT_FAILED)
    } else {
        ExitCode::SUCCESS
    }
}

/// Reads and parses leniently, hands the description to `then` (which prints it), and
/// reports on stderr, as `SOURCE:LINE:COLUMN: error: message`, a failed parse or what makes
/// the description unusable: exit 1 for either (the output is still written for the second),
/// 2 for a file that cannot be read.
fn read_and_parse(file: &str, then: impl FnOnce(&str, &Parsed<'_>)) -> ExitCode {
    let text = match read_text(file) {
        Ok(t) => t,
        Err(code) => return code,
    };
    let source = source_name(file);
    let parsed = match SessionDescription::parse_with(&text, Mode::Lenient) {
        Ok(parsed) => parsed,
        Err(e) => {
            eprintln!("{}", located(source, e.line, e.column, e.kind));
            return ExitCode::from(EXIT_FAILED);
        }
    };
    then(&text, &parsed);
    let unusable = unusable_findings(&text, &parsed, Mode::Lenient);
    for d in &unusable {
        eprintln!("{}", located(source, d.line, d.column, d.kind));
    }
    if !unusable.is_empty() {
        ExitCode::from(EXIT_FAILED)
    } else {
        ExitCode::SUCCESS
    }
}

fn fmt(file: &str, canonical: bool) -> ExitCode {
    read_and_parse(file, |text, parsed| {
        let sdp = parsed.description();
        let out = if canonical {
            sdp.to_canonical_string()
        } else {
            let mut s = String::with_capacity(text.len());
            sdp.write_to(&mut s);
            s
        };
        // A closed pipe (`floe sdp fmt x | head`) is not an error worth a panic.
        let _ = std::io::stdout().write_all(out.as_bytes());
    })
}

fn show_json(file: &str) -> ExitCode {
    read_and_parse(file, |_, parsed| {
        let value = json::description_json(parsed.description(), parsed.warnings());
        println!(
            "{}",
            serde_json::to_string_pretty(&value).unwrap_or_default()
        );
    })
}
