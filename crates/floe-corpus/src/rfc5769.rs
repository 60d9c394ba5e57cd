//! The sample messages of [RFC 5769] ("Test Vectors for STUN") and the credentials that sign
//! them: one copy for every test, benchmark and fuzz-seed generator in the workspace.
//!
//! The messages are published facts, typed in from the RFC's hex dumps. §2.1–2.3 use the
//! short-term [`PASSWORD`]; §2.4 uses long-term credentials ([`LONG_TERM_USERNAME`],
//! [`LONG_TERM_REALM`], [`LONG_TERM_PASSWORD`]).
//!
//! ```
//! use floe_corpus::rfc5769;
//!
//! assert_eq!(rfc5769::SAMPLE_REQUEST.len(), 108);
//! // Bytes 8..20 of every STUN header are the transaction id (RFC 8489 §5).
//! assert_eq!(rfc5769::SAMPLE_REQUEST[8..20], rfc5769::TRANSACTION_ID);
//! assert_eq!(rfc5769::SAMPLE_LONG_TERM_REQUEST[8..20], rfc5769::LONG_TERM_TRANSACTION_ID);
//! ```
//!
//! [RFC 5769]: https://www.rfc-editor.org/rfc/rfc5769

use crate::hex::decode;

/// [RFC 5769 §2.1](https://www.rfc-editor.org/rfc/rfc5769#section-2.1): the sample request, a
/// Binding request with SOFTWARE "STUN test client", PRIORITY, ICE-CONTROLLED, USERNAME
/// [`USERNAME`], MESSAGE-INTEGRITY (key [`PASSWORD`]) and FINGERPRINT. Values are padded with
/// spaces (0x20), not zeros. 108 bytes.
pub const SAMPLE_REQUEST: &[u8] = &decode::<108>(concat!(
    "000100582112a442b7e7a701bc34d686fa87dfae802200105354554e20746573",
    "7420636c69656e74002400046e0001ff80290008932ff9b151263b3600060009",
    "6576746a3a68367659202020000800149aeaa70cbfd8cb56781ef2b5b2d3f249",
    "c1b571a280280004e57a3bcf",
));

/// [RFC 5769 §2.2](https://www.rfc-editor.org/rfc/rfc5769#section-2.2): the sample IPv4
/// response, a Binding success with SOFTWARE "test vector", XOR-MAPPED-ADDRESS `192.0.2.1:32853`,
/// MESSAGE-INTEGRITY (key [`PASSWORD`]) and FINGERPRINT. 80 bytes.
pub const SAMPLE_IPV4_RESPONSE: &[u8] = &decode::<80>(concat!(
    "0101003c2112a442b7e7a701bc34d686fa87dfae8022000b7465737420766563",
    "746f7220002000080001a147e112a643000800142b91f599fd9e90c38c7489f9",
    "2af9ba53f06be7d780280004c07d4c96",
));

/// [RFC 5769 §2.3](https://www.rfc-editor.org/rfc/rfc5769#section-2.3): the sample IPv6
/// response, as §2.2 with XOR-MAPPED-ADDRESS `[2001:db8:1234:5678:11:2233:4455:6677]:32853`.
/// 92 bytes.
pub const SAMPLE_IPV6_RESPONSE: &[u8] = &decode::<92>(concat!(
    "010100482112a442b7e7a701bc34d686fa87dfae8022000b7465737420766563",
    "746f7220002000140002a1470113a9faa5d3f179bc25f4b5bed2b9d900080014",
    "a382954e4be67bf11784c97c8292c275bfe3ed4180280004c8fb0b4c",
));

/// [RFC 5769 §2.4](https://www.rfc-editor.org/rfc/rfc5769#section-2.4): the sample request with
/// long-term authentication: USERNAME [`LONG_TERM_USERNAME`], NONCE [`LONG_TERM_NONCE`], REALM
/// [`LONG_TERM_REALM`] and MESSAGE-INTEGRITY (MD5 long-term key), no FINGERPRINT. 116 bytes.
pub const SAMPLE_LONG_TERM_REQUEST: &[u8] = &decode::<116>(concat!(
    "000100602112a44278ad3433c6ad72c029da412e00060012e3839ee38388e383",
    "aae38383e382afe382b900000015001c662f2f3439396b39353464364f4c3334",
    "6f4c394653547679363473410014000b6578616d706c652e6f72670000080014",
    "f67024656dd64a3e02b8e0712e85c9a28ca89666",
));

/// The transaction id of §2.1–2.3 (RFC 5769 §2.1: "b7 e7 a7 01 bc 34 d6 86 fa 87 df ae").
pub const TRANSACTION_ID: [u8; 12] = decode("b7e7a701bc34d686fa87dfae");

/// The transaction id of §2.4, also used by RFC 8489 Appendix B.1.
pub const LONG_TERM_TRANSACTION_ID: [u8; 12] = decode("78ad3433c6ad72c029da412e");

/// The short-term password of §2.1–2.3.
pub const PASSWORD: &str = "VOkJxbRl1RmTxUk/WvJxBt";

/// The USERNAME of the §2.1 request ("evtj:h6vY").
pub const USERNAME: &str = "evtj:h6vY";

/// The long-term username of §2.4: "マトリックス" ("matrix" in katakana), U+30DE U+30C8 U+30EA
/// U+30C3 U+30AF U+30B9.
pub const LONG_TERM_USERNAME: &str = "\u{30DE}\u{30C8}\u{30EA}\u{30C3}\u{30AF}\u{30B9}";

/// The long-term password of §2.4 as prepared for the key: the RFC gives
/// "The\u{AD}M\u{AA}tr\u{2168}", which SASLprep (RFC 4013, as RFC 5389 §15.4 asks) turns into
/// "TheMatrIX".
pub const LONG_TERM_PASSWORD: &str = "TheMatrIX";

/// The REALM of §2.4.
pub const LONG_TERM_REALM: &str = "example.org";

/// The NONCE of §2.4.
pub const LONG_TERM_NONCE: &str = "f//499k954d6OL34oL9FSTvy64sA";
