//! Hash maps keyed from the seeded RNG: SipHash-1-3 with keys drawn from the configuration's
//! CSPRNG instead of std's `RandomState`, which reads the operating system's randomness. Keyed
//! SipHash keeps clients that choose their addresses from forcing collisions.

use core::hash::BuildHasher;
use core::net::IpAddr;
use std::collections::HashMap;

use rand::Rng;
use siphasher::sip::SipHasher13;

/// Builds SipHash-1-3 hashers with fixed keys.
#[derive(Debug, Clone, Copy)]
pub(crate) struct KeyedState {
    k0: u64,
    k1: u64,
}

impl KeyedState {
    /// Keys drawn from `rng`.
    pub(crate) fn from_rng<R: Rng + ?Sized>(rng: &mut R) -> Self {
        Self {
            k0: rng.next_u64(),
            k1: rng.next_u64(),
        }
    }
}

impl BuildHasher for KeyedState {
    type Hasher = SipHasher13;

    fn build_hasher(&self) -> SipHasher13 {
        SipHasher13::new_with_keys(self.k0, self.k1)
    }
}

/// A `HashMap` with a [`KeyedState`].
pub(crate) type Map<K, V> = HashMap<K, V, KeyedState>;

/// A map with keys from `rng`.
pub(crate) fn map<K, V, R: Rng + ?Sized>(rng: &mut R) -> Map<K, V> {
    HashMap::with_hasher(KeyedState::from_rng(rng))
}

/// The 128 bits of an IP address (IPv4 as IPv4-mapped IPv6), for compact hashing.
#[inline]
pub(crate) fn ip_bits(ip: &IpAddr) -> u128 {
    match ip {
        IpAddr::V4(v4) => u128::from(v4.to_ipv6_mapped()),
        IpAddr::V6(v6) => u128::from(*v6),
    }
}
