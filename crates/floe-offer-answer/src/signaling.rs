//! The signaling state machine of RFC 9429 (JSEP) §3.2 and §4.1.10/§4.1.11
//! (`setLocalDescription`, `setRemoteDescription`): which descriptions may be set in which
//! state, with rollback (§4.1.8.2) and glare made visible.

use core::fmt;

/// What a description is (RFC 9429 §4.1.10: `RTCSdpType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SdpType {
    /// An offer (RFC 3264).
    Offer,
    /// A provisional answer: the offer/answer exchange is not final yet.
    Pranswer,
    /// The final answer.
    Answer,
    /// Back to the last stable state (RFC 9429 §4.1.8.2); carries no description.
    Rollback,
}

impl SdpType {
    /// The W3C name (`"offer"`, `"pranswer"`, `"answer"`, `"rollback"`).
    ///
    /// ```
    /// use floe_offer_answer::SdpType;
    /// assert_eq!(SdpType::Pranswer.as_str(), "pranswer");
    /// assert_eq!(SdpType::parse("answer"), Some(SdpType::Answer));
    /// ```
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Offer => "offer",
            Self::Pranswer => "pranswer",
            Self::Answer => "answer",
            Self::Rollback => "rollback",
        }
    }

    /// The type named by its W3C name, if any.
    #[must_use]
    pub fn parse(name: &str) -> Option<Self> {
        [Self::Offer, Self::Pranswer, Self::Answer, Self::Rollback]
            .into_iter()
            .find(|t| t.as_str() == name)
    }
}

impl fmt::Display for SdpType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The signaling state (RFC 9429 §3.2, W3C `RTCSignalingState`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum SignalingState {
    /// No offer/answer exchange in progress.
    #[default]
    Stable,
    /// A local offer was set; waiting for the remote answer.
    HaveLocalOffer,
    /// A remote offer was set; the local answer is due.
    HaveRemoteOffer,
    /// A remote offer and a local provisional answer were set.
    HaveLocalPranswer,
    /// A local offer and a remote provisional answer were set.
    HaveRemotePranswer,
    /// The session was closed; nothing may be set any more.
    Closed,
}

impl SignalingState {
    /// The W3C name (`"stable"`, `"have-local-offer"`, ...).
    ///
    /// ```
    /// use floe_offer_answer::SignalingState;
    /// assert_eq!(SignalingState::HaveRemotePranswer.as_str(), "have-remote-pranswer");
    /// ```
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Stable => "stable",
            Self::HaveLocalOffer => "have-local-offer",
            Self::HaveRemoteOffer => "have-remote-offer",
            Self::HaveLocalPranswer => "have-local-pranswer",
            Self::HaveRemotePranswer => "have-remote-pranswer",
            Self::Closed => "closed",
        }
    }
}

impl fmt::Display for SignalingState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which side set a description.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Side {
    /// `setLocalDescription`.
    Local,
    /// `setRemoteDescription`.
    Remote,
}

impl fmt::Display for Side {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Local => "local",
            Self::Remote => "remote",
        })
    }
}

/// A description that may not be set in the current state (RFC 9429 §4.1.10/§4.1.11: the
/// `InvalidStateError` of the W3C API).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SignalingError {
    /// Glare: a remote offer arrived while a local offer is pending (or the reverse). Resolve
    /// it by rolling the local offer back (the "polite" side of perfect negotiation) or by
    /// ignoring the remote one.
    #[error("glare: a {side} offer in state {state}: roll back the pending offer first")]
    Glare {
        /// The side of the offer that collided.
        side: Side,
        /// The state it arrived in.
        state: SignalingState,
    },
    /// Any other transition the state does not allow.
    #[error("a {side} {kind} is not allowed in state {state}")]
    InvalidTransition {
        /// The side that set it.
        side: Side,
        /// What was set.
        kind: SdpType,
        /// The state it arrived in.
        state: SignalingState,
    },
}

/// The signaling state machine: feed it every description set, read the state.
///
/// ```
/// use floe_offer_answer::{SdpType, Side, Signaling, SignalingError, SignalingState};
///
/// let mut caller = Signaling::new();
/// caller.set(Side::Local, SdpType::Offer)?;
/// assert_eq!(caller.state(), SignalingState::HaveLocalOffer);
/// // The callee offered too: glare.
/// let glare = caller.set(Side::Remote, SdpType::Offer).unwrap_err();
/// assert!(matches!(glare, SignalingError::Glare { .. }));
/// // The polite side rolls its offer back and takes the other one.
/// caller.set(Side::Local, SdpType::Rollback)?;
/// caller.set(Side::Remote, SdpType::Offer)?;
/// caller.set(Side::Local, SdpType::Answer)?;
/// assert_eq!(caller.state(), SignalingState::Stable);
/// # Ok::<(), SignalingError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Signaling {
    state: SignalingState,
}

impl Signaling {
    /// A machine in [`SignalingState::Stable`].
    #[must_use]
    pub const fn new() -> Self {
        Self {
            state: SignalingState::Stable,
        }
    }

    /// The current state.
    #[must_use]
    pub const fn state(&self) -> SignalingState {
        self.state
    }

