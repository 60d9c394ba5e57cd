//! Data channels: `a=sctp-port`, `a=max-message-size` (RFC 8841) and the legacy `a=sctpmap`
//! (draft-ietf-mmusic-sctp-sdp-05).

use core::fmt;

use super::{Placement, TypedAttribute, number_attribute};
use crate::error::ValueError;
use crate::grammar::Cursor;

number_attribute!(
    /// `a=sctp-port:<port>`: the SCTP port (RFC 8841 §5.1).
    SctpPort(u16), "sctp-port", "sctp-port", Media
);
number_attribute!(
    /// `a=max-message-size:<bytes>`: the largest message the endpoint accepts; 0 means no
    /// limit (RFC 8841 §6.1).
    MaxMessageSize(u64), "max-message-size", "max-message-size", Media
);

/// `a=sctpmap:<port> <app> [<streams>]` (draft-ietf-mmusic-sctp-sdp-05 §5, sent by old Chrome
/// with `m=application <port> DTLS/SCTP <port>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct SctpMap<'a> {
    /// SCTP port (matches the `m=` format).
    pub port: u16,
    /// Application (`webrtc-datachannel`).
    pub app: &'a str,
    /// Number of streams.
    pub streams: Option<u32>,
}

impl<'a> TypedAttribute<'a> for SctpMap<'a> {
    const NAME: &'static str = "sctpmap";
    const PLACEMENT: Placement = Placement::Media;
    fn parse_value(value: &'a str) -> Result<Self, ValueError> {
        let mut c = Cursor::new(value);
        let port = c.number("sctpmap-number")?;
        let app = c.token("app")?;
        let streams = if c.at_end() {
            None
        } else {
            Some(c.number("streams")?)
        };
        c.finish()?;
        Ok(Self { port, app, streams })
    }
}

impl fmt::Display for SctpMap<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.port, self.app)?;
        self.streams.map_or(Ok(()), |s| write!(f, " {s}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ValueErrorKind;

    #[test]
    fn sctp_attributes() {
        assert_eq!(SctpPort::parse_value("5000"), Ok(SctpPort(5000)));
        assert_eq!(
            SctpPort::parse_value("70000").unwrap_err().kind,
            ValueErrorKind::OutOfRange { field: "sctp-port" }
        );
        assert_eq!(
            MaxMessageSize::parse_value("262144"),
            Ok(MaxMessageSize(262_144))
        );
        assert_eq!(MaxMessageSize(0).to_string(), "0");
        let m = SctpMap::parse_value("5000 webrtc-datachannel 1024").unwrap();
        assert_eq!(
            (m.port, m.app, m.streams),
            (5000, "webrtc-datachannel", Some(1024))
        );
        assert_eq!(m.to_string(), "5000 webrtc-datachannel 1024");
        assert_eq!(
            SctpMap::parse_value("5000"),
            Err(ValueError::missing(4, "app"))
        );
    }
}
