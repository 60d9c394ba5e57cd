//! `a=rid` (RFC 8851) and `a=simulcast` (RFC 8853, plus the draft-03 form old Firefox sent).

use core::fmt;

use super::{Placement, TypedAttribute};
use crate::error::{ValueError, ValueErrorKind};
use nom::bytes::complete::take_while1;
use nom::character::complete::char;
use nom::combinator::opt;
use nom::multi::many0_count;
use nom::sequence::preceded;

use crate::grammar::{ByteSplit, Cursor, all, is_token};

/// RFC 8851 §10 `rid-id = 1*(alpha-numeric / "-" / "_")`.
pub(crate) fn is_rid_id(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The direction of a rid or a simulcast list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub enum RidDirection {
    /// `send`.
    Send,
    /// `recv`.
    Recv,
}

impl RidDirection {
    fn parse(s: &str) -> Option<Self> {
        match s {
            "send" => Some(Self::Send),
            "recv" => Some(Self::Recv),
            _ => None,
        }
    }
}

impl fmt::Display for RidDirection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Send => "send",
            Self::Recv => "recv",
        })
    }
}

/// `a=rid:<rid-id> <send|recv> [pt=<fmt>,...;][<restriction>;...]` (RFC 8851 §10).
///
/// ```
/// use floe_sdp::{Rid, RidDirection, TypedAttribute};
/// let r = Rid::parse_value("hi send pt=96,97;max-width=1280;max-height=720")?;
/// assert_eq!((r.id, r.direction), ("hi", RidDirection::Send));
/// assert_eq!(r.payload_types().collect::<Vec<_>>(), ["96", "97"]);
/// assert_eq!(r.restrictions().next(), Some(("max-width", Some("1280"))));
/// # Ok::<(), floe_sdp::ValueError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Rid<'a> {
    /// The RTP stream id.
    pub id: &'a str,
    /// `send` or `recv`.
    pub direction: RidDirection,
    /// The `pt=` list and restrictions, as written.
    pub params: Option<&'a str>,
}

impl<'a> Rid<'a> {
    fn pieces(&self) -> impl Iterator<Item = &'a str> + use<'a> {
        self.params
            .unwrap_or_default()
            .split_b(b';')
            .filter(|p| !p.is_empty())
    }

    /// The formats of the `pt=` list (empty when there is none: all formats).
    pub fn payload_types(&self) -> impl Iterator<Item = &'a str> + use<'a> {
        self.pieces()
            .filter_map(|p| p.strip_prefix("pt="))
            .flat_map(|l| l.split_b(b','))
    }

    /// The restrictions (`max-width`, `max-fps`, `depend`, ...) in order.
    pub fn restrictions(&self) -> impl Iterator<Item = (&'a str, Option<&'a str>)> + use<'a> {
        self.pieces()
            .filter(|p| !p.starts_with("pt="))
            .map(|p| match p.split_once_b(b'=') {
                Some((k, v)) => (k, Some(v)),
                None => (p, None),
            })
    }
}

impl<'a> TypedAttribute<'a> for Rid<'a> {
    const NAME: &'static str = "rid";
    const PLACEMENT: Placement = Placement::Media;
    fn parse_value(value: &'a str) -> Result<Self, ValueError> {
        let mut c = Cursor::new(value);
        let id = c.field_with("rid-id", |w| {
            if is_rid_id(w) {
                Ok(w)
            } else {
                Err(ValueErrorKind::Invalid { field: "rid-id" })
            }
        })?;
        let direction = c.field_with("rid-dir", |w| {
            RidDirection::parse(w).ok_or(ValueErrorKind::Invalid { field: "rid-dir" })
        })?;
        let params = if c.at_end() {
            c.finish()?;
            None
        } else {
            let (rest, at) = c.take_rest("rid-param")?;
            let mut pos = at;
            for (i, p) in rest.split_b(b';').enumerate() {
                let ok = match p.strip_prefix("pt=") {
                    Some(list) if i == 0 => list.split_b(b',').all(is_token),
                    _ => {
                        let (k, v) = p.split_once_b(b'=').unwrap_or((p, ""));
                        is_rid_id(k)
                            && k != "pt"
                            && !k.contains('_')
                            && v.bytes().all(|b| (0x20..0x7f).contains(&b))
                    }
                };
                if !ok {
                    return Err(ValueError::invalid(pos, "rid-param"));
                }
                pos += p.len() + 1;
            }
            Some(rest)
        };
        Ok(Self {
            id,
            direction,
            params,
        })
    }
}

