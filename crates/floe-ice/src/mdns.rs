//! mDNS host names (draft-ietf-mmusic-mdns-ice-candidates): remote candidates named
//! `<uuid>.local` wait for the embedder to resolve them, and local host candidates can be
//! announced by name instead of address, as browsers do.
//!
//! The agent does no DNS itself (sans-I/O):
//! - a remote candidate with a `.local` name is kept aside under a stable id and
//!   [`IceEvent::ResolveName`] asks for the name (once per name); [`IceAgent::resolved`]
//!   brings the answer and the candidate continues as if it had been signalled with the
//!   address. At most [`IceConfig::max_pending_names`] candidates wait at once.
//! - with [`IceConfig::mdns_host_names`], each host address gets a random v4-UUID name
//!   (from the seeded RNG), reported once by [`IceEvent::RegisterName`] for the embedder's
//!   mDNS responder; host candidates are then signalled by name, and the related address of
//!   the other candidates is hidden (`0.0.0.0 0` / `:: 0`), as browsers do.
//!
//! [`IceConfig::max_pending_names`]: crate::IceConfig::max_pending_names
//! [`IceConfig::mdns_host_names`]: crate::IceConfig::mdns_host_names

use core::fmt::Write as _;
use core::net::{IpAddr, SocketAddr};
use std::time::Instant;

use floe_ice_candidate::Candidate;

use crate::agent::IceAgent;
use crate::error::IceError;
use crate::event::IceEvent;
use crate::id::{CandidateId, StreamId};

/// A remote candidate waiting for its name to be resolved.
#[derive(Debug)]
pub(crate) struct PendingName {
    pub(crate) id: CandidateId,
    pub(crate) stream: StreamId,
    pub(crate) candidate: Candidate<'static>,
}

impl IceAgent {
    /// Keeps a remote candidate with an mDNS name until [`Self::resolved`]; asks for the name
    /// unless it is already asked for.
    pub(crate) fn await_name(
        &mut self,
        stream: StreamId,
        candidate: &Candidate<'_>,
        name: &str,
    ) -> Result<CandidateId, IceError> {
        if self.pending_names.len() >= self.config.max_pending_names {
            return Err(IceError::Limit {
                what: "names waiting for resolution",
                limit: self.config.max_pending_names,
            });
        }
        let asked = self
            .pending_names
            .iter()
            .any(|p| p.candidate.address().name() == Some(name));
        let id = CandidateId(self.candidate_ids.next());
        self.pending_names.push(PendingName {
            id,
            stream,
            candidate: candidate.clone().into_owned(),
        });
        if !asked {
            self.events.push_back(IceEvent::ResolveName {
                name: name.to_owned(),
            });
        }
        Ok(id)
    }

    /// The answer to [`IceEvent::ResolveName`]: the name's address, or `None` when it could
    /// not be resolved (its candidates are dropped). Returns the candidates that continue, with
    /// the ids [`add_remote_candidate`](Self::add_remote_candidate) gave them (or the id of
    /// the peer-reflexive candidate already learned at that address).
    ///
    /// ```
    /// # use std::time::Instant;
    /// # use floe_ice::{IceAgent, IceConfig, IceEvent, Role};
    /// # let mut config = IceConfig::new(Role::Controlling);
    /// # config.rng_seed = Some([1; 32]);
    /// let now = Instant::now();
    /// let mut agent = IceAgent::new(config, now);
    /// let s = agent.add_stream(1).unwrap();
    /// let line = "candidate:1 1 udp 2122260223 0a7c1e8a-5f3b-4c62-9a4e-3d5e8f9b7c21.local 50000 typ host";
    /// let c = floe_ice_candidate::Candidate::parse(line).unwrap();
    /// let id = agent.add_remote_candidate(now, s, &c).unwrap();
    /// let Some(IceEvent::ResolveName { name }) = agent.poll_event() else { panic!() };
    /// let ids = agent.resolved(now, &name, Some("192.0.2.7".parse().unwrap()));
    /// assert_eq!(ids, [id]);
    /// assert_eq!(agent.candidate_info(id).unwrap().address, "192.0.2.7:50000".parse().unwrap());
    /// ```
    pub fn resolved(
        &mut self,
        now: Instant,
        name: &str,
        address: Option<IpAddr>,
    ) -> Vec<CandidateId> {
        let mut ready = Vec::new();
        let mut i = 0;
        while i < self.pending_names.len() {
            if self.pending_names[i].candidate.address().name() == Some(name) {
                ready.push(self.pending_names.swap_remove(i));
            } else {
                i += 1;
            }
        }
        let Some(ip) = address else {
            return Vec::new();
        };
        ready.sort_by_key(|p| p.id);
        ready
            .into_iter()
            .filter_map(|p| {
                let addr = SocketAddr::new(ip, p.candidate.port());
                self.add_resolved(now, p.stream, &p.candidate, addr, Some(p.id))
                    .ok()
            })
            .collect()
    }

    /// The name a local host address is announced by, made (and reported) on first use.
    pub(crate) fn host_name(&mut self, ip: IpAddr) -> String {
        if let Some(name) = self.host_name_of(ip) {
            return name.to_owned();
        }
        let name = uuid_name(&mut self.rng);
        self.local_names.push((ip, name.clone()));
        self.events.push_back(IceEvent::RegisterName {
            name: name.clone(),
            address: ip,
        });
        name
    }
}

impl IceAgent {
    /// The mDNS name already given to a local host address.
    pub(crate) fn host_name_of(&self, ip: IpAddr) -> Option<&str> {
        self.local_names
            .iter()
            .find(|(a, _)| *a == ip)
            .map(|(_, name)| name.as_str())
    }
}

/// A random v4 UUID (RFC 9562 §5.4) as an mDNS name: `xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx.local`.
fn uuid_name(rng: &mut impl rand::Rng) -> String {
    let mut b = [0u8; 16];
    rng.fill_bytes(&mut b);
    b[6] = (b[6] & 0x0F) | 0x40;
    b[8] = (b[8] & 0x3F) | 0x80;
    let mut s = String::with_capacity(42);
    for (i, byte) in b.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            s.push('-');
        }
        let _ = write!(s, "{byte:02x}");
    }
    s.push_str(".local");
    s
}

#[cfg(test)]
mod tests {

    #[test]
    fn uuid_names_are_version_4_and_end_in_local() {
        let mut rng = crate::rng::from_seed(Some([3; 32]));
        let n = super::uuid_name(&mut rng);
        assert_eq!(n.len(), 36 + 6);
        assert!(n.ends_with(".local"));
        assert_eq!(&n[14..15], "4");
        assert!(matches!(&n[19..20], "8" | "9" | "a" | "b"));
        assert_eq!(n.matches('-').count(), 4);
    }
}
