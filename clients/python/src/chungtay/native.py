"""The native client: CTCP01 over a ZeroMQ DEALER socket (pyzmq), optionally with CURVE.

One DEALER per client, requests matched to replies by request id. Not thread-safe (a
ZeroMQ socket belongs to one thread): give each thread its own client.
"""

from __future__ import annotations

import time
from collections import deque
from typing import Deque, Dict, Iterable, List, Optional, Sequence, Set, Tuple

import zmq

from . import wire
from .errors import ChungTayError
from .keys import client_key_pair, server_public_key
from .types import FINAL_STATES, Accepted, JobDocument, Payload, payload_bytes

#: Jobs per SUBMIT when streaming, as `batch submit` sends them.
BATCH_JOBS_PER_SUBMIT = 512
#: Payload bytes per SUBMIT when streaming: well below the dispatcher's 16 MiB message cap.
BATCH_BYTES_PER_SUBMIT = 4 * 1024 * 1024
#: SUBMITs in flight when streaming, and the most allowed. The dispatcher queues at most 16
#: replies per client and libzmq frees that room in steps of 8, so a wider window could lose
#: replies; 8 keeps its group commit busy.
BATCH_WINDOW = 8


class NativeClient:
    """CTCP01 client for `tcp://` and `ipc://` endpoints."""

    def __init__(
        self,
        endpoint: str,
        server_key: Optional[str] = None,
        key: Optional[str] = None,
        timeout: float = 10.0,
    ) -> None:
        if (server_key is None) != (key is None):
            raise ChungTayError("bad_key", "CURVE needs both server_key (the dispatcher's public key) and key (this client's secret key file)")
        self.timeout = timeout
        self._context: zmq.Context[zmq.Socket[bytes]] = zmq.Context.instance()
        self._socket = self._context.socket(zmq.DEALER)
        self._socket.setsockopt(zmq.LINGER, 0)
        self._socket.setsockopt(zmq.SNDTIMEO, int(timeout * 1000))
        self._monitor: Optional[zmq.Socket[bytes]] = None
        if server_key is not None and key is not None:
            public, secret = client_key_pair(key)
            self._socket.curve_serverkey = server_public_key(server_key)
            self._socket.curve_publickey = public
            self._socket.curve_secretkey = secret
            # A refused handshake is otherwise only silence: watch for it to say so at once.
            self._monitor = self._socket.get_monitor_socket(
                zmq.EVENT_HANDSHAKE_FAILED_AUTH | zmq.EVENT_HANDSHAKE_FAILED_PROTOCOL | zmq.EVENT_HANDSHAKE_FAILED_NO_DETAIL
            )
        self._poller = zmq.Poller()
        self._poller.register(self._socket, zmq.POLLIN)
        if self._monitor is not None:
            self._poller.register(self._monitor, zmq.POLLIN)
        self._socket.connect(endpoint)
        self._endpoint = endpoint
        self._next_id = 1
        # Requests sent and not answered yet, and replies that arrived for them: a reply to
        # a request given up on (timed out) is dropped, so these stay bounded by what is in flight.
        self._outstanding: Set[int] = set()
        self._replies: Dict[int, wire.Reply] = {}

    def close(self) -> None:
        if self._monitor is not None:
            self._socket.disable_monitor()
            self._monitor.close(0)
        self._socket.close(0)

    def __enter__(self) -> "NativeClient":
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # Requests

    def submit(self, kind: str, payload: Payload, key: Optional[str] = None, wait: bool = False, priority: int = 0) -> "int | JobDocument":
        """Submits one job; returns its id once the dispatcher has it on disk, or with
        `wait` the final job document. With `key`, submitting again returns the same job."""
        body = [wire.job_header(kind, key or "", priority), payload_bytes(payload)]
        (receipt,) = wire.accepted(self._call(wire.SUBMIT, body), 1)
        if wait:
            return self.wait(receipt.id)[0]
        return receipt.id

    def job(self, job_id: int) -> JobDocument:
        """The job's document: state, attempts, last error, result."""
        (frame,) = wire.expect(self._call(wire.JOB, [wire.id_list([job_id])]), wire.JOB_INFO, 1)
        document: JobDocument = wire.json_frame(frame)
        return document

    def wait(self, *job_ids: int, timeout: Optional[float] = None) -> List[JobDocument]:
        """The final job documents of `job_ids`, in order, once every one is completed or
        dead (or `timeout` seconds passed: `ChungTayError("timeout")`).

        One WAIT is pending at a time (the dispatcher allows 16 per connection), in slices
        of 1000 ids. A WAIT lives in the dispatcher's memory only, so when no answer comes
        within the client's timeout the jobs are probed with JOB: that shows the dispatcher
        is there, and finds jobs that became final while a restarted dispatcher forgot the WAIT.
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        documents: List[JobDocument] = []
        for start in range(0, len(job_ids), wire.MAX_WAIT_IDS):
            documents.extend(self._wait_slice(list(job_ids[start : start + wire.MAX_WAIT_IDS]), deadline))
        return documents

    def _wait_slice(self, ids: List[int], deadline: Optional[float]) -> List[JobDocument]:
        request_id = self._send(wire.WAIT, [wire.id_list(ids)])
        try:
            while True:
                limit = time.monotonic() + self.timeout
                if deadline is not None:
                    limit = min(limit, deadline)
                reply = self._receive(request_id, limit)
                if reply is not None:
                    documents = [wire.json_frame(frame) for frame in wire.expect(reply, wire.WAIT_DONE)]
                    return self._in_order(ids, documents)
                if deadline is not None and time.monotonic() >= deadline:
                    raise ChungTayError("timeout", "the jobs were not final within the wait's timeout")
                probed = [self.job(job_id) for job_id in dict.fromkeys(ids)]
                if all(document["state"] in FINAL_STATES for document in probed):
                    return self._in_order(ids, probed)
        finally:
            self._outstanding.discard(request_id)
            self._replies.pop(request_id, None)

    @staticmethod
    def _in_order(ids: Sequence[int], documents: List[JobDocument]) -> List[JobDocument]:
        """One document per id asked for (WAIT-DONE lists each distinct job once)."""
        by_id = {int(document["id"]): document for document in documents}
        try:
            return [by_id[job_id] for job_id in ids]
        except KeyError as missing:
            raise ChungTayError("malformed", f"WAIT-DONE lacks job {missing}") from None

    def batch(
        self,
        kind: str,
        payloads: Iterable[Payload],
        key: Optional[str] = None,
        window: int = BATCH_WINDOW,
        jobs_per_submit: int = BATCH_JOBS_PER_SUBMIT,
        priority: int = 0,
    ) -> List[Accepted]:
        """Streams many jobs of one kind: SUBMITs of up to `jobs_per_submit` jobs, at most
        `window` of them unacknowledged at once (flow control: the dispatcher's commit pace
        sets the sender's), and returns every job's receipt in input order.

        With `key`, job i (1-based) gets the idempotency key `KEY/i`, as the HTTP API's
        `:batch` names its lines, so a stream cut off part way is submitted again whole
        and only the jobs not yet accepted are new."""
        if not 1 <= window <= 8:
            raise ChungTayError(
                "bad_request",
                "window is 1 to 8 SUBMITs (the dispatcher queues 16 replies per client, and libzmq frees that room in steps of 8)",
            )
        if not 1 <= jobs_per_submit <= 16384:
            raise ChungTayError("bad_request", "jobs_per_submit is 1 to 16384")
        receipts: List[Accepted] = []
        in_flight: Deque[Tuple[int, int]] = deque()  # (request id, jobs), oldest first
        arrived: Dict[int, List[Accepted]] = {}
        sent_at: Dict[int, float] = {}
        iterator = iter(payloads)
        index = 0
        exhausted = False
        try:
            while True:
                while not exhausted and len(in_flight) < window:
                    body: List[bytes] = []
                    size = 0
                    while len(body) < 2 * jobs_per_submit and size < BATCH_BYTES_PER_SUBMIT:
                        try:
                            payload = next(iterator)
                        except StopIteration:
                            exhausted = True
                            break
                        index += 1
                        data = payload_bytes(payload)
                        body += [wire.job_header(kind, f"{key}/{index}" if key else "", priority), data]
                        size += len(data)
                    if not body:
                        break
                    request_id = self._send(wire.SUBMIT, body)
                    in_flight.append((request_id, len(body) // 2))
                    sent_at[request_id] = time.monotonic()
                if not in_flight:
                    return receipts
                oldest, jobs = in_flight[0]
                reply = self._receive(oldest, sent_at[oldest] + self.timeout, any_of=[request for request, _ in in_flight])
                if reply is None:
                    raise ChungTayError("unavailable", f"no answer from {self._endpoint} within {self.timeout:.0f} s")
                sizes = dict(in_flight)
                arrived[reply.request_id] = wire.accepted(reply, sizes[reply.request_id])
                while in_flight and in_flight[0][0] in arrived:
                    done, _ = in_flight.popleft()
                    receipts.extend(arrived.pop(done))
                    del sent_at[done]
        except ChungTayError as error:
            raise ChungTayError(
                error.code, f"{error.message} ({len(receipts)} jobs from the first acknowledged in order; submit the same stream with the same key again)"
            ) from None
        finally:
            for request_id, _ in in_flight:
                self._outstanding.discard(request_id)
                self._replies.pop(request_id, None)

    def status(self) -> JobDocument:
        """The dispatcher's STATUS-REPORT (operators only with CURVE)."""
        (frame,) = wire.expect(self._call(wire.STATUS), wire.STATUS_REPORT, 1)
        report: JobDocument = wire.json_frame(frame)
        return report

    def dead_letters(self) -> List[JobDocument]:
        """Up to 1000 dead letters' job documents, lowest id first (operators)."""
        (frame,) = wire.expect(self._call(wire.DEAD_LETTERS), wire.DEAD_LETTER_LIST, 1)
        documents: List[JobDocument] = wire.json_frame(frame)
        return documents

    def retry_dead_letters(self, ids: Sequence[int] = ()) -> int:
        """Requeues the listed dead letters, or all (at most 10,000 per call); returns how many."""
        if len(ids) > wire.MAX_RETRY_IDS:
            raise ChungTayError("too_large", f"at most {wire.MAX_RETRY_IDS} ids per retry")
        return wire.count(self._call(wire.RETRY_DEAD_LETTERS, [wire.id_list(list(ids))]))

    # Transport

    def _call(self, command: int, body: Sequence[bytes] = ()) -> wire.Reply:
        request_id = self._send(command, body)
        reply = self._receive(request_id, time.monotonic() + self.timeout)
        if reply is None:
            self._outstanding.discard(request_id)
            raise ChungTayError("unavailable", f"no answer from {self._endpoint} within {self.timeout:.0f} s")
        return reply

    def _send(self, command: int, body: Sequence[bytes]) -> int:
        request_id = self._next_id
        self._next_id += 1
        try:
            self._socket.send_multipart(wire.request(command, request_id, body), copy=False)
        except zmq.Again:
            raise ChungTayError("unavailable", f"cannot send to {self._endpoint} within {self.timeout:.0f} s") from None
        self._outstanding.add(request_id)
        return request_id

    def _receive(self, request_id: int, deadline: float, any_of: Sequence[int] = ()) -> Optional[wire.Reply]:
        """The reply to `request_id` (or to any of `any_of`) by `deadline`, else None."""
        wanted = set(any_of) | {request_id}
        while True:
            for candidate in wanted:
                if candidate in self._replies:
                    return self._replies.pop(candidate)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            events = dict(self._poller.poll(max(1, int(remaining * 1000))))
            if self._monitor is not None and self._monitor in events:
                self._raise_handshake_failure()
            if self._socket in events:
                reply = wire.decode(self._socket.recv_multipart())
                if reply.request_id in self._outstanding:
                    self._outstanding.discard(reply.request_id)
                    self._replies[reply.request_id] = reply

    def _raise_handshake_failure(self) -> None:
        from zmq.utils.monitor import recv_monitor_message

        assert self._monitor is not None
        event = recv_monitor_message(self._monitor)
        raise ChungTayError(
            "unauthenticated",
            f"the CURVE handshake with {self._endpoint} failed (event {event['event']}, status {event['value']}): "
            "the dispatcher does not list this key, or server_key is not the dispatcher's",
        )
