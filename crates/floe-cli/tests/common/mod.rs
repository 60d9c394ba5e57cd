//! Shared by the CLI test binaries: run the real `floe` binary and read its output.

use std::io::Write as _;
use std::process::{Command, Output, Stdio};

/// Runs `floe ARGS...` with `stdin` on its standard input and returns what it printed.
///
/// # Panics
///
/// When the binary cannot be run, or when it panicked: no input may make `floe` panic.
pub(crate) fn run(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_floe"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run floe");
    let mut input = child.stdin.take().expect("stdin");
    input.write_all(stdin).expect("write stdin");
    drop(input);
    let out = child.wait_with_output().expect("wait for floe");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "floe panicked: {stderr}");
    out
}

/// Output bytes as text.
///
/// # Panics
///
/// When the output is not UTF-8.
pub(crate) fn text(bytes: &[u8]) -> &str {
    core::str::from_utf8(bytes).expect("UTF-8 output")
}
