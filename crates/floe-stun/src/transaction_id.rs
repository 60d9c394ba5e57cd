//! The 96-bit transaction id (RFC 8489 §5).

use core::fmt;

/// A 96-bit transaction id. The crate never draws randomness itself: build one from bytes you
/// generated, or from a cryptographically secure RNG you own (RFC 8489 §5 asks for uniform
/// randomness).
///
/// ```
/// use floe_stun::TransactionId;
/// let tid = TransactionId::from_bytes([7; 12]);
/// assert_eq!(tid.as_bytes(), &[7; 12]);
/// assert_eq!(format!("{tid}"), "070707070707070707070707");
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct TransactionId(pub [u8; 12]);

impl TransactionId {
    /// Wraps 12 bytes.
    #[must_use]
    pub const fn from_bytes(bytes: [u8; 12]) -> Self {
        Self(bytes)
    }

    /// Draws 12 bytes from a caller's cryptographically secure RNG.
    ///
    /// ```
    /// use floe_stun::TransactionId;
    /// use rand::SeedableRng;
    /// let mut rng = rand_chacha::ChaCha20Rng::from_seed([1; 32]);
    /// let a = TransactionId::random(&mut rng);
    /// let b = TransactionId::random(&mut rng);
    /// assert_ne!(a, b);
    /// ```
    pub fn random<R: rand::CryptoRng + ?Sized>(rng: &mut R) -> Self {
        let mut bytes = [0; 12];
        rng.fill_bytes(&mut bytes);
        Self(bytes)
    }

    /// The 12 bytes.
    #[must_use]
    pub const fn as_bytes(&self) -> &[u8; 12] {
        &self.0
    }
}

impl fmt::Display for TransactionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for b in self.0 {
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for TransactionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TransactionId({self})")
    }
}

impl From<[u8; 12]> for TransactionId {
    fn from(bytes: [u8; 12]) -> Self {
        Self(bytes)
    }
}
