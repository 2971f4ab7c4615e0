"""aiortc as a peer of `crucible interop`: the control protocol of Scripts/interop/CONTROL.md.

    .venv-interop/bin/python -u Scripts/interop/aiortc_peer.py control [-v]

One process is one RTCPeerConnection (no ICE servers, loopback only: see aiortc_common). Requests arrive
on stdin, one JSON object a line; replies and events leave on stdout the same way; -v puts aiortc's debug
log on stderr. Every request runs as its own task, so a long one (`bulk`) does not hold up the others,
and its reply carries its id.

Media (addMedia, echoMedia, mediaReport) is aiortc_media.py's: a tone and the numbered test pattern as
MediaStreamTrack subclasses, and every received track read with track.recv() and judged.

What aiortc 1.16 cannot do is answered `unsupported`:
  - ICE restart: RTCPeerConnection.createOffer() takes no options, RTCIceGatherer.gather() gathers only
    in state "new" (so the ICE credentials never change), and RTCIceTransport.start() returns at once
    when it has been started before, so new remote credentials are never used.
"""

import asyncio
import base64
import binascii
import hashlib
import json
import sys
import threading
import time
from typing import Any, Awaitable, Callable, Optional

import aiortc
from aiortc import RTCDataChannel, RTCSessionDescription
from aiortc.mediastreams import MediaStreamError
from aiortc.rtcdtlstransport import RTCCertificate

from aiortc_common import channel_fields, emit, make_peer_connection, write_line
from aiortc_media import EchoTrack, PatternTrack, Reception, ToneTrack

GATHERING_LIMIT = 10.0  # seconds; CONTROL.md's bound on waiting for ICE gathering
BUFFER_CAP = 1 << 20  # CONTROL.md: a bulk sender keeps bufferedAmount at most 1 MiB
BULK_STALL = 60.0  # seconds without a byte coming back before a bulk gives up
PATTERN_PERIOD = 251  # byte i of a bulk stream is i % 251

NO_ICE_RESTART = (
    "aiortc has no ICE restart: RTCPeerConnection.createOffer() takes no options (no iceRestart), "
    "RTCIceGatherer.gather() gathers only in state 'new' so the local ufrag/pwd never change, and "
    "RTCIceTransport.start() returns early once started, ignoring new remote credentials"
)


class RequestError(Exception):
    """A request that cannot be done; `unsupported` when the stack lacks the feature altogether."""

    def __init__(self, message: str, unsupported: bool = False) -> None:
        super().__init__(message)
        self.unsupported = unsupported


class BulkReceiver:
    """Counts and hashes the binary bytes a running bulk gets back on its channel."""

    def __init__(self, expected: int) -> None:
        self.expected = expected
        self.received = 0
        self.digest = hashlib.sha256()
        self.last_progress = time.monotonic()
        self.done = asyncio.Event()
        if expected == 0:
            self.done.set()

    def feed(self, data: bytes) -> None:
        self.digest.update(data)
        self.received += len(data)
        self.last_progress = time.monotonic()
        if self.received >= self.expected:
            self.done.set()


def pattern_source(chunk: int) -> bytes:
    # The stream's bytes repeat every 251, so any chunk is a slice of this buffer starting at offset % 251.
    repeats = (chunk + PATTERN_PERIOD) // PATTERN_PERIOD + 1
    return bytes(range(PATTERN_PERIOD)) * repeats


def argument(request: dict[str, Any], name: str, kind: type, default: Any = ...) -> Any:
    """The argument `name` of `kind`; absent or null means `default`, and without a default it is required."""
    value = request.get(name)
    if value is None:
        if default is ...:
            raise RequestError(f"'{name}' is required")
        return default
    # bool is an int in Python; a count given as true/false is a driver mistake, not a number.
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise RequestError(f"'{name}' must be {getattr(kind, '__name__', 'a number')}, not {type(value).__name__}")
    return value


def export_dtls_secrets() -> None:
    """Every DTLS context aiortc makes from now on reports its handshakes' secrets as `keylog` events
    (CONTROL.md), through OpenSSL's keylog callback: aiortc has no setting for it, so the context factory
    is wrapped. The secrets are this throwaway connection's, printed for the cell's capture alone."""
    make_context = RTCCertificate._create_ssl_context

    def with_key_log(self: RTCCertificate, srtp_profiles: Any) -> Any:
        context = make_context(self, srtp_profiles)
        context.set_keylog_callback(lambda _connection, line: emit("keylog", line=line.decode("ascii")))
        return context

    RTCCertificate._create_ssl_context = with_key_log  # type: ignore[method-assign]


