//! One allocation's state: relayed addresses, lifetime, permissions and channels
//! (RFC 8656 §2.2, §9, §12).

use core::net::{IpAddr, SocketAddr};
use core::time::Duration;
use std::time::Instant;

use floe_stun::{ErrorCode, TransactionId};

use super::{PendingAllocate, RelayGrant};
use crate::types::FiveTuple;

/// A permission for one peer IP (RFC 8656 §9): ports are not part of it.
#[derive(Debug, Clone, Copy)]
pub(super) struct Permission {
    pub(super) ip: IpAddr,
    pub(super) expires: Instant,
}

/// A channel binding (RFC 8656 §12).
#[derive(Debug, Clone, Copy)]
pub(super) struct Channel {
    pub(super) number: u16,
    pub(super) peer: SocketAddr,
    pub(super) expires: Instant,
}

impl Channel {
    /// When the binding leaves the table: its number and peer stay reserved for
    /// [`CHANNEL_HOLD_DOWN`](super::CHANNEL_HOLD_DOWN) after it expires (RFC 8656 §12).
    pub(super) fn released_at(&self) -> Instant {
        self.expires + super::CHANNEL_HOLD_DOWN
    }
}

/// Server-side allocation state. Kept small: the benchmark reports its size.
#[derive(Debug)]
pub(super) struct Allocation {
    /// The client's 5-tuple: the key of the allocation and where its data goes.
    pub(super) five_tuple: FiveTuple,
    pub(super) relayed: SocketAddr,
    pub(super) additional: Option<SocketAddr>,
    pub(super) username: Box<str>,
    /// A TCP allocation (RFC 6062).
    pub(super) tcp: bool,
    pub(super) expires: Instant,
    pub(super) permissions: Vec<Permission>,
    pub(super) channels: Vec<Channel>,
    /// The transaction id and response of the Allocate that created it, for retransmits
    /// (RFC 8656 §7.2).
    pub(super) cached_allocate: Option<(TransactionId, Box<[u8]>)>,
}

/// A read-only view of an allocation.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct AllocationInfo {
    /// The relayed address.
    pub relayed: SocketAddr,
    /// The additional relayed address (dual stack).
    pub additional: Option<SocketAddr>,
    /// The authenticated user.
    pub username: String,
    /// When it expires unless refreshed.
    pub expires: Instant,
    /// Peer IPs with a live permission.
    pub permissions: Vec<IpAddr>,
    /// Channels and their peers, bound or held down after expiry.
    pub channels: Vec<(u16, SocketAddr)>,
}

impl Allocation {
    pub(super) fn new(p: &PendingAllocate, grant: RelayGrant, now: Instant) -> Self {
        Self {
            five_tuple: p.five_tuple,
            relayed: grant.relayed,
            additional: grant.additional,
            username: p.username.clone(),
            tcp: p.tcp,
            expires: now + p.lifetime,
            permissions: Vec::new(),
            channels: Vec::new(),
            cached_allocate: None,
        }
    }

    pub(super) fn info(&self) -> AllocationInfo {
        AllocationInfo {
            relayed: self.relayed,
            additional: self.additional,
            username: self.username.to_string(),
            expires: self.expires,
            permissions: self.permissions.iter().map(|p| p.ip).collect(),
            channels: self.channels.iter().map(|c| (c.number, c.peer)).collect(),
        }
    }

    /// Heap bytes owned by this allocation.
    pub(super) fn heap_bytes(&self) -> usize {
        use core::mem::size_of;
        self.username.len()
            + self.permissions.capacity() * size_of::<Permission>()
            + self.channels.capacity() * size_of::<Channel>()
            + self.cached_allocate.as_ref().map_or(0, |(_, r)| r.len())
    }

    /// Whether a relayed address of `ip`'s family exists on this allocation.
    pub(super) fn relay_for(&self, ip: &IpAddr) -> Option<SocketAddr> {
        [Some(self.relayed), self.additional]
            .into_iter()
            .flatten()
            .find(|r| r.is_ipv4() == ip.is_ipv4())
    }

    /// Whether `ip` has a live permission. An IPv4-mapped IPv6 address is its IPv4 address.
    #[inline]
    pub(super) fn permits(&self, ip: &IpAddr, now: Instant) -> bool {
        let ip = ip.to_canonical();
        self.permissions
            .iter()
            .any(|p| p.ip == ip && p.expires > now)
    }

