//! Link behaviour: latency, jitter, loss, duplication and reordering, each drawn from the
//! network's seeded RNG.

use core::time::Duration;

use rand::RngExt as _;
use rand_chacha::ChaCha20Rng;

/// How a path treats the packets sent over it (the network's default, or one host's uplink,
/// see [`crate::Network::set_host_link`]).
///
/// Probabilities are clamped to `0.0..=1.0` (NaN counts as 0). Randomness is only drawn for
/// the features that are on, so a perfect link consumes none.
///
/// ```
/// use std::time::Duration;
/// use floe_netsim::LinkConfig;
/// let lossy = LinkConfig::new(Duration::from_millis(40))
///     .jitter(Duration::from_millis(5))
///     .loss(0.1)
///     .duplicate(0.01)
///     .reorder(0.02, Duration::from_millis(30));
/// assert_eq!(lossy.latency, Duration::from_millis(40));
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct LinkConfig {
    /// One-way delay of every packet.
    pub latency: Duration,
    /// Extra delay drawn uniformly from `0..=jitter` per packet. Packets of one flow still
    /// arrive in order unless reordered.
    pub jitter: Duration,
    /// Probability that a packet is lost.
    pub loss: f64,
    /// Probability that a packet arrives twice (the copy gets its own jitter).
    pub duplicate: f64,
    /// Probability that a packet is held back by [`LinkConfig::reorder_delay`], so packets
    /// sent after it overtake it.
    pub reorder: f64,
    /// How long a reordered packet is held back.
    pub reorder_delay: Duration,
}

impl Default for LinkConfig {
    /// 20 ms one way, nothing else.
    fn default() -> Self {
        Self::new(Duration::from_millis(20))
    }
}

impl LinkConfig {
    /// A link with this one-way latency and no jitter, loss, duplication or reordering.
    #[must_use]
    pub const fn new(latency: Duration) -> Self {
        Self {
            latency,
            jitter: Duration::ZERO,
            loss: 0.0,
            duplicate: 0.0,
            reorder: 0.0,
            reorder_delay: Duration::ZERO,
        }
    }

    /// Sets the jitter.
    #[must_use]
    pub const fn jitter(mut self, jitter: Duration) -> Self {
        self.jitter = jitter;
        self
    }

    /// Sets the loss probability.
    #[must_use]
    pub const fn loss(mut self, p: f64) -> Self {
        self.loss = p;
        self
    }

    /// Sets the duplication probability.
    #[must_use]
    pub const fn duplicate(mut self, p: f64) -> Self {
        self.duplicate = p;
        self
    }

    /// Sets the reordering probability and how long a reordered packet is held back.
    #[must_use]
    pub const fn reorder(mut self, p: f64, delay: Duration) -> Self {
        self.reorder = p;
        self.reorder_delay = delay;
        self
    }

    /// Draws what happens to one packet.
    pub(crate) fn fate(&self, rng: &mut ChaCha20Rng) -> Fate {
        if chance(rng, self.loss) {
            return Fate::Lost;
        }
        let first = self.delay(rng);
        let copy = chance(rng, self.duplicate).then(|| self.delay(rng));
        Fate::Delivered { first, copy }
    }

    fn delay(&self, rng: &mut ChaCha20Rng) -> Delay {
        let mut d = self.latency;
        if !self.jitter.is_zero() {
            let max = u64::try_from(self.jitter.as_nanos()).unwrap_or(u64::MAX);
            d += Duration::from_nanos(rng.random_range(0..=max));
        }
        if chance(rng, self.reorder) {
            Delay {
                after: d + self.reorder_delay,
                in_order: false,
            }
        } else {
            Delay {
                after: d,
                in_order: true,
            }
        }
    }
}

/// `true` with probability `p`; draws nothing when `p` is 0 (or NaN) or 1.
fn chance(rng: &mut ChaCha20Rng, p: f64) -> bool {
    if p.is_nan() || p <= 0.0 {
        false
    } else if p >= 1.0 {
        true
    } else {
        rng.random::<f64>() < p
    }
}

/// What the link does to one packet.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Fate {
    /// Dropped.
    Lost,
    /// Delivered after `first`, and a duplicate after `copy`.
    Delivered { first: Delay, copy: Option<Delay> },
}

/// The delay of one copy of a packet.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Delay {
    /// Time on the wire.
    pub(crate) after: Duration,
    /// Whether it keeps its place in its flow (not reordered).
    pub(crate) in_order: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng as _;

    #[test]
    fn perfect_link_draws_nothing_and_delivers_after_latency() {
        let mut rng = ChaCha20Rng::seed_from_u64(1);
        let before = rng.clone();
        let fate = LinkConfig::new(Duration::from_millis(5)).fate(&mut rng);
        let d = Delay {
            after: Duration::from_millis(5),
            in_order: true,
        };
        assert_eq!(
            fate,
            Fate::Delivered {
                first: d,
                copy: None
            }
        );
        assert_eq!(rng, before);
    }

    #[test]
    fn certain_loss_and_odd_probabilities() {
        let mut rng = ChaCha20Rng::seed_from_u64(1);
        assert_eq!(LinkConfig::default().loss(1.5).fate(&mut rng), Fate::Lost);
        let fate = LinkConfig::default()
            .loss(f64::NAN)
            .duplicate(1.0)
            .fate(&mut rng);
        assert!(matches!(fate, Fate::Delivered { copy: Some(_), .. }));
    }

    #[test]
    fn jitter_stays_in_bounds() {
        let mut rng = ChaCha20Rng::seed_from_u64(9);
        let link = LinkConfig::new(Duration::from_millis(10)).jitter(Duration::from_millis(4));
        for _ in 0..1000 {
            let Fate::Delivered { first, .. } = link.fate(&mut rng) else {
                panic!("lost on a lossless link")
            };
            assert!(first.after >= Duration::from_millis(10));
            assert!(first.after <= Duration::from_millis(14));
        }
    }
}
