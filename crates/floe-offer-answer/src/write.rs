//! Writing the ICE attributes of a media section (RFC 8839 §4.2, §5; RFC 9429 §5.2.1,
//! §5.3.1): credentials, options, candidates, end-of-candidates, and the default candidate in
//! `c=`, the m= port and `a=rtcp`. Every other line of the section stays as the embedder wrote
//! it.

use core::net::{IpAddr, SocketAddr};

use floe_ice::Credentials;
use floe_ice_candidate::Candidate;
use floe_sdp::{Line, MediaSection};

use crate::read::IceOptionSet;
use crate::trickle::attribute_value;

/// The ICE attributes one media section gets.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SectionAttributes<'a> {
    pub(crate) credentials: &'a Credentials,
    pub(crate) options: IceOptionSet,
    /// The candidates (empty for a section bundled into another one, RFC 9143 §7.1.3).
    pub(crate) candidates: &'a [Candidate<'static>],
    pub(crate) end_of_candidates: bool,
    /// The default candidate's address for component 1 (RTP) and 2 (RTCP), if known.
    pub(crate) default: Option<SocketAddr>,
    pub(crate) rtcp_default: Option<SocketAddr>,
    /// Keep port 0 (a rejected or `bundle-only` section, RFC 9143 §6).
    pub(crate) port_zero: bool,
}

/// The attributes this module owns: removed before a section is written again.
const ICE_ATTRIBUTES: [&str; 6] = [
    "ice-ufrag",
    "ice-pwd",
    "ice-options",
    "candidate",
    "end-of-candidates",
    "rtcp",
];

/// The discard port a section without a known default candidate uses (RFC 8840 §4.1.1.1).
pub(crate) const DISCARD_PORT: u16 = 9;

/// Writes `attrs` into `section`, replacing the ICE attributes it had.
pub(crate) fn write_section(section: &mut MediaSection<'_>, attrs: &SectionAttributes<'_>) {
    for name in ICE_ATTRIBUTES {
        section.remove_attributes(name);
    }
    let default = attrs.default;
    let port = match (attrs.port_zero, default) {
        (true, _) => 0,
        (false, Some(d)) => d.port(),
        (false, None) => DISCARD_PORT,
    };
    set_port(section, port);
    set_connection(section, default.map(|d| d.ip()));
    if let Some(rtcp) = attrs.rtcp_default {
        section.push_raw_attribute("rtcp", Some(&rtcp_value(rtcp)));
    }
    section.push_raw_attribute("ice-ufrag", Some(&attrs.credentials.ufrag));
    section.push_raw_attribute("ice-pwd", Some(&attrs.credentials.pwd));
    if let Some(options) = attrs.options.to_value() {
        section.push_raw_attribute("ice-options", Some(&options));
    }
    for c in attrs.candidates {
        section.push_raw_attribute("candidate", Some(&attribute_value(c)));
    }
    if attrs.end_of_candidates {
        section.push_raw_attribute("end-of-candidates", None);
    }
}

/// `a=rtcp:<port> IN IP4|IP6 <address>` (RFC 3605).
fn rtcp_value(addr: SocketAddr) -> String {
    format!("{} IN {} {}", addr.port(), addr_type(addr.ip()), addr.ip())
}

fn addr_type(ip: IpAddr) -> &'static str {
    if ip.is_ipv4() { "IP4" } else { "IP6" }
}

/// Rewrites the port of the section's `m=` line.
fn set_port(section: &mut MediaSection<'_>, port: u16) {
    let lines = section.lines_mut();
    let Some(m) = lines.first_mut() else {
        return;
    };
    let Some(value) = m.value() else {
        return;
    };
    let mut fields = value.splitn(3, ' ');
    let (media, old_port, rest) = (fields.next(), fields.next(), fields.next());
    let (Some(media), Some(old_port), Some(rest)) = (media, old_port, rest) else {
        return;
    };
    // A port count (`/2`) stays.
    let count = old_port.split_once('/').map(|(_, c)| c);
    let text = match count {
        Some(c) => format!("{media} {port}/{c} {rest}"),
        None => format!("{media} {port} {rest}"),
    };
    *m = Line::field('m', &text);
}

/// Sets the section's `c=` line to the default candidate's address (or `0.0.0.0`), after the
/// `m=` and `i=` lines where RFC 8866 §5 puts it.
fn set_connection(section: &mut MediaSection<'_>, ip: Option<IpAddr>) {
    let ip = ip.unwrap_or(IpAddr::from([0, 0, 0, 0]));
    let line = Line::field('c', &format!("IN {} {ip}", addr_type(ip)));
    let lines = section.lines_mut();
    if let Some(c) = lines.iter_mut().find(|l| l.line_type() == Some('c')) {
        *c = line;
        return;
    }
    let at = lines
        .iter()
        .position(|l| !matches!(l.line_type(), Some('m' | 'i')))
        .unwrap_or(lines.len());
    lines.insert(at, line);
}

#[cfg(test)]
mod tests {
    use super::*;
    use floe_sdp::SessionDescription;

    #[test]
    fn a_section_gets_its_default_candidate_and_keeps_everything_else() {
        let text = "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n\
                    m=audio 9/2 UDP/TLS/RTP/SAVPF 111\r\na=mid:a\r\na=ice-ufrag:old1\r\n\
                    a=candidate:1 1 udp 1 198.51.100.9 9 typ host\r\na=rtpmap:111 opus/48000/2\r\n";
        let mut sdp = SessionDescription::parse(text).unwrap();
        let creds = Credentials::new("F7gI", "x9cml/YzichV2+XlhiMu8g");
        let c = Candidate::parse("1 1 udp 2130706431 198.51.100.7 5000 typ host")
            .unwrap()
            .into_owned();
        let attrs = SectionAttributes {
            credentials: &creds,
            options: IceOptionSet {
                trickle: true,
                ..IceOptionSet::default()
            },
            candidates: core::slice::from_ref(&c),
            end_of_candidates: true,
            default: c.socket_addr(),
            rtcp_default: "198.51.100.7:5001".parse().ok(),
            port_zero: false,
        };
        write_section(&mut sdp.media_mut()[0], &attrs);
        let out = sdp.to_string();
        let section = out.split_once("m=").unwrap().1;
        assert!(
            section.starts_with("audio 5000/2 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 198.51.100.7\r\n")
        );
        assert!(out.contains("a=rtpmap:111 opus/48000/2\r\n"));
        assert!(out.contains("a=rtcp:5001 IN IP4 198.51.100.7\r\n"));
        assert!(!out.contains("old1") && !out.contains("198.51.100.9"));
        assert!(out.ends_with(
            "a=ice-ufrag:F7gI\r\na=ice-pwd:x9cml/YzichV2+XlhiMu8g\r\na=ice-options:trickle\r\n\
             a=candidate:1 1 udp 2130706431 198.51.100.7 5000 typ host\r\na=end-of-candidates\r\n"
        ));
    }
}
