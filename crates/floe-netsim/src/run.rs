//! A bounded driver for tests: moves the clock from event to event between the network and
//! the machines under test.

use std::time::Instant;

use floe_stun::net::Transmit;

use crate::network::Network;
use crate::types::{Delivery, HostId, SendError};

/// Most transmits taken from one endpoint in one flush (a machine that never stops emitting
/// is cut off instead of hanging the test).
const MAX_TRANSMITS_PER_FLUSH: usize = 100_000;

/// A machine under test, on one host: the sans-I/O drive loop seen from the network.
///
/// Implement it on a small wrapper around the machine (an ICE agent, a TURN client, ...).
pub trait Endpoint {
    /// The host it runs on.
    fn host(&self) -> HostId;

    /// Whether a delivery is for it; by default, everything that reaches its host. Override
    /// it to run several endpoints on one host (by port).
    fn accepts(&self, delivery: &Delivery) -> bool {
        delivery.host == self.host()
    }

    /// A datagram arrived.
    fn handle_delivery(&mut self, now: Instant, delivery: Delivery);

    /// Its timeout ([`Endpoint::poll_timeout`]) was reached.
    fn handle_timeout(&mut self, now: Instant);

    /// The next datagram it wants sent.
    fn poll_transmit(&mut self) -> Option<Transmit>;

    /// When it next wants [`Endpoint::handle_timeout`].
    fn poll_timeout(&self) -> Option<Instant>;
}

/// Why a [`Driver`] stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Stopped {
    /// Nothing is in flight and no endpoint has a timeout.
    #[error("idle: nothing left to do")]
    Idle,
    /// The next event is after the deadline (the clock is at the deadline).
    #[error("deadline reached")]
    Deadline,
    /// The step limit was reached.
    #[error("step limit reached")]
    StepLimit,
    /// An endpoint emitted a transmit its host could not send.
    #[error("endpoint transmit refused: {0}")]
    Send(#[from] SendError),
}

/// Drives a [`Network`] and a set of [`Endpoint`]s, bounded by a deadline and a step limit.
///
/// Each [`Driver::step`] sends what the endpoints have to send, moves the clock to the
/// earliest of the network's next event and the endpoints' timeouts, delivers what arrived by
/// then and fires the due timeouts. Endpoints are passed per call, so the test can look at
/// them between steps:
///
/// ```
/// # use std::time::{Duration, Instant};
/// # use floe_netsim::{run::{Driver, Endpoint}, Delivery, HostId, Network, HostConfig};
/// # use floe_stun::net::Transmit;
/// struct Quiet(HostId);
/// impl Endpoint for Quiet {
///     fn host(&self) -> HostId { self.0 }
///     fn handle_delivery(&mut self, _: Instant, _: Delivery) {}
///     fn handle_timeout(&mut self, _: Instant) {}
///     fn poll_transmit(&mut self) -> Option<Transmit> { None }
///     fn poll_timeout(&self) -> Option<Instant> { None }
/// }
/// let mut net = Network::new(1);
/// let mut a = Quiet(net.add_host(HostConfig::public()));
/// let mut driver = Driver::new(net.now() + Duration::from_secs(10), 1000);
/// // A loop that waits for a condition ends on it, or on the driver's bounds.
/// let stopped = loop {
///     if let Err(stop) = driver.step(&mut net, &mut [&mut a]) { break stop; }
/// };
/// assert_eq!(stopped, floe_netsim::run::Stopped::Idle);
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Driver {
    deadline: Instant,
    max_steps: u64,
    steps: u64,
    unclaimed: u64,
}

impl Driver {
    /// A driver that stops at `deadline` or after `max_steps` steps.
    #[must_use]
    pub fn new(deadline: Instant, max_steps: u64) -> Self {
        Self {
            deadline,
            max_steps,
            steps: 0,
            unclaimed: 0,
        }
    }

    /// Steps taken.
    #[must_use]
    pub fn steps(&self) -> u64 {
        self.steps
    }

    /// Deliveries no endpoint accepted (dropped).
    #[must_use]
    pub fn unclaimed(&self) -> u64 {
        self.unclaimed
    }

    /// One step; returns the instant the clock moved to.
    ///
    /// # Errors
    /// [`Stopped`] when the driver's bounds are reached, nothing is left to do, or an
    /// endpoint's transmit is refused.
    pub fn step(
        &mut self,
        net: &mut Network,
        endpoints: &mut [&mut dyn Endpoint],
    ) -> Result<Instant, Stopped> {
        if self.steps >= self.max_steps {
            return Err(Stopped::StepLimit);
        }
        self.steps += 1;
        flush(net, endpoints)?;
        let next = endpoints
            .iter()
            .filter_map(|e| e.poll_timeout())
            .chain(net.poll_timeout())
            .min()
            .ok_or(Stopped::Idle)?;
        let now = next.max(net.now());
        if now > self.deadline {
            net.advance(self.deadline);
            return Err(Stopped::Deadline);
        }
        while let Some(d) = net.poll_delivery(now) {
            match endpoints.iter_mut().find(|e| e.accepts(&d)) {
                Some(e) => e.handle_delivery(now, d),
                None => self.unclaimed += 1,
            }
        }
        for e in endpoints.iter_mut() {
            if e.poll_timeout().is_some_and(|t| t <= now) {
                e.handle_timeout(now);
            }
        }
        flush(net, endpoints)?;
        Ok(now)
    }

    /// Steps until the driver stops, and says why.
    pub fn run(&mut self, net: &mut Network, endpoints: &mut [&mut dyn Endpoint]) -> Stopped {
        loop {
            if let Err(stop) = self.step(net, endpoints) {
                return stop;
            }
        }
    }
}

/// Sends every endpoint's pending transmits.
fn flush(net: &mut Network, endpoints: &mut [&mut dyn Endpoint]) -> Result<(), SendError> {
    let now = net.now();
    for e in endpoints.iter_mut() {
        let host = e.host();
        for _ in 0..MAX_TRANSMITS_PER_FLUSH {
            let Some(t) = e.poll_transmit() else { break };
            net.send(now, host, t)?;
        }
    }
    Ok(())
}