impl fmt::Display for Rid<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.id, self.direction)?;
        self.params.map_or(Ok(()), |p| write!(f, " {p}"))
    }
}

/// One simulcast id: a rid, maybe paused (`~`, RFC 8853 §5.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct SimulcastId<'a> {
    /// The rid.
    pub rid: &'a str,
    /// Whether the stream starts paused.
    pub paused: bool,
}

/// One simulcast stream: its alternative rids, in preference order (`sc-alt-list`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SimulcastStream<'a> {
    text: &'a str,
    draft_paused: &'a str,
}

impl<'a> SimulcastStream<'a> {
    /// The alternatives.
    pub fn alternatives(&self) -> impl Iterator<Item = SimulcastId<'a>> + use<'a> {
        let draft_paused = self.draft_paused;
        self.text
            .split_b(b',')
            .map(move |id| match id.strip_prefix('~') {
                Some(rid) => SimulcastId { rid, paused: true },
                None => SimulcastId {
                    rid: id,
                    paused: draft_paused.split_b(b',').any(|p| p == id),
                },
            })
    }
}

/// A simulcast stream list for one direction (`sc-str-list`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SimulcastList<'a> {
    text: &'a str,
    draft_paused: &'a str,
}

impl<'a> SimulcastList<'a> {
    /// The streams in order.
    pub fn streams(&self) -> impl Iterator<Item = SimulcastStream<'a>> + use<'a> {
        let draft_paused = self.draft_paused;
        self.text
            .split_b(b';')
            .map(move |text| SimulcastStream { text, draft_paused })
    }

    /// Every rid of every stream, in order.
    pub fn ids(&self) -> impl Iterator<Item = SimulcastId<'a>> + use<'a> {
        self.streams().flat_map(|s| s.alternatives())
    }

    fn parse(text: &'a str, at: usize) -> Result<Self, ValueError> {
        // RFC 8853 §5.1: sc-str-list = sc-alt-list *(";" sc-alt-list);
        // sc-alt-list = sc-id *("," sc-id); sc-id = ["~"] rid-id.
        let sc_id = || {
            preceded(
                opt(char('~')),
                take_while1(|c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_'),
            )
        };
        let alt_list = || (sc_id(), many0_count(preceded(char(','), sc_id())));
        all(
            text,
            "sc-id",
            (alt_list(), many0_count(preceded(char(';'), alt_list()))),
        )
        .map_err(|e| ValueError::invalid(at + e.offset, "sc-id"))?;
        Ok(Self {
            text,
            draft_paused: "",
        })
    }
}

impl fmt::Display for SimulcastList<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, s) in self.streams().enumerate() {
            if i > 0 {
                f.write_str(";")?;
            }
            for (j, id) in s.alternatives().enumerate() {
                let sep = if j > 0 { "," } else { "" };
                let tilde = if id.paused { "~" } else { "" };
                write!(f, "{sep}{tilde}{}", id.rid)?;
            }
        }
        Ok(())
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for SimulcastList<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq as _;
        let mut seq = s.serialize_seq(None)?;
        for stream in self.streams() {
            let alts: Vec<_> = stream.alternatives().collect();
            seq.serialize_element(&alts)?;
        }
        seq.end()
    }
}

