//! The crate's only source of randomness: a ChaCha20 CSPRNG seeded from the configuration
//! (or, when no seed is given, once from the operating system at construction).

use rand::SeedableRng as _;
use rand_chacha::ChaCha20Rng;

/// A CSPRNG from `seed`, or from the OS when `None`.
pub(crate) fn from_seed(seed: Option<[u8; 32]>) -> ChaCha20Rng {
    match seed {
        Some(seed) => ChaCha20Rng::from_seed(seed),
        None => ChaCha20Rng::try_from_rng(&mut rand::rngs::SysRng)
            // Without an OS RNG there is no safe fallback: transaction ids must not be
            // guessable (RFC 8489 §6). Embedders on such targets pass a seed.
            .unwrap_or_else(|e| panic!("no seed given and the OS RNG failed: {e}")),
    }
}
