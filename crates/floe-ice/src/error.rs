//! Errors of the agent's commands and input, one enum split by cause.

use floe_ice_candidate::CandidateType;

use crate::id::{StreamId, TurnStreamId};

/// A command or an input the agent refused. The agent's state is unchanged by it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum IceError {
    /// No such stream (API misuse).
    #[error("no stream {0}")]
    UnknownStream(StreamId),
    /// A component outside the stream's 1..=components (API misuse).
    #[error("stream {stream} has no component {component}")]
    UnknownComponent {
        /// The stream.
        stream: StreamId,
        /// The component asked for.
        component: u16,
    },
    /// A configured limit was reached (streams, candidates or pairs).
    #[error("limit reached: {what} ({limit})")]
    Limit {
        /// What was counted.
        what: &'static str,
        /// The configured limit.
        limit: usize,
    },
    /// A remote candidate the agent cannot use: not UDP, a name that is not resolved, or a
    /// type the agent does not pair (peer input).
    #[error("unusable remote candidate ({reason})")]
    UnusableCandidate {
        /// Why.
        reason: &'static str,
    },
    /// A remote candidate of this type on a lite agent, or the like (peer input).
    #[error("unexpected {0:?} candidate")]
    UnexpectedCandidate(CandidateType),
    /// Credentials outside RFC 8839 §5.4: an ice-ufrag is 4 to 256 ice-chars, an ice-pwd 22
    /// to 256 (`ALPHA / DIGIT / "+" / "/"`).
    #[error("invalid {field}: RFC 8839 §5.4 asks {rule}")]
    InvalidCredentials {
        /// `ice-ufrag` or `ice-pwd`.
        field: &'static str,
        /// What the RFC asks of it.
        rule: &'static str,
    },
    /// The datagram is not for the agent (not STUN, or not from a known flow).
    #[error("not an ICE message")]
    NotIce,
    /// No pair is selected for the component, or its consent is lost.
    #[error("no usable selected pair")]
    NotConnected,
    /// The agent was closed.
    #[error("the agent is closed")]
    Closed,
    /// No TURN stream with this id is waiting to connect or open (API misuse): it was never
    /// asked for, or it ended (the embedder reported its end, or the agent asked for it to be
    /// closed with [`crate::IceEvent::CloseTurnStream`]).
    #[error("no TURN stream {0}")]
    UnknownTurnStream(TurnStreamId),
    /// [`crate::IceAgent::turn_stream_connected`] for a stream already connected (API misuse).
    #[error("TURN stream {0} is already connected")]
    TurnStreamAlreadyConnected(TurnStreamId),
}
