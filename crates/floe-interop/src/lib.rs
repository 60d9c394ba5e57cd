//! Interop tests of the Floe crates against real peers (coturn, aioice) on loopback.
//!
//! The tests live in `tests/`; `.ci/interop.sh` installs and starts the peers and runs them.
//! This library holds what they share: where the peers are, a UDP echo peer, clients driven
//! by the CLI's own [`ClientDriver`] (the loop of `floe turn allocate`), and the real
//! `floe turn serve` binary as our TURN server ([`FloeServe`]), and `ice_pair.sh` from
//! `../shared/peers` to run `floe ice peer` against aioice or itself ([`Peers`]). Every wait is
//! bounded by a deadline; all traffic stays on loopback.
#![forbid(unsafe_code)]
#![deny(missing_docs, missing_debug_implementations)]

use core::net::SocketAddr;
use core::sync::atomic::{AtomicBool, Ordering};
use core::time::Duration;
use std::io::{self, BufRead, BufReader};
use std::net::UdpSocket;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::thread::{self, JoinHandle};

use floe_cli::sockets::ClientDriver;
use floe_turn::{ClientConfig, Transport};

pub mod browser;
mod natlab;
mod peers;

pub use natlab::{LAB_SERVER, Lab};
pub use peers::{PairRun, Peers};

/// The coturn under test, from `FLOE_COTURN` (set by `.ci/interop.sh`). Without it the test
/// is skipped, except under CI (`CI` set), where a missing peer is a failure.
///
/// # Panics
/// When `CI` is set and `FLOE_COTURN` is missing or not an address.
#[must_use]
pub fn coturn() -> Option<SocketAddr> {
    match std::env::var("FLOE_COTURN") {
        Ok(v) => Some(
            v.parse()
                .unwrap_or_else(|e| panic!("FLOE_COTURN={v:?} is not an address: {e}")),
        ),
        Err(_) if std::env::var_os("CI").is_some() => {
            panic!("CI is set but FLOE_COTURN is not: the coturn peer is missing")
        }
        Err(_) => {
            eprintln!("SKIPPED: FLOE_COTURN is not set (run .ci/interop.sh)");
            None
        }
    }
}

/// Whether coturn's test tools are installed; under CI their absence is a failure.
///
/// # Panics
/// When `CI` is set and `turnutils_uclient` is not on `PATH`.
#[must_use]
pub fn have_turnutils() -> bool {
    let found = Command::new("turnutils_uclient").arg("-h").output().is_ok();
    if !found {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI is set but turnutils_uclient is missing"
        );
        eprintln!("SKIPPED: turnutils_uclient is not installed");
    }
    found
}

