//! The server side of NAT behaviour discovery (RFC 5780 §6): a Binding responder with two IP
//! addresses and two ports that answers from the address a CHANGE-REQUEST asks for, to the port
//! a RESPONSE-PORT names, with RESPONSE-ORIGIN and OTHER-ADDRESS, and with PADDING when asked.
//!
//! The caller owns the four sockets ([`AlternateAddresses::all`]); for each request it passes
//! the address the request arrived on and sends the answer from [`Rfc5780Reply::from`] to
//! [`Rfc5780Reply::to`]. Rules, in order:
//! 1. what [`BindingResponder::answer`] ignores or leaves to the caller, this does too;
//! 2. comprehension-required attributes other than the Binding ones and CHANGE-REQUEST,
//!    RESPONSE-PORT and PADDING get 420 with UNKNOWN-ATTRIBUTES (RFC 8489 §6.3.1.1);
//! 3. a malformed CHANGE-REQUEST or RESPONSE-PORT, or RESPONSE-PORT together with PADDING,
//!    gets 400 (RFC 5780 §6.1);
//! 4. a change the server cannot make (it lacks the alternate IP or port, or the request came
//!    in on an address that is not one of its four) gets 420 listing CHANGE-REQUEST, the answer
//!    of a server without that support (RFC 5780 §7.2), never a reply from the wrong address;
//! 5. otherwise a success with XOR-MAPPED-ADDRESS, RESPONSE-ORIGIN (§7.3), OTHER-ADDRESS
//!    (§7.4: the address differing in both IP and port from the one the request came in on)
//!    and, when the request had PADDING, PADDING filling the answer to 1500-byte datagrams.
//!
//! Errors always go back from the arrival address to the request's source.
//!
//! ```
//! use floe_stun::attributes::{ChangeRequest, OtherAddress, ResponseOrigin};
//! use floe_stun::binding::BindingResponder;
//! use floe_stun::binding::rfc5780::AlternateAddresses;
//! use floe_stun::{Class, Message, MessageBuilder, MessageType, Method, TransactionId};
//!
//! let addrs = AlternateAddresses::new(
//!     "203.0.113.10:3478".parse().unwrap(),
//!     "203.0.113.20:3479".parse().unwrap(),
//! );
//! let mut request = Vec::new();
//! let typ = MessageType::new(Method::BINDING, Class::Request);
//! let mut b = MessageBuilder::new(&mut request, typ, TransactionId::from_bytes([5; 12]));
//! b.add(&ChangeRequest { change_ip: true, change_port: true });
//! b.fingerprint().unwrap();
//!
//! let client = "198.51.100.2:40000".parse().unwrap();
//! let mut out = Vec::new();
//! let reply = BindingResponder::new().answer_rfc5780(
//!     &Message::parse(&request).unwrap(), client, addrs.primary(), &addrs, &mut out);
//! assert_eq!(reply.from, "203.0.113.20:3479".parse().unwrap());
//! assert_eq!(reply.to, client);
//! let response = Message::parse(&out).unwrap();
//! assert_eq!(response.get::<ResponseOrigin>().unwrap(), Some(ResponseOrigin(reply.from)));
//! assert_eq!(response.get::<OtherAddress>().unwrap(), Some(OtherAddress(addrs.other())));
//! ```

use alloc::vec::Vec;
use core::net::SocketAddr;

use super::{BindingAnswer, BindingResponder, skipped, understands_binding};
use crate::attributes::{
    ChangeRequest, ErrorCodeAttribute, OtherAddress, Padding, ResponseOrigin, ResponsePort,
    XorMappedAddress,
};
use crate::message::Message;
use crate::registry::{AttributeType, Class, ErrorCode};

/// The datagram size PADDING fills an answer up to (RFC 5780 §6.1: the MTU of the outgoing
/// interface; Ethernet's 1500 bytes here), before the IP and UDP headers.
const PADDED_DATAGRAM: usize = 1500;

/// IPv4 (20 bytes) or IPv6 (40 bytes) header and the UDP header (8 bytes).
const fn ip_udp_overhead(v4: bool) -> usize {
    if v4 { 28 } else { 48 }
}

/// Whether an RFC 5780 server understands a comprehension-required attribute: the Binding ones
/// ([`understands_binding`]) and CHANGE-REQUEST, RESPONSE-PORT and PADDING.
///
/// ```
/// use floe_stun::AttributeType;
/// use floe_stun::binding::rfc5780::understands_rfc5780;
/// assert!(understands_rfc5780(AttributeType::CHANGE_REQUEST));
/// assert!(!understands_rfc5780(AttributeType::CHANNEL_NUMBER));
/// ```
#[must_use]
pub fn understands_rfc5780(typ: AttributeType) -> bool {
    understands_binding(typ)
        || matches!(
            typ,
            AttributeType::CHANGE_REQUEST | AttributeType::RESPONSE_PORT | AttributeType::PADDING
        )
}

