//! The flags of `floe turn serve`: addresses, users, peer policy, quotas, and the relay
//! address chosen when the server listens on an unspecified address.

use core::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::net::UdpSocket;

use clap::Args;
use floe_turn::{IpPrefix, Quota, Quotas};

/// Arguments of `floe turn serve`.
#[derive(Debug, Args)]
#[command(after_help = QUOTA_HELP)]
pub(crate) struct ServeArgs {
    /// Address for UDP and TCP.
    #[arg(long, default_value = "127.0.0.1:3478")]
    pub(super) listen: SocketAddr,
    /// A user as NAME:PASSWORD (repeat for more).
    #[arg(long = "user", value_name = "NAME:PASSWORD", required = true)]
    pub(super) users: Vec<String>,
    /// The long-term credential realm.
    #[arg(long, default_value = "floe")]
    pub(super) realm: String,
    /// Relay to loopback peers (tests on one machine); refused by default.
    #[arg(long)]
    pub(super) allow_loopback_peers: bool,
    /// Relay to private (RFC 1918, fc00::/7) peers; refused by default.
    #[arg(long)]
    pub(super) allow_private_peers: bool,
    /// Always relay to peers in this prefix, as IP/LEN (repeatable), whatever the ranges
    /// refused by default: e.g. the documentation ranges of the interop NAT lab
    /// (docs/interop.md).
    #[arg(long = "allow-peer", value_name = "IP/LEN", value_parser = parse_prefix)]
    pub(super) allow_peers: Vec<IpPrefix>,
    /// Addresses to open relay sockets on, one per family (repeatable). By default the
    /// listening address, or the loopback address of the other family when listening on
    /// loopback. When listening on an unspecified address (0.0.0.0, ::), the address of
    /// the host's default route is used (the server says which), and the server refuses to
    /// start when there is none.
    #[arg(long = "relay-ip", value_name = "IP")]
    pub(super) relay_ips: Vec<IpAddr>,
    /// Strict RFC 8656 §12 channel numbers: refuse ChannelBind above 0x4FFF with 400. By
    /// default the server accepts RFC 5766's 0x4000-0x7FFF, which Chrome, coturn's clients and
    /// baresip use.
    #[arg(long)]
    pub(super) rfc8656_channels: bool,
    /// Allocations one user may hold at once (486 Allocation Quota Reached beyond); 0 for no
    /// limit. Load tests with many clients under one user need more.
    #[arg(long, value_name = "N", default_value_t = Quotas::default().allocations_per_user)]
    pub(super) max_allocations_per_user: u32,
    /// Allocations one client IP address may hold at once, whatever the user (486 beyond);
    /// 0 for no limit.
    #[arg(long, value_name = "N", default_value_t = Quotas::default().allocations_per_client_ip)]
    pub(super) max_allocations_per_ip: u32,
    /// Allocations in total (508 Insufficient Capacity beyond); 0 for no limit.
    #[arg(long, value_name = "N", default_value_t = Quotas::default().allocations_total)]
    pub(super) max_allocations: u32,
    /// Permissions per allocation (508 beyond); 0 for no limit.
    #[arg(long, value_name = "N", default_value_t = Quotas::default().permissions_per_allocation)]
    pub(super) max_permissions: u16,
    /// Channels per allocation (508 beyond); 0 for no limit.
    #[arg(long, value_name = "N", default_value_t = Quotas::default().channels_per_allocation)]
    pub(super) max_channels: u16,
    /// Peer TCP connections waiting to be bound per TCP allocation (RFC 6062; 508 to Connect
    /// beyond); 0 for no limit.
    #[arg(long, value_name = "N", default_value_t = Quotas::default().tcp_connections_per_allocation)]
    pub(super) max_tcp_connections: u16,
}

/// Shown after the flags.
const QUOTA_HELP: &str = "\
Quotas (the --max-* flags): a request beyond one is refused (486 or 508) and the log names
the quota and the flag that raises it. The defaults shown are floe-turn's (Quotas::default);
0 lifts a limit, e.g. for a load test with many clients under one user.";

impl ServeArgs {
    /// The quotas the flags ask for (0 is no limit).
    pub(super) fn quotas(&self) -> Quotas {
        let wide = |n: u32| if n == 0 { u32::MAX } else { n };
        let narrow = |n: u16| if n == 0 { u16::MAX } else { n };
        let mut quotas = Quotas::default();
        quotas.allocations_per_user = wide(self.max_allocations_per_user);
        quotas.allocations_per_client_ip = wide(self.max_allocations_per_ip);
        quotas.allocations_total = wide(self.max_allocations);
        quotas.permissions_per_allocation = narrow(self.max_permissions);
        quotas.channels_per_allocation = narrow(self.max_channels);
        quotas.tcp_connections_per_allocation = narrow(self.max_tcp_connections);
        quotas
    }
}

/// The flag that sets `quota`.
pub(super) fn quota_flag(quota: Quota) -> &'static str {
    match quota {
        Quota::AllocationsPerUser => "--max-allocations-per-user",
        Quota::AllocationsPerClientIp => "--max-allocations-per-ip",
        Quota::AllocationsTotal => "--max-allocations",
        Quota::PermissionsPerAllocation => "--max-permissions",
        Quota::ChannelsPerAllocation => "--max-channels",
        _ => "--max-tcp-connections",
    }
}

