//! 10,000 Floe agent pairs behind simulated NATs of mixed RFC 4787 behaviour, with a STUN
//! server on the public side, all live at once on one virtual clock on one core (floe-netsim,
//! 25 ms one way): each agent gathers its server-reflexive candidate and trickles its candidates
//! and its end of candidates to its peer as they come (signalling without delay), and the run
//! ends when every agent has reported a selected pair. Issue 19's scale figure: pairs per wall
//! second and per virtual second.
//!
//! `cargo bench -p floe-benches --bench ice_nat_scale` (set `FLOE_NAT_SCALE_PAIRS` to change
//! the number of pairs).
//!
//! The NATs: 120 of them (the simulator's public edge range is one /24 that each NAT takes an IPv4 and an IPv6 number of), 30 of each kind —
//! full cone, restricted cone (address-dependent filtering), port-restricted cone and symmetric
//! (address-and-port-dependent mapping) — with about 167 hosts behind each, as behind a carrier
//! NAT. The two agents of a pair sit behind NATs of the pairs of kinds that connect without a
//! relay (13 of the 16: not symmetric with symmetric or with port-restricted), cycled over the
//! pairs, never behind the same NAT.

use core::cmp::Reverse;
use core::time::Duration;
use std::collections::{BinaryHeap, HashMap};
use std::time::Instant;

use floe_benches::ice_harness::{self, host_agent, seed};
use floe_ice::{IceAgent, IceEvent, Role, StreamId};
use floe_ice_candidate::CandidateType;
use floe_netsim::{HostConfig, HostId, LinkConfig, NatConfig, NatId, Network};

/// One-way latency of every link.
const LATENCY: Duration = Duration::from_millis(25);
/// Virtual time after which the run gives up.
const LIMIT: Duration = Duration::from_secs(60);
/// NATs of each kind.
const NATS_PER_KIND: usize = 30;

/// The kinds, in the order of [`CONNECTABLE`]'s indices.
const KINDS: [(&str, NatConfig); 4] = [
    ("full cone", NatConfig::full_cone()),
    ("restricted cone", NatConfig::restricted_cone()),
    ("port-restricted cone", NatConfig::port_restricted_cone()),
    ("symmetric", NatConfig::symmetric()),
];

/// Pairs of kinds (controlling, controlled) that connect with STUN alone.
const CONNECTABLE: [(usize, usize); 13] = [
    (0, 0),
    (0, 1),
    (0, 2),
    (0, 3),
    (1, 0),
    (1, 1),
    (1, 2),
    (1, 3),
    (2, 0),
    (2, 1),
    (2, 2),
    (3, 0),
    (3, 1),
];

struct Side {
    agent: IceAgent,
    stream: StreamId,
    host: HostId,
    connected: bool,
}

struct Run {
    net: Network,
    sides: Vec<Side>,
    by_host: HashMap<HostId, usize>,
    timers: BinaryHeap<Reverse<(Instant, usize)>>,
    due: Vec<Option<Instant>>,
    connected: usize,
    now: Instant,
    datagrams: u64,
}

impl Run {
    fn new(pairs: usize, start: Instant) -> Self {
        let mut net = Network::with_epoch(19, start);
        net.set_link(LinkConfig::new(LATENCY));
        let stun = net.add_stun_server();
        let nats: Vec<Vec<NatId>> = KINDS
            .iter()
            .map(|(_, config)| (0..NATS_PER_KIND).map(|_| net.add_nat(*config)).collect())
            .collect();
        let mut sides = Vec::with_capacity(pairs * 2);
        let mut by_host = HashMap::with_capacity(pairs * 2);
        for k in 0..pairs {
            let (ka, kb) = CONNECTABLE[k % CONNECTABLE.len()];
            let round = k / CONNECTABLE.len();
            let na = nats[ka][round % NATS_PER_KIND];
            // Another NAT of the same kind when both sides are of one kind.
            let nb = nats[kb][(round + 1 + usize::from(ka == kb)) % NATS_PER_KIND];
            for (role, nat) in [(Role::Controlling, na), (Role::Controlled, nb)] {
                let host = net.add_host(HostConfig::behind(nat));
                let i = sides.len();
                let ice_harness::Side { mut agent, stream } =
                    host_agent(role, seed(i as u64, 0x19), &[net.host_addr(host)], start);
                agent.add_stun_server(stun);
                agent.gather(start);
                by_host.insert(host, i);
                sides.push(Side {
                    agent,
                    stream,
                    host,
                    connected: false,
                });
            }
            let last = sides.len() - 1;
            let (a, b) = sides.split_at_mut(last);
            let (a, b) = (&mut a[a.len() - 1], &mut b[0]);
            b.agent
                .set_remote_credentials(start, a.agent.local_credentials().clone());
            a.agent
                .set_remote_credentials(start, b.agent.local_credentials().clone());
        }
        let n = sides.len();
        let mut run = Self {
            net,
            sides,
            by_host,
            timers: BinaryHeap::with_capacity(n * 8),
            due: vec![None; n],
            connected: 0,
            now: start,
            datagrams: 0,
        };
        for i in 0..n {
            run.sides[i].agent.handle_timeout(start);
            run.after_call(i);
        }
        run
    }