/// A server's primary address and its OTHER-ADDRESS (RFC 5780 §7.4), which span the four
/// transport addresses it serves from: both IPs × both ports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AlternateAddresses {
    primary: SocketAddr,
    other: SocketAddr,
}

impl AlternateAddresses {
    /// From the primary address and the other one. When they share the IP address (or the
    /// port), only port (or IP) changes can be made; the others get 420.
    #[must_use]
    pub const fn new(primary: SocketAddr, other: SocketAddr) -> Self {
        Self { primary, other }
    }

    /// The primary address.
    #[must_use]
    pub const fn primary(&self) -> SocketAddr {
        self.primary
    }

    /// The other address.
    #[must_use]
    pub const fn other(&self) -> SocketAddr {
        self.other
    }

    /// The four addresses to listen on: primary, primary IP with the other port, other IP
    /// with the primary port, other. Duplicates when IP or port is shared.
    ///
    /// ```
    /// use floe_stun::binding::rfc5780::AlternateAddresses;
    /// let a = AlternateAddresses::new("192.0.2.1:3478".parse().unwrap(), "192.0.2.2:3479".parse().unwrap());
    /// assert_eq!(a.all()[1], "192.0.2.1:3479".parse().unwrap());
    /// ```
    #[must_use]
    pub const fn all(&self) -> [SocketAddr; 4] {
        let (p, o) = (self.primary, self.other);
        [
            p,
            SocketAddr::new(p.ip(), o.port()),
            SocketAddr::new(o.ip(), p.port()),
            o,
        ]
    }

    /// Whether both an alternate IP address and an alternate port exist.
    ///
    /// ```
    /// use floe_stun::binding::rfc5780::AlternateAddresses;
    /// let p = "192.0.2.1:3478".parse().unwrap();
    /// assert!(AlternateAddresses::new(p, "192.0.2.2:3479".parse().unwrap()).is_complete());
    /// assert!(!AlternateAddresses::new(p, "192.0.2.1:3479".parse().unwrap()).is_complete());
    /// ```
    #[must_use]
    pub fn is_complete(&self) -> bool {
        self.primary.ip() != self.other.ip() && self.primary.port() != self.other.port()
    }

    /// The address that differs from `local` as asked, or `None` when `local` is not one of
    /// the four or the change is impossible.
    ///
    /// ```
    /// use floe_stun::binding::rfc5780::AlternateAddresses;
    /// let a = AlternateAddresses::new("192.0.2.1:3478".parse().unwrap(), "192.0.2.2:3479".parse().unwrap());
    /// let from_other = "192.0.2.2:3479".parse().unwrap();
    /// assert_eq!(a.changed(from_other, false, true), Some("192.0.2.2:3478".parse().unwrap()));
    /// assert_eq!(a.changed("192.0.2.9:3478".parse().unwrap(), true, true), None);
    /// ```
    #[must_use]
    pub fn changed(
        &self,
        local: SocketAddr,
        change_ip: bool,
        change_port: bool,
    ) -> Option<SocketAddr> {
        // `[same, changed]` for one half of the address: the one `local` has, then the other.
        fn halves<T: PartialEq + Copy>(local: T, primary: T, other: T) -> Option<[T; 2]> {
            if local == primary {
                Some([primary, other])
            } else if local == other {
                Some([other, primary])
            } else {
                None
            }
        }
        let (p, o) = (self.primary, self.other);
        let ip = halves(local.ip(), p.ip(), o.ip())?;
        let port = halves(local.port(), p.port(), o.port())?;
        let to = SocketAddr::new(ip[usize::from(change_ip)], port[usize::from(change_port)]);
        let moved =
            (to.ip() != local.ip()) == change_ip && (to.port() != local.port()) == change_port;
        moved.then_some(to)
    }
}

/// What [`BindingResponder::answer_rfc5780`] did and where its answer goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Rfc5780Reply {
    /// What was written into the buffer (nothing for [`BindingAnswer::NotBinding`] and
    /// [`BindingAnswer::Ignored`]).
    pub answer: BindingAnswer,
    /// The local address to send it from (the socket bound there).
    pub from: SocketAddr,
    /// Where to send it.
    pub to: SocketAddr,
}

