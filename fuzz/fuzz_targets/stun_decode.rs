#![no_main]
use floe_stun::{IntegrityKey, Message, attributes::AnyAttribute, demux::classify};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = classify(data);
    let Ok(msg) = Message::parse(data) else {
        return;
    };
    for raw in msg.attributes() {
        let _ = AnyAttribute::decode(raw, msg.transaction_id());
    }
    let _ = msg.verify_fingerprint();
    let _ = msg.verify_integrity(&IntegrityKey::short_term("VOkJxbRl1RmTxUk/WvJxBt"));
});
