//! Per-line lookups built once: the `m=` format set and the simulcast rids with their offsets.
//! They keep [`validate`](super::validate) linear in the size of the description.

use std::collections::HashSet;
use std::vec::Vec;

use crate::attributes::RidDirection;
use crate::fields::Formats;

/// The formats of one `m=` line, built once per section so that each `rtpmap`, `fmtp`,
/// `rtcp-fb` and `rid` line costs one lookup, not a scan of the list (RFC 8866 §5.14).
///
/// Formats written as canonical decimal numbers 0–255 (RTP payload types are 0–127, RFC 3550
/// §5.1) go in a bitmap; anything else (`webrtc-datachannel`, `096`) in a hash set, compared as
/// text like [`Formats::contains`].
#[derive(Debug, Default)]
pub(super) struct FormatSet<'a> {
    numbers: [u64; 4],
    other: HashSet<&'a str>,
}

impl<'a> FormatSet<'a> {
    pub(super) fn new(formats: Formats<'a>) -> Self {
        let mut set = Self::default();
        for f in formats.iter() {
            match canonical_number(f) {
                Some(n) => set.numbers[usize::from(n / 64)] |= 1 << (n % 64),
                None => {
                    set.other.insert(f);
                }
            }
        }
        set
    }

    /// Whether the number, written in decimal, is a listed format.
    pub(super) fn contains_number(&self, n: u8) -> bool {
        self.numbers[usize::from(n / 64)] & (1 << (n % 64)) != 0
    }

    /// Whether `format` is listed (same text).
    pub(super) fn contains(&self, format: &str) -> bool {
        canonical_number(format)
            .map_or_else(|| self.other.contains(format), |n| self.contains_number(n))
    }
}

/// `f` as a number when it is the canonical decimal form of one (no sign, no leading zero).
fn canonical_number(f: &str) -> Option<u8> {
    let canonical = !f.is_empty()
        && f.bytes().all(|b| b.is_ascii_digit())
        && (f.len() == 1 || !f.starts_with('0'));
    if canonical { f.parse().ok() } else { None }
}

/// One rid of an `a=simulcast` value: its list direction, its byte offset in the value (after
/// any `~`) and its text.
pub(super) type SimulcastRid<'a> = (RidDirection, usize, &'a str);

/// The rids of an `a=simulcast` value that parsed (RFC 8853 §5.1 form, or the draft-03
/// `send rid=a,b paused=b` form), in text order with their offsets in the value.
pub(super) fn simulcast_rids(value: &str) -> Vec<SimulcastRid<'_>> {
    let mut out = Vec::new();
    let mut direction = None;
    for (at, word) in split_at(value, b' ') {
        if let Some(dir) = direction.take() {
            // The word after a direction is its stream list.
            let (skip, list) = word.strip_prefix("rid=").map_or((0, word), |l| (4, l));
            for (i, id) in split_at(list, b';')
                .flat_map(|(i, s)| split_at(s, b',').map(move |(j, id)| (i + j, id)))
            {
                let (tilde, rid) = id.strip_prefix('~').map_or((0, id), |r| (1, r));
                out.push((dir, at + skip + i + tilde, rid));
            }
        } else {
            direction = match word {
                "send" => Some(RidDirection::Send),
                "recv" => Some(RidDirection::Recv),
                // `paused=` (draft-03) or an empty word between spaces.
                _ => None,
            };
        }
    }
    out
}

/// The non-empty pieces of `s` between `sep` bytes, with their byte offsets.
fn split_at(s: &str, sep: u8) -> impl Iterator<Item = (usize, &str)> {
    let mut start = 0;
    s.split(char::from(sep))
        .map(move |piece| {
            let at = start;
            start += piece.len() + 1;
            (at, piece)
        })
        .filter(|(_, piece)| !piece.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use RidDirection::{Recv, Send};

    #[test]
    fn format_set_matches_formats_contains() {
        let list = "0 8 96 127 200 255 096 webrtc-datachannel";
        let set = FormatSet::new(Formats(list));
        for f in [
            "0",
            "8",
            "96",
            "127",
            "200",
            "255",
            "096",
            "webrtc-datachannel",
            "1",
            "97",
            "00",
            "+8",
            "256",
            "",
            "x",
        ] {
            assert_eq!(set.contains(f), Formats(list).contains(f), "{f:?}");
        }
        assert!(set.contains_number(127) && set.contains_number(200));
        assert!(!set.contains_number(1) && !set.contains_number(128));
    }

    #[test]
    fn simulcast_rids_carry_their_offsets() {
        assert_eq!(simulcast_rids("send e"), [(Send, 5, "e")]);
        assert_eq!(
            simulcast_rids("recv r;~s send d,~e"),
            [
                (Recv, 5, "r"),
                (Recv, 8, "s"),
                (Send, 15, "d"),
                (Send, 18, "e")
            ]
        );
        assert_eq!(
            simulcast_rids(" send rid=1,4;2 paused=4 recv rid=c"),
            [
                (Send, 10, "1"),
                (Send, 12, "4"),
                (Send, 14, "2"),
                (Recv, 34, "c")
            ]
        );
        // A rid may be spelt like a direction.
        assert_eq!(simulcast_rids("send send"), [(Send, 5, "send")]);
    }
}
