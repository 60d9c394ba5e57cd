//! Decides, when the tests are built, whether the shared corpus is there: without it (and
//! outside CI) the conformance tests are compiled as ignored, so that a user's `cargo test`
//! reports them as not run instead of counting them as passed. Under `CI` they always run (and
//! fail without their data).

use std::path::PathBuf;

fn main() {
    println!("cargo:rustc-check-cfg=cfg(floe_corpus_absent)");
    println!("cargo:rerun-if-env-changed=FLOE_CORPUS");
    println!("cargo:rerun-if-env-changed=CI");
    println!("cargo:rerun-if-changed=build.rs");
    let root = std::env::var_os("FLOE_CORPUS").map_or_else(
        || {
            let manifest = std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default();
            PathBuf::from(manifest).join("../../../shared/corpus")
        },
        PathBuf::from,
    );
    if root.is_dir() {
        // Present: rebuild if it goes away.
        println!("cargo:rerun-if-changed={}", root.display());
    } else if std::env::var_os("CI").is_none() {
        println!("cargo:rustc-cfg=floe_corpus_absent");
    }
}
