//! The discovery state machine: which test runs when, on which socket, and what each reply
//! or timeout means for the run.

use core::fmt;
use core::net::SocketAddr;
use core::time::Duration;
use std::collections::VecDeque;
use std::time::Instant;

use floe_stun::attributes::{
    ChangeRequest, ErrorCodeAttribute, MappedAddress, OtherAddress, ResponseOrigin, ResponsePort,
    Software, XorMappedAddress,
};
use floe_stun::net::Bytes;
use floe_stun::transaction::{ClientTransactions, Request, TransactionConfig, TransactionEvent};
use floe_stun::{Class, Message, MessageBuilder, MessageType, Method, TransactionId};
use rand_chacha::ChaCha20Rng;

use crate::config::{DiscoveryConfig, MAX_LIFETIME_TRIALS};
use crate::report::{Evidence, Outcome, Report, Test};
use crate::verdict;

/// A local socket of the embedder, as the machine names it.
///
/// [`SocketId::PRIMARY`] is the socket the run starts on. Every other id is a *fresh* socket
/// the machine asks for with [`Event::OpenSocket`]: the embedder binds a new UDP socket on the
/// primary socket's IP address and an ephemeral port (one that has sent nothing yet) and
/// reports it with [`Discovery::socket_opened`].
///
/// ```
/// use floe_nat::SocketId;
/// assert_eq!(SocketId::PRIMARY.index(), 0);
/// assert_eq!(SocketId::PRIMARY.to_string(), "primary socket");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SocketId(u8);

impl SocketId {
    /// The socket the run starts on (mapping tests, hairpinning).
    pub const PRIMARY: Self = Self(0);
    /// The fresh socket of the filtering tests (RFC 5780 §4.4).
    pub const FILTERING: Self = Self(1);
    /// The lifetime test's probing socket (RFC 5780 §4.6 "Y").
    pub const LIFETIME_PROBE: Self = Self(2);

    /// The socket whose mapping lifetime trial `n` watches (RFC 5780 §4.6 "X").
    ///
    /// ```
    /// use floe_nat::SocketId;
    /// assert_eq!(SocketId::lifetime_trial(0).index(), 3);
    /// assert_eq!(SocketId::lifetime_trial(1).to_string(), "lifetime socket 1");
    /// ```
    #[must_use]
    pub const fn lifetime_trial(n: u8) -> Self {
        Self(3 + n)
    }

    /// A small number, unique per socket in a run (0 is the primary socket).
    #[must_use]
    pub const fn index(self) -> u8 {
        self.0
    }

    /// The id with this index, if a run can use it.
    ///
    /// ```
    /// use floe_nat::SocketId;
    /// assert_eq!(SocketId::from_index(1), Some(SocketId::FILTERING));
    /// assert_eq!(SocketId::from_index(200), None);
    /// ```
    #[must_use]
    pub const fn from_index(index: u8) -> Option<Self> {
        if (index as usize) < SOCKETS {
            Some(Self(index))
        } else {
            None
        }
    }
}

impl fmt::Display for SocketId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::PRIMARY => f.write_str("primary socket"),
            Self::FILTERING => f.write_str("filtering socket"),
            Self::LIFETIME_PROBE => f.write_str("lifetime probe socket"),
            Self(n) => write!(f, "lifetime socket {}", n - 3),
        }
    }
}

/// How many sockets a run may use: primary, filtering, lifetime probe, one per trial.
const SOCKETS: usize = 3 + MAX_LIFETIME_TRIALS;

/// A datagram for the embedder to send from one of its sockets.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Transmit {
    /// The socket to send from.
    pub socket: SocketId,
    /// Where to send it.
    pub destination: SocketAddr,
    /// The STUN request (the same bytes, by reference count, at every retransmission).
    pub contents: Bytes,
}

/// Something the embedder must act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Event {
    /// Open a fresh UDP socket for this id (see [`SocketId`]) and call
    /// [`Discovery::socket_opened`], or [`Discovery::socket_failed`] when it cannot be opened.
    OpenSocket(SocketId),
    /// Every test has finished: [`Discovery::report`] is final.
    Finished,
}

