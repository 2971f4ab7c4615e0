#!/usr/bin/env python3
"""An aiortc peer that speaks the webrtc-echoes convention, for Crucible's interop tests.

webrtc-echoes (sipsorcery's interop suite): the offerer gathers all its candidates, then POSTs
{"type": "offer", "sdp": "..."} as JSON to http://host:port/offer and gets {"type": "answer", "sdp": "..."}
back; the answerer echoes every data channel message on the channel it came from. Everything here stays
on 127.0.0.1: aioice gathers on loopback only, and no STUN or TURN server is configured.

Run it from the virtual environment Scripts/bootstrap makes:

    .venv-interop/bin/python Scripts/interop/aiortc_peer.py serve --port 8080 [--negotiated 5 ...] [-v]
    .venv-interop/bin/python Scripts/interop/aiortc_peer.py connect http://127.0.0.1:8080/offer \\
        --scenario NAME [--id 5] [--bytes N] [--timeout S] [-v]
    .venv-interop/bin/python -u Scripts/interop/aiortc_peer.py control [-v]

control: one peer connection driven over stdin/stdout by `crucible interop`, as Scripts/interop/CONTROL.md
says; implemented in aiortc_control.py.

serve: the answerer. Answers POST /offer (after its own gathering completes) and OPTIONS /offer (the CORS
preflight of browser clients); every other request gets 404 or 405. Each offer makes a new peer
connection. Echoes every message on every channel: the in-band ones it is offered, and one negotiated
channel (label "negotiated-ID") per --negotiated ID. A channel that receives the text "close-me" closes
itself instead of echoing, so a test can watch a close that starts on this side. One JSON line per event
on stdout, flushed:
    {"event": "listening", "port": P}
    {"event": "offer"}                                   an offer arrived
    {"event": "channel", "label", "id", "ordered", "maxRetransmits", "maxPacketLifeTime", "protocol",
     "negotiated"}
    {"event": "closed", "label": ..., "id": ...}         a channel reached "closed"
    {"event": "state", "value": ...}                     the peer connection's connectionState
    {"event": "failed", "error": ...}
SIGTERM or SIGINT closes every peer connection and exits 0.

connect: the offerer. Runs one scenario against any webrtc-echoes server, prints one final JSON line
{"scenario": NAME, "ok": true|false, "detail": "...", ...figures} and exits 0 when ok, 1 otherwise.
Scenarios:
    text              10 text messages (the empty string and non-ASCII among them) echoed back equal
    binary            8 binary messages (empty bytes among them) echoed back equal
    ordered-1000      1000 numbered messages echoed back in order
    unreliable        ordered=false, maxRetransmits=0: 200 numbered messages; counts the echoes, which
                      must hold no duplicate and nothing unsent
    negotiated        a negotiated channel with id --id (default 5), label "negotiated-ID"; the server
                      must have been told the same id (serve --negotiated ID)
    bulk              --bytes N (default 16 MiB) in 64 KiB messages, sent as bufferedAmount allows, echoed
                      back; the SHA-256 of what came back must equal that of what was sent; reports MB/s
    close-by-offerer  exchange, close the channel here; it must reach "closed" (the far side took the
                      stream reset) and nothing may arrive on it afterwards; a second channel then still
                      echoes, so the far side lives on
    close-by-answerer send "close-me"; the channel must close from the far side within 5 s
"""

import argparse
import asyncio
import hashlib
import ipaddress
import json
import logging
import os
import random
import signal
import sys
import time
from typing import Any, Callable, Optional
from urllib.parse import urlsplit

from aiortc import RTCDataChannel, RTCPeerConnection, RTCSessionDescription

# Imported before any peer connection exists: it puts aioice on loopback only.
from aiortc_common import channel_fields, emit, make_peer_connection

BODY_LIMIT = 1 << 20
CHUNK = 64 * 1024


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


# MARK: - HTTP/1.1, the little of it webrtc-echoes needs


async def read_head(reader: asyncio.StreamReader) -> tuple[str, dict[str, str]]:
    """The start line and the headers (names lower-cased) of one message."""
    raw = await reader.readuntil(b"\r\n\r\n")
    lines = raw.decode("latin-1").split("\r\n")
    headers: dict[str, str] = {}
    for line in lines[1:]:
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
    return lines[0], headers


