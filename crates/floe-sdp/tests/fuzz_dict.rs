//! `fuzz/dict/sdp.dict` names every attribute in the registry, in both the value form
//! (`a=name:`) and the property form (`a=name` CRLF), and the line types of RFC 8866 §5: an
//! attribute registered without its entries fails here.

#[test]
fn the_sdp_dictionary_covers_the_attribute_registry() {
    let dict = floe_corpus::fuzz_dict::entries("sdp");
    let has = |text: &str| dict.iter().any(|e| *e == text.as_bytes());
    let mut missing = Vec::new();
    for reg in floe_sdp::registrations() {
        for form in [format!("a={}:", reg.name), format!("a={}\r\n", reg.name)] {
            if !has(&form) {
                missing.push(form);
            }
        }
    }
    assert!(missing.is_empty(), "missing from sdp.dict: {missing:?}");
    for line in "vosiuepcbtrzkam".chars() {
        assert!(has(&format!("\n{line}=")), "no {line}= line entry");
    }
    assert!(floe_sdp::registrations().len() >= 90);
}
