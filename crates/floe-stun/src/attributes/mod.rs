//! Typed attributes: one type per attribute, each in its own file, all implementing
//! [`Attribute`].
//!
//! Decoding is zero-copy: text and opaque values borrow from the message. Every type decodes
//! from a [`RawAttribute`] and encodes into the exact-size slice the builder hands it.
//!
//! # Define your own attribute
//! ```
//! use floe_stun::attributes::Attribute;
//! use floe_stun::{AttributeError, AttributeType, Class, Message, MessageBuilder, MessageType,
//!                 Method, RawAttribute, TransactionId};
//!
//! /// A vendor attribute carrying a 16-bit level.
//! #[derive(Debug, PartialEq)]
//! struct Level(u16);
//!
//! impl<'a> Attribute<'a> for Level {
//!     const TYPE: AttributeType = AttributeType(0xC0FE);
//!     fn decode(raw: RawAttribute<'a>, _tid: &TransactionId) -> Result<Self, AttributeError> {
//!         match raw.value {
//!             &[a, b] => Ok(Level(u16::from_be_bytes([a, b]))),
//!             _ => Err(raw.invalid_length()),
//!         }
//!     }
//!     fn encoded_len(&self) -> usize { 2 }
//!     fn encode(&self, _tid: &TransactionId, out: &mut [u8]) {
//!         out.copy_from_slice(&self.0.to_be_bytes());
//!     }
//! }
//!
//! let mut buf = Vec::new();
//! let typ = MessageType::new(Method::BINDING, Class::Indication);
//! let mut b = MessageBuilder::new(&mut buf, typ, TransactionId::from_bytes([3; 12]));
//! b.add(&Level(7));
//! let bytes = b.finish().unwrap();
//! assert_eq!(Message::parse(bytes).unwrap().get::<Level>(), Ok(Some(Level(7))));
//! ```

use crate::error::AttributeError;
use crate::message::RawAttribute;
use crate::registry::AttributeType;
use crate::transaction_id::TransactionId;

mod any;
mod codec;

mod additional_address_family;
mod address_error_code;
mod alternate_domain;
mod alternate_server;
mod change_request;
mod channel_number;
mod connection_id;
mod data;
mod dont_fragment;
mod error_code;
mod even_port;
mod fingerprint;
mod goog_network_info;
mod ice_controlled;
mod ice_controlling;
mod icmp;
mod lifetime;
mod mapped_address;
mod message_integrity;
mod message_integrity_sha256;
mod nomination;
mod nonce;
mod other_address;
mod padding;
mod password_algorithm;
mod password_algorithms;
mod priority;
mod realm;
mod requested_address_family;
mod requested_transport;
mod reservation_token;
mod response_origin;
mod response_port;
mod software;
mod unknown_attributes;
mod use_candidate;
mod userhash;
mod username;
mod xor_mapped_address;
mod xor_peer_address;
mod xor_relayed_address;

pub use additional_address_family::AdditionalAddressFamily;
pub use address_error_code::AddressErrorCode;
pub use alternate_domain::AlternateDomain;
pub use alternate_server::AlternateServer;
pub use any::AnyAttribute;
pub use change_request::ChangeRequest;
pub use channel_number::ChannelNumber;
pub use connection_id::ConnectionId;
pub use data::Data;
pub use dont_fragment::DontFragment;
pub use error_code::ErrorCodeAttribute;
pub use even_port::EvenPort;
pub use fingerprint::Fingerprint;
pub use goog_network_info::GoogNetworkInfo;
pub use ice_controlled::IceControlled;
pub use ice_controlling::IceControlling;
pub use icmp::Icmp;
pub use lifetime::Lifetime;
pub use mapped_address::MappedAddress;
pub use message_integrity::MessageIntegrity;
pub use message_integrity_sha256::MessageIntegritySha256;
pub use nomination::Nomination;
pub use nonce::Nonce;
pub use other_address::OtherAddress;
pub use padding::Padding;
pub use password_algorithm::PasswordAlgorithmAttribute;
pub use password_algorithms::{PasswordAlgorithmIter, PasswordAlgorithms};
pub use priority::Priority;
pub use realm::Realm;
pub use requested_address_family::RequestedAddressFamily;
pub use requested_transport::RequestedTransport;
pub use reservation_token::ReservationToken;
pub use response_origin::ResponseOrigin;
pub use response_port::ResponsePort;
pub use software::Software;
pub use unknown_attributes::UnknownAttributes;
pub use use_candidate::UseCandidate;
pub use userhash::Userhash;
pub use username::Username;
pub use xor_mapped_address::XorMappedAddress;
pub use xor_peer_address::XorPeerAddress;
pub use xor_relayed_address::XorRelayedAddress;

/// A typed STUN attribute: its wire type, how to decode it from a [`RawAttribute`] and how to
/// encode its value. Implement it for your own attributes (see the module example).
pub trait Attribute<'a>: Sized {
    /// The attribute type on the wire.
    const TYPE: AttributeType;

    /// Decodes the value. `tid` is the message's transaction id (the XOR address attributes
    /// need it).
    ///
    /// # Errors
    /// An [`AttributeError`] when the value is malformed; never panics.
    fn decode(raw: RawAttribute<'a>, tid: &TransactionId) -> Result<Self, AttributeError>;

    /// Length of the encoded value in bytes, without padding.
    fn encoded_len(&self) -> usize;

    /// Writes the value into `out`, which is exactly [`encoded_len`](Self::encoded_len) bytes.
    fn encode(&self, tid: &TransactionId, out: &mut [u8]);
}