def http_response(status: int, reason: str, body: bytes, content_type: Optional[str], extra: dict[str, str]) -> bytes:
    headers = {"Content-Length": str(len(body)), "Access-Control-Allow-Origin": "*", "Connection": "close", **extra}
    if content_type:
        headers["Content-Type"] = content_type
    head = f"HTTP/1.1 {status} {reason}\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
    return head.encode("latin-1") + body


# MARK: - serve


class EchoServer:
    def __init__(self, negotiated: list[int]) -> None:
        self.negotiated = negotiated
        self.connections: set[RTCPeerConnection] = set()

    def echo(self, channel: RTCDataChannel) -> None:
        emit("channel", **channel_fields(channel))

        @channel.on("message")
        def on_message(message: Any) -> None:
            if message == "close-me":
                channel.close()
            elif channel.readyState == "open":
                channel.send(message)

        @channel.on("close")
        def on_close() -> None:
            emit("closed", label=channel.label, id=channel.id)

    async def answer(self, offer: RTCSessionDescription) -> RTCSessionDescription:
        connection = make_peer_connection()
        self.connections.add(connection)

        @connection.on("connectionstatechange")
        async def on_state() -> None:
            emit("state", value=connection.connectionState)
            if connection.connectionState in ("failed", "closed"):
                self.connections.discard(connection)

        connection.on("datachannel", self.echo)
        await connection.setRemoteDescription(offer)
        # Negotiated channels are made once the remote description has created the SCTP transport.
        for stream_id in self.negotiated:
            self.echo(connection.createDataChannel(f"negotiated-{stream_id}", negotiated=True, id=stream_id))
        await connection.setLocalDescription(await connection.createAnswer())  # returns once gathered
        return connection.localDescription

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            reply = await self.route(reader)
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
            reply = None
        if reply is not None:
            writer.write(reply)
            await writer.drain()
        writer.close()

    async def route(self, reader: asyncio.StreamReader) -> Optional[bytes]:
        start, headers = await read_head(reader)
        parts = start.split(" ")
        if len(parts) != 3:
            return http_response(400, "Bad Request", b"malformed request line\n", "text/plain", {})
        method, target = parts[0], parts[1].split("?", 1)[0]
        if target != "/offer":
            return http_response(404, "Not Found", b"POST the offer to /offer\n", "text/plain", {})
        if method == "OPTIONS":
            allow_headers = headers.get("access-control-request-headers", "Content-Type")
            return http_response(204, "No Content", b"", None, {
                "Access-Control-Allow-Methods": "POST, OPTIONS", "Access-Control-Allow-Headers": allow_headers})
        if method != "POST":
            return http_response(405, "Method Not Allowed", b"use POST\n", "text/plain", {"Allow": "POST, OPTIONS"})
        try:
            length = int(headers.get("content-length", "0") or "0")
        except ValueError:
            return http_response(400, "Bad Request", b"bad Content-Length\n", "text/plain", {})
        if length > BODY_LIMIT:
            return http_response(413, "Payload Too Large", b"body too large\n", "text/plain", {})
        body = await reader.readexactly(length)
        try:
            message = json.loads(body)
            if not isinstance(message, dict) or message.get("type") != "offer" or not isinstance(message.get("sdp"), str):
                raise ValueError('expected {"type": "offer", "sdp": "..."}')
        except ValueError as error:
            return http_response(400, "Bad Request", f"{error}\n".encode(), "text/plain", {})
        emit("offer")
        try:
            answer = await self.answer(RTCSessionDescription(sdp=message["sdp"], type="offer"))
        except Exception as error:  # aiortc raises several kinds for a bad offer; all of them are a 500
            emit("failed", error=f"answer: {error}")
            return http_response(500, "Internal Server Error", f"{error}\n".encode(), "text/plain", {})
        body = json.dumps({"type": answer.type, "sdp": answer.sdp}).encode()
        return http_response(200, "OK", body, "application/json", {})

    async def run(self, port: int) -> None:
        server = await asyncio.start_server(self.handle, "127.0.0.1", port)
        emit("listening", port=server.sockets[0].getsockname()[1])
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
        await stop.wait()
        server.close()
        await asyncio.gather(*(connection.close() for connection in list(self.connections)))


# MARK: - connect


class ScenarioFailure(Exception):
    pass