/// What the embedder did about a socket the machine asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SocketState {
    Requested,
    Open(SocketAddr),
    Failed,
}

/// One test sent: its evidence and when it started.
#[derive(Debug, Clone)]
pub(crate) struct Record {
    pub(crate) evidence: Evidence,
    pub(crate) started: Instant,
}

/// RFC 5780 NAT behaviour discovery, sans-I/O (see the [crate docs](crate) for the drive loop).
///
/// # Method classes
/// - getters: [`report`](Self::report), [`is_finished`](Self::is_finished);
/// - input: [`handle_receive`](Self::handle_receive), [`handle_timeout`](Self::handle_timeout),
///   and the answers to [`Event::OpenSocket`]: [`socket_opened`](Self::socket_opened),
///   [`socket_failed`](Self::socket_failed);
/// - output, drained after every input in this order: [`poll_event`](Self::poll_event),
///   [`poll_transmit`](Self::poll_transmit), then sleep until
///   [`poll_timeout`](Self::poll_timeout).
///
/// Time comes in as `now` and must never go backwards. Every test is a floe-stun client
/// transaction, retransmitted as RFC 8489 §6.2.1 says; the tests where silence is an answer use
/// the shorter [`ProbeTimers`](crate::ProbeTimers).
///
/// A whole run in memory against floe-stun's RFC 5780 responder, with no NAT in between (the
/// server sees the host's own address), so the verdict is "open internet":
///
/// ```
/// use std::time::Instant;
/// use floe_nat::{ClassicType, Discovery, DiscoveryConfig, Event, Mapping, SocketId};
/// use floe_stun::Message;
/// use floe_stun::binding::BindingResponder;
/// use floe_stun::binding::rfc5780::AlternateAddresses;
///
/// let addrs = AlternateAddresses::new(
///     "203.0.113.10:3478".parse().unwrap(),
///     "203.0.113.20:3479".parse().unwrap(),
/// );
/// let host = "198.51.100.2".parse().unwrap();
/// let mut ports = vec![(SocketId::PRIMARY, 5000u16)];
/// let mut config = DiscoveryConfig::new(addrs.primary(), std::net::SocketAddr::new(host, 5000));
/// config.rng_seed = Some([4; 32]);
/// let now = Instant::now();
/// let mut d = Discovery::new(config, now);
/// let server = BindingResponder::new();
/// let mut out = Vec::new();
/// loop {
///     match d.poll_event() {
///         Some(Event::OpenSocket(id)) => {
///             let port = 6000 + u16::from(id.index());
///             ports.push((id, port));
///             d.socket_opened(now, id, std::net::SocketAddr::new(host, port));
///             continue;
///         }
///         Some(Event::Finished) => break,
///         _ => {}
///     }
///     while let Some(t) = d.poll_transmit() {
///         let port = ports.iter().find(|(id, _)| *id == t.socket).unwrap().1;
///         let source = std::net::SocketAddr::new(host, port);
///         if t.destination.ip() == host {
///             // The hairpinning probe: our own address, straight back in.
///             let on = ports.iter().find(|(_, p)| *p == t.destination.port()).unwrap().0;
///             d.handle_receive(now, on, source, &t.contents);
///             continue;
///         }
///         let request = Message::parse(&t.contents).unwrap();
///         let reply = server.answer_rfc5780(&request, source, t.destination, &addrs, &mut out);
///         let on = ports.iter().find(|(_, p)| *p == reply.to.port()).unwrap().0;
///         d.handle_receive(now, on, reply.from, &out);
///     }
/// }
/// let report = d.report();
/// assert_eq!(report.mapping, Ok(Mapping::NoNat));
/// assert_eq!(report.classic(), Some(ClassicType::OpenInternet));
/// assert_eq!(report.evidence.len(), 6); // mapping I, II; filtering I-III; hairpinning
/// ```
#[derive(Debug)]
pub struct Discovery {
    config: DiscoveryConfig,
    rng: ChaCha20Rng,
    /// Tests that must be answered.
    sure: ClientTransactions<usize>,
    /// Tests where silence is an answer.
    probes: ClientTransactions<usize>,
    records: Vec<Record>,
    sockets: [Option<SocketState>; SOCKETS],
    events: VecDeque<Event>,
    /// Lifetime probes due: (when, trial).
    scheduled: Vec<(Instant, u8)>,
    finished: bool,
    buf: Vec<u8>,
}