/// `IP/LEN` for `--allow-peer` (the length at most 32 for IPv4, 128 for IPv6).
fn parse_prefix(s: &str) -> Result<IpPrefix, String> {
    let (ip, len) = s.split_once('/').ok_or("expected IP/LEN")?;
    let ip: IpAddr = ip.parse().map_err(|e| format!("{ip}: {e}"))?;
    let len: u8 = len.parse().map_err(|e| format!("{len}: {e}"))?;
    let max = if ip.is_ipv4() { 32 } else { 128 };
    if len > max {
        return Err(format!("prefix length {len} is more than {max}"));
    }
    Ok(IpPrefix::new(ip, len))
}

/// The source address the host would use toward the rest of the network for `family_v4`:
/// a UDP socket "connected" to a documentation address (RFC 5737, RFC 3849) picks the
/// default route's source address; no datagram is sent.
fn default_route_address(v4: bool) -> Option<IpAddr> {
    let (bind, probe) = if v4 {
        (
            SocketAddr::from((Ipv4Addr::UNSPECIFIED, 0)),
            SocketAddr::from((Ipv4Addr::new(198, 51, 100, 1), 9)),
        )
    } else {
        (
            SocketAddr::from((Ipv6Addr::UNSPECIFIED, 0)),
            SocketAddr::from((Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1), 9)),
        )
    };
    let socket = UdpSocket::bind(bind).ok()?;
    socket.connect(probe).ok()?;
    let ip = socket.local_addr().ok()?.ip();
    (!ip.is_unspecified() && !ip.is_loopback()).then_some(ip)
}

/// The relay addresses to use: those given, and when the server listens on an unspecified
/// address, the default route's address of each family it serves that has none given: IPv4
/// on `0.0.0.0`; both on `::`, which takes IPv4 clients too, and serves with either. Returns
/// the addresses and the ones chosen here, or why the server cannot start (no relay address
/// at all).
pub(super) fn relay_addresses(
    listen: SocketAddr,
    given: &[IpAddr],
) -> Result<(Vec<IpAddr>, Vec<IpAddr>), String> {
    let mut all = given.to_vec();
    let mut chosen = Vec::new();
    if !listen.ip().is_unspecified() {
        return Ok((all, chosen));
    }
    let families: &[bool] = if listen.is_ipv4() {
        &[true]
    } else {
        &[false, true]
    };
    for &v4 in families {
        if all.iter().any(|ip| ip.is_ipv4() == v4) {
            continue;
        }
        if let Some(ip) = default_route_address(v4) {
            all.push(ip);
            chosen.push(ip);
        }
    }
    let served = all.iter().any(|ip| families.contains(&ip.is_ipv4()));
    if !served {
        return Err(format!(
            "listening on {listen} needs --relay-ip IP (the address peers reach relay sockets \
             on): this host has no default route to choose one from"
        ));
    }
    Ok((all, chosen))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relay_addresses_for_specified_and_unspecified_listeners() {
        let lo: SocketAddr = "127.0.0.1:3478".parse().unwrap();
        assert_eq!(relay_addresses(lo, &[]).unwrap(), (vec![], vec![]));
        let given: IpAddr = "192.0.2.7".parse().unwrap();
        let any: SocketAddr = "0.0.0.0:3478".parse().unwrap();
        assert_eq!(
            relay_addresses(any, &[given]).unwrap(),
            (vec![given], vec![]),
            "a given address of the family is used as is"
        );
        match (relay_addresses(any, &[]), default_route_address(true)) {
            (Ok((all, chosen)), Some(route)) => {
                assert_eq!((all, chosen), (vec![route], vec![route]));
            }
            (Err(e), None) => assert!(e.contains("--relay-ip"), "{e}"),
            (got, route) => panic!("{got:?} with default route {route:?}"),
        }
    }

    #[test]
    fn dual_stack_listener_serves_with_either_family() {
        // On ::, an IPv4 relay address is enough to start, with or without an IPv6 route.
        let any6: SocketAddr = "[::]:3478".parse().unwrap();
        let v4: IpAddr = "192.0.2.7".parse().unwrap();
        let (all, chosen) = relay_addresses(any6, &[v4]).unwrap();
        assert!(all.contains(&v4));
        assert!(
            chosen.iter().all(IpAddr::is_ipv6),
            "IPv4 was given: {chosen:?}"
        );
    }

    #[test]
    fn zero_means_no_limit() {
        use clap::Parser as _;
        #[derive(clap::Parser)]
        struct Cli {
            #[command(flatten)]
            args: ServeArgs,
        }
        let cli = Cli::parse_from(["x", "--user", "a:b", "--max-allocations-per-user", "0"]);
        let q = cli.args.quotas();
        assert_eq!(q.allocations_per_user, u32::MAX);
        assert_eq!(
            q.allocations_per_client_ip,
            Quotas::default().allocations_per_client_ip
        );
        let cli = Cli::parse_from(["x", "--user", "a:b", "--max-channels", "3"]);
        assert_eq!(cli.args.quotas().channels_per_allocation, 3);
    }
}
