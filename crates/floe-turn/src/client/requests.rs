//! Building the client's requests (RFC 8656 §7.1, §7.3, §9.1, §12.1) with long-term
//! credentials (RFC 8489 §9.2.3).

use core::net::SocketAddr;
use std::time::Instant;

use rand::Rng as _;

use super::Client;
use super::transaction::{Purpose, Transaction};
use crate::auth::PasswordAlgorithm;
use crate::wire::{Builder, Class, Integrity, attr, method};

/// REQUESTED-TRANSPORT for UDP: protocol 17 and three reserved bytes (RFC 8656 §18.7).
const REQUESTED_TRANSPORT_UDP: [u8; 4] = [17, 0, 0, 0];

/// Appends a Send indication (RFC 8656 §10.1).
pub(super) fn encode_send_indication(
    peer: SocketAddr,
    data: &[u8],
    tid: [u8; 12],
    out: &mut Vec<u8>,
) {
    let mut b = Builder::new(out, method::SEND, Class::Indication, tid);
    b.xor_addr(attr::XOR_PEER_ADDRESS, peer)
        .attr(attr::DATA, data);
    b.finish();
}

impl Client {
    /// A fresh transaction id from the seeded CSPRNG.
    pub(super) fn new_tid(&mut self) -> [u8; 12] {
        let mut tid = [0u8; 12];
        self.rng.fill_bytes(&mut tid);
        tid
    }

    /// Sends a new request for `purpose` and tracks its transaction.
    pub(super) fn start(&mut self, now: Instant, purpose: Purpose, auth_retries: u8) {
        let tid = self.new_tid();
        let bytes = self.build_request(tid, &purpose);
        let signed = self.auth.is_some();
        let timing = self.timing();
        let tx = Transaction::new(
            tid,
            purpose,
            bytes.clone(),
            now,
            timing,
            auth_retries,
            signed,
        );
        self.transactions.push(tx);
        self.emit(bytes);
    }

    fn build_request(&self, tid: [u8; 12], purpose: &Purpose) -> Vec<u8> {
        let method = match purpose {
            Purpose::Allocate => method::ALLOCATE,
            Purpose::Refresh { .. } => method::REFRESH,
            Purpose::CreatePermission { .. } => method::CREATE_PERMISSION,
            Purpose::ChannelBind { .. } => method::CHANNEL_BIND,
        };
        let mut buf = Vec::with_capacity(160);
        let mut b = Builder::new(&mut buf, method, Class::Request, tid);
        match purpose {
            Purpose::Allocate => {
                b.attr(attr::REQUESTED_TRANSPORT, &REQUESTED_TRANSPORT_UDP);
                if let Some(l) = self.requested_lifetime_secs() {
                    b.u32(attr::LIFETIME, l);
                }
                if self.config.dual_stack {
                    b.attr(
                        attr::ADDITIONAL_ADDRESS_FAMILY,
                        &crate::AddressFamily::V6.attr_value(),
                    );
                } else if let Some(f) = self.config.family {
                    b.attr(attr::REQUESTED_ADDRESS_FAMILY, &f.attr_value());
                }
            }
            Purpose::Refresh { lifetime } => {
                if let Some(l) = lifetime {
                    b.u32(attr::LIFETIME, *l);
                }
            }
            Purpose::CreatePermission { peers } => {
                for ip in peers {
                    // The port is ignored by the server (RFC 8656 §9.1).
                    b.xor_addr(attr::XOR_PEER_ADDRESS, SocketAddr::new(*ip, 0));
                }
            }
            Purpose::ChannelBind { number, peer } => {
                let mut v = [0u8; 4];
                v[..2].copy_from_slice(&number.to_be_bytes());
                b.attr(attr::CHANNEL_NUMBER, &v)
                    .xor_addr(attr::XOR_PEER_ADDRESS, *peer);
            }
        }
        if let Some(s) = &self.config.software {
            b.attr(attr::SOFTWARE, s.as_bytes());
        }
        if let Some(auth) = &self.auth {
            b.attr(attr::USERNAME, self.config.username.as_bytes())
                .attr(attr::REALM, auth.realm.as_bytes())
                .attr(attr::NONCE, auth.nonce.as_bytes());
            if let Some(list) = &auth.algorithms {
                let mut chosen = [0u8; 4];
                chosen[..2].copy_from_slice(&auth.algorithm.number().to_be_bytes());
                b.attr(attr::PASSWORD_ALGORITHMS, list)
                    .attr(attr::PASSWORD_ALGORITHM, &chosen);
            }
            let kind = match auth.algorithm {
                PasswordAlgorithm::Sha256 => Integrity::Sha256,
                _ => Integrity::Sha1,
            };
            b.integrity(&auth.key, kind);
        }
        if self.config.fingerprint {
            b.finish_fingerprint();
        } else {
            b.finish();
        }
        buf
    }
}
