#!/usr/bin/env python3
"""One headless Chromium RTCPeerConnection (one data channel) as an ICE peer, signalling on stdio.

  chromium_peer.py --offer|--answer [--stun HOST:PORT] [--turn HOST:PORT --turn-user U --turn-pass P]
                   [--relay-only] [--timeout S] [--hold S] [--linger S] [-v]

Starts chromedriver (Debian `chromium-driver`) on a free loopback port, opens a W3C WebDriver
session over plain HTTP with headless Chromium (no sandbox, no GPU, raw host addresses instead
of mDNS names, a fresh profile in a temporary directory it deletes) and drives the connection
with "execute script" calls. Nothing is downloaded. Run it in a NAT lab namespace
(`ip netns exec fl-h1 ...`), never in the machine's own, whose real addresses Chromium would offer.

Signalling: one compact JSON object per line, in the W3C shapes.
  out/in  {"type":"offer","sdp":"..."}  or  {"type":"answer","sdp":"..."}
  out/in  {"type":"candidate","candidate":"candidate:...","sdpMid":"0","sdpMLineIndex":0}
          ("candidate":"" ends the candidates)
  out     {"type":"result","ok":...,"impl":"chromium","version":"...","ice_connection_state":"...",
          "connect_ms":N,"selected":{"local":"IP:PORT typ T","remote":"IP:PORT typ T"},"error":"..."}
Local candidates go out as Chromium gathers them; remote ones are applied as they come (held
back until the remote description is set). Other lines (the other side's result) are ignored.

ok: iceConnectionState reached "connected" or "completed" within --timeout seconds of the start
and, with --hold S, stayed so S seconds longer (consent freshness, RFC 7675). DTLS never
completes (the other side need not speak it), so connectionState is not looked at. connect_ms
is measured in the page from the offer (created, or applied) to the state change. Once
connected the script waits (within --timeout) for its pair to be nominated: a controlled side is
connected before the controlling one has nominated. The selected pair is getStats' transport
selectedCandidatePairId (else the nominated succeeded pair); Chromium hides a peer-reflexive
remote candidate's address there (IP empty). After the result line the script keeps the
connection, answering checks, until stdin closes or --linger passes: the other side may not be
done yet. Exit code 0 when ok, 1 otherwise, 2 on a usage error.
"""
import argparse
import http.client
import json
import os
import queue
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

CHROMEDRIVER = os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")
CHROMIUM = os.environ.get("CHROMIUM", "/usr/lib/chromium/chromium")
FLAGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--disable-features=WebRtcHideLocalIpsWithMdns",
    "--no-first-run", "--no-default-browser-check", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-extensions",
    "--disable-default-apps", "--disable-domain-reliability", "--disable-breakpad", "--mute-audio",
    # No name is ever resolved (servers and candidates are addresses): the new-tab page Debian's
    # Chromium opens first (a search engine's) fails at once, and start() leaves it for about:blank.
    "--host-resolver-rules=MAP * ~NOTFOUND",
]
POLL = 0.02  # seconds between two polls of the page

