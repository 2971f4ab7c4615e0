#!/usr/bin/env python3
"""Headless Chromium as a control peer of `crucible interop` (Scripts/interop/CONTROL.md).

    python3 -u Scripts/interop/chromium_peer.py control [-v]

Python's standard library only. The peer connection lives in a page, Scripts/interop/chromium/peer.html
(with peer.js), that Debian's `chromium` opens headless; this controller sits between the driver and the
page:

    driver --stdin lines--> controller --long poll (GET .../poll)--> page
    driver <--stdout lines-- controller <--batched POST .../post---- page

It serves the page on 127.0.0.1 (an ephemeral port, under a random path segment so no other local process
can talk to it by accident), queues each request line read from stdin until the page's long poll takes it,
and writes each reply or event the page POSTs to stdout as one JSON line, flushed. stdout carries nothing
else: Chromium's own output and the page's log lines go to stderr.

The page announces itself with the `ready` event, which is printed as is. At stdin's end of file the page is
told to close its peer connection; then Chromium is terminated (killed after a grace period), its temporary
profile removed, and the process exits 0. If Chromium dies on its own the controller prints an `error` event
and exits 1. Without `chromium` on PATH it says to run Scripts/bootstrap and exits 2.

Everything stays on loopback (DESIGN §6): the page's peer connection has no ICE servers, and only 127.0.0.1
candidates get into the descriptions it hands out or takes in. The page never asks to capture media, so
Chromium does not enumerate interfaces: it gathers on one wildcard UDP socket, whose candidate the page
renames 127.0.0.1 (what that socket sends to a 127.0.0.1 candidate leaves from 127.0.0.1; see loopbackOnly in
peer.js). Chromium itself is started with its background services off, a proxy that is a closed loopback port
and a resolver that resolves nothing, so nothing it might try to fetch leaves the machine.
"""

import argparse
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Optional

PAGE_DIRECTORY = Path(__file__).resolve().parent / "chromium"
PAGE_FILES = {"": ("peer.html", "text/html; charset=utf-8"), "peer.js": ("peer.js", "text/javascript; charset=utf-8")}
POLL_SECONDS = 20  # how long a long poll waits for a request before it returns an empty array
BODY_LIMIT = 256 << 20  # a POST of queued events: 1000 64 KiB binary messages in base64 stay well under it
READY_LIMIT = 60  # seconds Chromium gets to start and load the page
PAGE_SILENCE_LIMIT = POLL_SECONDS + 15  # seconds without a poll of the page's after which it is taken for dead
SHUTDOWN_GRACE = 3.0  # seconds the page gets to close its peer connection, then Chromium gets to exit


class Output:
    """stdout, one JSON object a line, written whole even when several threads write."""

    def __init__(self) -> None:
        self.lock = threading.Lock()

    def write(self, message: dict[str, Any]) -> None:
        line = json.dumps(message, ensure_ascii=False) + "\n"
        with self.lock:
            try:
                sys.stdout.write(line)
                sys.stdout.flush()
            except BrokenPipeError:
                # The driver is gone: nobody can use this peer any more.
                os._exit(1)

    def error(self, message: str) -> None:
        self.write({"event": "error", "message": message})


def log(message: str) -> None:
    sys.stderr.write(f"chromium_peer: {message}\n")
    sys.stderr.flush()


