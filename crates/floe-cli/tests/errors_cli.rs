//! One error format and one exit code per outcome across the subcommands that read input:
//! `SOURCE:LINE:COLUMN: error: MESSAGE` (1-based), 1 for invalid input, 2 for usage errors.

mod common;

use std::path::PathBuf;

use common::text;

/// `contents` in a temporary file, removed when dropped.
struct TempFile(PathBuf);

impl TempFile {
    fn new(name: &str, contents: &[u8]) -> Self {
        let path = std::env::temp_dir().join(format!("floe-errors-{}-{name}", std::process::id()));
        std::fs::write(&path, contents).unwrap();
        Self(path)
    }

    fn name(&self) -> &str {
        self.0.to_str().unwrap()
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Whether `line` is `SOURCE:LINE:COLUMN: error: ...` with 1-based numbers for `source`.
fn is_located(line: &str, source: &str) -> bool {
    let Some(rest) = line.strip_prefix(source).and_then(|r| r.strip_prefix(':')) else {
        return false;
    };
    let mut parts = rest.splitn(3, ':');
    let number = |p: Option<&str>| {
        p.and_then(|p| p.parse::<u32>().ok())
            .is_some_and(|n| n >= 1)
    };
    number(parts.next())
        && number(parts.next())
        && parts.next().is_some_and(|m| m.starts_with(" error: "))
}

#[test]
fn top_level_help_documents_the_exit_codes_and_the_error_format() {
    let out = common::run(&["--help"], b"");
    assert_eq!(out.status.code(), Some(0));
    let help = text(&out.stdout);
    for needle in [
        "Exit status, the same in every subcommand",
        "  0  success",
        "  1  invalid input",
        "  2  usage error",
        "SOURCE:LINE:COLUMN: error: MESSAGE",
    ] {
        assert!(help.contains(needle), "{needle}: {help}");
    }
}

#[test]
fn binary_input_exits_1_with_a_located_error_in_every_command() {
    let binary = TempFile::new("binary", b"00\n\x80\x81\x00");
    let file = binary.name();
    for args in [
        vec!["sdp", "check", file],
        vec!["sdp", "fmt", file],
        vec!["sdp", "json", file],
        vec!["stun", "decode", file],
        vec!["stun", "decode", "--lines", file],
    ] {
        let out = common::run(&args, b"");
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let said = format!("{}{}", text(&out.stdout), text(&out.stderr));
        assert_eq!(
            said,
            format!("{file}:2:1: error: invalid UTF-8\n"),
            "{args:?}"
        );
    }
    // Candidate lines on stdin: the bad line is reported, the others still parsed.
    let out = common::run(&["candidate", "parse"], b"\x80\n");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(text(&out.stderr), "<stdin>:1:1: error: invalid UTF-8\n");
}

#[test]
fn invalid_input_exits_1_with_source_line_column_everywhere() {
    let sdp = TempFile::new("bad.sdp", b"x=0\r\n");
    let hex = TempFile::new("bad.hex", b"0001 0000\n2112a442 zz");
    let cases: Vec<(Vec<&str>, &[u8], &str)> = vec![
        (vec!["sdp", "check", sdp.name()], b"", sdp.name()),
        (vec!["sdp", "fmt", sdp.name()], b"", sdp.name()),
        (vec!["sdp", "json", "-"], b"x=0\r\n", "<stdin>"),
        (vec!["stun", "decode", hex.name()], b"", hex.name()),
        (vec!["stun", "decode", "--hex", "0001000"], b"", "--hex"),
        (vec!["stun", "decode", "-"], b"0101 0000", "<stdin>"),
        (
            vec![
                "candidate",
                "parse",
                "candidate:1 1 udp 1 192.0.2.1 70000 typ host",
            ],
            b"",
            "<args>",
        ),
        (vec!["candidate", "parse"], b"candidate:x\n", "<stdin>"),
    ];
    for (args, stdin, source) in cases {
        let out = common::run(&args, stdin);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let said = format!("{}{}", text(&out.stdout), text(&out.stderr));
        let first = said.lines().next().unwrap_or_default();
        assert!(is_located(first, source), "{args:?}: {said}");
    }
    // The hex error points at the bad character: line 2, column 10.
    let out = common::run(&["stun", "decode", hex.name()], b"");
    assert_eq!(
        text(&out.stderr),
        format!("{}:2:10: error: invalid hex character 'z'\n", hex.name())
    );
}

#[test]
fn unreadable_files_and_bad_arguments_exit_2_everywhere() {
    let missing = "/nonexistent/floe-input";
    for args in [
        vec!["sdp", "check", missing],
        vec!["sdp", "fmt", missing],
        vec!["sdp", "json", missing],
        vec!["stun", "decode", missing],
        vec!["candidate", "parse", "--no-such-flag"],
        vec![
            "turn",
            "allocate",
            "--server",
            "host.invalid",
            "--user",
            "u",
            "--password",
            "p",
        ],
        vec![
            "turn",
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--user",
            "nocolon",
        ],
    ] {
        let out = common::run(&args, b"");
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?}: {}",
            text(&out.stderr)
        );
    }
}
