//! The fuzzing dictionaries of `fuzz/dict/` (libFuzzer's `-dict=` format), read for the tests
//! that keep each one in step with the registry it was written from.

use std::path::PathBuf;

/// The entries of `fuzz/dict/<name>.dict`, unescaped (`\xHH`, `\\`, `\"`).
///
/// # Panics
/// When the file is missing or a line is not `[label=]"value"`, a comment or blank: the
/// dictionaries are part of the repository, so a broken one fails its test.
///
/// ```
/// let stun = floe_corpus::fuzz_dict::entries("stun");
/// assert!(stun.contains(&b"\x21\x12\xA4\x42".to_vec())); // the magic cookie
/// ```
#[must_use]
pub fn entries(name: &str) -> Vec<Vec<u8>> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fuzz/dict")
        .join(format!("{name}.dict"));
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        .map(|(i, l)| {
            parse_entry(l.trim()).unwrap_or_else(|| {
                panic!("{}:{}: not a dictionary entry: {l}", path.display(), i + 1)
            })
        })
        .collect()
}

/// `[label=]"value"` with libFuzzer's escapes.
fn parse_entry(line: &str) -> Option<Vec<u8>> {
    let start = line.find('"')?;
    let label = &line[..start];
    if !(label.is_empty() || label.ends_with('=')) {
        return None;
    }
    let quoted = line[start + 1..].strip_suffix('"')?;
    let mut out = Vec::new();
    let mut bytes = quoted.bytes();
    while let Some(b) = bytes.next() {
        if b != b'\\' {
            out.push(b);
            continue;
        }
        match bytes.next()? {
            b'x' => {
                let hex = [bytes.next()?, bytes.next()?];
                out.push(u8::from_str_radix(core::str::from_utf8(&hex).ok()?, 16).ok()?);
            }
            c @ (b'\\' | b'"') => out.push(c),
            _ => return None,
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::parse_entry;

    #[test]
    fn entries_with_and_without_labels_and_escapes() {
        assert_eq!(
            parse_entry(r#"kw="a=ice-ufrag:""#),
            Some(b"a=ice-ufrag:".to_vec())
        );
        assert_eq!(parse_entry(r#""\x00\x01""#), Some(vec![0, 1]));
        assert_eq!(parse_entry(r#""\\\"""#), Some(b"\\\"".to_vec()));
        assert_eq!(parse_entry("nothing"), None);
        assert_eq!(parse_entry(r#"x"\q""#), None);
        // libFuzzer knows only `\\`, `\"` and `\xHH`: `\n` makes it refuse the whole file.
        assert_eq!(parse_entry(r#"lf="\n""#), None);
    }

    /// Every dictionary in `fuzz/dict/` is one libFuzzer accepts (the registry tests check
    /// the contents of some of them; this checks the syntax of all).
    #[test]
    fn every_dictionary_parses() {
        let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/dict");
        let mut names: Vec<String> = std::fs::read_dir(&dir)
            .expect("fuzz/dict")
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .filter_map(|n| n.strip_suffix(".dict").map(str::to_owned))
            .collect();
        names.sort();
        assert_eq!(names, ["candidate", "sdp", "stun"]);
        for name in names {
            assert!(!super::entries(&name).is_empty(), "{name}.dict is empty");
        }
    }
}