class Relay:
    """The state shared between stdin, the HTTP handlers and the Chromium watcher."""

    def __init__(self, output: Output, verbose: bool) -> None:
        self.output = output
        self.verbose = verbose
        self.condition = threading.Condition()
        self.pending: list[dict[str, Any]] = []  # requests the page has not fetched yet
        self.ready = threading.Event()
        self.page_closed = threading.Event()  # the page confirmed the shutdown request
        self.shutting_down = False
        self.polls_waiting = 0  # long polls the page has open right now
        self.last_poll = time.monotonic()  # when the page last had one open


    def queue(self, request: dict[str, Any]) -> None:
        with self.condition:
            self.pending.append(request)
            self.condition.notify_all()

    def take(self, timeout: float) -> list[dict[str, Any]]:
        """Everything pending, waiting up to `timeout` for something to be."""
        deadline = time.monotonic() + timeout
        with self.condition:
            self.polls_waiting += 1
            try:
                while not self.pending:
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        return []
                    self.condition.wait(remaining)
                taken, self.pending = self.pending, []
                return taken
            finally:
                self.polls_waiting -= 1
                self.last_poll = time.monotonic()

    def page_silent(self) -> bool:
        """True when the page has stopped polling: its renderer crashed or hangs while the browser lives on."""
        with self.condition:
            return self.polls_waiting == 0 and time.monotonic() - self.last_poll > PAGE_SILENCE_LIMIT

    def deliver(self, message: Any) -> None:
        """One object the page posted: a reply or event for stdout, or a note for the controller."""
        if not isinstance(message, dict):
            self.output.error(f"the page posted a non-object: {message!r:.200}")
            return
        if "log" in message:
            # The page's own diagnostics: the log, never the protocol.
            if self.verbose or message.get("level") == "error":
                log(f"page: {message['log']}")
            return
        if message.get("control") == "closed":
            self.page_closed.set()
            return
        if message.get("event") == "ready":
            if self.ready.is_set():
                return  # a reloaded page must not announce the peer twice
            self.ready.set()
        self.output.write(message)


class Server(ThreadingHTTPServer):
    daemon_threads = True  # a long poll still waiting must not hold the process at exit

    def __init__(self, handler: type[BaseHTTPRequestHandler], verbose: bool) -> None:
        super().__init__(("127.0.0.1", 0), handler)
        self.verbose = verbose

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Chromium drops its keep-alive connections when it exits: expected, and no traceback for the log.
        error = sys.exc_info()[1]
        if isinstance(error, ConnectionError):
            if self.verbose:
                log(f"http: {error}")
            return
        super().handle_error(request, client_address)


