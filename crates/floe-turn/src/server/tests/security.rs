//! Regression tests for the security review of the server (authentication, replay,
//! atomicity and quotas).

use super::*;

#[test]
fn sha256_only_server_refuses_the_implicit_md5_algorithm() {
    // Review finding 3 (RFC 8489 §9.2.4): without PASSWORD-ALGORITHM(S) the request is
    // processed as MD5, which a SHA-256-only server must refuse with 400.
    let mut t = T::with_config(|c| c.password_algorithms = vec![PasswordAlgorithm::SHA256]);
    assert!(t.nonce.starts_with(Nonce::COOKIE));
    let r = t.allocate_request(|b| {
        b.add(&RequestedTransport::UDP);
    });
    assert_eq!(reply_code(&r), Some(400));
    assert!(t.server.poll_event().is_none(), "no relay was requested");
    // The default offer (SHA-256, then MD5) still serves RFC 5389 clients with MD5.
    let mut t = T::with_config(|c| {
        c.password_algorithms = vec![PasswordAlgorithm::SHA256, PasswordAlgorithm::MD5];
    });
    t.allocate();
}