impl Discovery {
    /// A run that starts at once: mapping test I is ready in [`poll_transmit`](Self::poll_transmit).
    ///
    /// # Panics
    /// Only when no seed is configured and the operating system's RNG fails.
    #[must_use]
    pub fn new(config: DiscoveryConfig, now: Instant) -> Self {
        let rng = crate::rng::from_seed(config.rng_seed);
        let probe = config.probe;
        let probe_config = TransactionConfig::new()
            .with_rto(probe.rto)
            .with_rc(probe.sends)
            .with_rm(probe.rm);
        let mut sockets = [None; SOCKETS];
        sockets[0] = Some(SocketState::Open(config.local));
        let mut d = Self {
            sure: ClientTransactions::new(config.transactions),
            probes: ClientTransactions::new(probe_config),
            config,
            rng,
            records: Vec::new(),
            sockets,
            events: VecDeque::new(),
            scheduled: Vec::new(),
            finished: false,
            buf: Vec::new(),
        };
        let server = d.config.server;
        d.start(now, Test::MappingI, SocketId::PRIMARY, server, Extra::NONE);
        d
    }

    /// The configuration.
    #[must_use]
    pub fn config(&self) -> &DiscoveryConfig {
        &self.config
    }

    /// Whether every test has finished.
    #[must_use]
    pub fn is_finished(&self) -> bool {
        self.finished
    }

    /// What the run has learnt so far; final once [`Event::Finished`] has been seen. Tests
    /// still pending count as [`Unknown::Unfinished`](crate::Unknown::Unfinished).
    #[must_use]
    pub fn report(&self) -> Report {
        verdict::build(
            &self.config,
            &self.records,
            self.socket_failed_flags(),
            self.finished,
        )
    }

    fn socket_failed_flags(&self) -> [bool; SOCKETS] {
        self.sockets.map(|s| s == Some(SocketState::Failed))
    }

    /// The embedder opened the socket asked for by [`Event::OpenSocket`], bound to `local`.
    /// Ids it was not asked for are ignored.
    pub fn socket_opened(&mut self, now: Instant, socket: SocketId, local: SocketAddr) {
        let slot = &mut self.sockets[usize::from(socket.0)];
        if *slot != Some(SocketState::Requested) {
            return;
        }
        *slot = Some(SocketState::Open(local));
        let server = self.config.server;
        match socket {
            SocketId::FILTERING => {
                let f = SocketId::FILTERING;
                self.start(now, Test::FilteringI, f, server, Extra::NONE);
                let both = Extra::change(true, true);
                self.start(now, Test::FilteringII, f, server, both);
                let port = Extra::change(false, true);
                self.start(now, Test::FilteringIII, f, server, port);
            }
            SocketId::LIFETIME_PROBE => {}
            SocketId(n) => {
                let trial = n - 3;
                self.start(now, Test::LifetimeBind(trial), socket, server, Extra::NONE);
            }
        }
        self.advance(now);
    }

    /// The embedder could not open the socket asked for; the tests that need it report
    /// [`Unknown::SocketUnavailable`](crate::Unknown::SocketUnavailable).
    pub fn socket_failed(&mut self, now: Instant, socket: SocketId) {
        let slot = &mut self.sockets[usize::from(socket.0)];
        if *slot == Some(SocketState::Requested) {
            *slot = Some(SocketState::Failed);
            if socket == SocketId::LIFETIME_PROBE {
                self.scheduled.clear();
            }
            self.advance(now);
        }
    }

