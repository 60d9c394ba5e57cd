#!/usr/bin/env bash
# Keeps the OSS-Fuzz integration working without Docker: runs build.sh the way OSS-Fuzz would
# (SRC, OUT), then checks what OSS-Fuzz's own check_build would: every target is there, runs,
# takes its dictionary, and passes over its seed corpus. Called by .ci/run.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export SRC="$work/src" OUT="$work/out"
mkdir -p "$SRC" "$OUT"
cp "$here/build.sh" "$SRC/build.sh"
FLOE_ROOT="$root" bash -eu "$SRC/build.sh"

targets=$(cd "$root/fuzz" && cargo fuzz list)
for t in $targets; do
  bin="$OUT/$t"
  [ -x "$bin" ] || { echo "oss-fuzz: no fuzzer $t in \$OUT" >&2; exit 1; }
  seeds="$work/seeds/$t"
  mkdir -p "$seeds"
  if [ -f "$OUT/${t}_seed_corpus.zip" ]; then
    python3 -m zipfile -e "$OUT/${t}_seed_corpus.zip" "$seeds"
  fi
  dict=()
  if [ -f "$OUT/$t.dict" ]; then dict=(-dict="$OUT/$t.dict"); fi
  # -runs=0 executes every seed once and stops: a seed that crashes, or a dictionary libFuzzer
  # refuses, fails here.
  if ! "$bin" "${dict[@]}" -runs=0 "$seeds" >"$work/$t.log" 2>&1; then
    tail -n 30 "$work/$t.log"
    echo "oss-fuzz: $t failed over its seeds" >&2
    exit 1
  fi
  echo "oss-fuzz: $t ok ($(find "$seeds" -type f | wc -l) seeds${dict:+, ${dict[0]##*/}})"
done