/// `a=simulcast:<send|recv> <list> [<recv|send> <list>]` (RFC 8853 §5.1).
///
/// The draft-ietf-mmusic-sdp-simulcast-03 form (`a=simulcast: send rid=1,4;2 paused=4`) is
/// accepted too, with [`Simulcast::draft03`] set; the parser reports it as a deviation, and
/// `Display` writes the RFC form.
///
/// ```
/// use floe_sdp::{Simulcast, TypedAttribute};
/// let s = Simulcast::parse_value("send 1,~4;2;3 recv c")?;
/// let send = s.send.unwrap();
/// assert_eq!(send.streams().count(), 3);
/// assert!(send.ids().any(|id| id.rid == "4" && id.paused));
/// let d = Simulcast::parse_value(" send rid=1,4;2;3 paused=4 recv rid=c")?;
/// assert!(d.draft03);
/// assert_eq!(d.to_string(), "send 1,~4;2;3 recv c");
/// # Ok::<(), floe_sdp::ValueError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Simulcast<'a> {
    /// The send streams.
    pub send: Option<SimulcastList<'a>>,
    /// The receive streams.
    pub recv: Option<SimulcastList<'a>>,
    /// Written in the draft-03 form rather than RFC 8853.
    pub draft03: bool,
    /// Whether `recv` came first (kept so `Display` preserves the order).
    recv_first: bool,
}

impl<'a> Simulcast<'a> {
    /// A simulcast attribute from lists (RFC form).
    #[must_use]
    pub fn new(send: Option<&'a str>, recv: Option<&'a str>) -> Self {
        let list = |t| SimulcastList {
            text: t,
            draft_paused: "",
        };
        Self {
            send: send.map(list),
            recv: recv.map(list),
            draft03: false,
            recv_first: false,
        }
    }

    fn parse_rfc(value: &'a str) -> Result<Self, ValueError> {
        let mut c = Cursor::new(value);
        let mut out = Self {
            send: None,
            recv: None,
            draft03: false,
            recv_first: false,
        };
        let mut first = true;
        loop {
            let dir = c.field_with("sc-dir", |w| {
                RidDirection::parse(w).ok_or(ValueErrorKind::Invalid { field: "sc-dir" })
            })?;
            let at = c.offset();
            let list = SimulcastList::parse(c.field("sc-str-list")?, at)?;
            let slot = match dir {
                RidDirection::Send => &mut out.send,
                RidDirection::Recv => &mut out.recv,
            };
            if slot.is_some() {
                return Err(ValueError::invalid(at, "sc-dir"));
            }
            *slot = Some(list);
            if first {
                out.recv_first = dir == RidDirection::Recv;
                first = false;
            }
            if c.at_end() {
                break;
            }
        }
        c.finish()?;
        Ok(out)
    }

    fn parse_draft(value: &'a str) -> Option<Self> {
        let mut out = Self {
            send: None,
            recv: None,
            draft03: true,
            recv_first: false,
        };
        let mut words = value.split_b(b' ').filter(|w| !w.is_empty()).peekable();
        let mut first = true;
        while let Some(dir) = words.next() {
            let dir = RidDirection::parse(dir)?;
            let text = words.next()?.strip_prefix("rid=")?;
            let draft_paused = words
                .next_if(|w| w.starts_with("paused="))
                .map_or("", |w| &w[7..]);
            if draft_paused.split_b(b',').nth(MAX_DRAFT_PAUSED).is_some() {
                return None;
            }
            let list = SimulcastList { text, draft_paused };
            if list.ids().any(|id| !is_rid_id(id.rid)) {
                return None;
            }
            let slot = match dir {
                RidDirection::Send => &mut out.send,
                RidDirection::Recv => &mut out.recv,
            };
            if slot.replace(list).is_some() {
                return None;
            }
            if first {
                out.recv_first = dir == RidDirection::Recv;
                first = false;
            }
        }
        (!first).then_some(out)
    }
}

