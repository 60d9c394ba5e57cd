//! DATA (RFC 8656 §18.4).

use super::codec::bytes_attribute;

bytes_attribute! {
    /// DATA (RFC 8656 §18.4): the application data of a Send or Data indication, borrowed from the message.
    ///
    /// ```
    /// use floe_stun::attributes::{Attribute, Data};
    /// assert_eq!(Data(b"abc").encoded_len(), 3);
    /// ```
    Data, DATA
}
