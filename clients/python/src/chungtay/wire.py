"""CTCP01 frames (docs/PROTOCOL.md, "Client protocol CTCP01"): encoding of the requests
this package sends and decoding of their replies. Every number read from a reply is
checked against the frame's length, so a short or odd frame is an error, never a guess."""

from __future__ import annotations

import json
import re
import struct
from typing import Any, List, NamedTuple, Sequence

from .errors import ChungTayError
from .types import Accepted

HEADER = b"CTCP01"

SUBMIT = 0x01
JOB = 0x02
WAIT = 0x03
STATUS = 0x04
DEAD_LETTERS = 0x05
RETRY_DEAD_LETTERS = 0x06

ACCEPTED = 0x81
JOB_INFO = 0x82
WAIT_DONE = 0x83
STATUS_REPORT = 0x84
DEAD_LETTER_LIST = 0x85
RETRIED = 0x86
ERROR = 0xFF

#: Ids per WAIT (`ClientProtocol.maxWaitIds`) and per RETRY-DEAD-LETTERS.
MAX_WAIT_IDS = 1000
MAX_RETRY_IDS = 10_000
#: Largest idempotency key in octets.
MAX_KEY_BYTES = 1024
#: Job ids are SQLite rowids: below 2^63.
MAX_JOB_ID = 2**63 - 1

_KIND = re.compile(rb"[a-z][a-z0-9._-]*\Z")


class Reply(NamedTuple):
    """A decoded reply: its command, request id and body frames."""

    command: int
    request_id: int
    body: List[bytes]


def job_header(kind: str, key: str = "", priority: int = 0) -> bytes:
    """A SUBMIT job header: kind, priority, idempotency key (no batch)."""
    kind_bytes = kind.encode("utf-8")
    if not 1 <= len(kind_bytes) <= 255 or not _KIND.match(kind_bytes):
        raise ChungTayError("malformed", f"{kind!r} is not a kind name (1-255 of a-z, 0-9, '.', '_', '-', starting with a letter)")
    key_bytes = key.encode("utf-8")
    if len(key_bytes) > MAX_KEY_BYTES:
        raise ChungTayError("malformed", f"an idempotency key is at most {MAX_KEY_BYTES} bytes")
    if not -(2**15) <= priority < 2**15:
        raise ChungTayError("malformed", "priority is a 16-bit signed integer")
    return bytes([len(kind_bytes)]) + kind_bytes + struct.pack(">hH", priority, len(key_bytes)) + key_bytes


def request(command: int, request_id: int, body: Sequence[bytes] = ()) -> List[bytes]:
    return [HEADER, bytes([command]), struct.pack(">Q", request_id), *body]


def id_list(ids: Sequence[int]) -> bytes:
    for job_id in ids:
        if not 0 <= job_id <= MAX_JOB_ID:
            raise ChungTayError("unknown_job", f"{job_id} is not a job id")
    return struct.pack(f">{len(ids)}Q", *ids)


def decode(frames: Sequence[bytes]) -> Reply:
    """The reply's command, request id and body; a frame that is not CTCP01 is `malformed`."""
    if len(frames) < 3 or frames[0] != HEADER or len(frames[1]) != 1 or len(frames[2]) != 8:
        raise ChungTayError("malformed", "the dispatcher's reply is not a CTCP01 message")
    return Reply(frames[1][0], struct.unpack(">Q", frames[2])[0], list(frames[3:]))


def raise_if_error(reply: Reply) -> None:
    if reply.command == ERROR:
        if len(reply.body) != 2:
            raise ChungTayError("malformed", "an ERROR reply has two frames")
        code = reply.body[0].decode("utf-8", "replace")
        raise ChungTayError(code, reply.body[1].decode("utf-8", "replace"))


def expect(reply: Reply, command: int, frames: int = -1) -> List[bytes]:
    """The body of a reply that must be `command` (with `frames` frames, unless -1)."""
    raise_if_error(reply)
    if reply.command != command:
        raise ChungTayError("malformed", f"reply command 0x{reply.command:02x}, expected 0x{command:02x}")
    if frames >= 0 and len(reply.body) != frames:
        raise ChungTayError("malformed", f"reply 0x{command:02x} has {len(reply.body)} body frames, expected {frames}")
    return reply.body


def accepted(reply: Reply, count: int) -> List[Accepted]:
    ids_frame, flags = expect(reply, ACCEPTED, 2)
    if len(ids_frame) != 8 * count or len(flags) != count:
        raise ChungTayError("malformed", f"ACCEPTED lists {len(flags)} jobs, {count} were submitted")
    ids = struct.unpack(f">{count}Q", ids_frame)
    return [Accepted(job_id, flag == 1) for job_id, flag in zip(ids, flags)]


def json_frame(frame: bytes) -> Any:
    try:
        return json.loads(frame)
    except ValueError as error:
        raise ChungTayError("malformed", f"a reply document is not JSON: {error}") from None


def count(reply: Reply) -> int:
    (frame,) = expect(reply, RETRIED, 1)
    if len(frame) != 8:
        raise ChungTayError("malformed", "RETRIED's count is 8 octets")
    return int(struct.unpack(">Q", frame)[0])