    /// Installs or refreshes a permission; `false` when the quota is full. Permissions are
    /// stored canonical, so an IPv4 peer and its IPv4-mapped form share one.
    pub(super) fn permit(&mut self, ip: IpAddr, until: Instant, max: u16) -> bool {
        let ip = ip.to_canonical();
        if let Some(p) = self.permissions.iter_mut().find(|p| p.ip == ip) {
            p.expires = until;
            return true;
        }
        if self.permissions.len() >= usize::from(max) {
            return false;
        }
        // Grow one entry at a time: most allocations hold one or two permissions, and the
        // quota bounds the copying.
        self.permissions.reserve_exact(1);
        self.permissions.push(Permission { ip, expires: until });
        true
    }

    /// Whether `ip` has a permission (live or not) or one more fits in `max`.
    pub(super) fn permits_or_fits(&self, ip: &IpAddr, max: u16) -> bool {
        let ip = ip.to_canonical();
        self.permissions.len() < usize::from(max) || self.permissions.iter().any(|p| p.ip == ip)
    }

    /// Installs or refreshes permissions for all of `ips`, or, when they would not fit in
    /// `max`, for none of them (RFC 8656 §9.2 handles the request as a whole).
    pub(super) fn permit_all(&mut self, ips: &[IpAddr], until: Instant, max: u16) -> bool {
        let mut new: Vec<IpAddr> = Vec::new();
        for ip in ips.iter().map(IpAddr::to_canonical) {
            if !self.permissions.iter().any(|p| p.ip == ip) && !new.contains(&ip) {
                new.push(ip);
            }
        }
        if self.permissions.len() + new.len() > usize::from(max) {
            return false;
        }
        for ip in ips {
            self.permit(*ip, until, max);
        }
        true
    }

    /// The channel bound to `number`, if live.
    #[inline]
    pub(super) fn channel(&self, number: u16) -> Option<&Channel> {
        self.channels.iter().find(|c| c.number == number)
    }

    /// The channel bound to `peer`.
    #[inline]
    pub(super) fn channel_to(&self, peer: &SocketAddr) -> Option<&Channel> {
        self.channels.iter().find(|c| c.peer == *peer)
    }

    /// Binds or refreshes a channel. RFC 8656 §12.2: a number bound (or held down after
    /// expiry) to another peer, or a peer bound to another number, is refused (400); a full
    /// table gives 508. Rebinding the same pair revives a held-down channel.
    pub(super) fn bind(
        &mut self,
        number: u16,
        peer: SocketAddr,
        until: Instant,
        max: u16,
    ) -> Result<(), ErrorCode> {
        if let Some(c) = self.channels.iter_mut().find(|c| c.number == number) {
            if c.peer != peer {
                return Err(ErrorCode::BAD_REQUEST);
            }
            c.expires = until;
            return Ok(());
        }
        if self.channels.iter().any(|c| c.peer == peer) {
            return Err(ErrorCode::BAD_REQUEST);
        }
        if self.channels.len() >= usize::from(max) {
            return Err(ErrorCode::INSUFFICIENT_CAPACITY);
        }
        self.channels.reserve_exact(1);
        self.channels.push(Channel {
            number,
            peer,
            expires: until,
        });
        Ok(())
    }

    /// Drops expired permissions, and channels once their hold-down is over: for 5 minutes
    /// after expiry neither the number nor the peer may be bound to anything else
    /// (RFC 8656 §12), so an expired channel stays in the table, unusable, until then.
    pub(super) fn expire_children(&mut self, now: Instant) {
        self.permissions.retain(|p| p.expires > now);
        self.channels.retain(|c| c.released_at() > now);
    }

    /// The earliest instant at which something of this allocation is due: its own expiry
    /// (RFC 8656 §3.2), a permission's (§9), or the end of a channel's hold-down (§12). The
    /// server's timer for the allocation fires then.
    pub(super) fn next_deadline(&self) -> Instant {
        let permissions = self.permissions.iter().map(|p| p.expires);
        let channels = self.channels.iter().map(Channel::released_at);
        permissions.chain(channels).fold(self.expires, Instant::min)
    }

    /// Sets the lifetime from now.
    pub(super) fn refresh(&mut self, now: Instant, lifetime: Duration) {
        self.expires = now + lifetime;
    }
}
