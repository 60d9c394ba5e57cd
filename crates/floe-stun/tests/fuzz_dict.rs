//! `fuzz/dict/stun.dict` holds every registered attribute type and every method in each class,
//! as wire bytes, and the magic cookie: a registry entry added without its dictionary entry
//! fails here.

use floe_stun::{AttributeType, Class, MAGIC_COOKIE, MessageType, Method};

#[test]
fn the_stun_dictionary_covers_the_registries() {
    let dict = floe_corpus::fuzz_dict::entries("stun");
    let has = |bytes: &[u8]| dict.iter().any(|e| e == bytes);
    assert!(has(&MAGIC_COOKIE.to_be_bytes()));
    let mut attributes = 0;
    for value in 0..=u16::MAX {
        if AttributeType(value).name().is_some() {
            attributes += 1;
            assert!(
                has(&value.to_be_bytes()),
                "attribute {:?} ({value:#06x})",
                AttributeType(value)
            );
        }
    }
    let mut methods = 0;
    for value in 0..=Method::MAX {
        let method = Method(value);
        if method.name().is_none() {
            continue;
        }
        methods += 1;
        for class in [
            Class::Request,
            Class::Indication,
            Class::Success,
            Class::Error,
        ] {
            let t = MessageType::new(method, class).to_u16();
            assert!(has(&t.to_be_bytes()), "{method:?} {class:?} ({t:#06x})");
        }
    }
    assert!(
        attributes >= 40 && methods >= 10,
        "{attributes} attributes, {methods} methods"
    );
}