# The page's side: a peer connection whose events land in queues that poll() drains.
SETUP_JS = """
const [servers, policy] = arguments;
const s = window.floe = {out: [], states: [], t0: performance.now(), connected: null};
const pc = s.pc = new RTCPeerConnection({iceServers: servers, iceTransportPolicy: policy});
s.dc = pc.createDataChannel("floe");
pc.onicecandidate = (e) => s.out.push(e.candidate && e.candidate.candidate
  ? {type: "candidate", candidate: e.candidate.candidate, sdpMid: e.candidate.sdpMid,
     sdpMLineIndex: e.candidate.sdpMLineIndex}
  : {type: "candidate", candidate: "", sdpMid: "0", sdpMLineIndex: 0});
pc.oniceconnectionstatechange = () => {
  const st = pc.iceConnectionState, t = performance.now() - s.t0;
  s.states.push([Math.round(t), st]);
  if (s.connected === null && (st === "connected" || st === "completed")) s.connected = t;
};
"""
LOCAL_JS = """
const s = window.floe, remote = arguments[0];
s.t0 = performance.now();  // connect_ms counts from the offer (created, or applied)
if (remote) await s.pc.setRemoteDescription(remote);
await s.pc.setLocalDescription();
return {type: s.pc.localDescription.type, sdp: s.pc.localDescription.sdp};
"""
REMOTE_JS = "await window.floe.pc.setRemoteDescription(arguments[0]); return null;"
CANDIDATE_JS = """
try { await window.floe.pc.addIceCandidate(arguments[0]); return null; }
catch (e) { return String(e); }
"""
POLL_JS = """
const s = window.floe, out = s.out.splice(0), states = s.states.splice(0);
return {out: out, states: states, ice: s.pc.iceConnectionState, connected: s.connected};
"""
STATS_JS = """
const stats = await window.floe.pc.getStats(), all = {};
stats.forEach((r) => { all[r.id] = r; });
let pair = null;
for (const r of Object.values(all))
  if (r.type === "transport" && r.selectedCandidatePairId) pair = all[r.selectedCandidatePairId];
if (!pair)
  for (const r of Object.values(all))
    if (r.type === "candidate-pair" && r.nominated && r.state === "succeeded") pair = r;
if (!pair) return null;
const show = (c) => c ? `${c.address ?? c.ip ?? ""}:${c.port} typ ${c.candidateType}` : null;
return {local: show(all[pair.localCandidateId]), remote: show(all[pair.remoteCandidateId]),
        nominated: !!pair.nominated};
"""


class Failure(Exception):
    """A reason to report ok=false."""


def log(args, *what):
    if args.verbose:
        print(f"[chromium_peer {time.monotonic() - START:7.3f}]", *what, file=sys.stderr, flush=True)


class WebDriver:
    """The few W3C WebDriver commands this needs, over one keep-alive HTTP connection."""

    def __init__(self, port):
        self.http = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.session = None

    def call(self, method, path, body=None):
        data = None if body is None else json.dumps(body)
        headers = {"Content-Type": "application/json"} if data else {}
        self.http.request(method, path, body=data, headers=headers)
        resp = self.http.getresponse()
        value = json.loads(resp.read() or b"{}").get("value")
        if resp.status != 200:
            msg = value.get("message", "") if isinstance(value, dict) else value
            raise Failure(f"WebDriver {method} {path}: {resp.status} {str(msg).splitlines()[0:1]}")
        return value

    def start(self, profile):
        caps = {"browserName": "chrome", "goog:chromeOptions": {
            "binary": CHROMIUM, "args": FLAGS + [f"--user-data-dir={profile}"]}}
        value = self.call("POST", "/session", {"capabilities": {"alwaysMatch": caps}})
        self.session = value["sessionId"]
        self.call("POST", f"/session/{self.session}/url", {"url": "about:blank"})
        return value["capabilities"].get("browserVersion", "?")

    def run(self, script, *args):
        """Runs `script` as a function body in the page; a promise it returns is awaited."""
        return self.call("POST", f"/session/{self.session}/execute/sync",
                         {"script": f"return (async () => {{ {script} }})();", "args": list(args)})

    def quit(self):
        if self.session:
            try:
                self.call("DELETE", f"/session/{self.session}")
            except (OSError, Failure, ValueError):
                pass
            self.session = None


def start_driver(args, home):
    """chromedriver on a free loopback port, in its own process group; waits until it is ready."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = dict(os.environ, HOME=home, TMPDIR=home, XDG_CONFIG_HOME=home, XDG_CACHE_HOME=home)
    sink = sys.stderr if args.verbose else subprocess.DEVNULL
    proc = subprocess.Popen([CHROMEDRIVER, f"--port={port}", "--allowed-ips=127.0.0.1"],
                            stdin=subprocess.DEVNULL, stdout=sink, stderr=sink, env=env,
                            start_new_session=True)
    until = time.monotonic() + 10
    while time.monotonic() < until:
        if proc.poll() is not None:
            raise Failure(f"chromedriver exited with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return proc, port
        except OSError:
            time.sleep(0.05)
    raise Failure("chromedriver did not listen within 10 s")


def stop_driver(proc):
    """Ends chromedriver and whatever it started (its process group)."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        if proc is None or proc.poll() is not None:
            return
        try:
            os.killpg(proc.pid, sig)
            proc.wait(3)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            pass


