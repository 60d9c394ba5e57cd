//! Removing a data stream when the media sections on it go away (RFC 8839 §4.4.2: a section
//! rejected with port 0; RFC 9143 §7.3.3: a section moved onto the BUNDLE transport).

use std::time::Instant;

use crate::agent::{IceAgent, Purpose};
use crate::error::IceError;
use crate::event::IceEvent;
use crate::id::{CandidateId, PairId, StreamId};

impl IceAgent {
    /// Removes a stream: its checks, consent checks and STUN queries are cancelled; its local
    /// and remote candidates, pairs and selected pairs dropped; the TURN streams of its relays
    /// closed ([`IceEvent::CloseTurnStream`]; the allocation goes with the connection, RFC 8656
    /// §5) and its UDP allocations left to expire at their lifetime. The connection state is
    /// then that of the streams left. The embedder closes the stream's sockets.
    ///
    /// # Errors
    /// [`IceError::UnknownStream`].
    ///
    /// ```
    /// # use std::time::Instant;
    /// use floe_ice::{IceAgent, IceConfig, Role};
    /// let now = Instant::now();
    /// let mut agent = IceAgent::new(IceConfig::new(Role::Controlling), now);
    /// let audio = agent.add_stream(1)?;
    /// let video = agent.add_stream(1)?;
    /// agent.add_local_address(video, 1, "192.0.2.10:5002".parse().unwrap())?;
    /// agent.remove_stream(now, video)?; // the peer rejected the video section
    /// assert!(agent.local_candidates(video).is_empty());
    /// assert!(agent.remove_stream(now, video).is_err());
    /// assert!(agent.gathering_complete(audio).is_ok());
    /// # Ok::<(), floe_ice::IceError>(())
    /// ```
    pub fn remove_stream(&mut self, now: Instant, stream: StreamId) -> Result<(), IceError> {
        self.streams
            .remove(&stream)
            .ok_or(IceError::UnknownStream(stream))?;
        let pairs: Vec<PairId> = self
            .pairs
            .iter()
            .filter(|(_, p)| p.stream == stream)
            .map(|(id, _)| *id)
            .collect();
        let locals: Vec<CandidateId> = self
            .locals
            .iter()
            .filter(|(_, l)| l.stream == stream)
            .map(|(id, _)| *id)
            .collect();
        let cancelled: Vec<_> = self
            .transactions
            .iter()
            .filter(|(_, purpose)| match purpose {
                Purpose::Check { pair, .. } => pairs.contains(pair),
                Purpose::Srflx { local, .. } => locals.contains(local),
            })
            .map(|(tid, _)| *tid)
            .collect();
        for tid in &cancelled {
            self.transactions.cancel(tid);
        }
        self.triggered.retain(|p| !pairs.contains(p));
        self.pairs.retain(|_, p| p.stream != stream);
        self.locals.retain(|_, l| l.stream != stream);
        self.remotes.retain(|_, r| r.stream != stream);
        self.selected.retain(|(s, _), _| *s != stream);
        self.pending_names.retain(|p| p.stream != stream);
        let mut closing = Vec::new();
        self.relays.retain_mut(|r| {
            if r.stream != stream {
                return true;
            }
            if let Some(id) = r.link.as_mut().and_then(crate::turn_stream::Link::end) {
                closing.push(id);
            }
            false
        });
        for id in closing {
            self.events.push_back(IceEvent::CloseTurnStream { id });
        }
        self.update_state(now);
        Ok(())
    }
}
