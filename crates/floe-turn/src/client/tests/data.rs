//! The data path on a stream: several messages in one read, peer data handed back borrowed.

use super::*;

/// A stream client with a permission and channel 0x4000 to [`peer`].
fn stream_client_with_channel() -> (Client, Instant) {
    let mut cfg = config(8);
    cfg.transport = Transport::Tcp;
    let (mut c, now) = allocated_with(cfg, 600);
    permit(&mut c, now);
    bind(&mut c, now);
    events(&mut c);
    (c, now)
}

#[test]
fn one_read_with_several_messages_is_drained_by_poll_received() {
    let (mut c, now) = stream_client_with_channel();
    let mut stream = Vec::new();
    ChannelData::new(0x4000, b"one")
        .unwrap()
        .encode(&mut stream, true);
    data_indication(&mut stream, b"two");
    // A refresh response between the data, and the last message split across two reads.
    c.refresh(now).unwrap();
    let refresh = ok(&next(&mut c));
    stream.extend_from_slice(&refresh);
    ChannelData::new(0x4000, b"three")
        .unwrap()
        .encode(&mut stream, true);
    let (head, tail) = stream.split_at(stream.len() - 3);

    assert_eq!(c.handle_receive(now, server(), head), Ok(None));
    assert_eq!(events(&mut c), [], "buffered only");
    let got = c.poll_received(now).unwrap().unwrap();
    assert_eq!((got.data, got.via_channel), (&b"one"[..], true));
    let got = c.poll_received(now).unwrap().unwrap();
    assert_eq!(
        (got.peer, got.data, got.via_channel),
        (peer(), &b"two"[..], false)
    );
    // The refresh response is applied on the way; "three" is not complete yet.
    assert_eq!(c.poll_received(now), Ok(None));
    assert!(matches!(events(&mut c)[..], [TurnEvent::Refreshed { .. }]));
    assert_eq!(c.handle_receive(now, server(), tail), Ok(None));
    let got = c.poll_received(now).unwrap().unwrap();
    assert_eq!(got.data, b"three");
    assert_eq!(c.poll_received(now), Ok(None));
}

#[test]
fn receive_until_stops_at_the_first_pick_and_leaves_the_rest_buffered() {
    let (mut c, now) = stream_client_with_channel();
    let mut stream = Vec::new();
    for payload in [&b"one"[..], b"two", b"three"] {
        ChannelData::new(0x4000, payload)
            .unwrap()
            .encode(&mut stream, true);
    }
    let mut offered = Vec::new();
    let got = c.receive_until(now, server(), &stream, |r| {
        offered.push(r.data.to_vec());
        (r.data == b"two").then_some(r.via_channel)
    });
    assert_eq!(got, Ok(Some(true)));
    assert_eq!(offered, [b"one".to_vec(), b"two".to_vec()]);
    assert_eq!(c.poll_received(now).unwrap().unwrap().data, b"three");
    // A stream out of sync is the one error it returns.
    assert!(matches!(
        c.receive_until(now, server(), &[0xFF, 0, 0, 0], |_| Some(())),
        Err(FramingError::UnknownFrame {
            first_byte: 0xFF,
            ..
        })
    ));
}
