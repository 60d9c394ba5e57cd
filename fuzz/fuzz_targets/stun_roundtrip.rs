#![no_main]
use floe_stun::{Message, MessageBuilder, MessageType, TransactionId, attributes::AnyAttribute};
fn decode<'a>(
    m: &Message<'a>,
) -> (
    MessageType,
    TransactionId,
    Vec<Result<AnyAttribute<'a>, &'a [u8]>>,
) {
    let attrs = m
        .attributes()
        .map(|r| AnyAttribute::decode(r, m.transaction_id()).map_err(|_| r.value));
    (m.message_type(), *m.transaction_id(), attrs.collect())
}
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Ok(msg) = Message::parse(data) else {
        return;
    };
    let ((typ, tid, attrs), mut buf) = (decode(&msg), Vec::new());
    let mut b = MessageBuilder::new(&mut buf, typ, tid);
    attrs.iter().zip(msg.attributes()).for_each(|(a, raw)| {
        _ = match a {
            Ok(a) => b.add_any(a),
            Err(v) => b.add_raw(raw.typ, v),
        }
    });
    let Ok(bytes) = b.finish() else { return }; // re-padded lists may outgrow 65535 bytes
    assert_eq!(
        decode(&Message::parse(bytes).expect("our encoding parses")),
        (typ, tid, attrs)
    );
});