def read_stdin(lines):
    """Puts every JSON object read from stdin on `lines`; None at end of file."""
    for raw in sys.stdin:
        try:
            msg = json.loads(raw)
        except ValueError:
            continue
        if isinstance(msg, dict):
            lines.put(msg)
    lines.put(None)


def ice_servers(args):
    servers = []
    if args.stun:
        servers.append({"urls": f"stun:{args.stun}"})
    if args.turn:
        servers.append({"urls": f"turn:{args.turn}?transport=udp",
                        "username": args.turn_user, "credential": args.turn_pass})
    return servers


def emit(msg):
    """One compact line on stdout, "type" first (the page returns its keys sorted)."""
    msg = {"type": msg["type"], **msg}
    sys.stdout.write(json.dumps(msg, separators=(",", ":")) + "\n")
    sys.stdout.flush()


class Peer:
    """The exchange: signalling in and out, and the page's state, one step() at a time."""

    def __init__(self, args, wd, result):
        self.args, self.wd, self.result = args, wd, result
        self.lines = queue.Queue()
        threading.Thread(target=read_stdin, args=(self.lines,), daemon=True).start()
        self.have_remote = False
        self.pending = []  # remote candidates that came before the remote description
        self.eof = False

    def start(self):
        self.wd.run(SETUP_JS, ice_servers(self.args), "relay" if self.args.relay_only else "all")
        if self.args.offer:
            emit(self.wd.run(LOCAL_JS, None))
            log(self.args, "offer sent")

    def message(self, msg):
        kind = msg.get("type")
        if kind in ("offer", "answer") and not self.have_remote:
            want = "answer" if self.args.offer else "offer"
            if kind != want:
                raise Failure(f"expected an {want}, got an {kind}")
            desc = {"type": kind, "sdp": msg.get("sdp", "")}
            if self.args.answer:
                emit(self.wd.run(LOCAL_JS, desc))
                log(self.args, "offer applied, answer sent")
            else:
                self.wd.run(REMOTE_JS, desc)
                log(self.args, "answer applied")
            self.have_remote = True
        elif kind == "candidate":
            self.pending.append({k: msg.get(k) for k in ("candidate", "sdpMid", "sdpMLineIndex")})

    def step(self):
        """Applies what came in, sends what the page has; returns the page's state."""
        while not self.lines.empty():
            msg = self.lines.get_nowait()
            if msg is None:
                self.eof = True
            else:
                self.message(msg)
        if self.have_remote:
            for cand in self.pending:
                err = self.wd.run(CANDIDATE_JS, cand)
                log(self.args, "remote candidate", repr(cand["candidate"]), err or "added")
                if err:
                    self.result.setdefault("error", f"addIceCandidate: {err}")
            self.pending.clear()
        elif self.eof:
            raise Failure("stdin closed before the remote description came")
        polled = self.wd.run(POLL_JS)
        for msg in polled["out"]:
            emit(msg)
            log(self.args, "local candidate", repr(msg["candidate"]))
        for t, st in polled["states"]:
            log(self.args, f"iceConnectionState {st} at {t} ms")
            if self.result.get("connect_ms") is not None and st not in ("connected", "completed"):
                raise Failure(f"iceConnectionState {st} at {t} ms, after connected")
        self.result["ice_connection_state"] = polled["ice"]
        if polled["ice"] in ("failed", "closed"):
            raise Failure(f"iceConnectionState {polled['ice']}")
        return polled

    def run(self):
        """Until connected, then until the selected pair is nominated, then --hold seconds."""
        deadline = START + self.args.timeout
        self.start()
        while True:
            if time.monotonic() > deadline:
                state = self.result["ice_connection_state"]
                raise Failure(f"ICE not connected within {self.args.timeout:g} s (state {state})")
            polled = self.step()
            if polled["connected"] is not None:
                self.result["connect_ms"] = round(polled["connected"])
                break
            time.sleep(POLL)
        log(self.args, f"ICE connected after {self.result['connect_ms']} ms")
        while time.monotonic() < deadline:
            self.step()
            stats = self.wd.run(STATS_JS)
            if stats and stats["nominated"]:
                log(self.args, "selected pair nominated")
                break
            time.sleep(0.1)
        until = time.monotonic() + self.args.hold
        while time.monotonic() < until:  # consent freshness: step() fails if ICE drops
            self.step()
            time.sleep(0.25)
        log(self.args, f"held {self.args.hold:g} s")

    def linger(self):
        """After the result: keeps the connection (answering checks) until stdin closes, as the
        other side may not be done yet (leaving at once can strand it), or --linger passes."""
        until = time.monotonic() + self.args.linger
        try:
            while not self.eof and time.monotonic() < until:
                self.step()
                time.sleep(0.05)
        except (Failure, OSError, ValueError):
            pass
        log(self.args, "stdin closed" if self.eof else f"lingered {self.args.linger:g} s")


