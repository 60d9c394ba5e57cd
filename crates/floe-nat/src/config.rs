//! What a discovery run is told: the server, the embedder's local addresses, how long to wait
//! and which optional tests to run.

use core::net::{IpAddr, SocketAddr};
use core::time::Duration;

use floe_stun::transaction::TransactionConfig;

/// Most binding-lifetime trials in one run (each needs a socket of its own).
pub const MAX_LIFETIME_TRIALS: usize = 8;

/// Most local addresses the embedder may declare (more are ignored).
pub const MAX_LOCAL_ADDRESSES: usize = 64;

/// How long to wait for a reply that may legitimately never come: the filtering tests II and
/// III (RFC 5780 §4.4), the hairpinning probe (§4.5) and the lifetime probes (§4.6). Silence
/// is their answer, so they cannot use RFC 8489's 39.5 s timeout; instead the request is sent
/// `sends` times, RTO doubling from `rto` (raised to twice the round-trip time measured by
/// mapping test I), and given up `rm` × RTO after the last send. The defaults (100 ms, 4, 4)
/// send at 0, 100, 300 and 700 ms and give up at 1.1 s: one reply in four must get through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct ProbeTimers {
    /// Initial retransmission timeout (RFC 8489 §6.2.1 RTO) of a probe.
    pub rto: Duration,
    /// Sends of a probe (RFC 8489 §6.2.1 Rc).
    pub sends: u32,
    /// The wait after the last send, in RTOs (RFC 8489 §6.2.1 Rm).
    pub rm: u32,
}

impl ProbeTimers {
    /// 100 ms, 4 sends, Rm 4: silence is concluded 1.1 s after the first send.
    #[must_use]
    pub const fn new() -> Self {
        Self {
            rto: Duration::from_millis(100),
            sends: 4,
            rm: 4,
        }
    }

    /// How long a probe with this RTO waits before concluding silence.
    ///
    /// ```
    /// use core::time::Duration;
    /// use floe_nat::ProbeTimers;
    /// let t = ProbeTimers::new();
    /// assert_eq!(t.window(t.rto), Duration::from_millis(1100));
    /// ```
    #[must_use]
    pub fn window(&self, rto: Duration) -> Duration {
        let mut total = Duration::ZERO;
        let mut interval = rto;
        for _ in 1..self.sends.max(1) {
            total = total.saturating_add(interval);
            interval = interval.saturating_mul(2);
        }
        total.saturating_add(rto.saturating_mul(self.rm))
    }
}

impl Default for ProbeTimers {
    fn default() -> Self {
        Self::new()
    }
}

/// The optional binding-lifetime test (RFC 5780 §4.6): one fresh socket per trial learns its
/// mapping, then after the trial's wait a second socket asks the server (RESPONSE-PORT) to
/// answer to that mapping. The trials run side by side, so a run takes as long as the longest.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct LifetimeConfig {
    /// The waits to try (at most [`MAX_LIFETIME_TRIALS`]; more are ignored).
    pub trials: Vec<Duration>,
}

impl LifetimeConfig {
    /// Trials at these waits.
    ///
    /// ```
    /// use core::time::Duration;
    /// use floe_nat::LifetimeConfig;
    /// let l = LifetimeConfig::new([10, 30].map(Duration::from_secs));
    /// assert_eq!(l.trials.len(), 2);
    /// ```
    #[must_use]
    pub fn new(trials: impl IntoIterator<Item = Duration>) -> Self {
        Self {
            trials: trials.into_iter().take(MAX_LIFETIME_TRIALS).collect(),
        }
    }

    /// 15 s, 30 s, 60 s, 120 s and 240 s: the common NAT UDP timeouts (RFC 4787 REQ-5 asks
    /// for at least 2 minutes; Linux conntrack keeps a once-answered UDP flow for 30 s).
    ///
    /// ```
    /// let l = floe_nat::LifetimeConfig::standard();
    /// assert_eq!(l.trials.last(), Some(&core::time::Duration::from_secs(240)));
    /// ```
    #[must_use]
    pub fn standard() -> Self {
        Self::new([15, 30, 60, 120, 240].map(Duration::from_secs))
    }
}