/// A thread running a loop until told to stop; dropping it stops and joins the thread.
#[derive(Debug)]
struct Background {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Background {
    /// Runs `run` on a new thread; `run` returns once the flag it is given is set.
    fn spawn(run: impl FnOnce(&AtomicBool) + Send + 'static) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        let thread = thread::spawn(move || run(&flag));
        Self {
            stop,
            thread: Some(thread),
        }
    }
}

impl Drop for Background {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// A UDP peer on 127.0.0.1 that sends every datagram back to its sender.
#[derive(Debug)]
pub struct EchoPeer {
    /// Its address.
    pub addr: SocketAddr,
    /// Stopped and joined on drop.
    _thread: Background,
}

impl EchoPeer {
    /// Starts one.
    ///
    /// # Errors
    /// When the socket cannot be bound.
    pub fn start() -> io::Result<Self> {
        let sock = UdpSocket::bind("127.0.0.1:0")?;
        sock.set_read_timeout(Some(Duration::from_millis(50)))?;
        let addr = sock.local_addr()?;
        let thread = Background::spawn(move |stop| {
            let mut buf = [0u8; 2048];
            while !stop.load(Ordering::Relaxed) {
                if let Ok((n, from)) = sock.recv_from(&mut buf) {
                    let _ = sock.send_to(&buf[..n], from);
                }
            }
        });
        Ok(Self {
            addr,
            _thread: thread,
        })
    }
}

/// A [`ClientDriver`] for `server` with `user` and `password`, over TCP when `tcp`.
///
/// # Errors
/// When the socket cannot be opened.
pub fn client(
    server: SocketAddr,
    user: &str,
    password: &str,
    tcp: bool,
) -> io::Result<ClientDriver> {
    client_with(ClientConfig::new(server, user, password), tcp)
}

/// A [`ClientDriver`] with a prepared configuration (its server, credentials and options),
/// over TCP when `tcp`.
///
/// # Errors
/// When the socket cannot be opened.
pub fn client_with(mut cfg: ClientConfig, tcp: bool) -> io::Result<ClientDriver> {
    cfg.software = Some("floe-interop".into());
    cfg.transport = if tcp { Transport::Tcp } else { Transport::Udp };
    ClientDriver::connect(cfg)
}

/// The `floe` binary: `FLOE_BIN` (set by `.ci/interop.sh`), else `debug/floe` in
/// `CARGO_TARGET_DIR` when that is set, else the workspace's `target/debug/floe`.
fn floe_bin() -> PathBuf {
    if let Some(bin) = std::env::var_os("FLOE_BIN") {
        return PathBuf::from(bin);
    }
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/debug/floe"),
        |dir| Path::new(&dir).join("debug/floe"),
    )
}

/// A peer that cannot run: skipped (a `SKIPPED:` line in the test's output), except under CI
/// (`CI` set), where that is a failure.
///
/// # Panics
/// When `CI` is set.
fn missing(what: &str) {
    assert!(std::env::var_os("CI").is_none(), "CI is set but {what}");
    eprintln!("SKIPPED: {what}");
}

/// The `floe` binary if it has been built (see [`FloeServe::start`] for where it is looked
/// for); `None` (skipped) when not, a failure under CI.
///
/// # Panics
/// When `CI` is set and the binary is missing.
#[must_use]
pub fn floe_binary() -> Option<PathBuf> {
    let bin = floe_bin();
    if bin.is_file() {
        return Some(bin);
    }
    missing(&format!(
        "{} is missing (cargo build -p floe-cli, or set FLOE_BIN)",
        bin.display()
    ));
    None
}

/// `floe turn serve` on 127.0.0.1 (an ephemeral port, UDP and TCP) for alice:secret in realm
/// example.org, loopback peers allowed: the real binary, killed on drop.
#[derive(Debug)]
pub struct FloeServe {
    /// The listening address it announced.
    pub addr: SocketAddr,
    child: Child,
}

impl FloeServe {
    /// Starts the binary (`FLOE_BIN`, else `CARGO_TARGET_DIR`'s or the workspace's
    /// `debug/floe`) and reads the address it announces. Without the binary the test is
    /// skipped, except under CI (`CI` set), where that is a failure.
    ///
    /// # Panics
    /// When the binary exists but does not start or announce an address, or when `CI` is set
    /// and the binary is missing.
    #[must_use]
    pub fn start() -> Option<Self> {
        let bin = floe_binary()?;
        let mut child = Command::new(&bin)
            .args(["turn", "serve", "--listen", "127.0.0.1:0"])
            .args(["--user", "alice:secret", "--realm", "example.org"])
            .arg("--allow-loopback-peers")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run {}: {e}", bin.display()));
        let stderr = child.stderr.take();
        // The guard first, so that a failure below does not leave the server running.
        let mut serve = Self {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            child,
        };
        let mut stderr = BufReader::new(stderr.expect("stderr is piped"));
        // "floe turn serve: listening on 127.0.0.1:PORT (udp+tcp), realm ..."
        let mut line = String::new();
        while !line.contains("listening on") {
            line.clear();
            let n = stderr
                .read_line(&mut line)
                .expect("read floe turn serve's stderr");
            assert!(
                n > 0,
                "floe turn serve exited without announcing its address"
            );
        }
        serve.addr = line
            .split_whitespace()
            .find_map(|word| word.parse().ok())
            .unwrap_or_else(|| panic!("no address in {line:?}"));
        // Keep draining its log (into this test's captured output), so that it never blocks
        // on a full pipe.
        thread::spawn(move || {
            for l in stderr.lines().map_while(Result::ok) {
                eprintln!("[floe turn serve] {l}");
            }
        });
        Some(serve)
    }
}

impl Drop for FloeServe {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