    /// A datagram arrived on `socket` from `from`. Returns whether it was for this run (a
    /// response to one of its requests, or its own hairpinning probe); anything else, STUN or
    /// not, is left alone and changes nothing. No input makes it panic.
    pub fn handle_receive(
        &mut self,
        now: Instant,
        socket: SocketId,
        from: SocketAddr,
        datagram: &[u8],
    ) -> bool {
        let Ok(msg) = Message::parse(datagram) else {
            return false;
        };
        if msg.method() != Method::BINDING
            || (msg.fingerprint_offset().is_some() && msg.verify_fingerprint().is_err())
        {
            return false;
        }
        let tid = *msg.transaction_id();
        let outcome = match msg.class() {
            Class::Request => {
                // Our own hairpinning probe, come back in through the NAT (RFC 5780 §4.5).
                let Some(i) = self.pending(&tid, Test::Hairpin) else {
                    return false;
                };
                let _ = self.probes.cancel(&tid);
                (i, Outcome::Hairpinned { from, on: socket })
            }
            Class::Success | Class::Error => {
                let Some(i) = self.pending_response(&tid) else {
                    return false;
                };
                if self.records[i].evidence.test == Test::Hairpin {
                    // Something at our mapped address answered our probe: not our own request
                    // coming back in. Recorded as an answer, which hairpinning reports as
                    // unexpected.
                    let _ = self.probes.cancel(&tid);
                } else if self.sure.handle_response(&msg).is_none() {
                    let _ = self.probes.handle_response(&msg);
                }
                let rtt = now.saturating_duration_since(self.records[i].started);
                (i, response_outcome(&msg, from, socket, rtt))
            }
            Class::Indication => return false,
        };
        self.records[outcome.0].evidence.outcome = Some(outcome.1);
        self.on_outcome(now, outcome.0);
        self.advance(now);
        true
    }

    /// Advances time: retransmissions, timeouts, scheduled lifetime probes.
    pub fn handle_timeout(&mut self, now: Instant) {
        self.sure.handle_timeout(now);
        self.probes.handle_timeout(now);
        while let Some(ev) = self.sure.poll_event().or_else(|| self.probes.poll_event()) {
            let TransactionEvent::TimedOut { data, .. } = ev else {
                continue;
            };
            if let Some(r) = self.records.get_mut(data)
                && r.evidence.outcome.is_none()
            {
                let after = now.saturating_duration_since(r.started);
                r.evidence.outcome = Some(Outcome::TimedOut { after });
            }
        }
        let mut due = Vec::new();
        self.scheduled.retain(|&(at, trial)| {
            let is_due = at <= now;
            if is_due {
                due.push(trial);
            }
            !is_due
        });
        for trial in due {
            self.start_lifetime_probe(now, trial);
        }
        self.advance(now);
    }

    /// The next datagram to send.
    #[must_use]
    pub fn poll_transmit(&mut self) -> Option<Transmit> {
        let t = self
            .sure
            .poll_transmit()
            .or_else(|| self.probes.poll_transmit())?;
        let tid = t
            .contents
            .get(8..20)
            .and_then(|b| <[u8; 12]>::try_from(b).ok())?;
        let tid = TransactionId::from_bytes(tid);
        let socket = self
            .records
            .iter()
            .find(|r| r.evidence.transaction_id == tid)
            .map_or(SocketId::PRIMARY, |r| r.evidence.socket);
        Some(Transmit {
            socket,
            destination: t.destination,
            contents: t.contents,
        })
    }

    /// When [`handle_timeout`](Self::handle_timeout) must be called next; `None` when nothing
    /// is pending.
    #[must_use]
    pub fn poll_timeout(&self) -> Option<Instant> {
        let scheduled = self.scheduled.iter().map(|&(at, _)| at).min();
        [
            self.sure.poll_timeout(),
            self.probes.poll_timeout(),
            scheduled,
        ]
        .into_iter()
        .flatten()
        .min()
    }

    /// The next event.
    #[must_use]
    pub fn poll_event(&mut self) -> Option<Event> {
        self.events.pop_front()
    }

    /// The record of `test` with this id, if it is still pending.
    fn pending(&self, tid: &TransactionId, test: Test) -> Option<usize> {
        self.records.iter().position(|r| {
            r.evidence.transaction_id == *tid
                && r.evidence.test == test
                && r.evidence.outcome.is_none()
        })
    }

    /// The pending record a response with this id answers.
    fn pending_response(&self, tid: &TransactionId) -> Option<usize> {
        self.records
            .iter()
            .position(|r| r.evidence.transaction_id == *tid && r.evidence.outcome.is_none())
    }

