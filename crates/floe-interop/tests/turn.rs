//! TURN interop on loopback: our client against coturn (live, `#[ignore]`d unless
//! `.ci/interop.sh` runs them), our server (the `floe turn serve` binary) against coturn's
//! `turnutils_uclient` (live), and our client against our server over real sockets (always,
//! skipped when the binary has not been built).

use core::net::SocketAddr;
use core::time::Duration;
use std::process::Command;
use std::time::Instant;

use floe_cli::sockets::{ClientDriver, Seen};
use floe_interop::{EchoPeer, FloeServe, client, client_with, coturn, have_turnutils};
use floe_turn::{Failure, TurnEvent};

const STEP: Duration = Duration::from_secs(10);

/// Sends `payload` to the echo `peer` and checks that it comes back unchanged, on a channel or
/// in a Data indication as `channel` says.
fn expect_echo(d: &mut ClientDriver, peer: SocketAddr, payload: &[u8], channel: bool) {
    d.send_to(peer, payload).unwrap();
    let back = d
        .wait_for_seen(STEP, |seen| match seen {
            Seen::Data(r) if r.peer == peer => Some((r.data.to_vec(), r.via_channel)),
            _ => None,
        })
        .expect("the echo");
    assert_eq!(back, (payload.to_vec(), channel));
}

/// The whole life of an allocation through `server`, with an echo peer: allocate, permission,
/// a Send indication and its echo as a Data indication, ChannelBind, ChannelData both ways,
/// refresh, delete.
fn exercise(server: SocketAddr, tcp: bool) {
    let echo = EchoPeer::start().unwrap();
    let peer = echo.addr;
    let mut d = client(server, "alice", "secret", tcp).unwrap();
    d.client.allocate(Instant::now()).unwrap();
    let (relayed, mapped) = d
        .wait_for(STEP, |e| match e {
            TurnEvent::Allocated {
                relayed, mapped, ..
            } => Some((*relayed, *mapped)),
            _ => None,
        })
        .expect("allocated");
    assert!(relayed.ip().is_loopback(), "relayed {relayed}");
    assert!(
        mapped.is_some_and(|m| m.ip().is_loopback()),
        "mapped {mapped:?}"
    );

    d.client
        .create_permission(Instant::now(), peer.ip())
        .unwrap();
    d.wait_for(STEP, |e| {
        matches!(e, TurnEvent::PermissionCreated { .. }).then_some(())
    })
    .expect("permission");

    expect_echo(&mut d, peer, b"floe interop: send indication", false);

    let ch = d.client.bind_channel(Instant::now(), peer).unwrap();
    d.wait_for(STEP, |e| {
        matches!(e, TurnEvent::ChannelBound { channel, .. } if *channel == ch).then_some(())
    })
    .expect("channel bound");
    expect_echo(&mut d, peer, b"floe interop: channel data", true);

    d.client.refresh(Instant::now()).unwrap();
    let lifetime = d
        .wait_for(STEP, |e| match e {
            TurnEvent::Refreshed { lifetime } => Some(*lifetime),
            _ => None,
        })
        .expect("refreshed");
    assert!(lifetime >= Duration::from_secs(60));

    d.client.close(Instant::now()).unwrap();
    d.wait_for(STEP, |e| matches!(e, TurnEvent::Closed).then_some(()))
        .expect("deleted");
}

#[test]
#[ignore = "needs coturn: run .ci/interop.sh"]
fn our_client_against_coturn_over_udp() {
    if let Some(server) = coturn() {
        exercise(server, false);
    }
}

#[test]
#[ignore = "needs coturn: run .ci/interop.sh"]
fn our_client_against_coturn_over_tcp() {
    if let Some(server) = coturn() {
        exercise(server, true);
    }
}

#[test]
#[ignore = "needs coturn: run .ci/interop.sh"]
fn coturn_refuses_a_wrong_password() {
    let Some(server) = coturn() else { return };
    let mut d = client(server, "alice", "not-the-password", false).unwrap();
    d.client.allocate(Instant::now()).unwrap();
    let reason = d
        .wait_for(STEP, |e| match e {
            TurnEvent::Failed { reason } => Some(reason.clone()),
            _ => None,
        })
        .unwrap();
    assert_eq!(reason, Failure::Unauthorized);
}

#[test]
#[ignore = "needs coturn: run .ci/interop.sh"]
fn dual_stack_request_against_an_ipv4_only_coturn_still_allocates() {
    let Some(server) = coturn() else { return };
    let mut cfg = floe_turn::ClientConfig::new(server, "alice", "secret");
    cfg.dual_stack = true;
    let mut d = client_with(cfg, false).unwrap();
    d.client.allocate(Instant::now()).unwrap();
    let (relayed, additional) = d
        .wait_for(STEP, |e| match e {
            TurnEvent::Allocated {
                relayed,
                additional,
                ..
            } => Some((*relayed, *additional)),
            _ => None,
        })
        .expect("allocated");
    assert!(relayed.is_ipv4());
    assert_eq!(additional, None, "coturn listens on 127.0.0.1 only");
    d.client.close(Instant::now()).unwrap();
    d.wait_for(STEP, |e| matches!(e, TurnEvent::Closed).then_some(()))
        .expect("deleted");
}

#[test]
fn our_client_against_our_server_on_real_sockets() {
    if let Some(server) = FloeServe::start() {
        exercise(server.addr, false);
    }
}

#[test]
#[ignore = "needs coturn's turnutils: run .ci/interop.sh"]
fn turnutils_uclient_against_our_server() {
    if coturn().is_none() || !have_turnutils() {
        return;
    }
    // turnutils_uclient binds RFC 5766 channel numbers (up to 0x7FFF): the server's defaults
    // must accept them.
    let Some(server) = FloeServe::start() else {
        return;
    };
    let echo = EchoPeer::start().unwrap();
    let out = Command::new("timeout")
        .args(["30", "turnutils_uclient", "-v"])
        .args(["-p", &server.addr.port().to_string()])
        .args(["-u", "alice", "-w", "secret"])
        .args(["-e", "127.0.0.1", "-r", &echo.addr.port().to_string()])
        .args(["-n", "10", "-m", "1", "-c", "127.0.0.1"])
        .output()
        .expect("turnutils_uclient runs");
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(
        text.contains("Received relay addr: 127.0.0.1:"),
        "no relay address:\n{text}"
    );
    assert!(text.contains("tot_recv_msgs=10"), "messages lost:\n{text}");
    assert!(
        text.contains("Total lost packets 0 "),
        "packets lost:\n{text}"
    );
}
