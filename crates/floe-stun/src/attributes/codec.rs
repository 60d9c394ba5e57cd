//! Shared value codecs: addresses (plain and XOR'd), bounded UTF-8 text, fixed-size integers,
//! and the macros that declare attributes of those shapes.

use core::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use crate::error::AttributeError;
use crate::header::MAGIC_COOKIE;
use crate::message::RawAttribute;
use crate::registry::{AddressFamily, ErrorCode};
use crate::transaction_id::TransactionId;

/// Decodes a (XOR-)MAPPED-ADDRESS-style value (RFC 8489 §14.1, §14.2). `xor` carries the
/// transaction id for the XOR'd forms.
pub(crate) fn decode_address(
    raw: &RawAttribute<'_>,
    xor: Option<&TransactionId>,
) -> Result<SocketAddr, AttributeError> {
    let v = raw.value;
    if v.len() < 4 {
        return Err(raw.invalid_length());
    }
    let family = AddressFamily(v[1]);
    let mut port = u16::from_be_bytes([v[2], v[3]]);
    let mut mask = [0u8; 16];
    if let Some(tid) = xor {
        port ^= (MAGIC_COOKIE >> 16) as u16;
        mask[..4].copy_from_slice(&MAGIC_COOKIE.to_be_bytes());
        mask[4..].copy_from_slice(tid.as_bytes());
    }
    let ip = match (family, &v[4..]) {
        (AddressFamily::IPV4, &[a, b, c, d]) => IpAddr::V4(Ipv4Addr::new(
            a ^ mask[0],
            b ^ mask[1],
            c ^ mask[2],
            d ^ mask[3],
        )),
        (AddressFamily::IPV6, rest) if rest.len() == 16 => {
            let mut octets = [0u8; 16];
            for (o, (r, m)) in octets.iter_mut().zip(rest.iter().zip(mask)) {
                *o = r ^ m;
            }
            IpAddr::V6(Ipv6Addr::from(octets))
        }
        (AddressFamily::IPV4 | AddressFamily::IPV6, _) => return Err(raw.invalid_length()),
        (AddressFamily(family), _) => {
            return Err(AttributeError::UnknownAddressFamily {
                typ: raw.typ,
                offset: raw.value_offset() + 1,
                family,
            });
        }
    };
    Ok(SocketAddr::new(ip, port))
}

/// Encoded length of an address value.
pub(crate) const fn address_len(addr: &SocketAddr) -> usize {
    match addr {
        SocketAddr::V4(_) => 8,
        SocketAddr::V6(_) => 20,
    }
}

/// Encodes an address value into `out` (exactly [`address_len`] bytes).
pub(crate) fn encode_address(addr: &SocketAddr, xor: Option<&TransactionId>, out: &mut [u8]) {
    let mut mask = [0u8; 16];
    let mut port = addr.port();
    if let Some(tid) = xor {
        port ^= (MAGIC_COOKIE >> 16) as u16;
        mask[..4].copy_from_slice(&MAGIC_COOKIE.to_be_bytes());
        mask[4..].copy_from_slice(tid.as_bytes());
    }
    out[0] = 0;
    out[2..4].copy_from_slice(&port.to_be_bytes());
    match addr.ip() {
        IpAddr::V4(ip) => {
            out[1] = AddressFamily::IPV4.0;
            for (o, (b, m)) in out[4..8].iter_mut().zip(ip.octets().iter().zip(mask)) {
                *o = b ^ m;
            }
        }
        IpAddr::V6(ip) => {
            out[1] = AddressFamily::IPV6.0;
            for (o, (b, m)) in out[4..20].iter_mut().zip(ip.octets().iter().zip(mask)) {
                *o = b ^ m;
            }
        }
    }
}