impl BindingResponder {
    /// Answers a Binding request that arrived on `local` from `source` as an RFC 5780 server
    /// with these addresses (see the [module docs](self)); no authentication.
    pub fn answer_rfc5780(
        &self,
        request: &Message<'_>,
        source: SocketAddr,
        local: SocketAddr,
        addrs: &AlternateAddresses,
        out: &mut Vec<u8>,
    ) -> Rfc5780Reply {
        out.clear();
        let back = |answer| Rfc5780Reply {
            answer,
            from: local,
            to: source,
        };
        if let Some(skipped) = skipped(request) {
            return back(skipped);
        }
        let mut unknown = [AttributeType(0); super::MAX_UNKNOWN_LISTED];
        let mut n = 0;
        for t in request
            .unknown_comprehension_required(understands_rfc5780)
            .take(super::MAX_UNKNOWN_LISTED)
        {
            unknown[n] = t;
            n += 1;
        }
        if let Some(code) = self.reject_unknown(request, &unknown[..n], None, out) {
            return back(BindingAnswer::Error(code));
        }
        let (Ok(change), Ok(response_port)) = (
            request.get::<ChangeRequest>(),
            request.get::<ResponsePort>(),
        ) else {
            return back(self.error(request, ErrorCode::BAD_REQUEST, None, out));
        };
        let padding = request.raw(AttributeType::PADDING).is_some();
        if padding && response_port.is_some() {
            return back(self.error(request, ErrorCode::BAD_REQUEST, None, out));
        }
        let change = change.unwrap_or_default();
        let Some(from) = addrs.changed(local, change.change_ip, change.change_port) else {
            let code = ErrorCode::UNKNOWN_ATTRIBUTE;
            self.write(request, Class::Error, None, out, |b| {
                b.add(&ErrorCodeAttribute::new(code)).add(
                    &crate::attributes::UnknownAttributes::from_types(&[
                        AttributeType::CHANGE_REQUEST,
                    ]),
                );
            });
            return back(BindingAnswer::Error(code));
        };
        let to = response_port.map_or(source, |ResponsePort(p)| SocketAddr::new(source.ip(), p));
        // OTHER-ADDRESS is relative to the address the request came in on; with only one
        // alternate (IP or port) that is as far as the server can move.
        let other = addrs
            .changed(local, true, true)
            .or_else(|| addrs.changed(local, true, false))
            .or_else(|| addrs.changed(local, false, true));
        let software_len = self
            .software
            .as_ref()
            .map_or(0, |s| 4 + ((s.len() + 3) & !3));
        let fingerprint_len = if self.fingerprint { 8 } else { 0 };
        self.write(request, Class::Success, None, out, |b| {
            b.add(&XorMappedAddress(source)).add(&ResponseOrigin(from));
            if let Some(o) = other {
                b.add(&OtherAddress(o));
            }
            if padding {
                let target = PADDED_DATAGRAM - ip_udp_overhead(to.is_ipv4());
                let used =
                    crate::header::HEADER_LEN + b.body_len() + 4 + software_len + fingerprint_len;
                let len = target.saturating_sub(used) & !3;
                let zeros = [0u8; PADDED_DATAGRAM];
                b.add(&Padding(&zeros[..len]));
            }
        });
        Rfc5780Reply {
            answer: if out.is_empty() {
                BindingAnswer::Ignored
            } else {
                BindingAnswer::Success
            },
            from,
            to,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attributes::UnknownAttributes;
    use crate::builder::MessageBuilder;
    use crate::registry::{MessageType, Method};
    use crate::transaction_id::TransactionId;

    fn addrs() -> AlternateAddresses {
        AlternateAddresses::new(
            "203.0.113.10:3478".parse().unwrap(),
            "203.0.113.20:3479".parse().unwrap(),
        )
    }

    fn request(build: impl FnOnce(&mut MessageBuilder<'_>)) -> Vec<u8> {
        let mut buf = Vec::new();
        let typ = MessageType::new(Method::BINDING, Class::Request);
        let mut b = MessageBuilder::new(&mut buf, typ, TransactionId::from_bytes([9; 12]));
        build(&mut b);
        b.fingerprint().unwrap();
        buf
    }

    fn answer(bytes: &[u8], local: SocketAddr) -> (Rfc5780Reply, Vec<u8>) {
        let mut out = Vec::new();
        let client = "198.51.100.2:40000".parse().unwrap();
        let r = BindingResponder::new().answer_rfc5780(
            &Message::parse(bytes).unwrap(),
            client,
            local,
            &addrs(),
            &mut out,
        );
        (r, out)
    }

    #[test]
    fn each_change_comes_from_its_address_with_origin_and_other() {
        let a = addrs();
        for (local_i, local) in a.all().into_iter().enumerate() {
            for (ip, port) in [(false, false), (false, true), (true, false), (true, true)] {
                let bytes = request(|b| {
                    b.add(&ChangeRequest {
                        change_ip: ip,
                        change_port: port,
                    });
                });
                let (r, out) = answer(&bytes, local);
                assert_eq!(r.answer, BindingAnswer::Success);
                let want = a.all()[local_i ^ (usize::from(ip) << 1) ^ usize::from(port)];
                assert_eq!(r.from, want, "from {local} change ip={ip} port={port}");
                let m = Message::parse(&out).unwrap();
                m.verify_fingerprint().unwrap();
                assert_eq!(
                    m.get::<ResponseOrigin>().unwrap(),
                    Some(ResponseOrigin(want))
                );
                assert_eq!(
                    m.get::<OtherAddress>().unwrap(),
                    Some(OtherAddress(a.all()[local_i ^ 3]))
                );
            }
        }
    }

    #[test]
    fn response_port_redirects_and_padding_fills_the_datagram() {
        let bytes = request(|b| {
            b.add(&ResponsePort(5555));
        });
        let (r, _) = answer(&bytes, addrs().primary());
        assert_eq!(r.to, "198.51.100.2:5555".parse().unwrap());
        let bytes = request(|b| {
            b.add(&Padding(b"pad!"));
        });
        let (r, out) = answer(&bytes, addrs().primary());
        assert_eq!(r.answer, BindingAnswer::Success);
        assert!(out.len() <= 1472 && out.len() > 1400, "{}", out.len());
        assert!(
            Message::parse(&out)
                .unwrap()
                .raw(AttributeType::PADDING)
                .is_some()
        );
    }

    #[test]
    fn padding_with_response_port_and_bad_change_request_get_400() {
        let both = request(|b| {
            b.add(&ResponsePort(5555)).add(&Padding(b"pad!"));
        });
        let bad = request(|b| {
            b.add_raw(AttributeType::CHANGE_REQUEST, &[0, 0, 6]);
        });
        for bytes in [both, bad] {
            let (r, out) = answer(&bytes, addrs().primary());
            assert_eq!(r.answer, BindingAnswer::Error(ErrorCode::BAD_REQUEST));
            assert_eq!(r.from, addrs().primary());
            assert_eq!(Message::parse(&out).unwrap().class(), Class::Error);
        }
    }

    #[test]
    fn an_impossible_change_gets_420_from_the_arrival_address() {
        let one_ip = AlternateAddresses::new(
            "203.0.113.10:3478".parse().unwrap(),
            "203.0.113.10:3479".parse().unwrap(),
        );
        assert!(!one_ip.is_complete());
        let bytes = request(|b| {
            b.add(&ChangeRequest {
                change_ip: true,
                change_port: false,
            });
        });
        let mut out = Vec::new();
        let client = "198.51.100.2:40000".parse().unwrap();
        let r = BindingResponder::new().answer_rfc5780(
            &Message::parse(&bytes).unwrap(),
            client,
            one_ip.primary(),
            &one_ip,
            &mut out,
        );
        assert_eq!(r.answer, BindingAnswer::Error(ErrorCode::UNKNOWN_ATTRIBUTE));
        assert_eq!((r.from, r.to), (one_ip.primary(), client));
        let m = Message::parse(&out).unwrap();
        let listed = m.get::<UnknownAttributes<'_>>().unwrap().unwrap();
        assert!(listed.iter().any(|t| t == AttributeType::CHANGE_REQUEST));
        // The port change it can make.
        let bytes = request(|b| {
            b.add(&ChangeRequest {
                change_ip: false,
                change_port: true,
            });
        });
        let r = BindingResponder::new().answer_rfc5780(
            &Message::parse(&bytes).unwrap(),
            client,
            one_ip.primary(),
            &one_ip,
            &mut out,
        );
        assert_eq!(r.from, "203.0.113.10:3479".parse().unwrap());
    }

    #[test]
    fn unknown_comprehension_required_still_gets_420() {
        let bytes = request(|b| {
            b.add_raw(AttributeType(0x0077), b"?");
        });
        let (r, _) = answer(&bytes, addrs().primary());
        assert_eq!(r.answer, BindingAnswer::Error(ErrorCode::UNKNOWN_ATTRIBUTE));
    }
}
