//! Property: however a stream of STUN and ChannelData messages is split into reads, the
//! framer returns the same frames, and arbitrary bytes never make it panic.

use floe_stun::attributes::Data;
use floe_stun::{Class, MessageBuilder, MessageType, Method, TransactionId};
use floe_turn::{FrameKind, StreamFramer};
use proptest::prelude::*;

/// One message: STUN with a DATA attribute of `len` bytes, or ChannelData on `channel`.
fn encode(stun: bool, channel: u16, len: usize, out: &mut Vec<u8>) -> (FrameKind, usize) {
    let payload = vec![0x5A; len];
    let start = out.len();
    if stun {
        let typ = MessageType::new(Method::SEND, Class::Indication);
        let mut b = MessageBuilder::new(out, typ, TransactionId::from_bytes([1; 12]));
        b.add(&Data(&payload));
        b.finish().unwrap();
        (FrameKind::Stun, out.len() - start)
    } else {
        out.extend_from_slice(&channel.to_be_bytes());
        out.extend_from_slice(&(len as u16).to_be_bytes());
        out.extend_from_slice(&payload);
        out.resize(out.len().next_multiple_of(4), 0);
        (FrameKind::ChannelData, out.len() - start)
    }
}

proptest! {
    #[test]
    fn any_split_gives_the_same_frames(
        msgs in proptest::collection::vec((any::<bool>(), 0x4000u16..=0x7FFF, 0usize..300), 1..12),
        cuts in proptest::collection::vec(1usize..97, 1..40),
    ) {
        let mut stream = Vec::new();
        let want: Vec<_> = msgs.iter().map(|(s, c, l)| encode(*s, *c, *l, &mut stream)).collect();
        let mut f = StreamFramer::new();
        let mut got = Vec::new();
        let mut at = 0;
        for cut in cuts.iter().cycle() {
            if at >= stream.len() {
                break;
            }
            let end = (at + cut).min(stream.len());
            f.push(&stream[at..end]);
            at = end;
            while let Some((kind, frame)) = f.pop().unwrap() {
                got.push((kind, frame.len()));
            }
        }
        prop_assert_eq!(got, want);
        prop_assert_eq!(f.buffered(), 0);
    }

    #[test]
    fn arbitrary_bytes_never_panic(chunks in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..64), 0..16)) {
        let mut f = StreamFramer::new();
        for c in &chunks {
            f.push(c);
            for _ in 0..64 {
                match f.pop() {
                    Ok(Some(_)) => {}
                    Ok(None) | Err(_) => break,
                }
            }
        }
    }
}
