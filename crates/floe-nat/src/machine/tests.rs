use super::*;
use crate::report::Unknown;
use floe_stun::ErrorCode;
use floe_stun::attributes::ErrorCodeAttribute;

const SERVER: &str = "192.0.2.1:3478";

fn machine() -> (Discovery, Instant) {
    let mut config =
        DiscoveryConfig::new(SERVER.parse().unwrap(), "10.0.0.2:5000".parse().unwrap());
    config.rng_seed = Some([9; 32]);
    let now = Instant::now();
    (Discovery::new(config, now), now)
}

fn response(request: &[u8], class: Class, build: impl FnOnce(&mut MessageBuilder<'_>)) -> Vec<u8> {
    let tid = *Message::parse(request).unwrap().transaction_id();
    let mut out = Vec::new();
    let mut b = MessageBuilder::new(&mut out, MessageType::new(Method::BINDING, class), tid);
    build(&mut b);
    b.fingerprint().unwrap();
    out
}

#[test]
fn garbage_and_strangers_change_nothing() {
    let (mut d, now) = machine();
    let t = d.poll_transmit().unwrap();
    assert_eq!(
        (t.socket, t.destination),
        (SocketId::PRIMARY, SERVER.parse().unwrap())
    );
    let from = SERVER.parse().unwrap();
    assert!(!d.handle_receive(now, SocketId::PRIMARY, from, b"not stun at all"));
    assert!(!d.handle_receive(now, SocketId::PRIMARY, from, &[]));
    // A response to a transaction we never started.
    let mut other = t.contents.to_vec();
    other[8] ^= 0xff;
    let stranger = response(&other, Class::Success, |_| {});
    assert!(!d.handle_receive(now, SocketId::PRIMARY, from, &stranger));
    // A bad FINGERPRINT is not STUN for us (RFC 8489 §7.3).
    let mut bad = response(&t.contents, Class::Success, |_| {});
    let n = bad.len();
    bad[n - 1] ^= 1;
    assert!(!d.handle_receive(now, SocketId::PRIMARY, from, &bad));
    assert_eq!(d.report().mapping, Err(Unknown::Unfinished));
    // Sockets it did not ask for are ignored.
    d.socket_opened(now, SocketId::FILTERING, "10.0.0.2:6000".parse().unwrap());
    d.socket_failed(now, SocketId::LIFETIME_PROBE);
    assert!(d.poll_transmit().is_none());
    assert!(d.poll_event().is_none());
}

#[test]
fn an_error_without_error_code_is_reported_as_code_0() {
    let (mut d, now) = machine();
    let t = d.poll_transmit().unwrap();
    let reply = response(&t.contents, Class::Error, |_| {});
    assert!(d.handle_receive(now, SocketId::PRIMARY, SERVER.parse().unwrap(), &reply));
    assert_eq!(d.poll_event(), Some(Event::Finished));
    assert_eq!(d.report().mapping, Err(Unknown::ErrorResponse(0)));
    assert!(d.poll_transmit().is_none());
}

#[test]
fn a_stranger_answering_the_hairpin_probe_is_not_hairpinning() {
    let (mut d, now) = machine();
    let t = d.poll_transmit().unwrap();
    let mapped: SocketAddr = "198.51.100.7:6000".parse().unwrap();
    let reply = response(&t.contents, Class::Success, |b| {
        b.add(&XorMappedAddress(mapped));
    });
    assert!(d.handle_receive(now, SocketId::PRIMARY, SERVER.parse().unwrap(), &reply));
    let probe = d.poll_transmit().unwrap();
    assert_eq!(probe.destination, mapped);
    let answer = response(&probe.contents, Class::Error, |b| {
        b.add(&ErrorCodeAttribute::new(ErrorCode::BAD_REQUEST));
    });
    assert!(d.handle_receive(now, SocketId::PRIMARY, mapped, &answer));
    assert_eq!(d.poll_event(), Some(Event::Finished));
    assert_eq!(d.report().hairpinning, Err(Unknown::UnexpectedAnswer));
    // The same answer again is no longer for us.
    assert!(!d.handle_receive(now, SocketId::PRIMARY, mapped, &answer));
}

#[test]
fn silence_to_test_one_is_no_response_after_rfc8489_timeout() {
    let (mut d, start) = machine();
    let mut sends = 0;
    let mut now = start;
    while !d.is_finished() {
        while d.poll_transmit().is_some() {
            sends += 1;
        }
        now = d.poll_timeout().unwrap();
        d.handle_timeout(now);
    }
    assert_eq!(sends, 7);
    assert_eq!(now - start, Duration::from_millis(39_500));
    let r = d.report();
    assert!(r.no_response());
    assert_eq!(r.hairpinning, Err(Unknown::NoResponse));
}
