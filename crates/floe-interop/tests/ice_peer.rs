//! ICE interop on loopback: `floe ice peer` against aioice (`aioice_peer.py`) in both roles and
//! both signalling modes (and with `--ipv6`), through coturn with `--turn ... --relay-only` and
//! with `--stun` and `--turn` together, and against itself, each run by
//! `../shared/peers/ice_pair.sh`.
//!
//! The aioice and coturn runs are `#[ignore]`d unless `.ci/interop.sh` runs them (it installs
//! aioice, starts coturn and sets `FLOE_COTURN`); floe against floe on host candidates needs
//! only the scripts and the built binary and always runs. A missing peer or binary skips a test
//! (`SKIPPED:` in its output), and fails it when `CI` is set.

use floe_interop::{FloeServe, Peers, coturn, floe_binary};

/// What runs on one side.
#[derive(Debug, Clone, Copy)]
enum Side {
    Floe,
    Aioice,
}

/// Runs one pair and asserts that both sides passed; `None` when a peer is missing (skipped).
fn pair(controlling: Side, controlled: Side, mode: &str, extra: &[&str]) -> Option<()> {
    let uses_aioice = matches!(controlling, Side::Aioice) || matches!(controlled, Side::Aioice);
    let peers = Peers::find(uses_aioice)?;
    let floe = floe_binary()?;
    let floe = floe.to_str().expect("a UTF-8 path");
    assert!(
        !floe.contains(char::is_whitespace),
        "ice_pair.sh splits cmd: on whitespace: {floe}"
    );
    let spec = |side| match side {
        Side::Floe => format!("cmd:{floe} ice peer"),
        Side::Aioice => "aioice".to_owned(),
    };
    let run = peers.ice_pair(&spec(controlling), &spec(controlled), mode, extra);
    assert!(run.passed, "{}", run.output);
    eprintln!(
        "{controlling:?} -> {controlled:?} ({mode} {}): PASS in {:.2} s",
        extra.join(" "),
        run.wall.as_secs_f64()
    );
    Some(())
}

/// `--turn <coturn> --relay-only` for the coturn of `FLOE_COTURN`.
fn relay_only(f: impl FnOnce(&[&str]) -> Option<()>) {
    let Some(server) = coturn() else { return };
    let server = server.to_string();
    let _ = f(&["--turn", &server, "--relay-only"]);
}

#[test]
#[ignore = "needs aioice: run .ci/interop.sh"]
fn floe_controlling_aioice_controlled_files() {
    let _ = pair(Side::Floe, Side::Aioice, "files", &[]);
}

#[test]
#[ignore = "needs aioice: run .ci/interop.sh"]
fn floe_controlling_aioice_controlled_stdio() {
    let _ = pair(Side::Floe, Side::Aioice, "stdio", &[]);
}

#[test]
#[ignore = "needs aioice: run .ci/interop.sh"]
fn aioice_controlling_floe_controlled_files() {
    let _ = pair(Side::Aioice, Side::Floe, "files", &[]);
}

#[test]
#[ignore = "needs aioice: run .ci/interop.sh"]
fn aioice_controlling_floe_controlled_stdio() {
    let _ = pair(Side::Aioice, Side::Floe, "stdio", &[]);
}

#[test]
#[ignore = "needs aioice and coturn: run .ci/interop.sh"]
fn floe_controlling_aioice_controlled_relay_only_files() {
    relay_only(|extra| pair(Side::Floe, Side::Aioice, "files", extra));
}

#[test]
#[ignore = "needs aioice and coturn: run .ci/interop.sh"]
fn floe_controlling_aioice_controlled_relay_only_stdio() {
    relay_only(|extra| pair(Side::Floe, Side::Aioice, "stdio", extra));
}

#[test]
#[ignore = "needs aioice and coturn: run .ci/interop.sh"]
fn aioice_controlling_floe_controlled_relay_only_files() {
    relay_only(|extra| pair(Side::Aioice, Side::Floe, "files", extra));
}

#[test]
#[ignore = "needs aioice and coturn: run .ci/interop.sh"]
fn aioice_controlling_floe_controlled_relay_only_stdio() {
    relay_only(|extra| pair(Side::Aioice, Side::Floe, "stdio", extra));
}

#[test]
#[ignore = "needs aioice and coturn: run .ci/interop.sh"]
fn floe_against_aioice_with_stun_and_turn_offered_together() {
    let Some(server) = coturn() else { return };
    let server = server.to_string();
    let extra = ["--stun", &server, "--turn", &server];
    let _ = pair(Side::Floe, Side::Aioice, "stdio", &extra);
    let _ = pair(Side::Aioice, Side::Floe, "files", &extra);
}

#[test]
#[ignore = "needs aioice: run .ci/interop.sh"]
fn floe_against_aioice_with_ipv6_host_candidates_too() {
    let _ = pair(Side::Floe, Side::Aioice, "files", &["--ipv6"]);
    let _ = pair(Side::Aioice, Side::Floe, "stdio", &["--ipv6"]);
}

#[test]
fn floe_against_floe_files() {
    let _ = pair(Side::Floe, Side::Floe, "files", &[]);
}

#[test]
fn floe_against_floe_stdio() {
    let _ = pair(Side::Floe, Side::Floe, "stdio", &[]);
}

#[test]
#[ignore = "needs coturn: run .ci/interop.sh"]
fn floe_against_floe_relay_only() {
    relay_only(|extra| pair(Side::Floe, Side::Floe, "files", extra));
    relay_only(|extra| pair(Side::Floe, Side::Floe, "stdio", extra));
}

/// aioice relaying through `floe turn serve` (not coturn) on loopback: aioice against itself,
/// and floe against aioice in both roles, relay-only (issue 15).
#[test]
#[ignore = "needs aioice: run .ci/interop.sh"]
fn aioice_relaying_through_floe_turn_serve() {
    let Some(peers) = Peers::find(true) else {
        return;
    };
    let Some(serve) = FloeServe::start() else {
        return;
    };
    let server = serve.addr.to_string();
    let extra = ["--turn", server.as_str(), "--relay-only"];
    let run = peers.ice_pair("aioice", "aioice", "files", &extra);
    assert!(run.passed, "{}", run.output);
    eprintln!(
        "aioice -> aioice (files {}): PASS in {:.2} s",
        extra.join(" "),
        run.wall.as_secs_f64()
    );
    let _ = pair(Side::Floe, Side::Aioice, "files", &extra);
    let _ = pair(Side::Aioice, Side::Floe, "stdio", &extra);
}
