//! What `floe ice demo` saw, as it happened: every line it prints (or writes as JSON) and the
//! marks the `--trace` drawing is made of, kept in one place so that both tell the same story.

use core::net::SocketAddr;
use core::time::Duration;
use std::collections::HashMap;

use floe_ice::{IceAgent, PairId, PairInfo, PairState};
use serde_json::{Value, json};

/// The kind of a mark on a pair's row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mark {
    /// A check sent (retransmissions included).
    Check,
    /// A response to a check received.
    Response,
    /// The pair failed.
    Failed,
    /// The pair was nominated.
    Nominated,
    /// The pair was selected.
    Selected,
    /// A consent check sent on the selected pair.
    Consent,
    /// Application data sent on the pair.
    Data,
}

/// One row of the drawing: a pair of one side.
#[derive(Debug)]
pub(crate) struct Row {
    pub(crate) side: char,
    pub(crate) label: String,
    pub(crate) marks: Vec<(Duration, Mark)>,
    /// When it became the selected pair, if it did.
    pub(crate) selected_at: Option<Duration>,
}

/// The last snapshot of a pair, to see what changed.
#[derive(Debug, Clone, Copy)]
struct Seen {
    info: PairInfo,
    row: usize,
}

/// Everything the demo reports, printed as it happens and kept for the drawing.
#[derive(Debug)]
pub(crate) struct Timeline {
    json: bool,
    pub(crate) rows: Vec<Row>,
    /// When the demo started waiting for consent (the drawing compresses the time after).
    pub(crate) consent_wait_from: Option<Duration>,
    seen: HashMap<(char, PairId), Seen>,
    /// Candidate types by address, per side (own and peer's), for the labels.
    kinds: HashMap<(char, SocketAddr), &'static str>,
}

impl Timeline {
    pub(crate) fn new(json: bool) -> Self {
        Self {
            json,
            rows: Vec::new(),
            consent_wait_from: None,
            seen: HashMap::new(),
            kinds: HashMap::new(),
        }
    }

    /// Prints one event: `text` for people, `fields` (with time, side and `event`) as JSON.
    pub(crate) fn say(&self, at: Duration, side: char, event: &str, text: &str, fields: Value) {
        if self.json {
            let mut obj = json!({
                "t_ms": ms(at),
                "side": side.to_string(),
                "event": event,
            });
            if let (Some(o), Value::Object(extra)) = (obj.as_object_mut(), fields) {
                o.extend(extra);
            }
            println!("{obj}");
        } else {
            println!("{:>9.1} ms  {side}  {text}", ms(at));
        }
    }

    /// Remembers the type of a candidate `side` knows about.
    pub(crate) fn learn_kind(&mut self, side: char, addr: SocketAddr, kind: &'static str) {
        self.kinds.insert((side, addr), kind);
    }

    fn kind(&self, side: char, addr: SocketAddr) -> &'static str {
        self.kinds.get(&(side, addr)).copied().unwrap_or("prflx")
    }

    /// `host 1.2.3.4:5 -> relay 6.7.8.9:10`: a pair as the demo names it.
    fn pair_name(&self, side: char, info: &PairInfo) -> String {
        format!(
            "{} {} -> {} {}",
            self.kind(side, info.local),
            info.local,
            self.kind(side, info.remote),
            info.remote
        )
    }

    /// Compares `agent`'s pairs with what was seen last, prints and marks the changes.
    pub(crate) fn observe(&mut self, at: Duration, side: char, agent: &IceAgent) {
        for info in agent.pairs() {
            let key = (side, info.id);
            let (before, row) = match self.seen.get(&key) {
                Some(s) => (Some(s.info), s.row),
                None => {
                    let label = format!("{side}  {}", self.pair_name(side, &info));
                    self.rows.push(Row {
                        side,
                        label,
                        marks: Vec::new(),
                        selected_at: None,
                    });
                    (None, self.rows.len() - 1)
                }
            };
            self.seen.insert(key, Seen { info, row });
            self.changes(at, side, before, &info, row);
        }
    }

    fn changes(
        &mut self,
        at: Duration,
        side: char,
        before: Option<PairInfo>,
        now: &PairInfo,
        row: usize,
    ) {
        let old = before.map(|b| b.stats).unwrap_or_default();
        let new = now.stats;
        let name = self.pair_name(side, now);
        let marks = &mut self.rows[row].marks;
        let consent = new.consent_requests_sent - old.consent_requests_sent;
        for _ in 0..consent {
            marks.push((at, Mark::Consent));
        }
        for _ in 0..(new.requests_sent - old.requests_sent).saturating_sub(consent) {
            marks.push((at, Mark::Check));
        }
        for _ in 0..new.responses_received - old.responses_received {
            marks.push((at, Mark::Response));
        }
        if new.bytes_sent > old.bytes_sent {
            marks.push((at, Mark::Data));
        }
        if old.requests_sent == 0 && new.requests_sent > 0 {
            let text = format!("check   {name}");
            self.say(at, side, "check", &text, json!({"pair": name}));
        }
        if consent > 0 {
            let text = format!("consent check on {name}");
            let fields = json!({"pair": name, "consent_checks": new.consent_requests_sent});
            self.say(at, side, "consent_check", &text, fields);
        }
        if old.consent_requests_sent > 0 && new.responses_received > old.responses_received {
            let text = format!("consent granted on {name}");
            self.say(at, side, "consent_granted", &text, json!({"pair": name}));
        }
        let was = before.map(|b| b.state);
        if was != Some(now.state) {
            match now.state {
                PairState::Succeeded => {
                    let rtt = new.current_round_trip_time.map(ms);
                    let text = match rtt {
                        Some(r) => format!("success {name}  rtt {r:.2} ms"),
                        None => format!("success {name}"),
                    };
                    let fields = json!({"pair": name, "rtt_ms": rtt});
                    self.say(at, side, "check_succeeded", &text, fields);
                }
                PairState::Failed => {
                    self.rows[row].marks.push((at, Mark::Failed));
                    let text = format!("failed  {name}");
                    self.say(at, side, "check_failed", &text, json!({"pair": name}));
                }
                _ => {}
            }
        }
        if now.nominated && !before.is_some_and(|b| b.nominated) {
            self.rows[row].marks.push((at, Mark::Nominated));
            let text = format!("nominated {name}");
            self.say(at, side, "nominated", &text, json!({"pair": name}));
        }
    }

    /// Marks `pair` of `side` as selected at `at`; returns its label.
    pub(crate) fn selected(&mut self, at: Duration, side: char, pair: PairId) -> Option<String> {
        let row = self.seen.get(&(side, pair))?.row;
        let r = &mut self.rows[row];
        r.selected_at.get_or_insert(at);
        r.marks.push((at, Mark::Selected));
        Some(r.label[3..].to_owned())
    }
}

/// Milliseconds, as a float.
pub(crate) fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
