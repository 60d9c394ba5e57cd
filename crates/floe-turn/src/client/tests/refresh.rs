//! Keeping the allocation, permissions and channels alive when refreshes get lost.

use super::*;

/// Drops everything the client sends until `until`, handling its timers; returns the time
/// reached.
fn drop_until(c: &mut Client, from: Instant, until: Instant) -> Instant {
    let mut t = from;
    while let Some(due) = c.poll_timeout().filter(|d| *d <= until) {
        t = due;
        c.handle_timeout(t);
        while c.poll_transmit().is_some() {}
    }
    t
}

#[test]
fn lost_refresh_is_retried_until_expiry() {
    // Review finding 9: one Refresh transaction timing out (39.5 s of retransmissions lost)
    // ended an allocation that still had a minute to live.
    let (mut c, now) = allocated(600);
    events(&mut c);
    let first = now + Duration::from_secs(540);
    c.handle_timeout(first);
    assert_eq!(parse(&next(&mut c)).method(), Method::REFRESH);
    // Every retransmission of the first Refresh is lost; it times out at 579.5 s.
    let t = drop_until(&mut c, first, first + Duration::from_millis(39_499));
    assert_eq!(c.state(), ClientState::Allocated);
    c.handle_timeout(first + Duration::from_millis(39_500));
    assert_eq!(events(&mut c), [], "the allocation still has 20 s");
    assert_eq!(c.state(), ClientState::Allocated);
    let retry = next(&mut c);
    assert_eq!(parse(&retry).method(), Method::REFRESH);
    let later = t.max(first + Duration::from_millis(39_500)) + Duration::from_secs(1);
    let r = signed(&retry, Class::Success, |b| {
        b.add(&Lifetime(600));
    });
    feed(&mut c, later, &r);
    assert_eq!(
        events(&mut c),
        [TurnEvent::Refreshed {
            lifetime: Duration::from_secs(600)
        }]
    );
}

#[test]
fn lost_permission_and_channel_refreshes_are_retried() {
    let (mut c, now) = allocated(3600);
    events(&mut c);
    permit(&mut c, now);
    bind(&mut c, now);
    events(&mut c);
    // The refreshes at 240 s are lost until they time out at 279.5 s.
    let start = now + PERMISSION_REFRESH;
    drop_until(&mut c, now, start + Duration::from_millis(39_499));
    c.handle_timeout(start + Duration::from_millis(39_500));
    assert_eq!(events(&mut c), [], "nothing failed for good yet");
    let mut methods: Vec<Method> = core::iter::from_fn(|| c.poll_transmit())
        .map(|t| parse(&t.contents).method())
        .collect();
    methods.sort_unstable();
    assert_eq!(methods, [Method::CREATE_PERMISSION, Method::CHANNEL_BIND]);
    assert_eq!(c.channel(&peer()), Some(0x4000));
}
