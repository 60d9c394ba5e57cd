#!/bin/bash -eu
# OSS-Fuzz build script for Floe (Rust project layout: google.github.io/oss-fuzz, "Integrating a
# Rust project"). In OSS-Fuzz's image the repository is $SRC/floe and the fuzzers go to $OUT;
# elsewhere set FLOE_ROOT to the repository. `.ci/run` runs this through fuzz/oss-fuzz/check.sh.
#
# For each target it writes $OUT/<target> (the libFuzzer binary), $OUT/<target>.dict (its
# dictionary, from fuzz/targets.sh) and $OUT/<target>_seed_corpus.zip (the committed seeds).

root=${FLOE_ROOT:-$SRC/floe}
cd "$root/fuzz"
. ./targets.sh

# The same flags as CI's fuzz step, so CI builds once: optimised, debug assertions and overflow
# checks on. OSS-Fuzz's image adds its sanitizer and coverage flags through RUSTFLAGS; on a
# stable toolchain RUSTC_BOOTSTRAP lets the sanitizer flags through (a no-op on nightly).
RUSTC_BOOTSTRAP=1 cargo fuzz build -O --debug-assertions

built=target/x86_64-unknown-linux-gnu/release
for t in $(cargo fuzz list); do
  cp "$built/$t" "$OUT/"
  dict=$(dict_for "$t")
  if [ -n "$dict" ]; then
    cp "dict/$dict.dict" "$OUT/$t.dict"
  fi
  rm -f "$OUT/${t}_seed_corpus.zip"
  if [ -n "$(ls -A "corpus/$t" 2>/dev/null)" ]; then
    (cd "corpus/$t" && python3 -m zipfile -c "$OUT/${t}_seed_corpus.zip" ./*)
  fi
done