/// The most rids a draft-03 `paused=` list may name. Each id is looked up in that list, so a
/// bound keeps the work linear in the line; the form is legacy (old Firefox sent a handful).
const MAX_DRAFT_PAUSED: usize = 32;

impl<'a> TypedAttribute<'a> for Simulcast<'a> {
    const NAME: &'static str = "simulcast";
    const PLACEMENT: Placement = Placement::Media;
    fn parse_value(value: &'a str) -> Result<Self, ValueError> {
        Self::parse_rfc(value).or_else(|e| Self::parse_draft(value).ok_or(e))
    }

    fn deviation(&self) -> Option<ValueError> {
        self.draft03.then_some(ValueError {
            offset: 0,
            kind: ValueErrorKind::DraftSimulcast,
        })
    }
}

impl fmt::Display for Simulcast<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let send = self.send.map(|l| ("send", l));
        let recv = self.recv.map(|l| ("recv", l));
        let (a, b) = if self.recv_first {
            (recv, send)
        } else {
            (send, recv)
        };
        let mut sep = "";
        for (dir, list) in [a, b].into_iter().flatten() {
            write!(f, "{sep}{dir} {list}")?;
            sep = " ";
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rid_grammar() {
        let r = Rid::parse_value("1 send").unwrap();
        assert_eq!((r.params, r.payload_types().count()), (None, 0));
        let r = Rid::parse_value("c recv pt=97").unwrap();
        assert_eq!(r.to_string(), "c recv pt=97");
        assert_eq!(
            Rid::parse_value("a up"),
            Err(ValueError::invalid(2, "rid-dir"))
        );
        assert_eq!(
            Rid::parse_value("a.b send"),
            Err(ValueError::invalid(0, "rid-id"))
        );
        assert_eq!(
            Rid::parse_value("a send max-width=1;pt=96"),
            Err(ValueError::invalid(19, "rid-param"))
        );
        assert!(Rid::parse_value("a send max-fps=30;depend=b").is_ok());
    }

    #[test]
    fn simulcast_rfc_and_draft() {
        let s = Simulcast::parse_value("recv h;m;l").unwrap();
        assert!(s.send.is_none());
        assert_eq!(
            s.recv.unwrap().ids().map(|i| i.rid).collect::<Vec<_>>(),
            ["h", "m", "l"]
        );
        let s = Simulcast::parse_value("recv a send b").unwrap();
        assert_eq!(s.to_string(), "recv a send b");
        assert_eq!(s.deviation(), None);
        assert_eq!(
            Simulcast::parse_value("send a send b"),
            Err(ValueError::invalid(12, "sc-dir"))
        );
        assert_eq!(
            Simulcast::parse_value("send a.b"),
            Err(ValueError::invalid(6, "sc-id"))
        );
        assert_eq!(
            Simulcast::parse_value("up a"),
            Err(ValueError::invalid(0, "sc-dir"))
        );
        // A draft `paused=` list is bounded (each id is looked up in it).
        let names = |n: usize| {
            (0..n)
                .map(|i| format!("r{i}"))
                .collect::<Vec<_>>()
                .join(",")
        };
        let ok = format!(
            "send rid={} paused={}",
            names(10_000),
            names(MAX_DRAFT_PAUSED)
        );
        assert_eq!(
            Simulcast::parse_value(&ok)
                .unwrap()
                .send
                .unwrap()
                .ids()
                .count(),
            10_000
        );
        let long = format!("send rid={0} paused={0}", names(MAX_DRAFT_PAUSED + 1));
        assert!(Simulcast::parse_value(&long).is_err());
        let d = Simulcast::parse_value(" send rid=1,4;2;3 paused=4 recv rid=c").unwrap();
        assert_eq!(
            d.deviation().map(|e| e.kind),
            Some(ValueErrorKind::DraftSimulcast)
        );
        assert_eq!(Simulcast::new(Some("a;b"), None).to_string(), "send a;b");
    }
}
