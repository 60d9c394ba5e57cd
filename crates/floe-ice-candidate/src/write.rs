//! Allocation-free text output helpers for [`Display`](core::fmt::Display): decimal numbers and
//! IPv4 addresses written straight to the formatter, without `core::fmt`'s argument machinery.

use core::fmt::{Result, Write};
use core::net::Ipv4Addr;

/// Writes `v` in decimal.
#[inline]
pub(crate) fn decimal<W: Write + ?Sized>(out: &mut W, mut v: u32) -> Result {
    let mut buf = [0u8; 10];
    let mut start = buf.len();
    loop {
        start -= 1;
        buf[start] = b'0' + u8::try_from(v % 10).unwrap_or_default();
        v /= 10;
        if v == 0 || start == 0 {
            break;
        }
    }
    out.write_str(core::str::from_utf8(&buf[start..]).unwrap_or_default())
}

/// Writes an IPv4 address in dotted decimal (the same text as `Ipv4Addr`'s `Display`).
#[inline]
pub(crate) fn ipv4<W: Write + ?Sized>(out: &mut W, ip: Ipv4Addr) -> Result {
    let [a, b, c, d] = ip.octets();
    decimal(out, a.into())?;
    for octet in [b, c, d] {
        out.write_char('.')?;
        decimal(out, octet.into())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use alloc::string::{String, ToString as _};

    use super::*;

    #[test]
    fn decimals_match_core() {
        for v in [0, 1, 9, 10, 99, 100, 65535, 2_147_483_647, u32::MAX] {
            let mut s = String::new();
            decimal(&mut s, v).unwrap();
            assert_eq!(s, v.to_string());
        }
    }

    #[test]
    fn ipv4_matches_core() {
        for ip in ["0.0.0.0", "255.255.255.255", "10.0.0.5", "192.168.100.1"] {
            let ip: Ipv4Addr = ip.parse().unwrap();
            let mut s = String::new();
            ipv4(&mut s, ip).unwrap();
            assert_eq!(s, ip.to_string());
        }
    }
}
