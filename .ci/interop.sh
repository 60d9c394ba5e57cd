#!/usr/bin/env bash
# Interop suite: real peers from ../shared/peers on loopback only (127.0.0.1 / ::1).
# Installs coturn and aioice, starts coturn, runs the live tests of crates/floe-interop, stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
PEERS="$(cd .. && pwd)/shared/peers"
export PEERS_HOME="${PEERS_HOME:-$(mktemp -d)}"

if [ "$(id -u)" = 0 ] && ! command -v turnserver >/dev/null 2>&1; then
  apt-get update -qq
fi
bash "$PEERS/install.sh"

bash "$PEERS/start_coturn.sh" 3478
trap 'bash "$PEERS/stop_coturn.sh" || true' EXIT

# The live tests are #[ignore]d in a plain `cargo test`; here the peers are up.
FLOE_COTURN=127.0.0.1:3478 cargo test -p floe-interop -- --include-ignored
