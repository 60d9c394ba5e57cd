//! The NAT lab of `../shared/peers/natlab.sh`: network namespaces, veth pairs and nftables NATs,
//! with coturn (or nothing, for a server of our own) on the public segment 203.0.113.0/24.
//! Needs root; one lab at a time (its names are fixed), so [`Lab`] holds a process-wide lock
//! and always runs `natlab.sh down` when dropped, also when the test panics.

use std::path::PathBuf;
use std::process::Command;
use std::sync::{Mutex, MutexGuard};

use super::{Peers, missing};

/// One lab at a time in this process.
static LAB: Mutex<()> = Mutex::new(());

/// The public TURN/STUN address in the lab (coturn, or a server started with [`Lab::exec_wan`]).
pub const LAB_SERVER: &str = "203.0.113.10:3478";

/// A lab that is up; `natlab.sh down` on drop.
#[derive(Debug)]
pub struct Lab {
    script: PathBuf,
    _one: MutexGuard<'static, ()>,
}

impl Lab {
    /// Whether the lab can run here: root and `ip netns`. When not, the test is skipped
    /// (`SKIPPED:`), except under CI (`CI` set), where that is a failure.
    ///
    /// # Panics
    /// When `CI` is set and the lab cannot run.
    #[must_use]
    pub fn available(peers: &Peers) -> bool {
        if !peers.dir.join("natlab.sh").is_file() {
            missing(&format!("{} has no natlab.sh", peers.dir.display()));
            return false;
        }
        let root = Command::new("id")
            .arg("-u")
            .output()
            .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0");
        if !root {
            missing("the NAT lab needs root (network namespaces)");
            return false;
        }
        let netns = Command::new("ip")
            .args(["netns", "list"])
            .output()
            .is_ok_and(|o| o.status.success());
        if !netns {
            missing("the NAT lab needs `ip netns` (iproute2)");
            return false;
        }
        true
    }

    /// `natlab.sh up NAT1 NAT2` (`none`, `fc`, `rc`, `pr`, `sym`), with coturn on
    /// [`LAB_SERVER`] unless `coturn` is false (`NATLAB_SERVER=none`).
    ///
    /// # Panics
    /// When the lab does not come up.
    #[must_use]
    pub fn up(peers: &Peers, nat1: &str, nat2: &str, coturn: bool) -> Self {
        let one = LAB
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        // The guard first: a lab half built is torn down too.
        let lab = Self {
            script: peers.dir.join("natlab.sh"),
            _one: one,
        };
        let out = Command::new("bash")
            .arg(&lab.script)
            .args(["up", nat1, nat2])
            .env("PEERS_HOME", &peers.home)
            .env("NATLAB_SERVER", if coturn { "coturn" } else { "none" })
            .output()
            .unwrap_or_else(|e| panic!("cannot run natlab.sh: {e}"));
        assert!(
            out.status.success(),
            "natlab.sh up {nat1} {nat2} failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        lab
    }

    /// Gives the public segment a default route (`on`) or takes it away. With it, datagrams a
    /// server sends to an address outside the lab's public segment (a host's own address behind
    /// its NAT, from a relay → host check) leave and are lost, as they are on the internet. Without it
    /// the server's kernel refuses them at once (ENETUNREACH), and coturn answers that by closing
    /// the whole allocation, silently: the case `natlab.sh` builds (docs/interop.md).
    ///
    /// The route points at a neighbour that does not exist (a fixed MAC on the bridge).
    ///
    /// # Panics
    /// When `ip` fails.
    pub fn internet_route(&self, on: bool) {
        const GATEWAY: &str = "203.0.113.99";
        let run = |args: &[&str]| {
            let out = self
                .exec_wan("ip")
                .args(args)
                .output()
                .unwrap_or_else(|e| panic!("cannot run ip: {e}"));
            assert!(
                out.status.success(),
                "ip {args:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        };
        if on {
            let mac = "02:00:00:00:00:99";
            run(&[
                "neigh",
                "replace",
                GATEWAY,
                "lladdr",
                mac,
                "dev",
                "br0",
                "nud",
                "permanent",
            ]);
            run(&["route", "replace", "default", "via", GATEWAY]);
        } else {
            run(&["route", "del", "default"]);
        }
    }

    /// A command running in the lab's public segment (`natlab.sh exec wan ...`); the caller
    /// owns the child (`natlab.sh down` kills what is left).
    #[must_use]
    pub fn exec_wan(&self, program: &str) -> Command {
        let mut cmd = Command::new("ip");
        cmd.args(["netns", "exec", "fl-wan", program]);
        cmd
    }
}

impl Drop for Lab {
    fn drop(&mut self) {
        let _ = Command::new("bash").arg(&self.script).arg("down").output();
    }
}
