//! The peers of `../shared/peers` (see its README): `ice_pair.sh`, which runs two ICE peers
//! against each other with the JSON signalling, and aioice in its venv under `PEERS_HOME`.

use core::time::Duration;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;
use std::time::Instant;

use super::missing;

/// Serialises `install.sh` between the tests of one process (they run in parallel).
static INSTALL: Mutex<()> = Mutex::new(());

/// Where the peer scripts are and where their state lives.
#[derive(Debug, Clone)]
pub struct Peers {
    /// The scripts: `FLOE_PEERS` (set by `.ci/interop.sh`), else `../shared/peers` next to the
    /// workspace.
    pub dir: PathBuf,
    /// Their state (venv, coturn's pidfile, run directories): `PEERS_HOME`, else
    /// `${TMPDIR:-/tmp}/floe-peers`, as the scripts' `common.sh` has it.
    pub home: PathBuf,
}

/// The outcome of one `ice_pair.sh` run.
#[derive(Debug, Clone)]
pub struct PairRun {
    /// Both sides exited 0 with `"ok": true` (the script's `PASS`).
    pub passed: bool,
    /// The wall time the script reports (from starting the peers to both exiting), else the
    /// time the whole script took.
    pub wall: Duration,
    /// Its stdout and stderr: the two result lines, and the logs' tails on a failure.
    pub output: String,
}

impl Peers {
    /// Finds the scripts, and aioice's venv when `aioice` (running `install.sh` once when the
    /// venv is missing). `None` when they are not there: the test is skipped, except under CI
    /// (`CI` set), where that is a failure.
    ///
    /// # Panics
    /// When `CI` is set and the scripts or aioice are missing.
    #[must_use]
    pub fn find(aioice: bool) -> Option<Self> {
        let dir = std::env::var_os("FLOE_PEERS").map_or_else(
            || Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/peers"),
            PathBuf::from,
        );
        if !dir.join("ice_pair.sh").is_file() {
            missing(&format!(
                "{} has no ice_pair.sh (set FLOE_PEERS)",
                dir.display()
            ));
            return None;
        }
        let home = std::env::var_os("PEERS_HOME")
            .map_or_else(|| std::env::temp_dir().join("floe-peers"), PathBuf::from);
        let peers = Self { dir, home };
        if aioice && !peers.have_aioice() {
            missing(&format!(
                "aioice is not installed in {} (run {})",
                peers.python().display(),
                peers.dir.join("install.sh").display()
            ));
            return None;
        }
        Some(peers)
    }

    /// The venv's Python.
    #[must_use]
    pub fn python(&self) -> PathBuf {
        self.home.join("venv/bin/python")
    }

    /// Whether the venv is there, after running `install.sh` if it was not.
    fn have_aioice(&self) -> bool {
        let _once = INSTALL
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if self.python().is_file() {
            return true;
        }
        eprintln!("{} is missing: running install.sh", self.python().display());
        let status = Command::new("bash")
            .arg(self.dir.join("install.sh"))
            .env("PEERS_HOME", &self.home)
            .status();
        if let Err(e) = status {
            eprintln!("install.sh: {e}");
        }
        self.python().is_file()
    }

    /// Runs `ice_pair.sh CONTROLLING CONTROLLED MODE EXTRA...` (`mode`: `files` or `stdio`; a
    /// peer is `aioice` or `cmd:<command line>`). The script bounds every peer with `timeout`
    /// (`PEER_TIMEOUT`, 20 s, plus 20 s).
    ///
    /// # Panics
    /// When the script cannot be started.
    #[must_use]
    pub fn ice_pair(
        &self,
        controlling: &str,
        controlled: &str,
        mode: &str,
        extra: &[&str],
    ) -> PairRun {
        self.ice_pair_within(controlling, controlled, mode, extra, 20.0)
    }

    /// [`Self::ice_pair`] with each peer's `--timeout` (`PEER_TIMEOUT`) set to `seconds`.
    ///
    /// # Panics
    /// When the script cannot be started.
    #[must_use]
    pub fn ice_pair_within(
        &self,
        controlling: &str,
        controlled: &str,
        mode: &str,
        extra: &[&str],
        seconds: f64,
    ) -> PairRun {
        let start = Instant::now();
        let out = Command::new("bash")
            .arg(self.dir.join("ice_pair.sh"))
            .args([controlling, controlled, mode])
            .args(extra)
            .env("PEERS_HOME", &self.home)
            .env("PEER_TIMEOUT", seconds.to_string())
            .output()
            .unwrap_or_else(|e| panic!("cannot run ice_pair.sh: {e}"));
        let output = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        // "wall 0.31s  ICE PAIR aioice->aioice (files): PASS"
        let wall = output
            .lines()
            .filter_map(|l| l.strip_prefix("wall "))
            .find_map(|l| l.split_once("s "))
            .and_then(|(secs, _)| secs.parse::<f64>().ok())
            .filter(|s| s.is_finite() && *s >= 0.0)
            .map_or_else(|| start.elapsed(), Duration::from_secs_f64);
        PairRun {
            passed: out.status.success() && output.contains(": PASS"),
            wall,
            output,
        }
    }
}