async def post_offer(url: str, offer: RTCSessionDescription) -> RTCSessionDescription:
    parts = urlsplit(url)
    if parts.scheme != "http" or not parts.hostname:
        raise ScenarioFailure(f"not an http URL: {url}")
    if not is_loopback(parts.hostname):
        raise ScenarioFailure(f"{parts.hostname} is not loopback, and only loopback is allowed")
    host = "127.0.0.1" if parts.hostname.lower() == "localhost" else parts.hostname
    port = parts.port or 80
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    body = json.dumps({"type": offer.type, "sdp": offer.sdp}).encode()
    reader, writer = await asyncio.open_connection(host, port)
    writer.write(
        f"POST {path} HTTP/1.1\r\nHost: {parts.netloc}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode() + body)
    await writer.drain()
    start, headers = await read_head(reader)
    if "content-length" in headers:
        payload = await reader.readexactly(int(headers["content-length"]))
    else:
        payload = await reader.read(BODY_LIMIT + 1)
    writer.close()
    status = int(start.split(" ")[1])
    if status != 200:
        raise ScenarioFailure(f"the server answered {status}: {payload.decode(errors='replace').strip()}")
    answer = json.loads(payload)
    if answer.get("type") != "answer":
        raise ScenarioFailure(f"expected an answer, got {answer.get('type')!r}")
    return RTCSessionDescription(sdp=answer["sdp"], type="answer")


class Inbox:
    """What one channel receives, awaited with a deadline."""

    def __init__(self, channel: RTCDataChannel) -> None:
        self.channel = channel
        self.messages: list[Any] = []
        self.changed = asyncio.Event()
        self.closed = asyncio.Event()
        self.opened = asyncio.Event()
        if channel.readyState == "open":
            self.opened.set()
        channel.on("message", self.on_message)
        channel.on("open", self.opened.set)
        channel.on("close", self.closed.set)

    def on_message(self, message: Any) -> None:
        self.messages.append(message)
        self.changed.set()

    async def until(self, condition: Callable[[], bool], timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise ScenarioFailure(f"timed out after {timeout} s waiting for {what}")
            self.changed.clear()
            try:
                await asyncio.wait_for(self.changed.wait(), remaining)
            except asyncio.TimeoutError:
                pass

    async def open(self, timeout: float = 20) -> None:
        try:
            await asyncio.wait_for(self.opened.wait(), timeout)
        except asyncio.TimeoutError:
            raise ScenarioFailure(f"channel {self.channel.label!r} did not open within {timeout} s") from None


async def echo_exactly(inbox: Inbox, messages: list[Any], timeout: float = 30) -> None:
    """Sends every message, then expects the same list back, in order."""
    for message in messages:
        inbox.channel.send(message)
    await inbox.until(lambda: len(inbox.messages) >= len(messages), timeout, f"{len(messages)} echoes")
    if inbox.messages != messages:
        wrong = next(i for i, (a, b) in enumerate(zip(inbox.messages, messages)) if a != b) if inbox.messages[:len(messages)] != messages else len(messages)
        raise ScenarioFailure(f"echo {wrong} differs: sent {messages[wrong]!r:.60}, got {inbox.messages[wrong]!r:.60}"
                              if wrong < len(messages) else f"{len(inbox.messages)} echoes for {len(messages)} messages")


class Offerer:
    def __init__(self, url: str, arguments: argparse.Namespace) -> None:
        self.url = url
        self.arguments = arguments
        self.connection = make_peer_connection()

    async def connect(self) -> None:
        await self.connection.setLocalDescription(await self.connection.createOffer())  # returns once gathered
        answer = await post_offer(self.url, self.connection.localDescription)
        await self.connection.setRemoteDescription(answer)

    def channel(self, label: str, **options: Any) -> Inbox:
        return Inbox(self.connection.createDataChannel(label, **options))

    async def text(self) -> dict[str, Any]:
        inbox = self.channel("text")
        await self.connect()
        await inbox.open()
        messages = ["hello", "", "héllo wörld", "日本語のテキスト", "emoji 🎉🚀", "tab\tand\nnewline", "x" * 1200,
                    " ", "close-me not", "last"]
        await echo_exactly(inbox, messages)
        return {"messages": len(messages)}

    async def binary(self) -> dict[str, Any]:
        inbox = self.channel("binary")
        await self.connect()
        await inbox.open()
        generator = random.Random(7)
        messages = [b"", b"\x00", bytes(range(256)), generator.randbytes(1000), b"\xff" * 4096,
                    generator.randbytes(CHUNK), b"binary", b"\x00" * 3]
        await echo_exactly(inbox, messages)
        return {"messages": len(messages)}

    async def ordered_1000(self) -> dict[str, Any]:
        inbox = self.channel("ordered-1000")
        await self.connect()
        await inbox.open()
        await echo_exactly(inbox, [f"message {i}" for i in range(1000)], timeout=60)
        return {"messages": 1000}

    async def unreliable(self) -> dict[str, Any]:
        inbox = self.channel("unreliable", ordered=False, maxRetransmits=0)
        await self.connect()
        await inbox.open()
        sent = [f"unreliable {i}" for i in range(200)]
        for message in sent:
            inbox.channel.send(message)
        try:
            await inbox.until(lambda: len(inbox.messages) >= len(sent), 5, "the echoes")
        except ScenarioFailure:
            pass  # losses are allowed on this channel; what arrived is judged below
        received = inbox.messages
        duplicates = len(received) - len(set(received))
        unknown = [m for m in received if m not in set(sent)]
        if duplicates or unknown:
            raise ScenarioFailure(f"{duplicates} duplicate and {len(unknown)} unsent echoes")
        if not received:
            raise ScenarioFailure("no echo at all")
        in_order = sum(1 for a, b in zip(received, received[1:]) if int(a.split()[1]) < int(b.split()[1]))
        return {"sent": len(sent), "received": len(received), "inOrderPairs": in_order}

    async def negotiated(self) -> dict[str, Any]:
        stream_id = self.arguments.id
        inbox = self.channel(f"negotiated-{stream_id}", negotiated=True, id=stream_id)
        await self.connect()
        await inbox.open()
        await echo_exactly(inbox, ["negotiated one", b"negotiated two", "negotiated three"])
        return {"id": stream_id}

    async def bulk(self) -> dict[str, Any]:
        total = self.arguments.bytes
        inbox = self.channel("bulk")
        await self.connect()
        await inbox.open()
        channel = inbox.channel
        channel.bufferedAmountLowThreshold = 1 << 20
        low = asyncio.Event()
        channel.on("bufferedamountlow", low.set)
        generator = random.Random(16)
        sent_hash, received_hash = hashlib.sha256(), hashlib.sha256()
        received = 0

        def on_message(message: Any) -> None:
            nonlocal received
            if isinstance(message, bytes):
                received_hash.update(message)
                received += len(message)

        channel.on("message", on_message)
        started = time.monotonic()
        offset = 0
        while offset < total:
            if channel.bufferedAmount > 4 << 20:
                low.clear()
                await asyncio.wait_for(low.wait(), 60)
            chunk = generator.randbytes(min(CHUNK, total - offset))
            sent_hash.update(chunk)
            channel.send(chunk)
            offset += len(chunk)
            await asyncio.sleep(0)  # let the SCTP transport and the echoes run
        await inbox.until(lambda: received >= total, self.arguments.timeout, f"{total} bytes of echo")
        elapsed = time.monotonic() - started
        if received != total or sent_hash.digest() != received_hash.digest():
            raise ScenarioFailure(f"received {received} of {total} bytes; SHA-256 sent {sent_hash.hexdigest()} "
                                  f"received {received_hash.hexdigest()}")
        return {"bytes": total, "sha256": sent_hash.hexdigest(), "seconds": round(elapsed, 3),
                "megabytesPerSecond": round(total / elapsed / 1e6, 3)}

    async def close_by_offerer(self) -> dict[str, Any]:
        inbox = self.channel("close-by-offerer")
        await self.connect()
        await inbox.open()
        await echo_exactly(inbox, ["before close"])
        started = time.monotonic()
        inbox.channel.close()
        try:
            await asyncio.wait_for(inbox.closed.wait(), 5)
        except asyncio.TimeoutError:
            raise ScenarioFailure(f"the channel did not reach closed within 5 s ({inbox.channel.readyState})") from None
        closed_after = time.monotonic() - started
        await asyncio.sleep(1)
        late = len(inbox.messages) - 1
        if late:
            raise ScenarioFailure(f"{late} messages arrived after close")
        # A new channel on the same association still echoes: the close ended one stream, not the session.
        second = self.channel("after-close")
        await second.open()
        await echo_exactly(second, ["still alive"])
        return {"closedAfterSeconds": round(closed_after, 3), "lateMessages": late}

    async def close_by_answerer(self) -> dict[str, Any]:
        inbox = self.channel("close-by-answerer")
        await self.connect()
        await inbox.open()
        await echo_exactly(inbox, ["before close"])
        started = time.monotonic()
        inbox.channel.send("close-me")
        try:
            await asyncio.wait_for(inbox.closed.wait(), 5)
        except asyncio.TimeoutError:
            raise ScenarioFailure(f"the far side did not close the channel within 5 s ({inbox.channel.readyState})") from None
        return {"closedAfterSeconds": round(time.monotonic() - started, 3)}

    async def run(self, scenario: str) -> dict[str, Any]:
        try:
            return await SCENARIOS[scenario](self)
        finally:
            await self.connection.close()


SCENARIOS: dict[str, Callable[[Offerer], Any]] = {
    "text": Offerer.text,
    "binary": Offerer.binary,
    "ordered-1000": Offerer.ordered_1000,
    "unreliable": Offerer.unreliable,
    "negotiated": Offerer.negotiated,
    "bulk": Offerer.bulk,
    "close-by-offerer": Offerer.close_by_offerer,
    "close-by-answerer": Offerer.close_by_answerer,
}


async def connect(arguments: argparse.Namespace) -> bool:
    result: dict[str, Any] = {"scenario": arguments.scenario}
    try:
        figures = await asyncio.wait_for(Offerer(arguments.url, arguments).run(arguments.scenario), arguments.timeout)
        result.update(ok=True, detail="passed", **figures)
    except asyncio.TimeoutError:
        result.update(ok=False, detail=f"the scenario did not finish within {arguments.timeout} s")
    except ScenarioFailure as failure:
        result.update(ok=False, detail=str(failure))
    except Exception as error:  # anything aiortc or the network raises is a failed scenario, reported as such
        result.update(ok=False, detail=f"{type(error).__name__}: {error}")
    sys.stdout.write(json.dumps(result) + "\n")
    sys.stdout.flush()
    return bool(result["ok"])


def main() -> None:
    # A parent (Foundation's Process on Linux) may leave its sockets and other children's pipes open in
    # this process; holding copies would keep those connections and pipes open after their owners close them.
    os.closerange(3, 65536)
    parser = argparse.ArgumentParser(description="aiortc as a webrtc-echoes peer (see the module docstring)")
    parser.add_argument("-v", "--verbose", action="store_true", help="aiortc's debug log on stderr")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="answer offers and echo")
    serve.add_argument("--port", type=int, required=True, help="TCP port on 127.0.0.1; 0 for any")
    serve.add_argument("--negotiated", type=int, action="append", default=[], metavar="ID",
                       help="also echo on a negotiated channel with this stream id (repeatable)")
    offer = commands.add_parser("connect", help="offer and run one scenario")
    offer.add_argument("url", help="the server's offer URL, http://127.0.0.1:P/offer")
    offer.add_argument("--scenario", required=True, choices=sorted(SCENARIOS))
    offer.add_argument("--id", type=int, default=5, help="the negotiated channel's stream id")
    offer.add_argument("--bytes", type=int, default=16 << 20, help="bulk: how many bytes to send")
    offer.add_argument("--timeout", type=float, default=180, help="seconds for the whole scenario")
    controlled = commands.add_parser("control", help="be driven by crucible interop (Scripts/interop/CONTROL.md)")
    # SUPPRESS: without -v here the subparser would reset a -v given before the subcommand.
    controlled.add_argument("-v", "--verbose", action="store_true", default=argparse.SUPPRESS,
                            help="aiortc's debug log on stderr")
    arguments = parser.parse_args()
    if arguments.verbose:
        logging.basicConfig(level=logging.DEBUG, stream=sys.stderr)
    if arguments.command == "serve":
        asyncio.run(EchoServer(arguments.negotiated).run(arguments.port))
    elif arguments.command == "control":
        from aiortc_control import control  # only this mode needs it

        control()
    else:
        sys.exit(0 if asyncio.run(connect(arguments)) else 1)


if __name__ == "__main__":
    main()
