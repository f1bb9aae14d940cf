"""What the clients return: plain data, typed."""

from __future__ import annotations

import json
from typing import Any, Dict, List, NamedTuple, Union

#: A job document as `chungtay job` prints it (docs/PROTOCOL.md, "JOB and JOB-INFO"):
#: ``id`` (decimal string), ``kind``, ``state``, ``attempts``, ``error``, ``result`` ...
JobDocument = Dict[str, Any]

#: A batch status document as `chungtay batch status ID --json` prints it (BATCH-INFO).
BatchStatus = Dict[str, Any]

#: What a payload may be given as: bytes go as they are, str as UTF-8, anything else as
#: compact JSON.
Payload = Union[bytes, bytearray, memoryview, str, Dict[str, Any], List[Any]]

#: Job states after which nothing changes any more.
FINAL_STATES = frozenset({"completed", "dead"})


class Accepted(NamedTuple):
    """One accepted job: its id, and whether its idempotency key named an earlier job."""

    id: int
    existed: bool


def payload_bytes(payload: Payload) -> bytes:
    """The payload's bytes: the dispatcher stores them as given and never reads them."""
    if isinstance(payload, (bytes, bytearray, memoryview)):
        return bytes(payload)
    if isinstance(payload, str):
        return payload.encode("utf-8")
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