    /// The state `set(side, kind)` would move to, without moving.
    ///
    /// # Errors
    /// As [`set`](Self::set).
    pub const fn next(&self, side: Side, kind: SdpType) -> Result<SignalingState, SignalingError> {
        use SdpType::{Answer, Offer, Pranswer, Rollback};
        use Side::{Local, Remote};
        use SignalingState::{
            Closed, HaveLocalOffer, HaveLocalPranswer, HaveRemoteOffer, HaveRemotePranswer, Stable,
        };
        let next = match (self.state, side, kind) {
            (Closed, ..) => None,
            // RFC 9429 §4.1.8.2: rollback from any state but stable (a no-op there in the
            // W3C API, which this machine follows).
            (_, _, Rollback) => Some(Stable),
            (Stable, Local, Offer) | (HaveLocalOffer, Local, Offer) => Some(HaveLocalOffer),
            (Stable, Remote, Offer) | (HaveRemoteOffer, Remote, Offer) => Some(HaveRemoteOffer),
            (HaveRemoteOffer | HaveLocalPranswer, Local, Pranswer) => Some(HaveLocalPranswer),
            (HaveRemoteOffer | HaveLocalPranswer, Local, Answer) => Some(Stable),
            (HaveLocalOffer | HaveRemotePranswer, Remote, Pranswer) => Some(HaveRemotePranswer),
            (HaveLocalOffer | HaveRemotePranswer, Remote, Answer) => Some(Stable),
            _ => None,
        };
        match next {
            Some(state) => Ok(state),
            None => Err(match (self.state, side, kind) {
                (HaveLocalOffer | HaveRemotePranswer, Remote, Offer)
                | (HaveRemoteOffer | HaveLocalPranswer, Local, Offer) => SignalingError::Glare {
                    side,
                    state: self.state,
                },
                _ => SignalingError::InvalidTransition {
                    side,
                    kind,
                    state: self.state,
                },
            }),
        }
    }

    /// Sets a description of `kind` on `side`; the new state.
    ///
    /// # Errors
    /// [`SignalingError::Glare`] for an offer while the other side's offer is pending;
    /// [`SignalingError::InvalidTransition`] for any other transition the state does not
    /// allow (an answer with no offer pending, anything once closed). The state is unchanged
    /// on error.
    pub fn set(&mut self, side: Side, kind: SdpType) -> Result<SignalingState, SignalingError> {
        self.state = self.next(side, kind)?;
        Ok(self.state)
    }

    /// Closes the machine: every later [`set`](Self::set) fails.
    pub fn close(&mut self) {
        self.state = SignalingState::Closed;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use SdpType::{Answer, Offer, Pranswer, Rollback};
    use Side::{Local, Remote};
    use SignalingState::*;

    const STATES: [SignalingState; 6] = [
        Stable,
        HaveLocalOffer,
        HaveRemoteOffer,
        HaveLocalPranswer,
        HaveRemotePranswer,
        Closed,
    ];

    /// Every (state, side, kind) against the JSEP §3.2 diagram, written out as a table.
    #[test]
    fn every_transition_against_the_diagram() {
        let allowed = [
            (Stable, Local, Offer, HaveLocalOffer),
            (Stable, Remote, Offer, HaveRemoteOffer),
            (HaveLocalOffer, Local, Offer, HaveLocalOffer),
            (HaveLocalOffer, Remote, Pranswer, HaveRemotePranswer),
            (HaveLocalOffer, Remote, Answer, Stable),
            (HaveRemotePranswer, Remote, Pranswer, HaveRemotePranswer),
            (HaveRemotePranswer, Remote, Answer, Stable),
            (HaveRemoteOffer, Remote, Offer, HaveRemoteOffer),
            (HaveRemoteOffer, Local, Pranswer, HaveLocalPranswer),
            (HaveRemoteOffer, Local, Answer, Stable),
            (HaveLocalPranswer, Local, Pranswer, HaveLocalPranswer),
            (HaveLocalPranswer, Local, Answer, Stable),
        ];
        let mut checked = 0;
        for state in STATES {
            for side in [Local, Remote] {
                for kind in [Offer, Pranswer, Answer, Rollback] {
                    let machine = Signaling { state };
                    let expected = if kind == Rollback && state != Closed {
                        Some(Stable)
                    } else {
                        allowed
                            .iter()
                            .find(|(s, d, k, _)| (*s, *d, *k) == (state, side, kind))
                            .map(|t| t.3)
                    };
                    let got = machine.next(side, kind);
                    assert_eq!(got.ok(), expected, "{state} {side} {kind}");
                    if expected.is_none() {
                        // Refused: the machine did not move.
                        let mut m = machine;
                        assert!(m.set(side, kind).is_err());
                        assert_eq!(m.state(), state);
                    }
                    checked += 1;
                }
            }
        }
        assert_eq!(checked, 48);
    }

    #[test]
    fn glare_is_named_both_ways() {
        for (state, side) in [
            (HaveLocalOffer, Remote),
            (HaveRemotePranswer, Remote),
            (HaveRemoteOffer, Local),
            (HaveLocalPranswer, Local),
        ] {
            assert_eq!(
                Signaling { state }.next(side, Offer),
                Err(SignalingError::Glare { side, state })
            );
        }
        // An answer with nothing pending is not glare.
        assert!(matches!(
            Signaling::new().next(Remote, Answer),
            Err(SignalingError::InvalidTransition { .. })
        ));
    }

    #[test]
    fn closed_refuses_everything() {
        let mut m = Signaling::new();
        m.close();
        for kind in [Offer, Pranswer, Answer, Rollback] {
            assert!(m.set(Local, kind).is_err());
            assert!(m.set(Remote, kind).is_err());
        }
        assert_eq!(m.state().to_string(), "closed");
    }
}
