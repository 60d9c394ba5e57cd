//! CHANNEL-NUMBER (RFC 8656 §18.1).

use super::Attribute;
use super::codec::fixed;
use crate::{AttributeError, AttributeType, RawAttribute, TransactionId};

/// CHANNEL-NUMBER (RFC 8656 §18.1): the channel of a ChannelBind, 16 bits followed by 16
/// reserved bits. Valid channels are 0x4000..=0x4FFF
/// ([`crate::channel_data::is_valid_channel`]); decoding keeps any value so a server can answer
/// 400 itself.
///
/// ```
/// use floe_stun::attributes::ChannelNumber;
/// assert!(ChannelNumber(0x4000).is_valid());
/// assert!(!ChannelNumber(0x5000).is_valid());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ChannelNumber(pub u16);

impl ChannelNumber {
    /// Whether the number is in the range RFC 8656 §12 allows.
    #[must_use]
    pub const fn is_valid(self) -> bool {
        crate::channel_data::is_valid_channel(self.0)
    }
}

impl<'a> Attribute<'a> for ChannelNumber {
    const TYPE: AttributeType = AttributeType::CHANNEL_NUMBER;

    fn decode(raw: RawAttribute<'a>, _tid: &TransactionId) -> Result<Self, AttributeError> {
        fixed::<4>(&raw).map(|b| Self(u16::from_be_bytes([b[0], b[1]])))
    }

    fn encoded_len(&self) -> usize {
        4
    }

    fn encode(&self, _tid: &TransactionId, out: &mut [u8]) {
        out[..2].copy_from_slice(&self.0.to_be_bytes());
        out[2..].fill(0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        crate::attributes::codec::check_round_trip(&ChannelNumber(0x4001), &[0x40, 0x01]);
    }
}
