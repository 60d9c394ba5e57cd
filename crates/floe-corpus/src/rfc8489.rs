//! The sample message of [RFC 8489 Appendix B.1] as corrected by [Errata 6268] (the published
//! text has a wrong MESSAGE-INTEGRITY-SHA256), typed in once for every test and fuzz-seed
//! generator.
//!
//! Its credentials are RFC 5769 §2.4's: [`rfc5769::LONG_TERM_USERNAME`] (sent as USERHASH),
//! [`rfc5769::LONG_TERM_REALM`] and [`rfc5769::LONG_TERM_PASSWORD`], with the transaction id
//! [`rfc5769::LONG_TERM_TRANSACTION_ID`].
//!
//! ```
//! use floe_corpus::{rfc5769, rfc8489};
//!
//! assert_eq!(rfc8489::SAMPLE_REQUEST_SHA256[8..20], rfc5769::LONG_TERM_TRANSACTION_ID);
//! ```
//!
//! [RFC 8489 Appendix B.1]: https://www.rfc-editor.org/rfc/rfc8489#appendix-B.1
//! [Errata 6268]: https://www.rfc-editor.org/errata/eid6268

use crate::hex::decode;
#[cfg(doc)]
use crate::rfc5769;

/// [RFC 8489 Appendix B.1](https://www.rfc-editor.org/rfc/rfc8489#appendix-B.1) (Errata 6268):
/// a Binding request with USERHASH, NONCE [`NONCE`], REALM, PASSWORD-ALGORITHM (SHA-256) and
/// MESSAGE-INTEGRITY-SHA256. 164 bytes.
pub const SAMPLE_REQUEST_SHA256: &[u8] = &decode::<164>(concat!(
    "000100902112a44278ad3433c6ad72c029da412e001e00204a3cf38fef6992bd",
    "a952c6780417da0f24819415569e60b205c46e41407f1704001500296f624d61",
    "744a6f733241414143662f2f3439396b39353464364f4c33346f4c3946535476",
    "79363473410000000014000b6578616d706c652e6f726700001d000400020000",
    "001c0020b5c7bf005b6c52a21c51c5e892f81924136296cb927c43149309278c",
    "c6518e65",
));

/// The NONCE of Appendix B.1: "obMatJos2" and the security-feature bits (RFC 8489 §9.2) before
/// RFC 5769's nonce.
pub const NONCE: &str = "obMatJos2AAACf//499k954d6OL34oL9FSTvy64sA";
