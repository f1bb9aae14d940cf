"""CURVE key files as `chungtay keys generate` writes them, and bearer-token files.

`NAME.key` holds the public key and `NAME.key_secret` the secret key, each one Z85 line
(later lines may be `#` comments). A secret that others may read has leaked, so it is
refused, as the dispatcher and ssh refuse it.
"""

from __future__ import annotations

import os
import stat
from typing import Tuple

from .errors import ChungTayError

_Z85_KEY_LENGTH = 40
_MAX_FILE_BYTES = 4096
_SECRET_SUFFIX = ".key_secret"
_PUBLIC_SUFFIX = ".key"


def _first_line(path: str, secret: bool) -> str:
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    except OSError as error:
        raise ChungTayError("bad_key", f"cannot open {path}: {error.strerror}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise ChungTayError("bad_key", f"{path} is not a regular file")
        if secret and info.st_mode & 0o077:
            raise ChungTayError("bad_key", f"{path} is readable by others (mode {info.st_mode & 0o777:o}): replace the secret and chmod 600")
        data = os.read(fd, _MAX_FILE_BYTES + 1)
    finally:
        os.close(fd)
    if len(data) > _MAX_FILE_BYTES:
        raise ChungTayError("bad_key", f"{path} is larger than {_MAX_FILE_BYTES} bytes: not a key file")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ChungTayError("bad_key", f"{path} is not UTF-8 text") from None
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            return line
    raise ChungTayError("bad_key", f"{path} holds no key")


def _z85_key(text: str, where: str) -> bytes:
    if len(text) != _Z85_KEY_LENGTH:
        raise ChungTayError("bad_key", f"{where}: a CURVE key is {_Z85_KEY_LENGTH} Z85 characters")
    return text.encode("ascii")


def server_public_key(server_key: str) -> bytes:
    """The dispatcher's public key: a Z85 key itself, or the path of its `NAME.key` file."""
    if len(server_key) == _Z85_KEY_LENGTH and not os.path.exists(server_key):
        return _z85_key(server_key, "server_key")
    return _z85_key(_first_line(server_key, secret=False), server_key)


def client_key_pair(key: str) -> Tuple[bytes, bytes]:
    """(public, secret) Z85 keys from the client's `NAME.key_secret` (or `NAME.key`, whose
    secret file lies beside it). The public half is derived from the secret, as the
    dispatcher's own tools do, so a mismatched pair cannot be used."""
    import zmq  # the native client's dependency; HTTP users never import it

    path = key
    if path.endswith(_PUBLIC_SUFFIX) and not path.endswith(_SECRET_SUFFIX):
        path = path[: -len(_PUBLIC_SUFFIX)] + _SECRET_SUFFIX
    secret = _z85_key(_first_line(path, secret=True), path)
    try:
        public = zmq.curve_public(secret)
    except zmq.ZMQError as error:
        raise ChungTayError("bad_key", f"{path}: not a CURVE secret key ({error})") from None
    return public, secret


def bearer_token(key: str) -> str:
    """A bearer token given as itself or as the path of the owner-only file holding it."""
    if os.path.exists(key):
        return _first_line(key, secret=True)
    return key
