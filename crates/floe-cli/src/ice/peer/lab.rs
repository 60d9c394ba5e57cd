//! `floe ice peer --lab`: inside a network namespace of `../shared/peers/natlab.sh`, host
//! candidates on the namespace's addresses in the lab ranges, and servers and candidates
//! accepted there too. Outside such a namespace (an interface with any other address but
//! loopback) it refuses to run, as `aioice_peer.py --lab` does: 192.0.2.0/24 is the machine's own
//! network here, never a lab range.

use core::net::{IpAddr, Ipv4Addr};
use std::process::Command;

/// The lab ranges: 198.18.0.0/15, 198.51.100.0/24, 203.0.113.0/24.
const LAB_NETS: [(Ipv4Addr, u8); 3] = [
    (Ipv4Addr::new(198, 18, 0, 0), 15),
    (Ipv4Addr::new(198, 51, 100, 0), 24),
    (Ipv4Addr::new(203, 0, 113, 0), 24),
];

/// Whether `ip` is in one of the lab ranges.
pub(super) fn in_lab_nets(ip: IpAddr) -> bool {
    let IpAddr::V4(v4) = ip else { return false };
    LAB_NETS.iter().any(|&(net, len)| {
        let mask = u32::MAX << (32 - u32::from(len));
        u32::from(v4) & mask == u32::from(net) & mask
    })
}

/// The IPv4 addresses of this namespace's interfaces in the lab ranges.
///
/// # Errors
/// `ip` cannot be run, an interface has an address outside the lab ranges and loopback (this is
/// not a lab namespace), or there is no lab address at all.
pub(super) fn host_addresses() -> Result<Vec<IpAddr>, String> {
    let out = Command::new("ip")
        .args(["-4", "-o", "addr", "show"])
        .output()
        .map_err(|e| format!("--lab: cannot run `ip -4 -o addr show`: {e}"))?;
    if !out.status.success() {
        return Err("--lab: `ip -4 -o addr show` failed".into());
    }
    let (lab, others) = split(&String::from_utf8_lossy(&out.stdout));
    if !others.is_empty() {
        return Err(format!(
            "--lab: this network namespace also has {others:?}: run me inside a lab namespace \
             (natlab.sh), not the machine's own"
        ));
    }
    if lab.is_empty() {
        return Err(
            "--lab: no interface address in 198.18.0.0/15, 198.51.100.0/24 or 203.0.113.0/24"
                .into(),
        );
    }
    Ok(lab)
}

/// `ip -4 -o addr show` output: (addresses in the lab ranges, others but loopback).
fn split(text: &str) -> (Vec<IpAddr>, Vec<IpAddr>) {
    let (mut lab, mut others) = (Vec::new(), Vec::new());
    for line in text.lines() {
        let mut words = line.split_whitespace();
        let Some(addr) = words.by_ref().skip_while(|w| *w != "inet").nth(1) else {
            continue;
        };
        let Ok(ip) = addr.split('/').next().unwrap_or_default().parse::<IpAddr>() else {
            continue;
        };
        if in_lab_nets(ip) {
            lab.push(ip);
        } else if !ip.is_loopback() {
            others.push(ip);
        }
    }
    (lab, others)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn lab_ranges() {
        for yes in [
            "198.18.0.2",
            "198.19.255.255",
            "198.51.100.2",
            "203.0.113.10",
        ] {
            assert!(in_lab_nets(ip(yes)), "{yes}");
        }
        for no in [
            "192.0.2.2",
            "198.20.0.1",
            "198.51.101.1",
            "127.0.0.1",
            "::1",
            "10.0.0.1",
        ] {
            assert!(!in_lab_nets(ip(no)), "{no}");
        }
    }

    #[test]
    fn splits_ip_addr_output() {
        let lab_ns = "1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever\n\
                      2: veth0    inet 198.18.0.2/24 brd 198.18.0.255 scope global veth0\n";
        assert_eq!(split(lab_ns), (vec![ip("198.18.0.2")], vec![]));
        let machine = "1: lo    inet 127.0.0.1/8 scope host lo\n\
                       2: eth0    inet 192.0.2.2/24 brd 192.0.2.255 scope global eth0\n";
        assert_eq!(split(machine), (vec![], vec![ip("192.0.2.2")]));
        assert_eq!(split("garbage\n3: x inet\n"), (vec![], vec![]));
    }
}