    fn outcome(&self, test: Test) -> Option<&Outcome> {
        self.records
            .iter()
            .find(|r| r.evidence.test == test)
            .and_then(|r| r.evidence.outcome.as_ref())
    }

    fn started(&self, test: Test) -> bool {
        self.records.iter().any(|r| r.evidence.test == test)
    }

    /// A test's own follow-up: a lifetime trial that learnt its mapping schedules its probe.
    fn on_outcome(&mut self, now: Instant, i: usize) {
        let e = self.records[i].evidence;
        if let (
            Test::LifetimeBind(trial),
            Some(Outcome::Answered {
                mapped: Some(_), ..
            }),
        ) = (e.test, e.outcome)
        {
            let wait = self
                .config
                .lifetime
                .as_ref()
                .and_then(|l| l.trials.get(usize::from(trial)).copied())
                .unwrap_or_default();
            if let Some(at) = now.checked_add(wait) {
                self.scheduled.push((at, trial));
            }
        }
    }

    /// Starts whatever the outcomes so far call for, and notices the end of the run.
    fn advance(&mut self, now: Instant) {
        if let Some(&Outcome::Answered {
            mapped: Some(m1),
            other_address,
            ..
        }) = self.outcome(Test::MappingI)
        {
            let other = other_address.filter(|o| verdict::usable_other(self.config.server, *o));
            if let Some(o) = other {
                if self.config.mapping {
                    self.advance_mapping(now, m1, o);
                }
                if self.config.filtering {
                    self.request_socket(SocketId::FILTERING);
                }
                if let Some(trials) = self.config.lifetime.as_ref().map(|l| l.trials.len()) {
                    self.request_socket(SocketId::LIFETIME_PROBE);
                    for n in 0..trials.min(MAX_LIFETIME_TRIALS) {
                        self.request_socket(SocketId::lifetime_trial(n as u8));
                    }
                }
            }
            if self.config.hairpinning && !self.started(Test::Hairpin) {
                self.start(now, Test::Hairpin, SocketId::PRIMARY, m1, Extra::NONE);
            }
        }
        let done = self.sure.in_flight() == 0
            && self.probes.in_flight() == 0
            && self.scheduled.is_empty()
            && !self.sockets.contains(&Some(SocketState::Requested))
            && self.records.iter().all(|r| r.evidence.outcome.is_some());
        if done && !self.finished {
            self.finished = true;
            self.events.push_back(Event::Finished);
        }
    }

    /// Mapping tests II and III (RFC 5780 §4.3), each once, each when the last one calls
    /// for it.
    fn advance_mapping(&mut self, now: Instant, m1: SocketAddr, other: SocketAddr) {
        let primary_port = SocketAddr::new(other.ip(), self.config.server.port());
        if !self.started(Test::MappingII) {
            self.start(
                now,
                Test::MappingII,
                SocketId::PRIMARY,
                primary_port,
                Extra::NONE,
            );
        }
        if let Some(&Outcome::Answered {
            mapped: Some(m2), ..
        }) = self.outcome(Test::MappingII)
            && m2 != m1
            && !self.started(Test::MappingIII)
        {
            self.start(now, Test::MappingIII, SocketId::PRIMARY, other, Extra::NONE);
        }
    }

    fn request_socket(&mut self, socket: SocketId) {
        let slot = &mut self.sockets[usize::from(socket.0)];
        if slot.is_none() {
            *slot = Some(SocketState::Requested);
            self.events.push_back(Event::OpenSocket(socket));
        }
    }

    /// Lifetime trial `trial`'s wait is over: ask the server, from the probe socket, to answer
    /// to the trial socket's mapped port (RFC 5780 §4.6).
    fn start_lifetime_probe(&mut self, now: Instant, trial: u8) {
        if !matches!(
            self.sockets[usize::from(SocketId::LIFETIME_PROBE.0)],
            Some(SocketState::Open(_))
        ) {
            return;
        }
        let Some(&Outcome::Answered {
            mapped: Some(mapped),
            ..
        }) = self.outcome(Test::LifetimeBind(trial))
        else {
            return;
        };
        let extra = Extra {
            change: None,
            response_port: Some(mapped.port()),
        };
        let server = self.config.server;
        let probe = SocketId::LIFETIME_PROBE;
        self.start(now, Test::LifetimeProbe(trial), probe, server, extra);
    }