class ControlPeer:
    def __init__(self) -> None:
        self.connection = make_peer_connection()
        self.channels: dict[str, RTCDataChannel] = {}
        self.bulks: dict[str, BulkReceiver] = {}
        self.echoing = False
        self.tasks: set[asyncio.Task[None]] = set()
        self.tone: Optional[ToneTrack] = None
        self.pattern: Optional[PatternTrack] = None
        self.receptions: dict[str, Reception] = {}
        self.media_echo = False
        self.echo_tracks: dict[str, EchoTrack] = {}
        self.handlers: dict[str, Callable[[dict[str, Any]], Awaitable[dict[str, Any]]]] = {
            "createOffer": self.create_offer,
            "createAnswer": self.create_answer,
            "setRemoteDescription": self.set_remote_description,
            "createDataChannel": self.create_data_channel,
            "send": self.send,
            "closeChannel": self.close_channel,
            "echo": self.echo,
            "bulk": self.bulk,
            "addMedia": self.add_media,
            "echoMedia": self.echo_media,
            "mediaReport": self.media_report,
            "close": self.close,
        }
        connection = self.connection

        @connection.on("connectionstatechange")
        def on_connection_state() -> None:
            emit("connectionState", value=connection.connectionState)

        @connection.on("iceconnectionstatechange")
        def on_ice_connection_state() -> None:
            emit("iceConnectionState", value=connection.iceConnectionState)

        @connection.on("datachannel")
        def on_datachannel(channel: RTCDataChannel) -> None:
            fields = channel_fields(channel)
            fields["channelId"] = fields.pop("id")
            emit("datachannel", **fields)
            self.adopt(channel)

        @connection.on("track")
        def on_track(track: Any) -> None:
            task = asyncio.ensure_future(self.receive(track))
            self.tasks.add(task)
            task.add_done_callback(self.tasks.discard)

    async def receive(self, track: Any) -> None:
        """Every frame of a remote track until it ends: counted, its mark or tone read, echoed if asked."""
        reception = self.receptions.setdefault(track.kind, Reception(track.kind))
        while True:
            try:
                frame = await track.recv()
            except MediaStreamError:
                return
            reception.take(frame)
            echo = self.echo_tracks.get(track.kind)
            if echo is not None:
                echo.offer(frame)

    # MARK: channels

    def adopt(self, channel: RTCDataChannel) -> None:
        """Known by label from now on; reports open/message/closed, echoes or feeds a bulk."""
        label = channel.label
        self.channels[label] = channel

        @channel.on("open")
        def on_open() -> None:
            emit("open", label=label, channelId=channel.id)

        @channel.on("close")
        def on_close() -> None:
            emit("closed", label=label)

        @channel.on("message")
        def on_message(message: Any) -> None:
            bulk = self.bulks.get(label)
            if bulk is not None and isinstance(message, bytes):
                bulk.feed(message)
            elif self.echoing:
                if channel.readyState == "open":
                    try:
                        channel.send(message)
                    except Exception as error:  # a message too large for the far side, say
                        emit("error", message=f"echo on {label!r}: {type(error).__name__}: {error}")
            elif isinstance(message, str):
                emit("message", label=label, text=message)
            else:
                emit("message", label=label, binary=base64.b64encode(message).decode("ascii"))

        # aiortc opens a far side's channel before announcing it, and a negotiated channel made on an
        # established association inside createDataChannel: both before "open" had a listener.
        if channel.readyState == "open":
            emit("open", label=label, channelId=channel.id)

    def open_channel(self, label: str) -> RTCDataChannel:
        channel = self.channels.get(label)
        if channel is None:
            raise RequestError(f"no channel labelled {label!r}")
        if channel.readyState != "open":
            raise RequestError(f"channel {label!r} is {channel.readyState}, not open")
        return channel

    # MARK: requests

    async def describe(self, make: Callable[[], Awaitable[RTCSessionDescription]]) -> dict[str, Any]:
        description = await make()
        # aiortc's setLocalDescription returns once gathering is complete (its candidates are in
        # localDescription); shielded so that hitting the bound does not cancel it halfway.
        applying = asyncio.ensure_future(self.connection.setLocalDescription(description))
        try:
            await asyncio.wait_for(asyncio.shield(applying), GATHERING_LIMIT)
        except asyncio.TimeoutError:
            raise RequestError(f"ICE gathering did not complete within {GATHERING_LIMIT:g} s") from None
        local = self.connection.localDescription
        return {"type": local.type, "sdp": local.sdp}

    def add_echo_tracks(self, kinds: list[str]) -> None:
        """In echo mode, one EchoTrack per kind that has none (addTrack takes an offered transceiver)."""
        if not self.media_echo:
            return
        for kind in kinds:
            if kind not in self.echo_tracks:
                self.echo_tracks[kind] = EchoTrack(kind)
                self.connection.addTrack(self.echo_tracks[kind])

    async def create_offer(self, request: dict[str, Any]) -> dict[str, Any]:
        if argument(request, "iceRestart", bool, False):
            raise RequestError(NO_ICE_RESTART, unsupported=True)
        self.add_echo_tracks(["audio", "video"])  # an echoing offerer cannot know what will come
        return await self.describe(self.connection.createOffer)

    async def create_answer(self, request: dict[str, Any]) -> dict[str, Any]:
        self.add_echo_tracks([t.kind for t in self.connection.getTransceivers() if not t.stopped])
        return await self.describe(self.connection.createAnswer)

    async def set_remote_description(self, request: dict[str, Any]) -> dict[str, Any]:
        kind = argument(request, "type", str)
        if kind not in ("offer", "answer"):
            raise RequestError(f"type must be 'offer' or 'answer', not {kind!r}")
        await self.connection.setRemoteDescription(RTCSessionDescription(sdp=argument(request, "sdp", str), type=kind))
        return {}

    async def create_data_channel(self, request: dict[str, Any]) -> dict[str, Any]:
        label = argument(request, "label", str)
        if label in self.channels:
            raise RequestError(f"a channel labelled {label!r} exists already")
        channel = self.connection.createDataChannel(
            label,
            ordered=argument(request, "ordered", bool, True),
            maxRetransmits=argument(request, "maxRetransmits", int, None),
            maxPacketLifeTime=argument(request, "maxPacketLifeTime", int, None),
            protocol=argument(request, "protocol", str, ""),
            negotiated=argument(request, "negotiated", bool, False),
            id=argument(request, "channelId", int, None),
        )
        self.adopt(channel)
        return {}

    async def send(self, request: dict[str, Any]) -> dict[str, Any]:
        channel = self.open_channel(argument(request, "label", str))
        if request.get("text") is not None:
            channel.send(argument(request, "text", str))
        elif request.get("binary") is not None:
            try:
                channel.send(base64.b64decode(argument(request, "binary", str), validate=True))
            except binascii.Error as error:
                raise RequestError(f"binary is not base64: {error}") from None
        else:
            raise RequestError("send needs 'text' or 'binary'")
        return {}

    async def close_channel(self, request: dict[str, Any]) -> dict[str, Any]:
        label = argument(request, "label", str)
        channel = self.channels.get(label)
        if channel is None:
            raise RequestError(f"no channel labelled {label!r}")
        channel.close()  # the "closed" event follows when the stream reset completes
        return {}

    async def echo(self, request: dict[str, Any]) -> dict[str, Any]:
        # One flag read by every channel's message handler, so channels opened later echo as well.
        self.echoing = True
        return {}

    async def bulk(self, request: dict[str, Any]) -> dict[str, Any]:
        label = argument(request, "label", str)
        total = argument(request, "bytes", int)
        chunk = argument(request, "chunk", int)
        if total < 0 or chunk <= 0:
            raise RequestError("bytes must be at least 0 and chunk at least 1")
        channel = self.open_channel(label)
        if label in self.bulks:
            raise RequestError(f"a bulk is running on {label!r} already")
        receiver = BulkReceiver(total)
        self.bulks[label] = receiver
        try:
            sent_digest = hashlib.sha256()
            source = pattern_source(chunk)
            # bufferedamountlow fires when bufferedAmount drops to the threshold; below it there is
            # room for one more chunk without passing the cap.
            threshold = max(0, BUFFER_CAP - chunk)
            channel.bufferedAmountLowThreshold = threshold
            low = asyncio.Event()
            channel.on("bufferedamountlow", low.set)
            started = time.monotonic()
            offset = 0
            while offset < total:
                size = min(chunk, total - offset)
                # A chunk larger than the cap goes out only into an empty buffer.
                while channel.bufferedAmount and channel.bufferedAmount + size > BUFFER_CAP:
                    low.clear()
                    try:
                        # Also a poll: the event may have been missed while the threshold was crossed.
                        await asyncio.wait_for(low.wait(), 0.5)
                    except asyncio.TimeoutError:
                        pass
                    if channel.readyState != "open":
                        raise RequestError(f"channel {label!r} became {channel.readyState} after {offset} bytes sent")
                start = offset % PATTERN_PERIOD
                piece = source[start:start + size]
                sent_digest.update(piece)
                channel.send(piece)
                offset += size
            receiver.last_progress = time.monotonic()
            while not receiver.done.is_set():
                try:
                    await asyncio.wait_for(receiver.done.wait(), 1.0)
                except asyncio.TimeoutError:
                    pass
                if receiver.done.is_set():
                    break
                if channel.readyState != "open":
                    raise RequestError(f"channel {label!r} became {channel.readyState} with "
                                       f"{receiver.received} of {total} bytes back")
                if time.monotonic() - receiver.last_progress > BULK_STALL:
                    raise RequestError(f"nothing came back for {BULK_STALL:g} s; {receiver.received} of {total} bytes back")
            seconds = time.monotonic() - started
        finally:
            del self.bulks[label]
            channel.remove_all_listeners("bufferedamountlow")
        return {"bytes": receiver.received, "seconds": seconds, "sha256": receiver.digest.hexdigest(),
                "sentSha256": sent_digest.hexdigest()}

    async def add_media(self, request: dict[str, Any]) -> dict[str, Any]:
        if argument(request, "audio", bool, False):
            if self.tone is not None:
                raise RequestError("audio was added already")
            self.tone = ToneTrack(float(argument(request, "frequency", (int, float), 440)))
            self.connection.addTrack(self.tone)
        video = argument(request, "video", dict, None)
        if video is not None:
            if self.pattern is not None:
                raise RequestError("video was added already")
            size = [argument(video, name, int) for name in ("width", "height", "frameRate")]
            if not (64 <= size[0] <= 4096 and 48 <= size[1] <= 4096 and 1 <= size[2] <= 60):
                raise RequestError(f"video {size[0]}x{size[1]} at {size[2]} fps is outside 64x48 ... 4096x4096, 1 ... 60 fps")
            self.pattern = PatternTrack(*size)
            self.connection.addTrack(self.pattern)
        return {}

    async def echo_media(self, request: dict[str, Any]) -> dict[str, Any]:
        self.media_echo = True
        return {}

    async def media_report(self, request: dict[str, Any]) -> dict[str, Any]:
        report: dict[str, Any] = {"sent": {"audio": self.tone.frames if self.tone else 0,
                                           "video": self.pattern.frames if self.pattern else 0}}
        for kind, reception in self.receptions.items():
            report[kind] = reception.report()
        return report

    async def close(self, request: dict[str, Any]) -> dict[str, Any]:
        await self.connection.close()
        return {}

    # MARK: dispatch

    async def serve(self, request: dict[str, Any]) -> None:
        identifier = request["id"]
        handler = self.handlers.get(request.get("cmd"))  # type: ignore[arg-type]
        try:
            if handler is None:
                raise RequestError(f"unknown cmd {request.get('cmd')!r}")
            result = await handler(request)
        except asyncio.CancelledError:
            raise
        except RequestError as error:
            failure: dict[str, Any] = {"reply": identifier, "ok": False, "error": str(error)}
            if error.unsupported:
                failure["unsupported"] = True
            write_line(failure)
            return
        except Exception as error:  # whatever aiortc raises for a request is that request's failure
            # Some of aiortc's exceptions have no message (InvalidStateError from send): the type says it.
            detail = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
            write_line({"reply": identifier, "ok": False, "error": detail})
            return
        write_line({"reply": identifier, "ok": True, **result})

    def dispatch(self, line: bytes) -> None:
        try:
            request = json.loads(line)
        except ValueError as error:
            emit("error", message=f"a request that is not JSON: {error}")
            return
        if not isinstance(request, dict) or not isinstance(request.get("id"), int) or isinstance(request.get("id"), bool):
            # Without an integer id there is nothing to reply to.
            emit("error", message=f"a request without an integer id: {line.decode(errors='replace').strip()[:200]}")
            return
        task = asyncio.ensure_future(self.serve(request))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        lines: asyncio.Queue[Optional[bytes]] = asyncio.Queue()

        def read_stdin() -> None:
            # A thread with blocking reads works whatever stdin is (pipe, file, terminal) and has no
            # line length limit, unlike a StreamReader on connect_read_pipe.
            for line in sys.stdin.buffer:
                loop.call_soon_threadsafe(lines.put_nowait, line)
            loop.call_soon_threadsafe(lines.put_nowait, None)

        def on_loop_exception(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
            # aiortc runs much of its work in tasks nobody awaits; what fails there is an error event
            # (and, through the default handler, a traceback in the stderr log).
            error = context.get("exception")
            emit("error", message=f"{type(error).__name__}: {error}" if error else str(context.get("message")))
            loop.default_exception_handler(context)

        loop.set_exception_handler(on_loop_exception)
        threading.Thread(target=read_stdin, name="stdin", daemon=True).start()
        write_line({"event": "ready", "stack": "aiortc", "version": aiortc.__version__})
        while (line := await lines.get()) is not None:
            if line.strip():
                self.dispatch(line)
        if self.tasks:
            # Requests sent just before end of file (a piped script) get a moment to reply; a bulk
            # that would outlive the driver does not hold the exit up for long.
            await asyncio.wait(list(self.tasks), timeout=2)
        try:
            await asyncio.wait_for(self.connection.close(), 10)
        finally:
            for task in list(self.tasks):
                task.cancel()
            await asyncio.gather(*self.tasks, return_exceptions=True)


def control() -> None:
    export_dtls_secrets()
    asyncio.run(ControlPeer().run())
    sys.exit(0)
