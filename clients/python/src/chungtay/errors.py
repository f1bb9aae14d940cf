"""The one error type of the package, carrying the dispatcher's stable error code."""

from __future__ import annotations

from typing import Optional


class ChungTayError(Exception):
    """A refusal or failure, with the code callers branch on.

    ``code`` is the wire's error code (docs/PROTOCOL.md, "Error codes": ``unknown_kind``,
    ``forbidden``, ``too_many_waits``, ...) or one of the HTTP API's own codes
    (``unauthenticated``, ``rate_limited``, ``bad_request``, ...). ``unavailable`` means the
    dispatcher did not answer in time: a SUBMIT may or may not have been accepted, so submit
    again with the same idempotency key. ``message`` is for people and may change between
    versions; ``status`` is the HTTP status when the error came over HTTP.
    """

    def __init__(self, code: str, message: str, status: Optional[int] = None) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status

    def __repr__(self) -> str:
        return f"ChungTayError(code={self.code!r}, message={self.message!r}, status={self.status!r})"
