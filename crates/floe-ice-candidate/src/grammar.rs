//! Character classes and small lexical rules of RFC 8839 §5.1 and the grammars it imports
//! (RFC 3261 `token`, RFC 4566 `byte-string`, RFC 1123 host names), as byte-class tables.

/// `ice-char` (RFC 8839 §5.1).
pub(crate) const ICE: u8 = 1;
/// RFC 3261 `token` character.
pub(crate) const TOKEN: u8 = 2;
/// Letter, digit or hyphen (RFC 1123 host-name labels).
pub(crate) const LDH: u8 = 4;
/// Decimal digit.
pub(crate) const DIGIT: u8 = 8;
/// Extension-value byte: RFC 4566 `byte-string` without control characters (no NUL, CR,
/// LF, TAB or DEL) and without the SP that separates fields.
pub(crate) const VALUE: u8 = 16;

/// Byte classes, one bit per rule.
static CLASS: [u8; 256] = build_classes();

const fn build_classes() -> [u8; 256] {
    let mut t = [0u8; 256];
    let mut b = 0usize;
    while b < 256 {
        let c = b as u8;
        let alnum = c.is_ascii_alphanumeric();
        let mut v = 0;
        // RFC 8839 §5.1: ice-char = ALPHA / DIGIT / "+" / "/"
        if alnum || c == b'+' || c == b'/' {
            v |= ICE;
        }
        // RFC 3261 §25.1: token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~")
        if alnum
            || matches!(
                c,
                b'-' | b'.' | b'!' | b'%' | b'*' | b'_' | b'+' | b'`' | b'\'' | b'~'
            )
        {
            v |= TOKEN;
        }
        // RFC 1123 §2.1 host name labels: letters, digits, hyphen.
        if alnum || c == b'-' {
            v |= LDH;
        }
        if c.is_ascii_digit() {
            v |= DIGIT;
        }
        if c > b' ' && c != 0x7f {
            v |= VALUE;
        }
        t[b] = v;
        b += 1;
    }
    t
}

/// The offset of the first SP in `b`, or `b.len()`: eight bytes at a time (SWAR: a byte of
/// `w ^ 0x20..` is zero exactly where `w` has a space; the lowest such byte is found exactly).
#[inline(always)]
pub(crate) fn find_space(b: &[u8]) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    const SPACES: u64 = 0x2020_2020_2020_2020;
    let mut chunks = b.chunks_exact(8);
    let mut offset = 0;
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let x = u64::from_le_bytes(word) ^ SPACES;
        let zero = x.wrapping_sub(ONES) & !x & HIGHS;
        if zero != 0 {
            return offset + (zero.trailing_zeros() / 8) as usize;
        }
        offset += 8;
    }
    let rest = chunks.remainder();
    offset + rest.iter().position(|&c| c == b' ').unwrap_or(rest.len())
}

/// The class bits of a byte.
#[inline]
pub(crate) fn class(b: u8) -> u8 {
    CLASS[usize::from(b)]
}

/// The classes shared by all bytes of `s`.
#[inline]
pub(crate) fn classes(s: &[u8]) -> u8 {
    s.iter().fold(u8::MAX, |all, &b| all & class(b))
}

/// RFC 8839 §5.1 `ice-char`.
#[inline]
pub(crate) fn is_ice_char(b: u8) -> bool {
    CLASS[usize::from(b)] & ICE != 0
}

/// RFC 3261 §25.1 `token` character.
#[inline]
pub(crate) fn is_token(b: u8) -> bool {
    CLASS[usize::from(b)] & TOKEN != 0
}

/// A decimal number of at most `max_digits` digits that fits in `u32`.
/// Returns the value and whether it had a leading zero (`"007"`).
#[inline(always)]
pub(crate) fn decimal(s: &str, max_digits: usize) -> Option<(u32, bool)> {
    let bytes = s.as_bytes();
    if bytes.is_empty() || bytes.len() > max_digits {
        return None;
    }
    let mut v: u32 = 0;
    for &b in bytes {
        let d = b.wrapping_sub(b'0');
        if d > 9 {
            return None;
        }
        v = v.checked_mul(10)?.checked_add(u32::from(d))?;
    }
    Some((v, bytes.len() > 1 && bytes[0] == b'0'))
}

/// Longest host name (RFC 1035 §2.3.4, as text without the trailing dot).
const MAX_HOST_NAME: usize = 253;
/// Longest label (RFC 1035 §2.3.4).
const MAX_LABEL: usize = 63;

