#!/usr/bin/env python3
"""An aioice peer for Crucible's interop tests (Tests/InteropTests).

One aioice Connection, controlling or controlled (argv), gathering on 127.0.0.1 only, signalled over
stdin/stdout with one JSON object per line. Run it from the virtual environment Scripts/bootstrap makes:

    .venv-interop/bin/python Scripts/interop/aioice_peer.py controlling|controlled

Events on stdout (the peer speaks first):
    {"event": "credentials", "ufrag": ..., "pwd": ...}
    {"event": "candidate", "candidate": "candidate:<SDP fields>"}    one per local candidate
    {"event": "end-of-candidates"}
    {"event": "connected", "local": "127.0.0.1:p", "remote": "127.0.0.1:q", "role": ...}
    {"event": "received", "data": "<hex>"}                            every datagram the Connection delivers
    {"event": "sent", "data": "<hex>"}                                after a "send" command
    {"event": "failed", "error": "..."}
    {"event": "closed"}

Commands on stdin:
    {"command": "remote-credentials", "ufrag": ..., "pwd": ...}       starts connect()
    {"command": "candidate", "candidate": "candidate:<SDP fields>"}
    {"command": "end-of-candidates"}
    {"command": "send", "data": "<hex>"}
    {"command": "echo", "enabled": true|false}                       send back every datagram received
    {"command": "close"}                                               close the Connection and exit

Closing stdin also closes the Connection and exits, so a test that dies takes its peer with it.
Diagnostics (aioice's own log, with -v) go to stderr.
"""

import asyncio
import json
import logging
import sys

import aioice
import aioice.ice
from aioice import Candidate, Connection


def loopback_only(use_ipv4: bool, use_ipv6: bool) -> list[str]:
    # aioice leaves 127.0.0.1 out when it gathers; the project's tests never leave loopback (DESIGN §6).
    return ["127.0.0.1"] if use_ipv4 else []


aioice.ice.get_host_addresses = loopback_only


def emit(event: str, **fields: object) -> None:
    sys.stdout.write(json.dumps({"event": event, **fields}) + "\n")
    sys.stdout.flush()


def address(pair: tuple[str, int]) -> str:
    return f"{pair[0]}:{pair[1]}"


def strip_prefix(line: str) -> str:
    # aioice's Candidate.from_sdp wants the fields only; the tests speak RFC 8840's "candidate:<fields>".
    for prefix in ("a=candidate:", "candidate:"):
        if line.startswith(prefix):
            return line[len(prefix):]
    return line


class Peer:
    def __init__(self, controlling: bool) -> None:
        self.connection = Connection(ice_controlling=controlling, use_ipv6=False)
        self.echo = False
        self.connect_task: asyncio.Task[None] | None = None
        self.receive_task: asyncio.Task[None] | None = None

    async def run(self) -> None:
        await self.connection.gather_candidates()
        emit("credentials", ufrag=self.connection.local_username, pwd=self.connection.local_password)
        for candidate in self.connection.local_candidates:
            emit("candidate", candidate="candidate:" + candidate.to_sdp())
        emit("end-of-candidates")

        reader = asyncio.StreamReader()
        loop = asyncio.get_running_loop()
        await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
        while True:
            line = await reader.readline()
            if not line:
                break
            line = line.strip()
            if not line:
                continue
            try:
                command = json.loads(line)
            except json.JSONDecodeError as error:
                emit("failed", error=f"bad command line: {error}")
                continue
            if not await self.handle(command):
                break
        await self.close()

    async def handle(self, command: dict) -> bool:
        name = command.get("command")
        if name == "remote-credentials":
            self.connection.remote_username = command["ufrag"]
            self.connection.remote_password = command["pwd"]
            self.connect_task = asyncio.create_task(self.connect())
        elif name == "candidate":
            await self.connection.add_remote_candidate(Candidate.from_sdp(strip_prefix(command["candidate"])))
        elif name == "end-of-candidates":
            await self.connection.add_remote_candidate(None)
        elif name == "send":
            try:
                data = bytes.fromhex(command["data"])
                await self.connection.send(data)
                emit("sent", data=data.hex())
            except ConnectionError as error:
                emit("failed", error=f"send: {error}")
        elif name == "echo":
            self.echo = bool(command.get("enabled", True))
        elif name == "close":
            return False
        else:
            emit("failed", error=f"unknown command {name!r}")
        return True

    async def connect(self) -> None:
        try:
            await self.connection.connect()
        except Exception as error:  # aioice raises ConnectionError; report anything else the same way
            emit("failed", error=f"connect: {error}")
            return
        # aioice has no public accessor for the nominated pair; _nominated is its component → pair map.
        pair = self.connection._nominated.get(1)
        emit(
            "connected",
            local=address(pair.local_addr) if pair else None,
            remote=address(pair.remote_addr) if pair else None,
            role="controlling" if self.connection.ice_controlling else "controlled",
        )
        self.receive_task = asyncio.create_task(self.receive())

    async def receive(self) -> None:
        while True:
            try:
                data = await self.connection.recv()
            except ConnectionError:
                return
            emit("received", data=data.hex())
            if self.echo:
                try:
                    await self.connection.send(data)
                except ConnectionError:
                    return

    async def close(self) -> None:
        for task in (self.connect_task, self.receive_task):
            if task is not None and not task.done():
                task.cancel()
        await self.connection.close()
        emit("closed")


def main() -> None:
    arguments = [a for a in sys.argv[1:] if not a.startswith("-")]
    if len(arguments) != 1 or arguments[0] not in ("controlling", "controlled"):
        sys.stderr.write("usage: aioice_peer.py controlling|controlled [-v]\n")
        sys.exit(2)
    if "-v" in sys.argv[1:]:
        logging.basicConfig(level=logging.DEBUG, stream=sys.stderr)
    asyncio.run(Peer(controlling=arguments[0] == "controlling").run())


if __name__ == "__main__":
    main()
