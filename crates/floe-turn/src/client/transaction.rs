//! STUN client transactions (RFC 8489 §6.2.1): retransmission over UDP with a doubling RTO,
//! `Rc` sends and a final wait of `Rm` times the initial RTO; one send and a fixed timeout
//! over streams.

use core::net::{IpAddr, SocketAddr};
use core::time::Duration;
use std::time::Instant;

/// Initial retransmission timeout (RFC 8489 §6.2.1: 500 ms recommended).
pub const DEFAULT_RTO: Duration = Duration::from_millis(500);
/// Number of sends over UDP (RFC 8489 §6.2.1: Rc = 7).
pub const DEFAULT_RC: u32 = 7;
/// Final wait after the last send, in multiples of the initial RTO (RFC 8489 §6.2.1: Rm = 16).
pub const DEFAULT_RM: u32 = 16;
/// Transaction timeout over a stream (RFC 8489 §6.2.2: 39.5 s).
pub const STREAM_TIMEOUT: Duration = Duration::from_millis(39_500);

/// What a request was for, so its response can be applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Purpose {
    Allocate,
    Refresh { lifetime: Option<u32> },
    CreatePermission { peers: Vec<IpAddr> },
    ChannelBind { number: u16, peer: SocketAddr },
}

/// One outstanding request.
#[derive(Debug)]
pub(super) struct Transaction {
    pub(super) tid: [u8; 12],
    pub(super) purpose: Purpose,
    pub(super) bytes: Vec<u8>,
    next_at: Instant,
    rto: Duration,
    sends: u32,
    final_wait: bool,
    /// How many times this request was re-sent after 401/438 (bounded).
    pub(super) auth_retries: u8,
    /// Whether the request carried MESSAGE-INTEGRITY.
    pub(super) signed: bool,
}

/// Retransmission parameters.
#[derive(Debug, Clone, Copy)]
pub(super) struct Timing {
    pub(super) rto: Duration,
    pub(super) rc: u32,
    pub(super) rm: u32,
    pub(super) reliable: bool,
}

/// What a transaction wants when its timer fires.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Fire {
    Nothing,
    Retransmit,
    TimedOut,
}

impl Transaction {
    /// A transaction whose first send happens now.
    pub(super) fn new(
        tid: [u8; 12],
        purpose: Purpose,
        bytes: Vec<u8>,
        now: Instant,
        t: Timing,
        auth_retries: u8,
        signed: bool,
    ) -> Self {
        let (next_at, final_wait) = if t.reliable {
            (now + STREAM_TIMEOUT, true)
        } else if t.rc <= 1 {
            (now + t.rto * t.rm, true)
        } else {
            (now + t.rto, false)
        };
        Self {
            tid,
            purpose,
            bytes,
            next_at,
            rto: t.rto,
            sends: 1,
            final_wait,
            auth_retries,
            signed,
        }
    }

    pub(super) fn next_at(&self) -> Instant {
        self.next_at
    }

    /// Advances the timer at `now`.
    pub(super) fn fire(&mut self, now: Instant, t: Timing) -> Fire {
        if now < self.next_at {
            return Fire::Nothing;
        }
        if self.final_wait {
            return Fire::TimedOut;
        }
        self.sends += 1;
        if self.sends >= t.rc {
            self.final_wait = true;
            self.next_at = now + t.rto * t.rm;
        } else {
            self.rto = self.rto.saturating_mul(2);
            self.next_at = now + self.rto;
        }
        Fire::Retransmit
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn udp_schedule_matches_rfc_8489_example() {
        // RFC 8489 §6.2.1: sends at 0, 500, 1500, 3500, 7500, 15500, 31500 ms; gives up at 39500.
        let t0 = Instant::now();
        let timing = Timing {
            rto: DEFAULT_RTO,
            rc: DEFAULT_RC,
            rm: DEFAULT_RM,
            reliable: false,
        };
        let mut tx = Transaction::new([0; 12], Purpose::Allocate, vec![], t0, timing, 0, false);
        let mut sends = vec![0u64];
        loop {
            let at = tx.next_at();
            match tx.fire(at, timing) {
                Fire::Retransmit => sends.push((at - t0).as_millis() as u64),
                Fire::TimedOut => {
                    assert_eq!((at - t0).as_millis(), 39_500);
                    break;
                }
                Fire::Nothing => unreachable!(),
            }
        }
        assert_eq!(sends, [0, 500, 1500, 3500, 7500, 15500, 31500]);
    }

    #[test]
    fn stream_sends_once() {
        let t0 = Instant::now();
        let timing = Timing {
            rto: DEFAULT_RTO,
            rc: DEFAULT_RC,
            rm: DEFAULT_RM,
            reliable: true,
        };
        let mut tx = Transaction::new([0; 12], Purpose::Allocate, vec![], t0, timing, 0, false);
        assert_eq!(tx.fire(t0 + Duration::from_secs(39), timing), Fire::Nothing);
        assert_eq!(tx.fire(t0 + STREAM_TIMEOUT, timing), Fire::TimedOut);
    }
}
