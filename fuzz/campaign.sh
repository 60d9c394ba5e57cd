#!/usr/bin/env bash
# A fuzzing campaign: every target (or the ones named) for MINUTES each on all cores, then the
# corpus minimised, crashes listed with a command that reproduces each, and line and region
# coverage of every Floe library crate, per target and for the whole campaign.
#
#   fuzz/campaign.sh MINUTES [TARGET...]
#
# Environment:
#   JOBS=N            parallel fuzzing processes per target (libFuzzer -fork), default: all cores
#   SANITIZER=S       none (default) or address. Floe's crates forbid unsafe code, so what a
#                     campaign can find (panics, timeouts, unbounded memory) needs no sanitizer,
#                     and without one the targets run 3-5x faster; address is CI's and
#                     OSS-Fuzz's build, for the unsafe code in dependencies (docs/fuzzing.md)
#   CORPUS_ROOT=DIR   working corpora, kept between campaigns (default fuzz/campaigns/corpus)
#   OUT=DIR           this campaign's logs, crashes and summary (default fuzz/campaigns/<time>)
#   COVERAGE=0        skip the coverage report
#
# Needs cargo-fuzz and python3; coverage needs rustup's llvm-tools (installed when missing).
# The committed seeds (fuzz/corpus/<target>) are read, never written. See docs/fuzzing.md.
set -euo pipefail

usage() { sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit "${1:-0}"; }
[ $# -ge 1 ] || usage 2
case "$1" in -h | --help) usage 0 ;; esac
minutes=$1
shift
[[ "$minutes" =~ ^[0-9]+([.][0-9]+)?$ ]] || { echo "campaign: MINUTES must be a number" >&2; exit 2; }
seconds=$(awk -v m="$minutes" 'BEGIN { s = int(m * 60); print (s < 1 ? 1 : s) }')

fuzz=$(cd "$(dirname "$0")" && pwd)
cd "$fuzz"
. ./targets.sh

jobs=${JOBS:-$(nproc)}
sanitizer=${SANITIZER:-none}
corpus_root=${CORPUS_ROOT:-$fuzz/campaigns/corpus}
out=${OUT:-$fuzz/campaigns/$(date -u +%Y%m%d-%H%M%S)}
coverage=${COVERAGE:-1}
mkdir -p "$out" "$corpus_root"
out=$(cd "$out" && pwd)
corpus_root=$(cd "$corpus_root" && pwd)

command -v cargo-fuzz >/dev/null || { echo "campaign: needs cargo-fuzz (cargo install --locked cargo-fuzz)" >&2; exit 1; }
command -v python3 >/dev/null || { echo "campaign: needs python3" >&2; exit 1; }

all=$(cargo fuzz list)
targets=${*:-$all}
for t in $targets; do
  grep -qx "$t" <<<"$all" || { echo "campaign: no target $t (cargo fuzz list)" >&2; exit 2; }
done

# The stable toolchain takes the sanitizer flags with RUSTC_BOOTSTRAP (fuzz/README.md). The flags
# are CI's and OSS-Fuzz's (fuzz/oss-fuzz/build.sh): one build serves all three.
export RUSTC_BOOTSTRAP=1
fuzz_flags=(-O --debug-assertions -s "$sanitizer")
# Safe Rust cannot use a stack frame after it returns, and ASan's fake stacks for that check
# cost sdp_parse 40 % of its speed; the caller's own ASAN_OPTIONS come last and win.
export ASAN_OPTIONS="detect_stack_use_after_return=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}"

# llvm-cov and llvm-profdata of the toolchain's own LLVM: Debian's may not read its profiles.
llvm_bin=""
if [ "$coverage" = 1 ]; then
  llvm_bin="$(rustc --print sysroot)/lib/rustlib/$(rustc -vV | sed -n 's/^host: //p')/bin"
  if [ ! -x "$llvm_bin/llvm-cov" ]; then
    rustup component add llvm-tools >/dev/null 2>&1 || rustup component add llvm-tools-preview
  fi
  [ -x "$llvm_bin/llvm-cov" ] || { echo "campaign: no llvm-cov in $llvm_bin; COVERAGE=0 skips it" >&2; exit 1; }
fi

echo "campaign: $(wc -w <<<"$targets") targets × $minutes min, $jobs jobs, sanitizer $sanitizer → $out"
cargo fuzz build "${fuzz_flags[@]}" 2>&1 | tail -n 1

# count DIR: files in a corpus directory.
count() { find "$1" -maxdepth 1 -type f | wc -l; }

# Per-crate coverage from `llvm-cov export -summary-only` JSON: one TSV row per Floe crate
# (crate, lines covered, lines, regions covered, regions).
by_crate() {
  python3 - "$1" <<'PY'
import json, re, sys
sums = {}
for f in json.load(open(sys.argv[1]))["data"][0]["files"]:
    m = re.search(r"/crates/([^/]+)/src/", f["filename"])
    if not m:
        continue
    s = sums.setdefault(m.group(1), [0, 0, 0, 0])
    l, r = f["summary"]["lines"], f["summary"]["regions"]
    s[0] += l["covered"]; s[1] += l["count"]; s[2] += r["covered"]; s[3] += r["count"]
for name in sorted(sums):
    print(name, *sums[name], sep="\t")
PY
}

# pct COVERED COUNT
pct() { awk -v c="$1" -v n="$2" 'BEGIN { if (n == 0) print "-"; else printf "%.1f%%", 100 * c / n }'; }