/// A fully qualified host name: at least two dot-separated labels of letters, digits and
/// hyphens (RFC 1123 §2.1), no label starting or ending with a hyphen, and a top-level label
/// of at least two characters that starts with a letter (RFC 3696 §2: never all-numeric; no
/// one-letter top-level domain exists). Single-label names (`localhost`, `address`) and dotted
/// placeholders such as `x.x.x.x` are refused: they cannot be resolved as candidate addresses.
pub(crate) fn is_host_name(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() > MAX_HOST_NAME {
        return false;
    }
    // One pass: `label` is where the current label starts; `prev` the previous byte.
    let (mut labels, mut label, mut prev) = (1usize, 0usize, b'.');
    for (i, &c) in b.iter().enumerate() {
        if c == b'.' {
            if prev == b'.' || prev == b'-' || i - label > MAX_LABEL {
                return false;
            }
            labels += 1;
            label = i + 1;
        } else if CLASS[usize::from(c)] & LDH == 0 || (c == b'-' && prev == b'.') {
            return false;
        }
        prev = c;
    }
    let top = b.get(label..).unwrap_or_default();
    labels >= 2
        && prev != b'-'
        && prev != b'.'
        && b.len() - label <= MAX_LABEL
        && top.len() >= 2
        && top[0].is_ascii_alphabetic()
}

/// An RFC 6874 zone identifier as used after `%` in an IPv6 literal: unreserved characters.
pub(crate) fn is_zone_id(s: &str) -> bool {
    (1..=64).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ice_chars() {
        for b in [b'a', b'Z', b'0', b'+', b'/'] {
            assert!(is_ice_char(b), "{}", b as char);
        }
        for b in [b'-', b'$', b'=', b' ', b':', 0x80] {
            assert!(!is_ice_char(b), "{}", b as char);
        }
    }

    #[test]
    fn tokens() {
        assert!(b"ssltcp-_.!%*+`'~".iter().all(|&b| is_token(b)));
        assert!(!b" \"(),/:;<=>?@[]{}\\".iter().any(|&b| is_token(b)));
    }

    #[test]
    fn find_space_agrees_with_a_byte_loop() {
        let text = b"a b  cdefghijklmnop qrstuvwxyz0123456789 \x80\xa0 \x20!";
        for start in 0..text.len() {
            for end in start..=text.len() {
                let s = &text[start..end];
                assert_eq!(
                    find_space(s),
                    s.iter().position(|&c| c == b' ').unwrap_or(s.len()),
                    "{s:?}"
                );
            }
        }
        assert_eq!(find_space(&[0x21u8; 20]), 20);
        assert_eq!(find_space(&[0xa0u8, 0x20]), 1);
    }

    #[test]
    fn decimals() {
        assert_eq!(decimal("0", 10), Some((0, false)));
        assert_eq!(decimal("007", 3), Some((7, true)));
        assert_eq!(decimal("4294967295", 10), Some((u32::MAX, false)));
        assert_eq!(decimal("4294967296", 10), None);
        assert_eq!(decimal("99999999999", 12), None);
        assert_eq!(decimal("1000", 3), None);
        assert_eq!(decimal("", 3), None);
        assert_eq!(decimal("+1", 3), None);
        assert_eq!(decimal("1a", 3), None);
    }

    #[test]
    fn host_names() {
        assert!(is_host_name("redacted-ip.invalid"));
        assert!(is_host_name("2cf0b2c0-0842-4fe3-aaa0-4556a2dfbadc.local"));
        assert!(is_host_name("turn.example.com"));
        assert!(is_host_name("a.xn--p1ai"));
        assert!(!is_host_name("address"));
        assert!(!is_host_name("x.x.x.x"));
        assert!(!is_host_name("372.16.356"));
        assert!(!is_host_name("-a.com"));
        assert!(!is_host_name("a-.com"));
        assert!(!is_host_name("a..com"));
        assert!(!is_host_name("a.com."));
        assert!(!is_host_name("a_b.com"));
        assert!(!is_host_name(&"a.".repeat(127)));
        let long_label = "a".repeat(64);
        assert!(!is_host_name(&(long_label + ".com")));
    }

    #[test]
    fn zone_ids() {
        assert!(is_zone_id("eth0"));
        assert!(is_zone_id("1"));
        assert!(!is_zone_id(""));
        assert!(!is_zone_id("a b"));
        assert!(!is_zone_id("a%b"));
    }
}
