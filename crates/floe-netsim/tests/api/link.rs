//! Link behaviour and determinism.

use core::time::Duration;
use std::time::Instant;

use floe_netsim::run::Driver;
use floe_netsim::{HostConfig, LinkConfig, NatConfig, Network};

use crate::util::{Recorder, udp};

/// Sends `n` datagrams from one public host to another over `link`, one per millisecond,
/// and returns what arrived: (arrival offset, payload).
fn blast(seed: u64, link: LinkConfig, n: u32) -> (Vec<(Duration, Vec<u8>)>, Network) {
    let epoch = Instant::now();
    let mut net = Network::with_epoch(seed, epoch);
    net.set_link(link);
    let nat = net.add_nat(NatConfig::symmetric());
    let a = net.add_host(HostConfig::behind(nat));
    let b = net.add_host(HostConfig::public());
    let to = net.host_addr(b);
    let mut out = Vec::new();
    for i in 0..n {
        let now = epoch + Duration::from_millis(u64::from(i));
        net.send(now, a, udp(None, to, &i.to_be_bytes())).unwrap();
        while let Some(d) = net.poll_delivery(now) {
            out.push((d.at - epoch, d.contents.to_vec()));
        }
    }
    while let Some(d) = net.next_delivery(epoch + Duration::from_secs(60)) {
        out.push((d.at - epoch, d.contents.to_vec()));
    }
    (out, net)
}

#[test]
fn thirty_percent_loss_drops_about_thirty_percent() {
    let (got, net) = blast(11, LinkConfig::default().loss(0.3), 2000);
    let lost = 2000 - got.len();
    assert!((500..700).contains(&lost), "lost {lost} of 2000");
    assert_eq!(net.stats().lost, lost as u64);
    // Deterministic: the same seed loses the same packets.
    assert_eq!(blast(11, LinkConfig::default().loss(0.3), 2000).0, got);
}

#[test]
fn same_seed_same_trace_other_seed_other_trace() {
    let link = LinkConfig::new(Duration::from_millis(30))
        .jitter(Duration::from_millis(10))
        .loss(0.1)
        .duplicate(0.05)
        .reorder(0.05, Duration::from_millis(25));
    let (a, net) = blast(7, link, 500);
    let (b, _) = blast(7, link, 500);
    let (c, _) = blast(8, link, 500);
    assert_eq!(a, b);
    assert_ne!(a, c);
    let s = net.stats();
    assert!(s.duplicated > 0 && s.reordered > 0 && s.lost > 0, "{s:?}");
    // Reordering happened: some payload arrives after a later one.
    assert!(a.windows(2).any(|w| w[0].1 > w[1].1));
}

#[test]
fn jitter_alone_keeps_a_flow_in_order() {
    let link = LinkConfig::new(Duration::from_millis(30)).jitter(Duration::from_millis(20));
    let (got, _) = blast(5, link, 300);
    assert_eq!(got.len(), 300);
    assert!(got.windows(2).all(|w| w[0].1 < w[1].1));
    assert!(got.iter().all(|(at, _)| *at >= Duration::from_millis(30)));
}

#[test]
fn per_host_link_overrides_the_network() {
    let mut net = Network::new(12);
    let slow = net.add_host(HostConfig::public().link(LinkConfig::new(Duration::from_millis(200))));
    let fast = net.add_host(HostConfig::public());
    let t0 = net.now();
    net.send(t0, slow, udp(None, net.host_addr(fast), b"s"))
        .unwrap();
    net.send(t0, fast, udp(None, net.host_addr(slow), b"f"))
        .unwrap();
    let first = net.next_delivery(t0 + Duration::from_secs(1)).unwrap();
    let second = net.next_delivery(t0 + Duration::from_secs(1)).unwrap();
    assert_eq!(
        (first.host, first.at - t0),
        (slow, Duration::from_millis(20))
    );
    assert_eq!(
        (second.host, second.at - t0),
        (fast, Duration::from_millis(200))
    );
}

#[test]
fn driver_delivers_and_stops_idle_within_bounds() {
    let mut net = Network::new(13);
    let a = net.add_host(HostConfig::public());
    let b = net.add_host(HostConfig::public());
    let mut ra = Recorder::new(a);
    let mut rb = Recorder::new(b);
    for i in 0..10u8 {
        ra.outbox.push_back(udp(None, net.host_addr(b), &[i]));
    }
    let mut driver = Driver::new(net.now() + Duration::from_secs(5), 100);
    let stop = driver.run(&mut net, &mut [&mut ra, &mut rb]);
    assert_eq!(stop, floe_netsim::run::Stopped::Idle);
    assert_eq!(rb.received.len(), 10);
    assert!(driver.steps() <= 3, "{}", driver.steps());
    // A deadline before the next event stops the driver there.
    ra.outbox.push_back(udp(None, net.host_addr(b), b"late"));
    let mut driver = Driver::new(net.now() + Duration::from_millis(5), 100);
    assert_eq!(
        driver.run(&mut net, &mut [&mut ra, &mut rb]),
        floe_netsim::run::Stopped::Deadline
    );
    assert_eq!(rb.received.len(), 10);
}
