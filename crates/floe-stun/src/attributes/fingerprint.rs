//! FINGERPRINT (RFC 8489 §14.7).

use super::codec::int_attribute;

int_attribute! {
    /// FINGERPRINT (RFC 8489 §14.7): CRC-32 of the message up to this attribute, XOR 0x5354554E. Written by `MessageBuilder::fingerprint`, checked by `Message::verify_fingerprint`; must be last.
    ///
    /// ```
    /// use floe_stun::attributes::Fingerprint;
    /// assert_eq!(Fingerprint(0xe57a_3bcf).0, 0xe57a_3bcf);
    /// ```
    Fingerprint(u32), FINGERPRINT
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_checks_length() {
        crate::attributes::codec::check_round_trip(&Fingerprint(0xe57a_3bcf), &[1, 2, 3]);
    }
}