/// Decodes UTF-8 text of at most `max` bytes.
pub(crate) fn decode_text<'a>(
    raw: &RawAttribute<'a>,
    max: usize,
) -> Result<&'a str, AttributeError> {
    if raw.value.len() > max {
        return Err(raw.invalid_length());
    }
    core::str::from_utf8(raw.value).map_err(|e| AttributeError::InvalidUtf8 {
        typ: raw.typ,
        offset: raw.value_offset() + e.valid_up_to(),
    })
}

/// Decodes the class/number pair at `v[2..4]` of an ERROR-CODE-shaped value and the reason
/// phrase after it (RFC 8489 §14.8, RFC 8656 §18.12).
pub(crate) fn decode_error_code<'a>(
    raw: &RawAttribute<'a>,
) -> Result<(ErrorCode, &'a str), AttributeError> {
    let v = raw.value;
    if v.len() < 4 || v.len() > 4 + 763 {
        return Err(raw.invalid_length());
    }
    let class = u16::from(v[2] & 0x07);
    let number = u16::from(v[3]);
    if !(3..=6).contains(&class) || number > 99 {
        return Err(AttributeError::OutOfRange {
            typ: raw.typ,
            offset: raw.value_offset() + 2,
        });
    }
    let reason = RawAttribute {
        value: &v[4..],
        offset: raw.offset + 4,
        ..*raw
    };
    Ok((ErrorCode(class * 100 + number), decode_text(&reason, 763)?))
}

/// Writes class, number and reason of an ERROR-CODE-shaped value; `out[..2]` is left to the
/// caller.
pub(crate) fn encode_error_code(code: ErrorCode, reason: &str, out: &mut [u8]) {
    out[2] = (code.0 / 100) as u8 & 0x07;
    out[3] = (code.0 % 100) as u8;
    out[4..].copy_from_slice(reason.as_bytes());
}

/// The value as a fixed-size array.
pub(crate) fn fixed<const N: usize>(raw: &RawAttribute<'_>) -> Result<[u8; N], AttributeError> {
    raw.value.try_into().map_err(|_| raw.invalid_length())
}

/// Declares an address attribute: `$name(pub SocketAddr)`, XOR'd when `$xor` is true.
macro_rules! address_attribute {
    ($(#[$meta:meta])* $name:ident, $typ:ident, xor = $xor:literal) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub struct $name(pub core::net::SocketAddr);

        impl<'a> $crate::attributes::Attribute<'a> for $name {
            const TYPE: $crate::AttributeType = $crate::AttributeType::$typ;

            fn decode(
                raw: $crate::RawAttribute<'a>,
                tid: &$crate::TransactionId,
            ) -> Result<Self, $crate::AttributeError> {
                $crate::attributes::codec::decode_address(&raw, $xor.then_some(tid)).map(Self)
            }

            fn encoded_len(&self) -> usize {
                $crate::attributes::codec::address_len(&self.0)
            }

            fn encode(&self, tid: &$crate::TransactionId, out: &mut [u8]) {
                $crate::attributes::codec::encode_address(&self.0, $xor.then_some(tid), out);
            }
        }
    };
}
pub(crate) use address_attribute;

/// Declares a UTF-8 text attribute `$name<'a>(pub &'a str)` of at most `$max` bytes.
macro_rules! text_attribute {
    ($(#[$meta:meta])* $name:ident, $typ:ident, max = $max:expr, example = $example:literal) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub struct $name<'a>(pub &'a str);

        impl $name<'_> {
            /// Largest value length accepted, in bytes.
            pub const MAX_LEN: usize = $max;
        }

        impl<'a> $crate::attributes::Attribute<'a> for $name<'a> {
            const TYPE: $crate::AttributeType = $crate::AttributeType::$typ;

            fn decode(
                raw: $crate::RawAttribute<'a>,
                _tid: &$crate::TransactionId,
            ) -> Result<Self, $crate::AttributeError> {
                $crate::attributes::codec::decode_text(&raw, Self::MAX_LEN).map(Self)
            }

            fn encoded_len(&self) -> usize {
                self.0.len()
            }

            fn encode(&self, _tid: &$crate::TransactionId, out: &mut [u8]) {
                out.copy_from_slice(self.0.as_bytes());
            }
        }

        #[cfg(test)]
        mod generated_tests {
            use super::$name;
            use $crate::attributes::Attribute;
            use $crate::{AttributeError, RawAttribute, TransactionId};

            #[test]
            fn round_trips_and_rejects_bad_utf8() {
                let mut buf = alloc::vec::Vec::new();
                let value = $name($example);
                assert_eq!($crate::attributes::codec::round_trip(&value, &mut buf), value);
                let typ = $name::TYPE;
                let raw = RawAttribute { typ, value: b"ab\xff", offset: 20, ignored: false };
                let err = $name::decode(raw, &TransactionId::default()).unwrap_err();
                assert_eq!(err, AttributeError::InvalidUtf8 { typ, offset: 26 });
                let long = [b'a'; $max + 1];
                let raw = RawAttribute { value: &long, ..raw };
                assert_eq!($name::decode(raw, &TransactionId::default()), Err(raw.invalid_length()));
            }
        }
    };
}
pub(crate) use text_attribute;

