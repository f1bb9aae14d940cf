"""`Client`: one entry point for both interfaces, chosen by the endpoint's scheme."""

from __future__ import annotations

from typing import Any, Dict, Iterable, List, Optional, Sequence, Union

from .errors import ChungTayError
from .types import Accepted, JobDocument, Payload

#: Schemes served by the native CTCP01 client (pyzmq), and by the HTTP client.
_NATIVE_SCHEMES = ("tcp://", "ipc://")
_HTTP_SCHEMES = ("http://", "https://")


class Client:
    """A client of the dispatcher.

    `endpoint` `tcp://HOST:PORT` or `ipc://PATH` speaks the native protocol CTCP01 over
    ZeroMQ; then `server_key` is the dispatcher's CURVE public key (Z85, or its `.key` file)
    and `key` this client's `NAME.key_secret` file, both or neither.
    `http://` or `https://` speaks the HTTP API; then `key` is a bearer token (or the path of
    the owner-only file holding it) or a `(certificate, key)` pair of PEM files for a TLS
    client certificate, and `server_key` the CA or certificate file to trust.

    The common methods (`submit`, `job`, `wait`, `batch`, `dead_letters`,
    `retry_dead_letters`, `status`) behave alike on both; the transport-specific ones are on
    `transport` (`HTTPClient.review_lists` to upload and seal a list review).
    """

    def __init__(self, endpoint: str, server_key: Optional[str] = None, key: Any = None, timeout: float = 10.0) -> None:
        self.transport: Any
        if endpoint.startswith(_NATIVE_SCHEMES):
            try:
                from .native import NativeClient
            except ModuleNotFoundError as missing:
                raise ImportError(f"{endpoint}: the native client needs pyzmq (pip install 'chungtay[native]'; Debian: python3-zmq)") from missing

            self.transport = NativeClient(endpoint, server_key=server_key, key=key, timeout=timeout)
        elif endpoint.startswith(_HTTP_SCHEMES):
            from .http import HTTPClient

            self.transport = HTTPClient(endpoint, server_key=server_key, key=key, timeout=timeout)
        else:
            raise ChungTayError("bad_request", f"{endpoint!r}: the endpoint is tcp://, ipc://, http:// or https://")

    def close(self) -> None:
        self.transport.close()

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def submit(self, kind: str, payload: Payload, key: Optional[str] = None, wait: bool = False) -> Union[int, JobDocument]:
        """Submits one job: its id once durable, or with `wait=True` its final job document.
        A payload is bytes, str (UTF-8) or a JSON-able dict/list. With `key`, submitting
        again (after a timeout, a crash) returns the same job instead of a second one."""
        result: Union[int, JobDocument] = self.transport.submit(kind, payload, key=key, wait=wait)
        return result

    def job(self, job_id: int) -> JobDocument:
        """The job's document: `state`, `attempts`, `error`, `result`."""
        document: JobDocument = self.transport.job(job_id)
        return document

    def wait(self, *job_ids: int, timeout: Optional[float] = None) -> List[JobDocument]:
        """The jobs' final documents in order, once each is completed or dead."""
        documents: List[JobDocument] = self.transport.wait(*job_ids, timeout=timeout)
        return documents

    def batch(self, kind: str, payloads: Iterable[Payload], key: Optional[str] = None) -> List[Accepted]:
        """Streams many jobs of one kind with flow control; every job's receipt, in order."""
        receipts: List[Accepted] = self.transport.batch(kind, payloads, key=key)
        return receipts

    def dead_letters(self) -> List[JobDocument]:
        """Dead letters' job documents (operators)."""
        documents: List[JobDocument] = self.transport.dead_letters()
        return documents

    def retry_dead_letters(self, ids: Sequence[int] = ()) -> int:
        """Requeues the listed dead letters, or all; returns how many (operators)."""
        return int(self.transport.retry_dead_letters(ids))

    def status(self) -> Dict[str, Any]:
        """The dispatcher's status report (operators)."""
        report: Dict[str, Any] = self.transport.status()
        return report