    /// Encodes and starts one test's request.
    fn start(
        &mut self,
        now: Instant,
        test: Test,
        socket: SocketId,
        destination: SocketAddr,
        extra: Extra,
    ) {
        let tid = TransactionId::random(&mut self.rng);
        let mut buf = core::mem::take(&mut self.buf);
        buf.clear();
        let typ = MessageType::new(Method::BINDING, Class::Request);
        let mut b = MessageBuilder::new(&mut buf, typ, tid);
        if let Some(s) = &self.config.software {
            b.add(&Software(s));
        }
        if let Some((change_ip, change_port)) = extra.change {
            b.add(&ChangeRequest {
                change_ip,
                change_port,
            });
        }
        if let Some(port) = extra.response_port {
            b.add(&ResponsePort(port));
        }
        let encoded = b.fingerprint().is_ok();
        let index = self.records.len();
        self.records.push(Record {
            evidence: Evidence {
                test,
                transaction_id: tid,
                socket,
                destination,
                change: extra.change,
                response_port: extra.response_port,
                outcome: None,
            },
            started: now,
        });
        let silence_answers = matches!(
            test,
            Test::FilteringII | Test::FilteringIII | Test::Hairpin | Test::LifetimeProbe(_)
        );
        let started = if !encoded {
            false
        } else if silence_answers {
            let rto = self.probe_rto();
            let request = Request::new(tid, destination)
                .rto(rto)
                .max_sends(self.config.probe.sends);
            self.probes
                .start_from_slice(now, request, &buf, index)
                .is_ok()
        } else {
            let request = Request::new(tid, destination);
            self.sure
                .start_from_slice(now, request, &buf, index)
                .is_ok()
        };
        if !started {
            // Only an absurdly long SOFTWARE fails to encode: the test gets no answer.
            self.records[index].evidence.outcome = Some(Outcome::TimedOut {
                after: Duration::ZERO,
            });
        }
        self.buf = buf;
    }

    /// The probes' RTO: the configured one, raised to twice mapping test I's round trip when
    /// that is a clean sample. An answer that came after a retransmission may answer any of
    /// the sends, so its time says nothing about the path (Karn's rule, RFC 6298 §3); such
    /// samples are not used, which also keeps one slow start from stretching every probe.
    fn probe_rto(&self) -> Duration {
        let rtt = match self.outcome(Test::MappingI) {
            Some(Outcome::Answered { rtt, .. }) if *rtt < self.config.transactions.rto => *rtt,
            _ => Duration::ZERO,
        };
        self.config.probe.rto.max(rtt.saturating_mul(2))
    }
}

/// What a request carries besides the Binding basics.
#[derive(Debug, Clone, Copy)]
struct Extra {
    change: Option<(bool, bool)>,
    response_port: Option<u16>,
}

impl Extra {
    const NONE: Self = Self {
        change: None,
        response_port: None,
    };

    const fn change(ip: bool, port: bool) -> Self {
        Self {
            change: Some((ip, port)),
            response_port: None,
        }
    }
}

/// What a response to one of our requests says.
fn response_outcome(msg: &Message<'_>, from: SocketAddr, on: SocketId, rtt: Duration) -> Outcome {
    if msg.class() == Class::Error {
        let code = match msg.get::<ErrorCodeAttribute<'_>>() {
            Ok(Some(e)) => e.code.0,
            _ => 0,
        };
        return Outcome::Error { from, code };
    }
    let mapped = match msg.get::<XorMappedAddress>() {
        Ok(Some(XorMappedAddress(a))) => Some(a),
        _ => match msg.get::<MappedAddress>() {
            Ok(Some(MappedAddress(a))) => Some(a),
            _ => None,
        },
    };
    Outcome::Answered {
        from,
        on,
        mapped,
        response_origin: msg.get::<ResponseOrigin>().ok().flatten().map(|a| a.0),
        other_address: msg.get::<OtherAddress>().ok().flatten().map(|a| a.0),
        rtt,
    }
}

#[cfg(test)]
mod tests;
