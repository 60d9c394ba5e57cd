//! `floe stun decode`: reads hex, decodes each message, prints a dump or JSON.

use std::process::ExitCode;

use floe_stun::attributes::PasswordAlgorithmAttribute;
use floe_stun::channel_data::{ChannelData, ChannelRange};
use floe_stun::demux::{Demux, PacketKind};
use floe_stun::{IntegrityKey, Message, PasswordAlgorithm};

use super::DecodeArgs;
use super::render::{Rendered, render_channel_data, render_message};
use crate::input::{EXIT_FAILED, content_lines, read_text, usage_error};

/// Credentials given on the command line.
pub(super) enum Credentials {
    None,
    ShortTerm(String),
    LongTerm {
        user: String,
        realm: String,
        password: String,
    },
}

impl Credentials {
    fn from_args(args: &DecodeArgs) -> Result<Self, ExitCode> {
        if let Some(p) = &args.password {
            return Ok(Self::ShortTerm(p.clone()));
        }
        let Some(lt) = &args.long_term else {
            return Ok(Self::None);
        };
        let mut parts = lt.rsplitn(3, ':');
        match (parts.next(), parts.next(), parts.next()) {
            (Some(password), Some(realm), Some(user)) => Ok(Self::LongTerm {
                user: user.to_owned(),
                realm: realm.to_owned(),
                password: password.to_owned(),
            }),
            _ => Err(usage_error("--long-term wants USER:REALM:PASS")),
        }
    }

    /// The key for `msg`, or `None` without credentials (or for an unknown password algorithm).
    pub(super) fn key(&self, msg: &Message<'_>) -> Option<IntegrityKey<'_>> {
        match self {
            Self::None => None,
            Self::ShortTerm(p) => Some(IntegrityKey::short_term(p)),
            Self::LongTerm {
                user,
                realm,
                password,
            } => {
                let algorithm = match msg.get::<PasswordAlgorithmAttribute<'_>>() {
                    Ok(Some(a)) => a.algorithm,
                    _ => PasswordAlgorithm::MD5,
                };
                IntegrityKey::long_term(algorithm, user, realm, password)
            }
        }
    }

    pub(super) fn given(&self) -> bool {
        !matches!(self, Self::None)
    }
}

/// Hex text to bytes, ignoring whitespace; the error names the character offset.
fn unhex(text: &str) -> Result<Vec<u8>, String> {
    let digits: Vec<(usize, u8)> = text
        .bytes()
        .enumerate()
        .filter(|(_, b)| !b.is_ascii_whitespace())
        .collect();
    if let Some((at, b)) = digits.iter().find(|(_, b)| !b.is_ascii_hexdigit()) {
        return Err(format!(
            "invalid hex character {:?} at character {at}",
            char::from(*b)
        ));
    }
    if !digits.len().is_multiple_of(2) {
        return Err(format!("odd number of hex digits ({})", digits.len()));
    }
    let clean: Vec<u8> = digits.into_iter().map(|(_, b)| b).collect();
    hex::decode(clean).map_err(|e| e.to_string())
}

/// Input is what flows between a TURN client and its server: STUN, or ChannelData on any
/// channel RFC 5766 §11 allowed (0x4000–0x7FFF), as Wireshark decodes it. Frames outside RFC
/// 8656 §12's 0x4000–0x4FFF are decoded and the dump says so.
const TURN_DEMUX: Demux = Demux::turn(ChannelRange::Rfc5766);

/// Decodes one message (STUN or ChannelData, told apart by the first byte) and renders it.
fn decode_one(bytes: &[u8], creds: &Credentials) -> Result<Rendered, String> {
    if TURN_DEMUX.classify(bytes) == PacketKind::ChannelData {
        return ChannelData::parse_with(bytes, TURN_DEMUX.channel_range())
            .map(|frame| render_channel_data(&frame))
            .map_err(|e| format!("ChannelData: {e}"));
    }
    let msg = Message::parse(bytes).map_err(|e| format!("STUN: {e}"))?;
    Ok(render_message(&msg, creds))
}

/// Runs `floe stun decode`.
pub(super) fn run(args: &DecodeArgs) -> ExitCode {
    let creds = match Credentials::from_args(args) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let text = match (&args.hex, &args.input) {
        (Some(hex), None) => hex.clone(),
        (None, Some(path)) => match read_text(path) {
            Ok(t) => t,
            Err(code) => return code,
        },
        _ => return usage_error("give either --hex HEX or a FILE (or - for stdin)"),
    };
    let inputs: Vec<(usize, &str)> = if args.lines {
        content_lines(&text).collect()
    } else {
        vec![(1, text.as_str())]
    };
    if inputs.is_empty() {
        return usage_error("no message in the input");
    }
    let mut ok = true;
    for (line, hex) in inputs {
        let result = unhex(hex).and_then(|bytes| decode_one(&bytes, &creds));
        match result {
            Ok(rendered) => {
                ok &= rendered.passed();
                if args.json {
                    println!("{}", rendered.json);
                } else {
                    print!("{}", rendered.text);
                }
            }
            Err(error) => {
                ok = false;
                let error = if args.lines {
                    format!("line {line}: {error}")
                } else {
                    error
                };
                if args.json {
                    println!("{}", serde_json::json!({ "error": error }));
                }
                eprintln!("floe: {error}");
            }
        }
    }
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_FAILED)
    }
}

#[cfg(test)]
mod tests {
    use super::unhex;

    #[test]
    fn hex_with_whitespace_and_errors() {
        assert_eq!(unhex(" 00 01\n0a ").unwrap(), [0, 1, 10]);
        assert!(unhex("0g").unwrap_err().contains("character 1"));
        assert!(unhex("012").unwrap_err().contains("odd"));
    }
}
