//! `floe stun decode`: reads hex, decodes each message, prints a dump or JSON.

use std::process::ExitCode;

use floe_stun::attributes::PasswordAlgorithmAttribute;
use floe_stun::channel_data::{ChannelData, ChannelDataError, ChannelRange};
use floe_stun::demux::{Demux, PacketKind};
use floe_stun::{IntegrityKey, Message, ParseError as StunParseError, PasswordAlgorithm};

use super::DecodeArgs;
use super::render::{Rendered, render_channel_data, render_message};
use crate::input::{EXIT_FAILED, content_lines, located, read_text, usage_error};

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

/// Where hex text went wrong: 1-based line and column (in characters) within the text.
#[derive(Debug, PartialEq, Eq)]
struct HexError {
    line: usize,
    column: usize,
    message: String,
}

/// Hex text to bytes, ignoring whitespace, in one pass: memory grows with the output only
/// (at most half the input), and decoding stops at the first character that is not a hex
/// digit (20 MB of junk used to build a 16-byte entry per character first).
fn unhex(text: &str) -> Result<Vec<u8>, HexError> {
    let mut out = Vec::new();
    let (mut line, mut column) = (1, 0);
    let mut high: Option<u8> = None;
    let mut last = (1, 0);
    for c in text.chars() {
        column += 1;
        if c == '\n' {
            (line, column) = (line + 1, 0);
            continue;
        }
        if c.is_whitespace() {
            continue;
        }
        let Some(nibble) = c.to_digit(16) else {
            return Err(HexError {
                line,
                column,
                message: format!("invalid hex character {c:?}"),
            });
        };
        last = (line, column);
        let nibble = nibble as u8;
        match high.take() {
            Some(h) => out.push(h << 4 | nibble),
            None => high = Some(nibble),
        }
    }
    if high.is_some() {
        return Err(HexError {
            line: last.0,
            column: last.1,
            message: format!("odd number of hex digits ({})", out.len() * 2 + 1),
        });
    }
    Ok(out)
}

/// The 1-based line and column of the hex digit that starts byte `offset` of the decoded
/// message (the last digit when the message is shorter; `(1, 1)` for blank text).
fn byte_position(text: &str, offset: usize) -> (usize, usize) {
    let wanted = offset.saturating_mul(2);
    let (mut line, mut column) = (1, 0);
    let mut last = (1, 1);
    let mut digits = 0;
    for c in text.chars() {
        column += 1;
        if c == '\n' {
            (line, column) = (line + 1, 0);
        } else if !c.is_whitespace() {
            if digits == wanted {
                return (line, column);
            }
            digits += 1;
            last = (line, column);
        }
    }
    last
}

/// Input is what flows between a TURN client and its server: STUN, or ChannelData on any
/// channel RFC 5766 §11 allowed (0x4000–0x7FFF), as Wireshark decodes it. Frames outside RFC
/// 8656 §12's 0x4000–0x4FFF are decoded and the dump says so.
const TURN_DEMUX: Demux = Demux::turn(ChannelRange::Rfc5766);

/// Decodes one message (STUN or ChannelData, told apart by the first byte) and renders it;
/// an error comes with the offset of the byte it is about.
fn decode_one(bytes: &[u8], creds: &Credentials) -> Result<Rendered, (usize, String)> {
    if TURN_DEMUX.classify(bytes) == PacketKind::ChannelData {
        return ChannelData::parse_with(bytes, TURN_DEMUX.channel_range())
            .map(|frame| render_channel_data(&frame))
            .map_err(|e| (channel_data_offset(&e), format!("ChannelData: {e}")));
    }
    let msg = Message::parse(bytes).map_err(|e| (stun_offset(&e), format!("STUN: {e}")))?;
    Ok(render_message(&msg, creds))
}

/// The byte a STUN parse error is about.
fn stun_offset(e: &StunParseError) -> usize {
    match *e {
        StunParseError::TruncatedHeader { available } => available,
        StunParseError::UnalignedLength { .. } | StunParseError::LengthMismatch { .. } => 2,
        StunParseError::Rfc3489 { .. } => 4,
        StunParseError::TruncatedAttribute { offset, .. }
        | StunParseError::AfterFingerprint { offset, .. } => offset,
        _ => 0,
    }
}

/// The byte a ChannelData error is about.
fn channel_data_offset(e: &ChannelDataError) -> usize {
    match *e {
        ChannelDataError::TruncatedHeader { available } => available,
        ChannelDataError::Truncated { .. } => 2,
        ChannelDataError::TrailingBytes { offset, .. } => offset,
        _ => 0,
    }
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
    let source = match &args.input {
        Some(path) if path == "-" => "<stdin>".to_owned(),
        Some(path) => path.clone(),
        None => "--hex".to_owned(),
    };
    let inputs: Vec<(usize, &str)> = if args.lines {
        content_lines(&text).collect()
    } else {
        vec![(1, text.as_str())]
    };
    if inputs.iter().all(|(_, hex)| hex.trim().is_empty()) {
        // Empty input is invalid input, like any other that holds no message.
        eprintln!("{}", located(&source, 1, 1, "no message in the input"));
        return ExitCode::from(EXIT_FAILED);
    }
    let mut ok = true;
    for (line, hex) in inputs {
        // Errors as SOURCE:LINE:COLUMN: error:, 1-based: at the bad hex character, or at the
        // first digit of the byte a decode error is about.
        let at = |(l, column): (usize, usize)| (if args.lines { line } else { l }, column);
        let result = unhex(hex)
            .map_err(|e| {
                let (l, column) = at((e.line, e.column));
                located(&source, l, column, e.message)
            })
            .and_then(|bytes| {
                decode_one(&bytes, &creds).map_err(|(offset, e)| {
                    let (l, column) = at(byte_position(hex, offset));
                    located(&source, l, column, e)
                })
            });
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
                if args.json {
                    println!("{}", serde_json::json!({ "error": error }));
                }
                eprintln!("{error}");
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
    use super::{HexError, byte_position, unhex};

    #[test]
    fn bytes_are_located_at_their_first_digit() {
        assert_eq!(byte_position("0001", 0), (1, 1));
        assert_eq!(byte_position("0001", 1), (1, 3));
        assert_eq!(byte_position("\n\n  \t00 11\n2233", 2), (4, 1));
        assert_eq!(
            byte_position("00 11", 9),
            (1, 5),
            "past the end: the last digit"
        );
        assert_eq!(byte_position("   ", 0), (1, 1));
    }

    #[test]
    fn hex_with_whitespace_and_errors() {
        assert_eq!(unhex(" 00 01\n0a ").unwrap(), [0, 1, 10]);
        assert_eq!(unhex("AbcD").unwrap(), [0xab, 0xcd]);
        let at = |line, column| (line, column);
        let e = unhex("0g").unwrap_err();
        assert_eq!(
            (at(e.line, e.column), e.message.as_str()),
            (at(1, 2), "invalid hex character 'g'")
        );
        let e = unhex("00\n 1é").unwrap_err();
        assert_eq!(
            at(e.line, e.column),
            at(2, 3),
            "columns count characters, 1-based"
        );
        let e: HexError = unhex("01 2").unwrap_err();
        assert!(
            e.message.contains("odd") && at(e.line, e.column) == at(1, 4),
            "{e:?}"
        );
    }
}
