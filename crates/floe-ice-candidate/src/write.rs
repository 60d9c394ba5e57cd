//! Text output helpers for [`Display`](core::fmt::Display): numbers and IPv4 addresses written
//! straight to the formatter with the integer formatter, without building `format_args!`.

use core::fmt::{Display, Formatter, Result, Write as _};
use core::net::Ipv4Addr;

/// Writes `v` in decimal.
#[inline]
pub(crate) fn decimal(f: &mut Formatter<'_>, v: u32) -> Result {
    Display::fmt(&v, f)
}

/// Writes an IPv4 address in dotted decimal (the same text as `Ipv4Addr`'s `Display`).
#[inline]
pub(crate) fn ipv4(f: &mut Formatter<'_>, ip: Ipv4Addr) -> Result {
    let [a, b, c, d] = ip.octets();
    Display::fmt(&a, f)?;
    for octet in [b, c, d] {
        f.write_char('.')?;
        Display::fmt(&octet, f)?;
    }
    Ok(())
}
