//! Stable ids: counters, never positions in a vector, so a stale id finds nothing instead of
//! another object (webrtc-rs rtc-ice panicked on stale indices).

macro_rules! ids {
    ($($(#[$doc:meta])* $name:ident;)*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub(crate) u32);

        impl $name {
            /// The raw value (for logs and maps).
            #[must_use]
            pub const fn get(self) -> u32 {
                self.0
            }
        }

        impl core::fmt::Display for $name {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                write!(f, "{}", self.0)
            }
        }
    )*};
}

ids! {
    /// A data stream (an m= section, RFC 8445 §2): its own checklist.
    StreamId;
    /// A local or remote candidate.
    CandidateId;
    /// A candidate pair.
    PairId;
    /// A stream (TCP, or TLS over TCP) to a TURN server that the agent asked the embedder to
    /// open ([`crate::IceEvent::ConnectTurnStream`]); never reused, so a stream that ended is
    /// never confused with a newer one.
    TurnStreamId;
}

/// Hands out increasing ids.
#[derive(Debug, Default)]
pub(crate) struct Counter(u32);

impl Counter {
    /// The next raw id (saturates: an agent never makes 4 billion of anything, and limits bound
    /// every count a peer controls).
    pub(crate) fn next(&mut self) -> u32 {
        let id = self.0;
        self.0 = self.0.saturating_add(1);
        id
    }
}
