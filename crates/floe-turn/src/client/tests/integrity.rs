//! Regression tests for the security review: which responses the client may apply
//! (RFC 8489 §9.2.5, RFC 8656 §7.2).

use super::*;

#[test]
fn unsigned_error_to_a_signed_request_is_dropped_and_retransmitted() {
    // Review finding 1 (RFC 8489 §9.2.5): only 401 and 438 may come unsigned.
    let (mut c, now) = allocated(600);
    events(&mut c);
    c.refresh(now).unwrap();
    let req = next(&mut c);
    let unsigned = reply(&req, Class::Error, None, |b| {
        b.add(&error(437));
    });
    assert_eq!(
        c.handle_receive(now, server(), &unsigned),
        Err(ReceiveError::Unauthenticated)
    );
    assert_eq!(events(&mut c), []);
    assert_eq!(c.state(), ClientState::Allocated);
    // The transaction lives on: it is retransmitted, and a signed answer is applied.
    let due = c.poll_timeout().unwrap();
    c.handle_timeout(due);
    assert_eq!(next(&mut c), req);
    feed(&mut c, due, &ok(&req));
    assert_eq!(
        events(&mut c),
        [TurnEvent::Refreshed {
            lifetime: Duration::from_secs(600)
        }]
    );
}

#[test]
fn unsigned_300_to_a_signed_allocate_is_not_followed() {
    let (mut c, second, now) = signed_allocate(config(5), false);
    let alt: SocketAddr = "203.0.113.66:3478".parse().unwrap();
    let body = |b: &mut MessageBuilder<'_>| {
        b.add(&error(300)).add(&AlternateServer(alt));
    };
    let unsigned = reply(&second, Class::Error, None, body);
    assert_eq!(
        c.handle_receive(now, server(), &unsigned),
        Err(ReceiveError::Unauthenticated)
    );
    assert_eq!(c.server(), server());
    assert_eq!(events(&mut c), []);
    feed(&mut c, now, &signed(&second, Class::Error, body));
    assert_eq!(c.server(), alt);
}

#[test]
fn response_integrity_must_be_the_requests_kind() {
    // RFC 8489 §9.2.5: a SHA-256-signed request wants MESSAGE-INTEGRITY-SHA256 back, an MD5
    // one MESSAGE-INTEGRITY; the other kind (even with the right key) is discarded.
    let (mut c, second, now) = signed_allocate(config(5), true);
    assert_eq!(parse(&second).integrity_kind(), Some(Integrity::Sha256));
    let sha = LongTermKey::derive(PasswordAlgorithm::SHA256, "alice", "example.org", "secret");
    let sha = sha.unwrap();
    let body = |b: &mut MessageBuilder<'_>| {
        b.add(&XorRelayedAddress(RELAYED.parse().unwrap()))
            .add(&Lifetime(600));
    };
    let sha1 = reply(&second, Class::Success, Some((&sha, Integrity::Sha1)), body);
    assert_eq!(
        c.handle_receive(now, server(), &sha1),
        Err(ReceiveError::UnmatchedResponse)
    );
    assert_eq!(events(&mut c), []);
    let right = reply(
        &second,
        Class::Success,
        Some((&sha, Integrity::Sha256)),
        body,
    );
    feed(&mut c, now, &right);
    assert_eq!(c.state(), ClientState::Allocated);

    let (mut c, second, now) = signed_allocate(config(5), false);
    let sha256 = reply(
        &second,
        Class::Success,
        Some((&md5_key(), Integrity::Sha256)),
        body,
    );
    assert_eq!(
        c.handle_receive(now, server(), &sha256),
        Err(ReceiveError::UnmatchedResponse)
    );
    assert_eq!(c.state(), ClientState::Allocating);
}

#[test]
fn unsigned_allocate_success_needs_the_opt_in() {
    // Review finding 2 (RFC 8656 §7.2): a success to the unsigned first Allocate is dropped.
    let body = |b: &mut MessageBuilder<'_>| {
        b.add(&XorRelayedAddress("203.0.113.66:40000".parse().unwrap()))
            .add(&Lifetime(600));
    };
    for opt_in in [false, true] {
        let mut cfg = config(5);
        cfg.allow_unauthenticated_server = opt_in;
        let (mut c, first, now) = allocating(cfg);
        let success = reply(&first, Class::Success, None, body);
        let r = c.handle_receive(now, server(), &success);
        if opt_in {
            assert_eq!(r, Ok(None));
            assert!(matches!(events(&mut c)[..], [TurnEvent::Allocated { .. }]));
        } else {
            assert_eq!(r, Err(ReceiveError::Unauthenticated));
            assert_eq!(events(&mut c), []);
            assert_eq!(c.state(), ClientState::Allocating);
            // A later 401 still works: the transaction was not consumed.
            feed(&mut c, now, &challenge(&first, 401, "n1"));
            assert!(parse(&next(&mut c)).integrity_kind().is_some());
        }
    }
}