def make_handler(relay: Relay, token: str) -> type[BaseHTTPRequestHandler]:
    prefix = f"/{token}/"

    class Handler(BaseHTTPRequestHandler):
        # Keep-alive, so the page's poll and post loops reuse their connections.
        protocol_version = "HTTP/1.1"
        # Headers and body leave in separate writes: with Nagle's algorithm on, the body of each keep-alive
        # response would wait for the page's delayed ACK (40 ms a request).
        disable_nagle_algorithm = True

        def log_message(self, format: str, *args: Any) -> None:
            if relay.verbose:
                log("http: " + format % args)

        def respond(self, status: int, body: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def route(self) -> Optional[str]:
            path = self.path.split("?", 1)[0]
            return path[len(prefix):] if path.startswith(prefix) else None

        def do_GET(self) -> None:
            name = self.route()
            if name == "poll":
                body = json.dumps(relay.take(POLL_SECONDS), ensure_ascii=False).encode()
                self.respond(200, body, "application/json")
            elif name in PAGE_FILES:
                file_name, content_type = PAGE_FILES[name]
                self.respond(200, (PAGE_DIRECTORY / file_name).read_bytes(), content_type)
            else:
                self.respond(404, b"not found\n", "text/plain")

        def do_POST(self) -> None:
            if self.route() != "post":
                self.respond(404, b"not found\n", "text/plain")
                return
            length = int(self.headers.get("Content-Length") or 0)
            if length > BODY_LIMIT:
                self.close_connection = True
                self.respond(413, b"too large\n", "text/plain")
                return
            body = self.rfile.read(length)
            try:
                messages = json.loads(body)
            except ValueError as error:
                relay.output.error(f"the page posted something that is not JSON: {error}")
                self.respond(400, b"not JSON\n", "text/plain")
                return
            for message in messages if isinstance(messages, list) else [messages]:
                relay.deliver(message)
            self.respond(204, b"", "text/plain")

    return Handler


def chromium_arguments(executable: str, profile: str, url: str, verbose: bool) -> list[str]:
    features_off = ",".join([
        "WebRtcHideLocalIpsWithMdns",  # candidates carry 127.0.0.1, not a .local name to resolve by multicast
        "MediaRouter", "DialMediaRouteProvider",  # no SSDP or mDNS discovery of cast devices
        "OptimizationHints", "Translate", "AutofillServerCommunication", "InterestFeedContentSuggestions",
        "CertificateTransparencyComponentUpdater", "PrivacySandboxSettings4",
    ])
    arguments = [
        executable,
        "--headless=new",
        "--no-sandbox",  # Chromium refuses to run as root without it, and a container has no user namespaces
        # The page never asks to capture media, so Chromium does not enumerate interfaces: it gathers on one
        # wildcard socket (0.0.0.0) and names it by the default route's address; the page renames that
        # candidate 127.0.0.1, where the same socket receives (peer.js, loopbackOnly). Should a page ever hold
        # the permission, this flag adds a real 127.0.0.1 candidate among the enumerated ones.
        "--allow-loopback-in-peer-connection",
        f"--disable-features={features_off}",
        f"--user-data-dir={profile}",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-gpu",
        "--disable-dev-shm-usage",  # containers have small /dev/shm
        # Nothing of Chromium's own may talk to the network: background fetches off, and whatever is still
        # fetched goes to a proxy that is a closed loopback port, through a resolver that knows no name.
        # Loopback addresses bypass the proxy, so the page itself still loads.
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-default-apps",
        "--disable-extensions",
        "--disable-domain-reliability",
        "--disable-client-side-phishing-detection",
        "--disable-breakpad",
        "--disable-crash-reporter",
        "--metrics-recording-only",
        "--no-pings",
        "--safebrowsing-disable-auto-update",
        "--proxy-server=http://127.0.0.1:9",
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
        # A headless page is never in front; its timers and tasks must still run at full speed.
        "--disable-background-timer-throttling",
        "--disable-renderer-backgrounding",
        "--disable-backgrounding-occluded-windows",
        "--mute-audio",
        # Media (CONTROL.md addMedia): the tone's AudioContext starts without a user gesture. No
        # --use-fake-ui-for-media-stream: with capture permission granted Chromium enumerates interfaces and
        # checks from every address, and a pair through the LAN address got selected (seen with aiortc).
        "--autoplay-policy=no-user-gesture-required",
        "--password-store=basic",
    ]
    if verbose:
        arguments.append("--enable-logging=stderr")
    else:
        arguments.append("--log-level=3")  # fatal only: the log keeps what matters
    arguments.append(url)
    return arguments


def group_alive(group: int) -> bool:
    """True while a process of the group is alive (a zombie is not). Linux's /proc."""
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue  # it exited while we looked
        # "pid (command) state ppid pgrp ...": the command may hold spaces and parentheses, so split after it.
        fields = stat[stat.rfind(")") + 2:].split()
        if int(fields[2]) == group and fields[0] != "Z":
            return True
    return False


def stop_chromium(process: subprocess.Popen[bytes]) -> None:
    """Terminates the browser process (it takes its zygotes and renderers along), then kills what is left."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(SHUTDOWN_GRACE)
        except subprocess.TimeoutExpired:
            pass
    # Anything of Chromium's still there after the grace; the process group is Chromium's alone
    # (start_new_session), so this reaches nothing else.
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        return
    # Returns once every process of the group is dead, so whoever started this peer finds no Chromium of ours
    # running. Dead, not gone: the orphans' zombies are reaped by whoever adopted them, in their own time.
    deadline = time.monotonic() + SHUTDOWN_GRACE
    while time.monotonic() < deadline:
        if not group_alive(process.pid):
            return
        time.sleep(0.02)
    log(f"chromium's processes (group {process.pid}) are still alive after SIGKILL")
    try:
        process.wait(SHUTDOWN_GRACE)
    except subprocess.TimeoutExpired:
        log(f"chromium (pid {process.pid}) did not exit after SIGKILL")


def control(verbose: bool) -> int:
    executable = shutil.which("chromium")
    if executable is None:
        log("`chromium` is not on PATH: run Scripts/bootstrap (it installs Debian's chromium)")
        return 2
    output = Output()
    relay = Relay(output, verbose)
    token = secrets.token_hex(16)
    server = Server(make_handler(relay, token), verbose)
    threading.Thread(target=server.serve_forever, name="http", daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/{token}/"
    if verbose:
        url += "?verbose=1"

    profile = tempfile.mkdtemp(prefix="crucible-chromium-")
    arguments = chromium_arguments(executable, profile, url, verbose)
    if verbose:
        log("starting " + " ".join(arguments))
    # Its own session, so stop_chromium can signal the whole process tree; stdin closed so it never reads ours;
    # stdout to stderr, keeping our stdout JSON only.
    process = subprocess.Popen(arguments, stdin=subprocess.DEVNULL, stdout=sys.stderr.fileno(), stderr=sys.stderr.fileno(),
                               start_new_session=True)

    def cleanup() -> None:
        stop_chromium(process)
        # The server's threads are daemons and the process exits next: no server.shutdown(), which would wait
        # out serve_forever's half-second poll.
        shutil.rmtree(profile, ignore_errors=True)

    def watch() -> None:
        # Chromium dying on its own ends the peer: the driver gets an error event and the process exits 1.
        status = process.wait()
        if relay.shutting_down:
            return
        output.error(f"chromium exited unexpectedly (status {status})")
        cleanup()
        os._exit(1)

    def watch_page() -> None:
        # A page that never says it is ready, or stopped polling, takes no requests: as dead a peer as a
        # Chromium that exited.
        started = time.monotonic()
        while True:
            time.sleep(1)
            if relay.shutting_down:
                return
            if not relay.ready.is_set() and time.monotonic() - started > READY_LIMIT:
                output.error(f"the page did not load and say it is ready within {READY_LIMIT} s")
                relay.shutting_down = True
                cleanup()
                os._exit(1)
            if relay.ready.is_set() and relay.page_silent():
                output.error(f"the page has not polled for requests in {PAGE_SILENCE_LIMIT} s (its renderer crashed or hangs)")
                relay.shutting_down = True
                cleanup()
                os._exit(1)

    threading.Thread(target=watch, name="watch", daemon=True).start()
    threading.Thread(target=watch_page, name="watch-page", daemon=True).start()

    def interrupted(signum: int, frame: Any) -> None:
        # Killed by the driver instead of told by end of file: still take Chromium and the profile along.
        relay.shutting_down = True
        cleanup()
        os._exit(1)

    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(signum, interrupted)

    for line in sys.stdin.buffer:
        line = line.strip()
        if not line:
            continue
        try:
            request = json.loads(line)
        except ValueError as error:
            output.error(f"a request that is not JSON: {error}: {line[:200]!r}")
            continue
        if not isinstance(request, dict):
            output.error(f"a request that is not an object: {line[:200]!r}")
            continue
        relay.queue(request)

    # End of file: the page closes its peer connection (if it is there to do it), then Chromium goes.
    relay.shutting_down = True
    started = time.monotonic()
    if relay.ready.is_set():
        relay.queue({"control": "close"})
        relay.page_closed.wait(SHUTDOWN_GRACE)
    closed = time.monotonic()
    cleanup()
    if verbose:
        log(f"shutdown: the page closed in {closed - started:.3f} s, chromium was gone {time.monotonic() - closed:.3f} s later")
    return 0


def main() -> None:
    # A parent (Foundation's Process on Linux) may leave its sockets and other children's pipes open in this
    # process; holding copies (and handing them on to Chromium) would keep them open after their owners close them.
    os.closerange(3, 65536)
    parser = argparse.ArgumentParser(description="headless Chromium as a CONTROL.md peer (see the module docstring)")
    commands = parser.add_subparsers(dest="command", required=True)
    control_parser = commands.add_parser("control", help="speak Scripts/interop/CONTROL.md on stdin and stdout")
    control_parser.add_argument("-v", "--verbose", action="store_true", help="Chromium's and the page's logs on stderr")
    arguments = parser.parse_args()
    sys.exit(control(arguments.verbose))


if __name__ == "__main__":
    main()
