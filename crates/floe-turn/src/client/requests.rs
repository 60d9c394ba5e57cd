//! Building the client's requests (RFC 8656 §7.1, §7.3, §9.1, §12.1) with long-term
//! credentials (RFC 8489 §9.2.3).

use core::net::SocketAddr;
use std::time::Instant;

use floe_stun::attributes::{
    AdditionalAddressFamily, ChannelNumber, Data, Lifetime, Nonce, PasswordAlgorithmAttribute,
    Realm, RequestedAddressFamily, RequestedTransport, Username, XorPeerAddress,
};
use floe_stun::transaction::Request;
use floe_stun::{
    AddressFamily, AttributeType, Class, MessageBuilder, MessageType, Method, TransactionId,
};

use super::Client;
use super::transaction::{Outstanding, Purpose};
use crate::types::RelayTransport;
use crate::wire;

/// Appends a Send indication (RFC 8656 §10.1).
pub(super) fn encode_send_indication(
    peer: SocketAddr,
    data: &[u8],
    tid: TransactionId,
    out: &mut Vec<u8>,
) -> bool {
    let mut b = MessageBuilder::new(out, MessageType::new(Method::SEND, Class::Indication), tid);
    b.add(&XorPeerAddress(peer)).add(&Data(data));
    b.finish().is_ok()
}

impl Client {
    /// A fresh transaction id from the seeded CSPRNG.
    pub(super) fn new_tid(&mut self) -> TransactionId {
        TransactionId::random(&mut self.rng)
    }

    /// Sends a new request for `purpose` and tracks its transaction.
    pub(super) fn start(&mut self, now: Instant, purpose: Purpose, auth_retries: u8) {
        let tid = self.new_tid();
        let Some(bytes) = self.build_request(tid, &purpose) else {
            return;
        };
        let request = Request::new(tid, self.server).transport(self.config.transport);
        let outstanding = Outstanding {
            purpose,
            auth_retries,
            integrity: self.auth.as_ref().map(|a| a.integrity()),
        };
        // Ids come from a CSPRNG and the in-flight limit is far above what a client holds,
        // so starting cannot fail in practice; if it does, the request is simply not sent.
        let _ = self.transactions.start(now, request, bytes, outstanding);
    }

    fn build_request(&self, tid: TransactionId, purpose: &Purpose) -> Option<Vec<u8>> {
        let method = match purpose {
            Purpose::Allocate => Method::ALLOCATE,
            Purpose::Refresh { .. } => Method::REFRESH,
            Purpose::CreatePermission { .. } => Method::CREATE_PERMISSION,
            Purpose::ChannelBind { .. } => Method::CHANNEL_BIND,
            Purpose::Connect { .. } => Method::CONNECT,
        };
        let auth = self.auth.as_ref();
        let signer = auth.map(|a| (a.key.integrity_key(), a.integrity()));
        let mut buf = Vec::with_capacity(160);
        let ok = wire::build(
            &mut buf,
            method,
            Class::Request,
            tid,
            self.config.software.as_deref(),
            signer,
            self.config.fingerprint,
            |b| {
                match purpose {
                    Purpose::Allocate => {
                        b.add(&match self.config.relay_transport {
                            RelayTransport::Tcp => RequestedTransport::TCP,
                            _ => RequestedTransport::UDP,
                        });
                        if let Some(l) = self.requested_lifetime_secs() {
                            b.add(&Lifetime(l));
                        }
                        if self.config.dual_stack {
                            b.add(&AdditionalAddressFamily(AddressFamily::IPV6));
                        } else if let Some(f) = self.config.family {
                            b.add(&RequestedAddressFamily(f));
                        }
                    }
                    Purpose::Refresh { lifetime } => {
                        if let Some(l) = lifetime {
                            b.add(&Lifetime(*l));
                        }
                    }
                    Purpose::CreatePermission { peers } => {
                        for ip in peers {
                            // The port is ignored by the server (RFC 8656 §9.1).
                            b.add(&XorPeerAddress(SocketAddr::new(*ip, 0)));
                        }
                    }
                    Purpose::ChannelBind { number, peer } => {
                        b.add(&ChannelNumber(*number)).add(&XorPeerAddress(*peer));
                    }
                    Purpose::Connect { peer } => {
                        b.add(&XorPeerAddress(*peer));
                    }
                }
                if let Some(a) = auth {
                    b.add(&Username(&self.config.username))
                        .add(&Realm(&a.realm))
                        .add(&Nonce(&a.nonce));
                    if let Some(list) = &a.offered {
                        // Echoed verbatim (RFC 8489 §9.2.4).
                        b.add_raw(AttributeType::PASSWORD_ALGORITHMS, list)
                            .add(&PasswordAlgorithmAttribute::new(a.algorithm));
                    }
                }
            },
        );
        ok.then_some(buf)
    }
}