def selected(wd):
    stats = wd.run(STATS_JS)
    return stats and {"local": stats["local"], "remote": stats["remote"]}


def parse_args():
    p = argparse.ArgumentParser(description="A headless Chromium ICE peer, signalling on stdio.")
    role = p.add_mutually_exclusive_group(required=True)
    role.add_argument("--offer", action="store_true", help="create the offer (controlling)")
    role.add_argument("--answer", action="store_true", help="answer an offer read from stdin")
    p.add_argument("--stun", metavar="HOST:PORT", help="STUN server")
    p.add_argument("--turn", metavar="HOST:PORT", help="TURN server (UDP)")
    p.add_argument("--turn-user", default="alice")
    p.add_argument("--turn-pass", default="secret")
    p.add_argument("--relay-only", action="store_true", help="iceTransportPolicy relay")
    p.add_argument("--timeout", type=float, default=20.0, help="seconds until ICE must be connected")
    p.add_argument("--hold", type=float, default=0.0, help="seconds to stay connected after that")
    p.add_argument("--linger", type=float, default=10.0,
                   help="after the result, seconds to stay until stdin closes")
    p.add_argument("-v", dest="verbose", action="store_true", help="log to stderr")
    args = p.parse_args()
    if args.relay_only and not args.turn:
        p.error("--relay-only needs --turn")
    return args


class Terminated(BaseException):
    """SIGTERM: ends the run (or the lingering) with the cleanup."""


def on_sigterm(*_):
    raise Terminated()


def main():
    args = parse_args()
    signal.signal(signal.SIGTERM, on_sigterm)
    result = {"type": "result", "ok": False, "impl": "chromium", "version": "?",
              "ice_connection_state": "new", "connect_ms": None, "selected": None}
    home = tempfile.mkdtemp(prefix="chromium_peer.")
    driver = wd = peer = None
    try:
        try:
            driver, port = start_driver(args, home)
            wd = WebDriver(port)
            result["version"] = wd.start(os.path.join(home, "profile"))
            log(args, f"Chromium {result['version']} up, chromedriver on 127.0.0.1:{port}")
            peer = Peer(args, wd, result)
            peer.run()
            result["ok"] = True
        except Failure as e:
            result["error"] = str(e)
        except (OSError, ValueError, KeyError, TypeError) as e:
            result["error"] = f"{type(e).__name__}: {e}"
        except Terminated:
            result["error"] = "terminated"
            peer = None
        if wd is not None:
            try:
                result["selected"] = selected(wd)
            except (OSError, Failure, ValueError):
                pass
        emit(result)
        log(args, "result", json.dumps(result))
        if peer is not None and result["ok"]:
            peer.linger()
    except Terminated:
        pass
    finally:
        if wd is not None:
            wd.quit()
        stop_driver(driver)
        shutil.rmtree(home, ignore_errors=True)
    return 0 if result["ok"] else 1


START = time.monotonic()
if __name__ == "__main__":
    sys.exit(main())