/// The configuration of one discovery run.
///
/// ```
/// use floe_nat::DiscoveryConfig;
/// let mut config = DiscoveryConfig::new(
///     "203.0.113.10:3478".parse().unwrap(),
///     "198.18.0.2:40000".parse().unwrap(),
/// );
/// config.rng_seed = Some([7; 32]);
/// config.hairpinning = false;
/// assert!(config.filtering);
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct DiscoveryConfig {
    /// The STUN server's primary address (RFC 5780 §4.3 test I goes there).
    pub server: SocketAddr,
    /// The primary socket's local address: its IP counts as a local address and its port is
    /// compared with the mapped port (port preservation). An unspecified IP (`0.0.0.0`) counts
    /// for nothing; list the real ones in [`local_addresses`](Self::local_addresses).
    pub local: SocketAddr,
    /// More local IP addresses: a mapped address on one of them means no NAT (RFC 5780 §4.3).
    pub local_addresses: Vec<IpAddr>,
    /// Retransmissions of the tests that must be answered (mapping tests, filtering test I,
    /// the lifetime trials' first request): RFC 8489 §6.2.1 defaults.
    pub transactions: TransactionConfig,
    /// Timers of the tests where silence is an answer.
    pub probe: ProbeTimers,
    /// Run mapping tests II and III (RFC 5780 §4.3) after test I; on by default. Off, with
    /// filtering and hairpinning off too, a run is one Binding request: a STUN "ping".
    pub mapping: bool,
    /// Run the filtering tests (RFC 5780 §4.4) from a fresh socket; on by default.
    pub filtering: bool,
    /// Run the hairpinning test (RFC 5780 §4.5); on by default.
    pub hairpinning: bool,
    /// Run the binding-lifetime test (RFC 5780 §4.6); off by default (it takes minutes).
    pub lifetime: Option<LifetimeConfig>,
    /// SOFTWARE (RFC 8489 §14.14) in every request, if any.
    pub software: Option<String>,
    /// Seed of the ChaCha20 generator of transaction ids; `None` draws one from the OS once.
    pub rng_seed: Option<[u8; 32]>,
}

impl DiscoveryConfig {
    /// Mapping, filtering and hairpinning against `server` from the socket bound to `local`,
    /// RFC 8489 timers and the default [`ProbeTimers`].
    #[must_use]
    pub fn new(server: SocketAddr, local: SocketAddr) -> Self {
        Self {
            server,
            local,
            local_addresses: Vec::new(),
            transactions: TransactionConfig::new(),
            probe: ProbeTimers::new(),
            mapping: true,
            filtering: true,
            hairpinning: true,
            lifetime: None,
            software: None,
            rng_seed: None,
        }
    }

    /// Whether `ip` is one of the embedder's own addresses.
    pub(crate) fn is_local(&self, ip: IpAddr) -> bool {
        let primary = self.local.ip();
        (!primary.is_unspecified() && canonical(primary) == canonical(ip))
            || self
                .local_addresses
                .iter()
                .take(MAX_LOCAL_ADDRESSES)
                .any(|a| canonical(*a) == canonical(ip))
    }
}

/// RFC 8489 §6.2.1 retransmissions that give up within `total`: RTO 500 ms, and as many of
/// the Rc = 7 sends and Rm = 16 as fit (a command line with a `--timeout` wants an answer, or
/// "nothing answered", before its deadline). Below 1 s the RTO shrinks to fit two sends.
///
/// ```
/// use core::time::Duration;
/// let t = floe_nat::transactions_within(Duration::from_secs(10));
/// // Sends at 0, 0.5, 1.5, 3.5 and 7.5 s, then 5 × 500 ms: gives up at 10 s.
/// assert_eq!((t.rc, t.rm), (5, 5));
/// let full = floe_nat::transactions_within(Duration::from_secs(60));
/// assert_eq!((full.rc, full.rm), (7, 16));
/// ```
#[must_use]
pub fn transactions_within(total: Duration) -> TransactionConfig {
    let default = TransactionConfig::new();
    let mut rto = default.rto;
    if total < rto.saturating_mul(2) {
        rto = (total / 2).max(Duration::from_millis(1));
    }
    for rc in (1..=default.rc).rev() {
        // The last send goes out at RTO × (2^(rc-1) - 1).
        let last = rto.saturating_mul((1u32 << (rc - 1)) - 1);
        let Some(left) = total.checked_sub(last) else {
            continue;
        };
        let rm = u32::try_from(left.as_millis() / rto.as_millis().max(1)).unwrap_or(u32::MAX);
        if rm >= 1 {
            return default
                .with_rto(rto)
                .with_rc(rc)
                .with_rm(rm.min(default.rm));
        }
    }
    default.with_rto(rto).with_rc(1).with_rm(1)
}

/// An IPv4-mapped IPv6 address as IPv4, so both spellings compare equal.
pub(crate) fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        IpAddr::V4(_) => ip,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probe_window_follows_rfc8489_schedule() {
        let t = ProbeTimers::new();
        assert_eq!(
            t.window(Duration::from_millis(50)),
            Duration::from_millis(550)
        );
        let once = ProbeTimers {
            sends: 1,
            ..ProbeTimers::new()
        };
        assert_eq!(
            once.window(Duration::from_millis(100)),
            Duration::from_millis(400)
        );
    }

    #[test]
    fn local_addresses_compare_across_spellings() {
        let mut c = DiscoveryConfig::new(
            "192.0.2.1:3478".parse().unwrap(),
            "0.0.0.0:5000".parse().unwrap(),
        );
        assert!(!c.is_local("0.0.0.0".parse().unwrap()));
        c.local_addresses.push("198.51.100.2".parse().unwrap());
        assert!(c.is_local("::ffff:198.51.100.2".parse().unwrap()));
        assert!(!c.is_local("198.51.100.3".parse().unwrap()));
    }

    #[test]
    fn lifetime_trials_are_capped() {
        let l = LifetimeConfig::new((1..100).map(Duration::from_secs));
        assert_eq!(l.trials.len(), MAX_LIFETIME_TRIALS);
    }
}
