//! Rendering decoded messages: JSON objects (the `--json` schema) and a readable dump.

use core::fmt::Write as _;

use floe_stun::attributes::AnyAttribute;
use floe_stun::channel_data::{ChannelData, ChannelRange};
use floe_stun::{AttributeType, Message, RawAttribute};
use serde_json::{Value, json};

use super::decode::Credentials;

/// Outcome of an integrity or fingerprint check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Check {
    Valid,
    Invalid,
    Absent,
    Unchecked,
}

impl Check {
    fn name(self) -> &'static str {
        match self {
            Self::Valid => "valid",
            Self::Invalid => "invalid",
            Self::Absent => "absent",
            Self::Unchecked => "unchecked",
        }
    }

    fn from_result<E>(result: Result<impl Sized, E>) -> Self {
        if result.is_ok() {
            Self::Valid
        } else {
            Self::Invalid
        }
    }
}

/// One decoded message, rendered both ways.
pub(super) struct Rendered {
    pub(super) json: Value,
    pub(super) text: String,
    integrity: Check,
    fingerprint: Check,
    attribute_errors: bool,
}

impl Rendered {
    /// Whether the message counts as passed for the exit status.
    pub(super) fn passed(&self) -> bool {
        self.integrity != Check::Invalid
            && self.fingerprint != Check::Invalid
            && !self.attribute_errors
    }
}

/// `{"channel": N, "length": N, "data": hex}`.
pub(super) fn render_channel_data(frame: &ChannelData<'_>) -> Rendered {
    let data = hex::encode(frame.data());
    let rfc8656 = ChannelRange::Rfc8656.contains(frame.channel());
    let range_note = if rfc8656 {
        ""
    } else {
        "\n  note: channel outside RFC 8656's 0x4000-0x4fff (an RFC 5766 channel, 0x4000-0x7fff)"
    };
    let text = format!(
        "ChannelData channel {:#06x}, {} bytes of data{range_note}\n  data: {data}\n",
        frame.channel(),
        frame.data().len()
    );
    Rendered {
        json: json!({
            "channel": frame.channel(),
            "rfc8656_range": rfc8656,
            "length": frame.data().len(),
            "data": data,
        }),
        text,
        integrity: Check::Absent,
        fingerprint: Check::Absent,
        attribute_errors: false,
    }
}

/// A STUN message as the `--json` object and the readable dump.
pub(super) fn render_message(msg: &Message<'_>, creds: &Credentials) -> Rendered {
    let method = msg
        .method()
        .name()
        .map_or_else(|| format!("{:#05x}", msg.method().0), str::to_owned);
    let class = msg.class().name();
    let tid = msg.transaction_id().to_string();
    let mut text = format!(
        "STUN {method} {class}, transaction {tid}, {} bytes\n",
        msg.as_bytes().len()
    );
    let mut attributes = Vec::new();
    let mut attribute_errors = false;
    for raw in msg.attributes() {
        let name = raw.typ.name().unwrap_or("unknown");
        let mut object = json!({ "type": raw.typ.0, "name": name });
        let shown = match AnyAttribute::decode(raw, msg.transaction_id()) {
            Ok(any) => value(&any, &raw),
            Err(e) => {
                attribute_errors = true;
                object["error"] = Value::String(e.to_string());
                Value::String(hex::encode(raw.value))
            }
        };
        let _ = write!(text, "  {name} ({:#06x}): {shown}", raw.typ.0);
        if raw.ignored {
            object["ignored"] = Value::Bool(true);
            text.push_str(" [ignored: after MESSAGE-INTEGRITY]");
        }
        if let Some(e) = object.get("error") {
            let _ = write!(text, " [error: {}]", e.as_str().unwrap_or_default());
        }
        text.push('\n');
        object["value"] = shown;
        attributes.push(object);
    }
    let integrity = integrity(msg, creds);
    let fingerprint = match msg.fingerprint_offset() {
        None => Check::Absent,
        Some(_) => Check::from_result(msg.verify_fingerprint()),
    };
    let _ = writeln!(
        text,
        "  integrity: {}, fingerprint: {}",
        integrity.name(),
        fingerprint.name()
    );
    let json = json!({
        "method": method,
        "class": class,
        "transaction_id": tid,
        "attributes": attributes,
        "integrity": integrity.name(),
        "fingerprint": fingerprint.name(),
    });
    Rendered {
        json,
        text,
        integrity,
        fingerprint,
        attribute_errors,
    }
}

fn integrity(msg: &Message<'_>, creds: &Credentials) -> Check {
    if msg.integrity_offset().is_none() && msg.integrity_sha256_offset().is_none() {
        return Check::Absent;
    }
    if !creds.given() {
        return Check::Unchecked;
    }
    match creds.key(msg) {
        Some(key) => Check::from_result(msg.verify_integrity(&key)),
        None => Check::Unchecked,
    }
}

/// The JSON value of an attribute: addresses as "ip:port", text as a string, numbers as
/// numbers (64-bit tie-breakers as decimal strings: a JSON reader that uses doubles, as
/// JavaScript does, would round them), error codes as `{"code", "reason"}`, anything else as
/// hex.
fn value(any: &AnyAttribute<'_>, raw: &RawAttribute<'_>) -> Value {
    use AnyAttribute as A;
    match any {
        A::MappedAddress(a) => a.0.to_string().into(),
        A::XorMappedAddress(a) => a.0.to_string().into(),
        A::XorPeerAddress(a) => a.0.to_string().into(),
        A::XorRelayedAddress(a) => a.0.to_string().into(),
        A::AlternateServer(a) => a.0.to_string().into(),
        A::ResponseOrigin(a) => a.0.to_string().into(),
        A::OtherAddress(a) => a.0.to_string().into(),
        A::Username(t) => t.0.into(),
        A::Realm(t) => t.0.into(),
        A::Nonce(t) => t.0.into(),
        A::Software(t) => t.0.into(),
        A::AlternateDomain(t) => t.0.into(),
        A::Priority(n) => n.0.into(),
        A::IceControlled(n) => n.0.to_string().into(),
        A::IceControlling(n) => n.0.to_string().into(),
        A::Nomination(n) => n.0.into(),
        A::Lifetime(n) => n.0.into(),
        A::ConnectionId(n) => n.0.into(),
        A::Fingerprint(n) => n.0.into(),
        A::ChannelNumber(n) => n.0.into(),
        A::ResponsePort(n) => n.0.into(),
        A::RequestedTransport(n) => n.0.into(),
        A::RequestedAddressFamily(f) => f.0.0.into(),
        A::AdditionalAddressFamily(f) => f.0.0.into(),
        A::ErrorCode(e) => json!({ "code": e.code.0, "reason": e.reason }),
        A::AddressErrorCode(e) => {
            json!({ "family": e.family.0, "code": e.code.0, "reason": e.reason })
        }
        A::Other {
            typ: AttributeType::ORIGIN,
            value,
        } => match core::str::from_utf8(value) {
            Ok(s) => s.into(),
            Err(_) => hex::encode(value).into(),
        },
        _ => hex::encode(raw.value).into(),
    }
}
