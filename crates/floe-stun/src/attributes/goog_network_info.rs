//! GOOG-NETWORK-INFO (libwebrtc, 0xC057).

use super::Attribute;
use super::codec::fixed;
use crate::{AttributeError, AttributeType, RawAttribute, TransactionId};

/// GOOG-NETWORK-INFO (libwebrtc `STUN_ATTR_GOOG_NETWORK_INFO`, 0xC057): the sender's network id
/// and network cost, 16 bits each. Chrome puts it in connectivity checks.
///
/// ```
/// use floe_stun::attributes::GoogNetworkInfo;
/// let g = GoogNetworkInfo { network_id: 1, network_cost: 10 };
/// assert_eq!(g.network_cost, 10);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct GoogNetworkInfo {
    /// The network id.
    pub network_id: u16,
    /// The network cost (libwebrtc: 0 unknown, 10 wired/wifi, 900 cellular, ...).
    pub network_cost: u16,
}

impl<'a> Attribute<'a> for GoogNetworkInfo {
    const TYPE: AttributeType = AttributeType::GOOG_NETWORK_INFO;

    fn decode(raw: RawAttribute<'a>, _tid: &TransactionId) -> Result<Self, AttributeError> {
        let b = fixed::<4>(&raw)?;
        Ok(Self {
            network_id: u16::from_be_bytes([b[0], b[1]]),
            network_cost: u16::from_be_bytes([b[2], b[3]]),
        })
    }

    fn encoded_len(&self) -> usize {
        4
    }

    fn encode(&self, _tid: &TransactionId, out: &mut [u8]) {
        out[..2].copy_from_slice(&self.network_id.to_be_bytes());
        out[2..].copy_from_slice(&self.network_cost.to_be_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        let g = GoogNetworkInfo {
            network_id: 1,
            network_cost: 10,
        };
        crate::attributes::codec::check_round_trip(&g, &[0, 1, 0]);
    }
}
