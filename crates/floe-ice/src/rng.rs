//! The crate's only source of randomness: a ChaCha12 CSPRNG seeded from the configuration
//! (or, when no seed is given, once from the operating system at construction).
//!
//! ChaCha with 12 rounds is what `rand`'s `StdRng` uses as its cryptographically secure
//! generator: the best published attack reaches 7 rounds. It costs 60 % of ChaCha20 per byte,
//! and an agent draws 32 bytes of credentials, a tie-breaker and a transaction id per check
//! (RFC 8489 §6 asks transaction ids to be cryptographically random; RFC 8445 §5.3 the
//! credentials to be unguessable).

use rand::SeedableRng as _;
use rand_chacha::ChaCha12Rng;

/// The agent's generator.
pub(crate) type AgentRng = ChaCha12Rng;

/// A CSPRNG from `seed`, or from the OS when `None`.
pub(crate) fn from_seed(seed: Option<[u8; 32]>) -> AgentRng {
    match seed {
        Some(seed) => AgentRng::from_seed(seed),
        None => AgentRng::try_from_rng(&mut rand::rngs::SysRng)
            // Without an OS RNG there is no safe fallback; a fixed seed would make nonce keys
            // predictable. Embedders on such targets must pass a seed.
            .unwrap_or_else(|e| panic!("no seed given and the OS RNG failed: {e}")),
    }
}