rows=()
: >"$out/crashes.txt"
profiles=()
binaries=()
for t in $targets; do
  corpus="$corpus_root/$t"
  artifacts="$out/artifacts/$t"
  log="$out/$t.log"
  mkdir -p "$corpus" "$artifacts" "corpus/$t"
  before=$(count "$corpus")
  dict=$(dict_args "$t" "$fuzz/dict")
  echo "--- $t: $minutes min ${dict:-(no dictionary)}"
  # -fork runs $jobs fuzzing processes and merges what they find into the first corpus
  # directory; -ignore_crashes keeps going after a crash so one bug does not end the campaign.
  # shellcheck disable=SC2086 # $dict is one word or none
  cargo fuzz run "${fuzz_flags[@]}" "$t" "$corpus" "corpus/$t" -- $dict \
    -fork="$jobs" -ignore_crashes=1 -max_total_time="$seconds" -rss_limit_mb=2048 \
    -artifact_prefix="$artifacts/" >"$log" 2>&1 || echo "    (libFuzzer exited $?; see $log)"
  # Totals from the last status line: "#EXECS: cov: N ft: N corp: N ... time: Ns ...".
  last=$(grep -E '^#[0-9]+: cov:' "$log" | tail -n 1 || true)
  execs=$(sed -E 's/^#([0-9]+):.*/\1/' <<<"${last:-#0:}")
  took=$(sed -nE 's/.* time: ([0-9]+)s.*/\1/p' <<<"$last")
  rate=$(awk -v e="$execs" -v s="${took:-0}" 'BEGIN { printf "%d", (s > 0 ? e / s : 0) }')
  # Minimise: keep the smallest set of inputs with the same coverage (libFuzzer -merge).
  grown=$(count "$corpus")
  cargo fuzz cmin "${fuzz_flags[@]}" "$t" "$corpus" >>"$log" 2>&1 || echo "    (cmin failed; see $log)"
  after=$(count "$corpus")
  crashes=0
  for f in "$artifacts"/*; do
    [ -f "$f" ] || continue
    crashes=$((crashes + 1))
    echo "$t: (cd fuzz && RUSTC_BOOTSTRAP=1 cargo fuzz run -O --debug-assertions -s $sanitizer $t $f)" >>"$out/crashes.txt"
  done
  lines="-" regions="-"
  if [ "$coverage" = 1 ]; then
    cargo fuzz coverage -O -s none "$t" "$corpus" >"$out/$t.coverage.log" 2>&1 ||
      echo "    (coverage failed; see $out/$t.coverage.log)"
    prof="$fuzz/coverage/$t/coverage.profdata"
    bin=$(find target -path "*/coverage/*/release/$t" -type f | head -n 1)
    if [ -f "$prof" ] && [ -n "$bin" ]; then
      "$llvm_bin/llvm-cov" export -summary-only "$bin" -instr-profile="$prof" >"$out/$t.coverage.json"
      by_crate "$out/$t.coverage.json" >"$out/$t.coverage.tsv"
      own=$(awk -v c="$(crate_of "$t")" '$1 == c' "$out/$t.coverage.tsv")
      if [ -n "$own" ]; then
        read -r _ lc ln rc rn <<<"$own"
        lines=$(pct "$lc" "$ln")
        regions=$(pct "$rc" "$rn")
      fi
      profiles+=("$prof")
      binaries+=("$bin")
    fi
  fi
  rows+=("| $t | $(crate_of "$t") | ${dict:+${dict##*/}} | $minutes | $execs | $rate | $before → $grown → $after | $crashes | $lines | $regions |")
  echo "    $execs execs ($rate/s), corpus $before → $grown → $after, $crashes crashes, $(crate_of "$t") lines $lines regions $regions"
done

{
  echo "# Fuzzing campaign $(date -u +%Y-%m-%dT%H:%MZ)"
  echo
  echo "$minutes min per target, libFuzzer -fork=$jobs, sanitizer $sanitizer, $(nproc) cores, $(uname -m)."
  echo "Corpus: files before → after fuzzing → after \`cargo fuzz cmin\`. Coverage: lines and regions of"
  echo "the crate named, from \`cargo fuzz coverage\` over the minimised corpus."
  echo
  echo "| target | crate | dictionary | min | execs | execs/s | corpus | crashes | lines | regions |"
  echo "|---|---|---|---|---|---|---|---|---|---|"
  printf '%s\n' "${rows[@]}"
  if [ "${#profiles[@]}" -gt 0 ]; then
    # Union over every target: merged profiles, every target binary as an object.
    "$llvm_bin/llvm-profdata" merge -sparse "${profiles[@]}" -o "$out/all.profdata"
    objects=()
    for b in "${binaries[@]:1}"; do objects+=(-object "$b"); done
    "$llvm_bin/llvm-cov" export -summary-only "${binaries[0]}" "${objects[@]}" \
      -instr-profile="$out/all.profdata" >"$out/all.coverage.json"
    echo
    echo "Coverage of each library crate by all the targets above together:"
    echo
    echo "| crate | lines | regions |"
    echo "|---|---|---|"
    by_crate "$out/all.coverage.json" | while read -r name lc ln rc rn; do
      echo "| $name | $(pct "$lc" "$ln") ($lc/$ln) | $(pct "$rc" "$rn") ($rc/$rn) |"
    done
  fi
  echo
  if [ -s "$out/crashes.txt" ]; then
    echo "Crashes (one command each reproduces it):"
    echo
    sed 's/^/    /' "$out/crashes.txt"
  else
    echo "No crashes."
  fi
} >"$out/summary.md"
echo
cat "$out/summary.md"
[ ! -s "$out/crashes.txt" ]
