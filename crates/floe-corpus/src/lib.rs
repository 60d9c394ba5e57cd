//! Test support: locates the shared, third-party corpus that conformance tests read, and holds
//! the one copy of the RFCs' published test vectors ([`rfc5769`], [`rfc8489`]).
//!
//! The corpus lives beside the repository in `../shared/corpus` (override with the `FLOE_CORPUS`
//! environment variable). It is never copied into the project. A user's clone does not have it:
//! there the tests that need it, declared with [`conformance_test!`], are built as ignored, so
//! `cargo test` reports them as not run ("N ignored") rather than passed. When the `CI`
//! environment variable is set they always run, and a missing corpus is a failure, so CI can
//! never pass vacuously. (Whether the corpus is there is decided when the tests are built: after
//! adding `../shared` to a clone, `touch crates/floe-corpus/build.rs` or set `FLOE_CORPUS`.)
//!
//! ```
//! // In a conformance test:
//! let Some(dir) = floe_corpus::corpus_dir("stun") else { return };
//! assert!(dir.ends_with("stun"));
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs, missing_debug_implementations)]

use std::path::PathBuf;

pub mod fuzz_dict;
mod hex;

/// Declares a test that needs the shared corpus: a plain `#[test]` where the corpus was found
/// when the tests were built (or under `CI`), an ignored one (with the reason) where it was not.
///
/// ```
/// floe_corpus::conformance_test! {
///     /// Doc comments and other attributes are kept.
///     fn reads_the_corpus() {
///         let Some(dir) = floe_corpus::corpus_dir("stun") else { return };
///         assert!(dir.ends_with("stun"));
///     }
/// }
/// ```
#[cfg(not(floe_corpus_absent))]
#[macro_export]
macro_rules! conformance_test {
    ($(#[$attr:meta])* fn $name:ident() $body:block) => {
        $(#[$attr])*
        #[test]
        fn $name() $body
    };
}

/// Declares a test that needs the shared corpus; the corpus was not found when the tests were
/// built, so the test is ignored (see the crate docs).
#[cfg(floe_corpus_absent)]
#[macro_export]
macro_rules! conformance_test {
    ($(#[$attr:meta])* fn $name:ident() $body:block) => {
        $(#[$attr])*
        #[test]
        #[ignore = "needs the shared corpus (../shared/corpus or FLOE_CORPUS), absent when the tests were built"]
        fn $name() $body
    };
}
pub mod rfc5769;
pub mod rfc8489;

/// The root of the shared corpus: `$FLOE_CORPUS`, or `../shared/corpus` next to the repository.
#[must_use]
pub fn corpus_root() -> PathBuf {
    if let Some(dir) = std::env::var_os("FLOE_CORPUS") {
        return PathBuf::from(dir);
    }
    // This crate is crates/floe-corpus; the repository root is two levels up.
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus")
}

/// The directory `sub` inside the corpus, or `None` (after printing a skip notice) when the corpus
/// is absent outside CI.
///
/// # Panics
///
/// When the directory is missing and the `CI` environment variable is set: conformance tests must
/// not pass without their data in CI.
#[must_use]
pub fn corpus_dir(sub: &str) -> Option<PathBuf> {
    let dir = corpus_root().join(sub);
    if dir.is_dir() {
        return Some(dir);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "corpus directory {} is missing and CI is set: clone the shared corpus beside the repository",
        dir.display()
    );
    eprintln!(
        "SKIPPED: corpus directory {} not found (set FLOE_CORPUS or clone ../shared)",
        dir.display()
    );
    None
}

/// Reads the file `rel` inside the corpus, with the same skip/fail rule as [`corpus_dir`].
///
/// # Panics
///
/// When the corpus is present but the file cannot be read, or when the corpus is missing and `CI`
/// is set.
#[must_use]
pub fn read(rel: &str) -> Option<Vec<u8>> {
    let path = corpus_dir("")?.join(rel);
    let bytes = std::fs::read(&path)
        .unwrap_or_else(|e| panic!("reading corpus file {}: {e}", path.display()));
    Some(bytes)
}
