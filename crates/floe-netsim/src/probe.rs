//! Small STUN helpers for tests that ask the built-in STUN server for their mapped address.

use core::net::SocketAddr;

use floe_stun::attributes::XorMappedAddress;
use floe_stun::net::Bytes;
use floe_stun::{Class, Message, MessageBuilder, MessageType, Method, TransactionId};

/// A Binding request (RFC 8489 §6.1) with this transaction id and FINGERPRINT.
///
/// ```
/// let req = floe_netsim::probe::binding_request([7; 12]);
/// assert!(floe_stun::Message::parse(&req).is_ok());
/// ```
#[must_use]
pub fn binding_request(transaction_id: [u8; 12]) -> Bytes {
    let mut buf = Vec::new();
    let typ = MessageType::new(Method::BINDING, Class::Request);
    MessageBuilder::new(&mut buf, typ, TransactionId::from_bytes(transaction_id))
        .fingerprint()
        .expect("an empty Binding request fits");
    Bytes::from(buf)
}

/// The XOR-MAPPED-ADDRESS of a Binding success response, or `None` for anything else.
#[must_use]
pub fn mapped_address(datagram: &[u8]) -> Option<SocketAddr> {
    let msg = Message::parse(datagram).ok()?;
    if msg.method() != Method::BINDING || msg.class() != Class::Success {
        return None;
    }
    let XorMappedAddress(addr) = msg.get::<XorMappedAddress>().ok()??;
    Some(addr)
}
