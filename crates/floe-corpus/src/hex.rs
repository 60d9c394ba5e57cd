//! Hex text to bytes at compile time, so the published vectors can be written as the RFCs print
//! them (hex) and still be `&[u8]` constants.

/// Decodes `hex` (lowercase or uppercase digits, no separators) into `N` bytes.
///
/// Only called in `const` items: a wrong length or a non-hex character stops the build there,
/// never a test at run time.
pub(crate) const fn decode<const N: usize>(hex: &str) -> [u8; N] {
    let text = hex.as_bytes();
    assert!(text.len() == 2 * N, "hex text is not 2 * N digits long");
    let mut out = [0u8; N];
    let mut i = 0;
    while i < N {
        out[i] = (digit(text[2 * i]) << 4) | digit(text[2 * i + 1]);
        i += 1;
    }
    out
}

const fn digit(c: u8) -> u8 {
    match c {
        b'0'..=b'9' => c - b'0',
        b'a'..=b'f' => c - b'a' + 10,
        b'A'..=b'F' => c - b'A' + 10,
        _ => panic!("not a hex digit"),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn decodes_both_cases() {
        const BYTES: [u8; 3] = super::decode("00aFff");
        assert_eq!(BYTES, [0x00, 0xaf, 0xff]);
    }
}
