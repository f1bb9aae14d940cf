#!/usr/bin/env python3
"""A 9/TSP (Titanic) client after the ZeroMQ Guide's `ticlient` (chapter 4), for the
system tests and as an example: one process sends `titanic.request` and exits with the
UUID; another, started later, asks `titanic.reply` for it until the reply is there, then
sends `titanic.close`. Between the two, the client (and the dispatcher) may restart: the
request and its reply live in the dispatcher's journal and stores.

It speaks 7/MDP's client side over a REQ socket, as the Guide's `mdcliapi` does: a
request gets no reply within the timeout, the socket is closed and opened again and the
request resent, a few times. With CURVE the dispatcher's public key and the client's
key files are those `chungtay keys generate` writes.

Usage:
  ticlient.py ENDPOINT request SERVICE BODY      prints the UUID
  ticlient.py ENDPOINT reply UUID [--once]       prints {"status":…,"body":[…],"close":…}
  ticlient.py ENDPOINT mmi SERVICE               prints mmi.service's answer
Options (before ENDPOINT): --server-key FILE --key FILE (CURVE), --timeout SECONDS
(how long `reply` keeps asking; default 60).

Output is one JSON line on stdout; frames are shown as UTF-8 text. Exit status: 0 when
the final status is 200 (or with --once / mmi, whatever it is), 1 on 400 or 500, 2 on
usage errors, 3 when the dispatcher did not answer.
"""

import json
import sys
import time

import zmq

MDP_CLIENT = b"MDPC01"


def key_line(path):
    """The first line of a `chungtay keys generate` key file that is not a comment."""
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            line = line.strip()
            if line and not line.startswith("#"):
                return line.encode("ascii")
    raise SystemExit(f"no key in {path}")


class MajorDomoClient:
    """7/MDP client: one request at a time over REQ, retried on a fresh socket."""

    timeout_ms = 2500
    retries = 3

    def __init__(self, endpoint, server_key=None, secret_key=None):
        self.endpoint = endpoint
        self.server_key = server_key
        self.secret_key = secret_key
        self.context = zmq.Context()
        self.socket = None
        self.reconnect()

    def reconnect(self):
        if self.socket is not None:
            self.socket.close(linger=0)
        self.socket = self.context.socket(zmq.REQ)
        self.socket.linger = 0
        if self.server_key is not None:
            self.socket.curve_serverkey = self.server_key
            self.socket.curve_secretkey = self.secret_key
            self.socket.curve_publickey = zmq.curve_public(self.secret_key)
        self.socket.connect(self.endpoint)

    def send(self, service, body):
        """The reply's body frames (after header and service), or None: no answer."""
        request = [MDP_CLIENT, service] + body
        for _ in range(self.retries):
            self.socket.send_multipart(request)
            if self.socket.poll(self.timeout_ms, zmq.POLLIN):
                reply = self.socket.recv_multipart()
                if len(reply) < 3 or reply[0] != MDP_CLIENT or reply[1] != service:
                    raise SystemExit(f"not an MDP reply to {service!r}: {reply!r}")
                return reply[2:]
            self.reconnect()
        return None

    def close(self):
        self.socket.close(linger=0)
        self.context.term()


def frames_text(frames):
    return [frame.decode("utf-8", errors="replace") for frame in frames]


def call(session, service, body):
    reply = session.send(service, body)
    if reply is None:
        print(json.dumps({"error": "no reply from the dispatcher"}))
        sys.exit(3)
    return reply[0].decode("ascii", errors="replace"), reply[1:]


def main(argv):
    server_key = secret_key = None
    timeout = 60.0
    while argv and argv[0].startswith("--"):
        option, value, argv = argv[0], argv[1], argv[2:]
        if option == "--server-key":
            server_key = key_line(value)
        elif option == "--key":
            secret_key = key_line(value)
        elif option == "--timeout":
            timeout = float(value)
        else:
            print(__doc__, file=sys.stderr)
            return 2
    if len(argv) < 3 or (server_key is None) != (secret_key is None):
        print(__doc__, file=sys.stderr)
        return 2
    endpoint, command, arguments = argv[0], argv[1], argv[2:]
    session = MajorDomoClient(endpoint, server_key, secret_key)
    try:
        if command == "request" and len(arguments) == 2:
            # 1. Send the request to Titanic; the UUID comes back once it is durable.
            status, body = call(session, b"titanic.request", [a.encode("utf-8") for a in arguments])
            if status != "200":
                print(json.dumps({"status": status, "body": frames_text(body)}))
                return 1
            print(json.dumps({"status": status, "uuid": body[0].decode("ascii")}))
            return 0
        if command == "reply" and len(arguments) in (1, 2) and arguments[1:] in ([], ["--once"]):
            # 2. Ask for the reply until it is there ("300": not yet).
            uuid = arguments[0].encode("ascii")
            deadline = time.monotonic() + timeout
            while True:
                status, body = call(session, b"titanic.reply", [uuid])
                if status != "300" or arguments[1:] or time.monotonic() >= deadline:
                    break
                time.sleep(0.1)
            result = {"status": status, "body": frames_text(body)}
            if status == "200":
                # 3. Close the request: the client is done with it.
                result["close"] = call(session, b"titanic.close", [uuid])[0]
            print(json.dumps(result))
            return 0 if status == "200" or arguments[1:] else 1
        if command == "mmi" and len(arguments) == 1:
            status, _ = call(session, b"mmi.service", [arguments[0].encode("utf-8")])
            print(json.dumps({"status": status}))
            return 0
        print(__doc__, file=sys.stderr)
        return 2
    finally:
        session.close()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
