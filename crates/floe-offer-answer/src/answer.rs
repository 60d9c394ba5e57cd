//! The media part of an answer that mirrors an offer (RFC 3264 §6, RFC 9429 §5.3.1): what a
//! browser accepts, for an embedder that adds its own DTLS and media on top.

use floe_sdp::{Line, MediaSection, SessionDescription};

use crate::error::{DescriptionError, DescriptionErrorKind};

/// Attributes copied from each offered section: codecs and their parameters, and the SCTP
/// parameters of a data channel section. Extensions and SSRCs are the embedder's choice.
const COPIED: [&str; 6] = [
    "rtpmap",
    "fmtp",
    "rtcp-fb",
    "rtcp-mux",
    "sctp-port",
    "max-message-size",
];

/// An answer's media part for `offer`: one section per offered section, in order, with its
/// media type, proto, formats and mid; port 0 for a rejected section; `a=setup:active` to an
/// `actpass` or `passive` offer (RFC 8842 §5.3, as browsers answer) and `passive` to an
/// `active` one; codecs, rtcp-mux and SCTP parameters copied; RTP sections `recvonly`
/// (the embedder changes the direction if it sends). Add `a=fingerprint` (RFC 8122) to each
/// section, then pass it to [`IceSession::create_answer`](crate::IceSession::create_answer),
/// which writes the BUNDLE group and the ICE part.
///
/// # Errors
/// More than `u16::MAX` sections, or an offer line the copy cannot be written from.
///
/// ```
/// use floe_offer_answer::answer_template;
/// use floe_sdp::SessionDescription;
///
/// let offer = SessionDescription::parse(
///     "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\n\
///      m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\nc=IN IP4 0.0.0.0\r\na=mid:0\r\n\
///      a=setup:actpass\r\na=sctp-port:5000\r\na=max-message-size:262144\r\n",
/// )?;
/// let answer = answer_template(&offer)?.to_string();
/// assert!(answer.contains("m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n"));
/// assert!(answer.contains("a=mid:0\r\na=setup:active\r\na=sctp-port:5000\r\n"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn answer_template(
    offer: &SessionDescription<'_>,
) -> Result<SessionDescription<'static>, DescriptionError> {
    let mut answer = SessionDescription::new();
    let session_id = offer
        .origin()
        .and_then(Result::ok)
        .map_or(1, |o| o.session_id.wrapping_add(1));
    let lines = answer.session_lines_mut();
    lines.push(Line::field('v', "0"));
    lines.push(Line::field(
        'o',
        &format!("- {session_id} 2 IN IP4 127.0.0.1"),
    ));
    lines.push(Line::field('s', "-"));
    lines.push(Line::field('t', "0 0"));
    for (i, offered) in offer.media().iter().enumerate() {
        let m = offered
            .lines()
            .first()
            .and_then(Line::value)
            .ok_or_else(|| {
                DescriptionError::new(
                    0,
                    0,
                    DescriptionErrorKind::AnswerMismatch("a section has no m= line"),
                )
            })?;
        let mut fields = m.splitn(3, ' ');
        let (media, port, rest) = (fields.next(), fields.next(), fields.next());
        let (Some(media), Some(port), Some(rest)) = (media, port, rest) else {
            return Err(DescriptionError::new(
                u32::try_from(i).unwrap_or(0),
                0,
                DescriptionErrorKind::AnswerMismatch("an offered m= line has too few fields"),
            ));
        };
        let rejected = port.starts_with('0') && !offered.has_attribute("bundle-only");
        let mut section = MediaSection::from_lines(vec![Line::field(
            'm',
            &format!("{media} {} {rest}", if rejected { 0 } else { 9 }),
        )]);
        section.lines_mut().push(Line::field('c', "IN IP4 0.0.0.0"));
        if let Some(mid) = offered.mid() {
            section.push_raw_attribute("mid", Some(mid));
        }
        if !rejected {
            let setup = match offered.attribute_value("setup").flatten() {
                Some("active") => "passive",
                _ => "active",
            };
            section.push_raw_attribute("setup", Some(setup));
            if rest.contains("RTP") {
                let direction = match offered.direction() {
                    Some(floe_sdp::Direction::RecvOnly | floe_sdp::Direction::Inactive) => {
                        "inactive"
                    }
                    _ => "recvonly",
                };
                section.push_raw_attribute(direction, None);
            }
            for a in offered.attributes().filter(|a| COPIED.contains(&a.name)) {
                section.push_raw_attribute(a.name, a.value);
            }
        }
        answer.media_mut().push(section);
    }
    Ok(answer)
}
