//! [`AnyAttribute`]: every attribute this crate knows, decoded by its type, for tools that walk
//! a whole message (dumps, round trips, fuzzing).

use super::*;
use crate::error::AttributeError;
use crate::message::RawAttribute;
use crate::registry::AttributeType;
use crate::transaction_id::TransactionId;

/// Declares [`AnyAttribute`] over the typed attributes.
macro_rules! any_attribute {
    ($( $variant:ident($ty:ty), )*) => {
        /// Any attribute: a typed value when this crate knows the type, else the raw value.
        ///
        /// ```
        /// use floe_stun::attributes::{AnyAttribute, Priority};
        /// use floe_stun::{AttributeType, RawAttribute, TransactionId};
        /// let raw = RawAttribute { typ: AttributeType::PRIORITY, value: &[0, 0, 0, 7],
        ///                          offset: 20, ignored: false };
        /// let any = AnyAttribute::decode(raw, &TransactionId::default()).unwrap();
        /// assert_eq!(any, AnyAttribute::Priority(Priority(7)));
        /// assert_eq!(any.attribute_type(), AttributeType::PRIORITY);
        /// ```
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        #[non_exhaustive]
        pub enum AnyAttribute<'a> {
            $(
                #[doc = concat!("The typed `", stringify!($ty), "` attribute.")]
                $variant($ty),
            )*
            /// A type this crate does not decode: kept as is.
            Other {
                /// The type.
                typ: AttributeType,
                /// The value, without padding.
                value: &'a [u8],
            },
        }

        impl<'a> AnyAttribute<'a> {
            /// Decodes `raw` with the typed decoder of its type, if any.
            ///
            /// # Errors
            /// The typed decoder's [`AttributeError`].
            pub fn decode(raw: RawAttribute<'a>, tid: &TransactionId) -> Result<Self, AttributeError> {
                Ok(match raw.typ {
                    $( <$ty as Attribute<'a>>::TYPE => Self::$variant(<$ty>::decode(raw, tid)?), )*
                    typ => Self::Other { typ, value: raw.value },
                })
            }

            /// The attribute type.
            #[must_use]
            pub fn attribute_type(&self) -> AttributeType {
                match self {
                    $( Self::$variant(_) => <$ty as Attribute<'a>>::TYPE, )*
                    Self::Other { typ, .. } => *typ,
                }
            }

            /// Length of the encoded value.
            #[must_use]
            pub fn encoded_len(&self) -> usize {
                match self {
                    $( Self::$variant(a) => a.encoded_len(), )*
                    Self::Other { value, .. } => value.len(),
                }
            }

            /// Encodes the value into `out` (exactly [`encoded_len`](Self::encoded_len) bytes).
            pub fn encode(&self, tid: &TransactionId, out: &mut [u8]) {
                match self {
                    $( Self::$variant(a) => a.encode(tid, out), )*
                    Self::Other { value, .. } => out.copy_from_slice(value),
                }
            }
        }
    };
}

any_attribute! {
    MappedAddress(MappedAddress),
    XorMappedAddress(XorMappedAddress),
    Username(Username<'a>),
    Userhash(Userhash),
    MessageIntegrity(MessageIntegrity),
    MessageIntegritySha256(MessageIntegritySha256<'a>),
    Fingerprint(Fingerprint),
    ErrorCode(ErrorCodeAttribute<'a>),
    Realm(Realm<'a>),
    Nonce(Nonce<'a>),
    PasswordAlgorithms(PasswordAlgorithms<'a>),
    PasswordAlgorithm(PasswordAlgorithmAttribute<'a>),
    UnknownAttributes(UnknownAttributes<'a>),
    Software(Software<'a>),
    AlternateServer(AlternateServer),
    AlternateDomain(AlternateDomain<'a>),
    Priority(Priority),
    UseCandidate(UseCandidate),
    IceControlled(IceControlled),
    IceControlling(IceControlling),
    Nomination(Nomination),
    ChannelNumber(ChannelNumber),
    Lifetime(Lifetime),
    XorPeerAddress(XorPeerAddress),
    Data(Data<'a>),
    XorRelayedAddress(XorRelayedAddress),
    RequestedAddressFamily(RequestedAddressFamily),
    EvenPort(EvenPort),
    RequestedTransport(RequestedTransport),
    DontFragment(DontFragment),
    ReservationToken(ReservationToken),
    AdditionalAddressFamily(AdditionalAddressFamily),
    AddressErrorCode(AddressErrorCode<'a>),
    Icmp(Icmp),
    ConnectionId(ConnectionId),
    ChangeRequest(ChangeRequest),
    ResponseOrigin(ResponseOrigin),
    OtherAddress(OtherAddress),
    ResponsePort(ResponsePort),
    Padding(Padding<'a>),
    GoogNetworkInfo(GoogNetworkInfo),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_is_kept() {
        let raw = RawAttribute {
            typ: AttributeType(0x7777),
            value: b"xy",
            offset: 20,
            ignored: false,
        };
        let any = AnyAttribute::decode(raw, &TransactionId::default()).unwrap();
        assert_eq!(
            any,
            AnyAttribute::Other {
                typ: AttributeType(0x7777),
                value: b"xy"
            }
        );
        assert_eq!(any.encoded_len(), 2);
    }
}
