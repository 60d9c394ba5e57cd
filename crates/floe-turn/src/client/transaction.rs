//! What each outstanding request was for. Retransmission and timeouts are floe-stun's
//! [`floe_stun::transaction::ClientTransactions`] (RFC 8489 §6.2); this side table keeps the
//! TURN meaning of each transaction id.

use core::net::{IpAddr, SocketAddr};

use crate::wire::Integrity;

/// What a request was for, so its response can be applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Purpose {
    Allocate,
    Refresh { lifetime: Option<u32> },
    CreatePermission { peers: Vec<IpAddr> },
    ChannelBind { number: u16, peer: SocketAddr },
    Connect { peer: SocketAddr },
}

/// One outstanding request.
#[derive(Debug, Clone)]
pub(super) struct Outstanding {
    pub(super) purpose: Purpose,
    /// How many times this request was re-sent after 401/438 (bounded).
    pub(super) auth_retries: u8,
    /// The integrity attribute the request carried, if it was signed; its response must
    /// carry the same kind (RFC 8489 §9.2.5).
    pub(super) integrity: Option<Integrity>,
}

impl Outstanding {
    /// Whether the request carried MESSAGE-INTEGRITY(-SHA256).
    pub(super) fn signed(&self) -> bool {
        self.integrity.is_some()
    }
}
