//! RESERVATION-TOKEN (RFC 8656 §18.10).

use super::codec::array_attribute;

array_attribute! {
    /// RESERVATION-TOKEN (RFC 8656 §18.10): an 8-byte token naming a relayed address the server
    /// reserved (after EVEN-PORT with the R bit).
    ///
    /// ```
    /// use floe_stun::attributes::ReservationToken;
    /// let t = ReservationToken(0xdead_beef_cafe_babe_u64.to_be_bytes());
    /// assert_eq!(t.0[0], 0xde);
    /// ```
    ReservationToken, RESERVATION_TOKEN, 8
}
