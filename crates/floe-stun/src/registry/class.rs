//! Message classes and the message type field that interleaves class and method
//! (RFC 8489 §5).

use super::Method;

/// The class of a STUN message: two bits of the message type (RFC 8489 §5).
///
/// ```
/// use floe_stun::Class;
/// assert_eq!(Class::from_bits(0b10), Class::Success);
/// assert_eq!(Class::Error.name(), "error");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[allow(
    clippy::exhaustive_enums,
    reason = "two bits on the wire: exactly four classes"
)]
pub enum Class {
    /// Request (0b00).
    Request,
    /// Indication (0b01).
    Indication,
    /// Success response (0b10).
    Success,
    /// Error response (0b11).
    Error,
}

impl Class {
    /// The class from its two bits (C1 C0); higher bits are ignored.
    #[must_use]
    pub const fn from_bits(bits: u8) -> Self {
        match bits & 0b11 {
            0b00 => Self::Request,
            0b01 => Self::Indication,
            0b10 => Self::Success,
            _ => Self::Error,
        }
    }

    /// The two bits (C1 C0).
    #[must_use]
    pub const fn bits(self) -> u8 {
        match self {
            Self::Request => 0b00,
            Self::Indication => 0b01,
            Self::Success => 0b10,
            Self::Error => 0b11,
        }
    }

    /// Lowercase name: "request", "indication", "success" or "error".
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::Request => "request",
            Self::Indication => "indication",
            Self::Success => "success",
            Self::Error => "error",
        }
    }

    /// Whether this is a success or error response.
    #[must_use]
    pub const fn is_response(self) -> bool {
        matches!(self, Self::Success | Self::Error)
    }
}

/// The 14-bit message type: method and class interleaved as
/// `M11..M7 C1 M6..M4 C0 M3..M0` (RFC 8489 §5, figure 3).
///
/// ```
/// use floe_stun::{Class, MessageType, Method};
/// let t = MessageType::new(Method::BINDING, Class::Success);
/// assert_eq!(t.to_u16(), 0x0101);
/// assert_eq!(MessageType::from_u16(0x0113), MessageType::new(Method::ALLOCATE, Class::Error));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MessageType {
    /// The method.
    pub method: Method,
    /// The class.
    pub class: Class,
}

impl MessageType {
    /// A message type from its parts. Method bits above the 12th are dropped on the wire.
    #[must_use]
    pub const fn new(method: Method, class: Class) -> Self {
        Self { method, class }
    }

    /// Splits the 16-bit type field (the two top bits are ignored).
    #[must_use]
    pub const fn from_u16(value: u16) -> Self {
        let m = (value & 0x000F) | ((value & 0x00E0) >> 1) | ((value & 0x3E00) >> 2);
        let c = ((value & 0x0010) >> 4) | ((value & 0x0100) >> 7);
        Self {
            method: Method(m),
            class: Class::from_bits(c as u8),
        }
    }

    /// The 16-bit type field.
    #[must_use]
    pub const fn to_u16(self) -> u16 {
        let m = self.method.0 & Method::MAX;
        let c = self.class.bits() as u16;
        (m & 0x000F)
            | ((m & 0x0070) << 1)
            | ((m & 0x0F80) << 2)
            | ((c & 0b01) << 4)
            | ((c & 0b10) << 7)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_every_type() {
        for value in 0..=0x3FFFu16 {
            assert_eq!(MessageType::from_u16(value).to_u16(), value);
        }
    }

    #[test]
    fn known_types() {
        assert_eq!(
            MessageType::new(Method::BINDING, Class::Request).to_u16(),
            0x0001
        );
        assert_eq!(
            MessageType::new(Method::BINDING, Class::Error).to_u16(),
            0x0111
        );
        assert_eq!(
            MessageType::new(Method::DATA, Class::Indication).to_u16(),
            0x0017
        );
        assert_eq!(
            MessageType::new(Method::CHANNEL_BIND, Class::Success).to_u16(),
            0x0109
        );
    }
}
