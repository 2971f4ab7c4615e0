"""What every aiortc peer mode shares (aiortc_peer.py serve/connect, aiortc_control.py control).

Importing this module is what keeps aiortc on loopback: it replaces aioice's host address lookup before
any peer connection gathers. Output goes to stdout as one JSON object per line, flushed, because the
process reading it (a Swift test or `crucible interop`) reacts to each line as it comes.
"""

import json
import os
import sys
from typing import Any

import aioice.ice
from aiortc import RTCConfiguration, RTCDataChannel, RTCPeerConnection


def loopback_only(use_ipv4: bool, use_ipv6: bool) -> list[str]:
    # aioice leaves 127.0.0.1 out when it gathers; the project's tests never leave loopback (DESIGN §6).
    return ["127.0.0.1"] if use_ipv4 else []


aioice.ice.get_host_addresses = loopback_only


def write_line(message: dict[str, Any]) -> None:
    try:
        sys.stdout.write(json.dumps(message) + "\n")
        sys.stdout.flush()
    except BrokenPipeError:
        # Whoever read the events is gone (a test that died): nobody can use this peer any more.
        os._exit(1)


def emit(event: str, **fields: object) -> None:
    write_line({"event": event, **fields})


def make_peer_connection() -> RTCPeerConnection:
    # An explicit empty server list: without it aiortc adds a public STUN server.
    return RTCPeerConnection(RTCConfiguration(iceServers=[]))


def channel_fields(channel: RTCDataChannel) -> dict[str, Any]:
    return {
        "label": channel.label,
        "id": channel.id,
        "ordered": channel.ordered,
        "maxRetransmits": channel.maxRetransmits,
        "maxPacketLifeTime": channel.maxPacketLifeTime,
        "protocol": channel.protocol,
        "negotiated": channel.negotiated,
    }