/// Declares an integer attribute `$name(pub $int)` stored big-endian in its full width.
macro_rules! int_attribute {
    ($(#[$meta:meta])* $name:ident($int:ty), $typ:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub $int);

        impl<'a> $crate::attributes::Attribute<'a> for $name {
            const TYPE: $crate::AttributeType = $crate::AttributeType::$typ;

            fn decode(
                raw: $crate::RawAttribute<'a>,
                _tid: &$crate::TransactionId,
            ) -> Result<Self, $crate::AttributeError> {
                $crate::attributes::codec::fixed(&raw).map(|b| Self(<$int>::from_be_bytes(b)))
            }

            fn encoded_len(&self) -> usize {
                core::mem::size_of::<$int>()
            }

            fn encode(&self, _tid: &$crate::TransactionId, out: &mut [u8]) {
                out.copy_from_slice(&self.0.to_be_bytes());
            }
        }
    };
}
pub(crate) use int_attribute;

/// Declares an attribute with an empty value (a flag).
macro_rules! flag_attribute {
    ($(#[$meta:meta])* $name:ident, $typ:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
        pub struct $name;

        impl<'a> $crate::attributes::Attribute<'a> for $name {
            const TYPE: $crate::AttributeType = $crate::AttributeType::$typ;

            fn decode(
                raw: $crate::RawAttribute<'a>,
                _tid: &$crate::TransactionId,
            ) -> Result<Self, $crate::AttributeError> {
                if raw.value.is_empty() { Ok(Self) } else { Err(raw.invalid_length()) }
            }

            fn encoded_len(&self) -> usize {
                0
            }

            fn encode(&self, _tid: &$crate::TransactionId, _out: &mut [u8]) {}
        }

        #[cfg(test)]
        mod generated_tests {
            #[test]
            fn must_be_empty() {
                $crate::attributes::codec::check_round_trip(&super::$name, &[0; 4]);
            }
        }
    };
}
pub(crate) use flag_attribute;

/// Declares an opaque byte attribute `$name<'a>(pub &'a [u8])`.
macro_rules! bytes_attribute {
    ($(#[$meta:meta])* $name:ident, $typ:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub struct $name<'a>(pub &'a [u8]);

        impl<'a> $crate::attributes::Attribute<'a> for $name<'a> {
            const TYPE: $crate::AttributeType = $crate::AttributeType::$typ;

            fn decode(
                raw: $crate::RawAttribute<'a>,
                _tid: &$crate::TransactionId,
            ) -> Result<Self, $crate::AttributeError> {
                Ok(Self(raw.value))
            }

            fn encoded_len(&self) -> usize {
                self.0.len()
            }

            fn encode(&self, _tid: &$crate::TransactionId, out: &mut [u8]) {
                out.copy_from_slice(self.0);
            }
        }

        #[cfg(test)]
        mod generated_tests {
            #[test]
            fn round_trips() {
                let mut buf = alloc::vec::Vec::new();
                let payload = [1u8, 2, 3, 4, 5];
                let value = super::$name(&payload);
                assert_eq!($crate::attributes::codec::round_trip(&value, &mut buf), value);
            }
        }
    };
}
pub(crate) use bytes_attribute;

/// Declares a fixed-size opaque attribute `$name(pub [u8; $len])`.
macro_rules! array_attribute {
    ($(#[$meta:meta])* $name:ident, $typ:ident, $len:literal) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub struct $name(pub [u8; $len]);

        impl<'a> $crate::attributes::Attribute<'a> for $name {
            const TYPE: $crate::AttributeType = $crate::AttributeType::$typ;

            fn decode(
                raw: $crate::RawAttribute<'a>,
                _tid: &$crate::TransactionId,
            ) -> Result<Self, $crate::AttributeError> {
                $crate::attributes::codec::fixed(&raw).map(Self)
            }

            fn encoded_len(&self) -> usize {
                $len
            }

            fn encode(&self, _tid: &$crate::TransactionId, out: &mut [u8]) {
                out.copy_from_slice(&self.0);
            }
        }

        #[cfg(test)]
        mod generated_tests {
            #[test]
            fn round_trips_and_checks_length() {
                $crate::attributes::codec::check_round_trip(&super::$name([7; $len]), &[0; 3]);
            }
        }
    };
}
pub(crate) use array_attribute;

/// Declares an address-family attribute `$name(pub AddressFamily)`: one family byte and 24
/// reserved bits.
macro_rules! family_attribute {
    ($(#[$meta:meta])* $name:ident, $typ:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub struct $name(pub $crate::AddressFamily);

        impl<'a> $crate::attributes::Attribute<'a> for $name {
            const TYPE: $crate::AttributeType = $crate::AttributeType::$typ;

            fn decode(
                raw: $crate::RawAttribute<'a>,
                _tid: &$crate::TransactionId,
            ) -> Result<Self, $crate::AttributeError> {
                $crate::attributes::codec::fixed::<4>(&raw).map(|b| Self($crate::AddressFamily(b[0])))
            }

            fn encoded_len(&self) -> usize {
                4
            }

            fn encode(&self, _tid: &$crate::TransactionId, out: &mut [u8]) {
                out[0] = self.0.0;
                out[1..].fill(0);
            }
        }
    };
}
pub(crate) use family_attribute;

/// Test helper: encodes `attr`, decodes it back, and returns (decoded, value bytes).
#[cfg(test)]
pub(crate) fn round_trip<'a, A>(attr: &A, buf: &'a mut alloc::vec::Vec<u8>) -> A
where
    A: super::Attribute<'a>,
{
    let tid = TransactionId::from_bytes(*b"\xb7\xe7\xa7\x01\xbc\x34\xd6\x86\xfa\x87\xdf\xae");
    buf.clear();
    buf.resize(attr.encoded_len(), 0xa5);
    attr.encode(&tid, buf);
    let raw = RawAttribute {
        typ: A::TYPE,
        value: buf,
        offset: 20,
        ignored: false,
    };
    A::decode(raw, &tid).expect("round trip decodes")
}

/// Test helper: the value round-trips, and a value of the wrong length is rejected with
/// [`AttributeError::InvalidLength`].
#[cfg(test)]
pub(crate) fn check_round_trip<A>(attr: &A, wrong_len: &'static [u8])
where
    A: for<'a> super::Attribute<'a> + PartialEq + core::fmt::Debug,
{
    let mut buf = alloc::vec::Vec::new();
    assert_eq!(&round_trip(attr, &mut buf), attr);
    let raw = RawAttribute {
        typ: A::TYPE,
        value: wrong_len,
        offset: 20,
        ignored: false,
    };
    assert_eq!(
        A::decode(raw, &TransactionId::default()),
        Err(raw.invalid_length())
    );
}