    /// After a call into side `i`: its events (candidates and end of candidates straight to its
    /// peer, a selected pair noted), then its transmits onto the network and its next timer.
    fn after_call(&mut self, i: usize) {
        let now = self.now;
        let peer = i ^ 1;
        while let Some(event) = self.sides[i].agent.poll_event() {
            let p = &mut self.sides[peer];
            let stream = p.stream;
            match event {
                IceEvent::LocalCandidate { candidate, .. } => {
                    let _ = p.agent.add_remote_candidate(now, stream, &candidate);
                    self.flush_timer(peer);
                }
                IceEvent::GatheringComplete { .. } => {
                    let _ = p.agent.end_of_remote_candidates(now, stream);
                    self.flush_timer(peer);
                }
                IceEvent::SelectedPair { .. } if !self.sides[i].connected => {
                    self.sides[i].connected = true;
                    self.connected += 1;
                }
                _ => {}
            }
        }
        self.flush_timer(i);
    }

    /// Side `i`'s transmits sent and its next timer scheduled (after a command from its peer).
    fn flush_timer(&mut self, i: usize) {
        let side = &mut self.sides[i];
        while let Some(t) = side.agent.poll_transmit() {
            self.net
                .send(self.now, side.host, t)
                .expect("from its host");
        }
        let next = side.agent.poll_timeout();
        if next != self.due[i] {
            self.due[i] = next;
            if let Some(t) = next {
                self.timers.push(Reverse((t, i)));
            }
        }
    }

    fn next_event(&mut self) -> Option<Instant> {
        while let Some(&Reverse((t, i))) = self.timers.peek() {
            if self.due[i] == Some(t) {
                break;
            }
            self.timers.pop();
        }
        let timer = self.timers.peek().map(|Reverse((t, _))| *t);
        match (self.net.poll_timeout(), timer) {
            (Some(w), Some(t)) => Some(w.min(t)),
            (w, t) => w.or(t),
        }
    }

    fn run(&mut self, deadline: Instant) {
        while self.connected < self.sides.len() {
            let Some(next) = self.next_event() else {
                break;
            };
            if next > deadline {
                break;
            }
            self.now = self.now.max(next);
            if self.net.poll_timeout() == Some(next) {
                while let Some(d) = self.net.poll_delivery(self.now) {
                    // Deliveries to the STUN server are the network's own.
                    let Some(&i) = self.by_host.get(&d.host) else {
                        continue;
                    };
                    self.datagrams += 1;
                    let _ = self.sides[i]
                        .agent
                        .handle_receive(self.now, d.five_tuple, &d.contents);
                    self.after_call(i);
                }
            } else {
                let Reverse((_, i)) = self.timers.pop().expect("a timer");
                self.due[i] = None;
                self.sides[i].agent.handle_timeout(self.now);
                self.after_call(i);
            }
        }
    }
}

fn main() {
    if std::env::args().any(|a| a == "--test" || a == "--list") {
        return;
    }
    let pairs: usize = std::env::var("FLOE_NAT_SCALE_PAIRS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let start = Instant::now();
    let wall = Instant::now();
    let mut run = Run::new(pairs, start);
    let made = wall.elapsed();
    run.run(start + LIMIT);
    let total = wall.elapsed();
    let virtual_time = run.now - start;
    let mut kinds: HashMap<(CandidateType, CandidateType), usize> = HashMap::new();
    for side in run.sides.iter().step_by(2) {
        let Some(p) = side.agent.selected_pair(side.stream, 1) else {
            continue;
        };
        let kind = |id| side.agent.candidate_info(id).map(|c| c.kind);
        if let (Some(l), Some(r)) = (kind(p.local_candidate), kind(p.remote_candidate)) {
            *kinds.entry((l, r)).or_default() += 1;
        }
    }
    println!(
        "ice_nat_scale: {pairs} pairs behind {} NATs ({}), STUN, trickle, 25 ms one way",
        KINDS.len() * NATS_PER_KIND,
        KINDS.map(|(name, _)| name).join(", ")
    );
    println!(
        "  connected {} of {} agents; made, signalled and gathering started {:.0} ms; total wall {:.0} ms; virtual {:.0} ms",
        run.connected,
        run.sides.len(),
        made.as_secs_f64() * 1e3,
        total.as_secs_f64() * 1e3,
        virtual_time.as_secs_f64() * 1e3
    );
    println!(
        "  {:.1} k pairs per wall second, {:.1} k pairs per virtual second, {:.1} datagrams per pair",
        pairs as f64 / total.as_secs_f64() / 1e3,
        pairs as f64 / virtual_time.as_secs_f64() / 1e3,
        run.datagrams as f64 / pairs as f64
    );
    let mut kinds: Vec<_> = kinds.into_iter().collect();
    kinds.sort_by_key(|k| Reverse(k.1));
    for ((local, remote), n) in kinds {
        println!("  controlling side's selected pair {local:?}/{remote:?}: {n}");
    }
    assert_eq!(
        run.connected,
        run.sides.len(),
        "every agent connects within {LIMIT:?}"
    );
}
