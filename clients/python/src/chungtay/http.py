"""The HTTP client: the dispatcher's HTTP API (docs/openapi.yaml) with the standard library
only, over one persistent connection (HTTP/1.1 keep-alive). Not thread-safe: give each
thread its own client."""

from __future__ import annotations

import http.client
import json
import os
import select
import socket
import ssl
import time
import urllib.parse
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, Union

from .errors import ChungTayError
from .keys import bearer_token
from .types import FINAL_STATES, Accepted, BatchStatus, JobDocument, Payload, payload_bytes

#: Lines per `POST /v1/jobs/{kind}:batch` (the API's bound).
MAX_BATCH_LINES = 10_000
#: Longest `?wait` the API takes, in seconds.
MAX_WAIT_SECONDS = 60
#: Bytes per piece of an uploaded list: well below the API's default 16 MiB body bound.
UPLOAD_PIECE_BYTES = 4 * 1024 * 1024

#: How the client proves who it is: a bearer token (or the path of the owner-only file
#: holding it), or a TLS client certificate and its key as two PEM file paths.
HTTPKey = Union[str, Tuple[str, str]]

_LIST_TYPES = {".csv": "text/csv", ".jsonl": "application/jsonl", ".ndjson": "application/x-ndjson"}


class HTTPClient:
    """Client of the HTTP API at an `http://` or `https://` base URL."""

    def __init__(self, endpoint: str, server_key: Optional[str] = None, key: Optional[HTTPKey] = None, timeout: float = 10.0) -> None:
        url = urllib.parse.urlsplit(endpoint)
        if url.scheme not in ("http", "https") or not url.hostname:
            raise ChungTayError("bad_request", f"{endpoint!r} is not an http:// or https:// URL")
        self.timeout = timeout
        self._prefix = url.path.rstrip("/")
        self._headers: Dict[str, str] = {}
        context: Optional[ssl.SSLContext] = None
        if url.scheme == "https":
            context = ssl.create_default_context(cafile=server_key)
            if isinstance(key, tuple):
                context.load_cert_chain(certfile=key[0], keyfile=key[1])
        elif server_key is not None or isinstance(key, tuple):
            raise ChungTayError("bad_request", "server_key and client certificates need an https:// endpoint")
        if isinstance(key, str):
            self._headers["Authorization"] = "Bearer " + bearer_token(key)
        self._host = url.hostname
        self._port = url.port
        self._context = context
        self._connection: Optional[http.client.HTTPConnection] = None

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def __enter__(self) -> "HTTPClient":
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # Jobs

    def submit(self, kind: str, payload: Payload, key: Optional[str] = None, wait: bool = False) -> "int | JobDocument":
        """`POST /v1/jobs/{kind}`: the job's id once it is durable, or with `wait` its final
        document. With `key` (`Idempotency-Key`), submitting again returns the same job."""
        headers = {"Content-Type": "application/json" if isinstance(payload, (dict, list)) else "application/octet-stream"}
        if key is not None:
            headers["Idempotency-Key"] = key
        answer = self._json("POST", f"/v1/jobs/{_segment(kind)}", payload_bytes(payload), headers, retry=key is not None)
        job_id = int(answer["id"])
        if wait:
            return self.wait(job_id)[0]
        return job_id

    def job(self, job_id: int, wait: int = 0) -> JobDocument:
        """`GET /v1/jobs/{id}`; with `wait` (0-60 s), answered once final or after that time."""
        query = f"?wait={wait}" if wait else ""
        document: JobDocument = self._json("GET", f"/v1/jobs/{int(job_id)}{query}", timeout=self.timeout + wait)
        return document

    def wait(self, *job_ids: int, timeout: Optional[float] = None) -> List[JobDocument]:
        """Each job's final document, in order: long-polls of up to 60 s per job."""
        deadline = None if timeout is None else time.monotonic() + timeout
        documents: List[JobDocument] = []
        for job_id in job_ids:
            while True:
                seconds = MAX_WAIT_SECONDS
                if deadline is not None:
                    seconds = max(0, min(seconds, int(deadline - time.monotonic())))
                document = self.job(job_id, wait=seconds)
                if document["state"] in FINAL_STATES:
                    documents.append(document)
                    break
                if deadline is not None and time.monotonic() >= deadline:
                    raise ChungTayError("timeout", f"job {job_id} was not final within the wait's timeout")
        return documents

    def batch(self, kind: str, payloads: Iterable[Payload], key: Optional[str] = None, lines_per_request: int = MAX_BATCH_LINES) -> List[Accepted]:
        """`POST /v1/jobs/{kind}:batch`: many jobs of one kind as JSON Lines, one request
        per `lines_per_request` payloads, each answered once its jobs are durable (the
        server's pace is the sender's). With `key`, the jobs of request r (1-based) get
        `KEY/r/i`, or `KEY/i` when one request holds them all; so a stream cut off part way
        is sent again whole with the same key and only the jobs not yet accepted are new."""
        if not 1 <= lines_per_request <= MAX_BATCH_LINES:
            raise ChungTayError("bad_request", f"lines_per_request is 1 to {MAX_BATCH_LINES}")
        pieces: List[List[bytes]] = [[]]
        for payload in payloads:
            line = payload_bytes(payload)
            if not line.strip() or b"\n" in line or b"\r" in line:
                raise ChungTayError("bad_request", "a batch payload is one non-empty line (no CR or LF)")
            if len(pieces[-1]) == lines_per_request:
                pieces.append([])
            pieces[-1].append(line)
        receipts: List[Accepted] = []
        for number, lines in enumerate(pieces, start=1):
            if not lines:
                continue
            headers = {"Content-Type": "application/jsonl"}
            if key is not None:
                headers["Idempotency-Key"] = key if len(pieces) == 1 else f"{key}/{number}"
            answer = self._json("POST", f"/v1/jobs/{_segment(kind)}:batch", b"\n".join(lines) + b"\n", headers, retry=key is not None)
            receipts.extend(Accepted(int(job["id"]), bool(job["existed"])) for job in answer["jobs"])
        return receipts

    # Batches (list reviews, docs/BATCH.md)

    def open_batch(self, name: str, as_of: str, what_if: bool = False) -> BatchStatus:
        """`POST /v1/batches`: a new batch, or the open batch of that name (to resume it)."""
        body = json.dumps({"name": name, "asOf": as_of, "whatIf": what_if}).encode("utf-8")
        status: BatchStatus = self._json("POST", "/v1/batches", body, {"Content-Type": "application/json"}, retry=True)
        return status

    def upload(self, batch_id: str, list_name: str, source: Union[str, "os.PathLike[str]", bytes], content_type: Optional[str] = None, file_name: Optional[str] = None) -> int:
        """Appends a whole list (`households` or `loans`) to the batch's upload in pieces of
        4 MiB, each fsynced by the dispatcher before it answers; returns the list's bytes.
        `source` is a file path (its extension gives the type: .csv, .jsonl, .ndjson) or bytes.
        Each piece names its offset, so uploading the same list again (after a lost answer,
        or to resume a batch) appends nothing twice."""
        if list_name not in ("households", "loans"):
            raise ChungTayError("bad_request", "list_name is 'households' or 'loans'")
        if isinstance(source, bytes):
            data = source
            if content_type is None:
                raise ChungTayError("bad_request", "bytes need a content_type (text/csv or application/jsonl)")
        else:
            path = os.fspath(source)
            with open(path, "rb") as file:
                data = file.read()
            file_name = file_name or os.path.basename(path)
            content_type = content_type or _LIST_TYPES.get(os.path.splitext(path)[1].lower())
            if content_type is None:
                raise ChungTayError("bad_request", f"{path}: give content_type (the extension is not .csv, .jsonl or .ndjson)")
        total = 0
        for offset in range(0, max(len(data), 1), UPLOAD_PIECE_BYTES):
            # `offset` makes a piece sent again (its answer lost, or a whole upload resumed
            # with the same pieces) harmless: bytes already there are not appended twice.
            query = f"?offset={offset}"
            if offset == 0 and file_name:
                query += f"&file={urllib.parse.quote(file_name, safe='')}"
            piece = data[offset : offset + UPLOAD_PIECE_BYTES]
            answer = self._json("POST", f"/v1/batches/{_segment(batch_id)}/{list_name}{query}", piece, {"Content-Type": content_type}, retry=True)
            total = int(answer["bytes"])
        return total

    def seal(self, batch_id: str) -> BatchStatus:
        """`POST /v1/batches/{id}:seal`: the uploaded lists' chunks submitted, the batch sealed.
        Safe to repeat (it resumes as `batch submit` does)."""
        status: BatchStatus = self._json("POST", f"/v1/batches/{_segment(batch_id)}:seal", b"", timeout=max(self.timeout, 600.0), retry=True)
        return status

    def batch_status(self, batch_id: str, wait: int = 0) -> BatchStatus:
        """`GET /v1/batches/{id}`; with `wait` (0-60 s), answered once complete or after that time."""
        query = f"?wait={wait}" if wait else ""
        status: BatchStatus = self._json("GET", f"/v1/batches/{_segment(batch_id)}{query}", timeout=self.timeout + wait)
        return status

    def batches(self) -> List[BatchStatus]:
        statuses: List[BatchStatus] = self._json("GET", "/v1/batches")
        return statuses

    def review_lists(
        self,
        name: str,
        as_of: str,
        households: Union[str, "os.PathLike[str]"],
        loans: Optional[Union[str, "os.PathLike[str]"]] = None,
        what_if: bool = False,
        wait: Optional[float] = None,
    ) -> BatchStatus:
        """The whole of `batch submit` over HTTP: opens (or resumes) the batch `name`,
        uploads the lists, seals it, and with `wait` (seconds) waits until it is complete.
        Called again after a failure it resumes: an unsealed batch's pieces already uploaded
        are recognised by their offsets, and the seal resumes as `batch submit` does."""
        status = self.open_batch(name, as_of, what_if)
        batch_id = str(status["id"])
        if status["state"] == "accepting":
            self.upload(batch_id, "households", households)
            if loans is not None:
                self.upload(batch_id, "loans", loans)
            status = self.seal(batch_id)
        if wait is not None:
            deadline = time.monotonic() + wait
            while status["state"] != "complete" and time.monotonic() < deadline:
                status = self.batch_status(batch_id, wait=max(1, min(MAX_WAIT_SECONDS, int(deadline - time.monotonic()))))
        return status

    # Results and operators

    def results(self, household: str, batch_id: Optional[str] = None) -> List[Dict[str, Any]]:
        """`GET /v1/households/{code}/results`: the household's stored documents, oldest first."""
        query = f"?batch={urllib.parse.quote(batch_id, safe='')}" if batch_id else ""
        answer = self._json("GET", f"/v1/households/{_segment(household)}/results{query}")
        documents: List[Dict[str, Any]] = answer["documents"]
        return documents

    def dead_letters(self) -> List[JobDocument]:
        documents: List[JobDocument] = self._json("GET", "/v1/dead-letters")
        return documents

    def retry_dead_letters(self, ids: Sequence[int] = ()) -> int:
        body = json.dumps({"ids": [str(int(job_id)) for job_id in ids]}).encode("utf-8") if ids else b""
        headers = {"Content-Type": "application/json"} if ids else {}
        return int(self._json("POST", "/v1/dead-letters:retry", body, headers)["retried"])

    def status(self) -> Dict[str, Any]:
        report: Dict[str, Any] = self._json("GET", "/v1/status")
        return report

    # Transport

    def request(self, method: str, path: str, body: bytes = b"", headers: Optional[Mapping[str, str]] = None, timeout: Optional[float] = None, retry: bool = False) -> Tuple[int, Dict[str, str], bytes]:
        """One request on the persistent connection: (status, headers, body), any status.
        A request on a reused connection that the server had closed is sent again on a new
        one only when that is safe (`GET`, or `retry` for a request with an idempotency key)."""
        all_headers = dict(self._headers)
        all_headers.update(headers or {})
        self._drop_if_ended()
        for attempt in (1, 2):
            reused = self._connection is not None
            connection = self._connect(timeout or self.timeout)
            try:
                connection.request(method, self._prefix + path, body=body if body or method != "GET" else None, headers=all_headers)
                response = connection.getresponse()
                data = response.read()
            except (http.client.HTTPException, ConnectionError, socket.timeout, ssl.SSLError, OSError) as error:
                self.close()
                if attempt == 1 and reused and (method == "GET" or retry) and not isinstance(error, socket.timeout):
                    continue
                raise ChungTayError("unavailable", f"{method} {path}: {error or type(error).__name__}") from None
            if response.will_close:
                self.close()
            return response.status, {name.lower(): value for name, value in response.getheaders()}, data
        raise AssertionError("unreachable")

    def _drop_if_ended(self) -> None:
        """Closes the kept-alive connection if the server has ended it: the API closes a
        connection idle for `--http-idle-timeout` seconds (default 30). Between requests nothing
        is due from the server, so a readable socket means its end (or bytes no request asked
        for); a new connection then carries the request, which matters for a request that may
        not be sent twice (a POST without an idempotency key), as it would otherwise fail on
        the dead connection."""
        connection = self._connection
        if connection is None or connection.sock is None:
            return
        try:
            readable, _, _ = select.select([connection.sock], [], [], 0)
        except (OSError, ValueError):
            readable = [connection.sock]
        if readable:
            self.close()

    def _connect(self, timeout: float) -> http.client.HTTPConnection:
        if self._connection is None:
            if self._context is not None:
                self._connection = http.client.HTTPSConnection(self._host, self._port, timeout=timeout, context=self._context)
            else:
                self._connection = http.client.HTTPConnection(self._host, self._port, timeout=timeout)
        else:
            self._connection.timeout = timeout
            if self._connection.sock is not None:
                self._connection.sock.settimeout(timeout)
        return self._connection

    def _json(self, method: str, path: str, body: bytes = b"", headers: Optional[Mapping[str, str]] = None, timeout: Optional[float] = None, retry: bool = False) -> Any:
        status, response_headers, data = self.request(method, path, body, headers, timeout, retry)
        if 200 <= status < 300:
            try:
                return json.loads(data)
            except ValueError:
                raise ChungTayError("malformed", f"{method} {path}: the answer is not JSON") from None
        raise _problem(status, response_headers, data)


def _segment(text: str) -> str:
    """A path segment, percent-encoded (a household code may hold any character)."""
    return urllib.parse.quote(text, safe="")


def _problem(status: int, headers: Mapping[str, str], data: bytes) -> ChungTayError:
    """The RFC 9457 problem document as a ChungTayError; anything else by its status."""
    if headers.get("content-type", "").startswith("application/problem+json"):
        try:
            problem = json.loads(data)
            return ChungTayError(str(problem["code"]), str(problem.get("detail") or problem.get("title", "")), status)
        except (ValueError, KeyError, TypeError):
            pass
    code = "unavailable" if status in (502, 503, 504) else "bad_reply"
    return ChungTayError(code, f"HTTP {status}: {data[:200].decode('utf-8', 'replace')}", status)
