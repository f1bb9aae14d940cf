"""A real dispatcher and worker for the tests: the binary from CHUNGTAY_BIN (default the
repository's .build/debug/chungtay), every endpoint on 127.0.0.1 with ports the processes
choose (`tcp://127.0.0.1:*`, `127.0.0.1:0`) and report on standard output."""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import shutil
import signal
import subprocess
import time
from pathlib import Path
from typing import Dict, Iterator, List, Sequence

import pytest

REPOSITORY = Path(__file__).resolve().parents[3]
BINARY = Path(os.environ.get("CHUNGTAY_BIN", REPOSITORY / ".build" / "debug" / "chungtay"))
START_SECONDS = 60


class Process:
    """A child process whose standard output is read line by line and whose standard
    error goes to a file (shown when a test fails)."""

    def __init__(self, name: str, arguments: List[str], work: Path) -> None:
        self.name = name
        self.log_path = work / f"{name}.log"
        self._log = open(self.log_path, "wb")
        self.popen = subprocess.Popen([str(BINARY), *arguments], stdout=subprocess.PIPE, stderr=self._log, cwd=work)

    def read_event(self, event: str) -> Dict[str, str]:
        """The JSON line `{"event": EVENT, …}` the process prints once it gets there."""
        assert self.popen.stdout is not None
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            line = self.popen.stdout.readline()
            if not line:
                raise RuntimeError(f"{self.name} ended before {event!r} ({self.popen.wait()}):\n{self.logs()}")
            document = json.loads(line)
            if document.get("event") == event:
                return document
        raise RuntimeError(f"{self.name} printed no {event!r} within {START_SECONDS} s:\n{self.logs()}")

    def logs(self) -> str:
        return self.log_path.read_text(errors="replace")[-6000:]

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(30)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait()
        if self.popen.stdout is not None:
            self.popen.stdout.close()
        self._log.close()


class Deployment:
    """One dispatcher (with its HTTP listener) and one worker, optionally with CURVE and
    HTTP identities: keys and tokens for `clients/alice`, `clients/bob`, `operators/ops`;
    with `tls`, the API on its own HTTPS listener (`--http`) and a client certificate
    `clients/carol` besides; `options` are more dispatcher options."""

    def __init__(self, work: Path, curve: bool, tls: bool = False, options: Sequence[str] = ()) -> None:
        self.work = work
        self.processes: List[Process] = []
        self.keys = work / "keys"
        self.allow = work / "allow"
        self.tokens: Dict[str, str] = {}
        extra: List[str] = []
        worker_extra: List[str] = []
        if curve:
            for role in ("clients", "operators", "workers"):
                (self.allow / role).mkdir(parents=True)
            self.generate_key("server")
            for role, name in (("clients", "alice"), ("clients", "bob"), ("operators", "ops"), ("workers", "worker")):
                self.generate_key(name)
                shutil.copy(self.keys / f"{name}.key", self.allow / role / f"{name}.key")
                if role != "workers":
                    self.tokens[name] = self.admit_token(role, name)
            self.generate_key("stranger")
            extra = ["--curve-secret", str(self.keys / "server.key_secret"), "--allow", str(self.allow)]
            if tls:
                self.certificate("server")
                self.certificate("carol")
                shutil.copy(self.keys / "carol.crt.pem", self.allow / "clients" / "carol.crt")
                extra += ["--http", "127.0.0.1:0", "--http-tls-certificate", str(self.keys / "server.crt.pem"),
                          "--http-tls-key", str(self.keys / "server.key.pem")]
            worker_extra = ["--server-key", str(self.keys / "server.key"), "--key", str(self.keys / "worker.key_secret")]
        dispatcher = self.start(
            "dispatcher",
            [
                "dispatcher", "--data-dir", str(work / "data"),
                "--client-endpoint", "tcp://127.0.0.1:*", "--worker-endpoint", "tcp://127.0.0.1:*", "--log-endpoint", "none",
                "--heartbeat-interval-ms", "200", "--heartbeat-liveness", "25", "--retry-base-ms", "50",
                "--metrics", "127.0.0.1:0", *extra, *options,
            ],
        )
        ready = dispatcher.read_event("ready")
        self.client_endpoint = ready["clientEndpoint"]
        self.worker_endpoint = ready["workerEndpoint"]
        listening = dispatcher.read_event("listening")
        if tls:
            # The metrics listener's line comes first; the API's own listener's follows.
            listening = listening if "httpAddress" in listening else dispatcher.read_event("listening")
            self.http_url = "https://" + listening["httpAddress"]
        else:
            self.http_url = "http://" + listening["metricsAddress"]
        self.dispatcher = dispatcher
        self.start(
            "worker",
            ["worker", "--connect", self.worker_endpoint, "--kinds", "system.echo,household.review,loan.status,notify.emit",
             "--concurrency", "2", "--name", "pytest", "--heartbeat-ms", "1000", *worker_extra],
        )

    def start(self, name: str, arguments: List[str]) -> Process:
        process = Process(name, arguments, self.work)
        self.processes.append(process)
        return process

    def generate_key(self, name: str) -> None:
        subprocess.run([str(BINARY), "keys", "generate", "--name", name, "--out", str(self.keys)], check=True, capture_output=True)

    def certificate(self, name: str) -> None:
        """KEYS/NAME.crt.pem and its owner-only KEYS/NAME.key.pem, self-signed for 127.0.0.1."""
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2",
             "-subj", f"/CN={name}", "-addext", "subjectAltName=IP:127.0.0.1",
             "-keyout", str(self.keys / f"{name}.key.pem"), "-out", str(self.keys / f"{name}.crt.pem")],
            check=True, capture_output=True,
        )
        (self.keys / f"{name}.key.pem").chmod(0o600)

    def admit_token(self, role: str, name: str) -> str:
        """A bearer token for ROLE/NAME: the secret returned, its SHA-256 listed (decision 3)."""
        token = secrets.token_urlsafe(32)
        digest = hashlib.sha256(token.encode("ascii")).hexdigest()
        (self.allow / role / f"{name}.token").write_text(f"sha256:{digest}\n")
        return token

    def curve(self, name: str) -> Dict[str, str]:
        """Client arguments for the CURVE key NAME."""
        return {"server_key": str(self.keys / "server.key"), "key": str(self.keys / f"{name}.key_secret")}

    def logs(self) -> str:
        return "\n".join(f"--- {process.name}\n{process.logs()}" for process in self.processes)

    def stop(self) -> None:
        for process in reversed(self.processes):
            process.stop()


def _deployment(tmp_path_factory: pytest.TempPathFactory, curve: bool, tls: bool = False) -> Iterator[Deployment]:
    if not BINARY.exists():
        pytest.fail(f"no chungtay binary at {BINARY} (swift build, or set CHUNGTAY_BIN)")
    deployment = Deployment(tmp_path_factory.mktemp("tls" if tls else "curve" if curve else "plain"), curve, tls)
    try:
        yield deployment
    finally:
        deployment.stop()


@pytest.fixture(scope="module")
def plain(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    """A dispatcher without CURVE (no identities) and a worker."""
    yield from _deployment(tmp_path_factory, curve=False)


@pytest.fixture(scope="module")
def curve(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    """A dispatcher with CURVE and an allow directory (keys and bearer tokens) and a worker."""
    yield from _deployment(tmp_path_factory, curve=True)


@pytest.fixture(scope="module")
def tls(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    """As `curve`, with the API on an HTTPS listener of its own and a client certificate."""
    yield from _deployment(tmp_path_factory, curve=True, tls=True)


def unique(prefix: str) -> str:
    """An idempotency key no earlier test used."""
    return f"{prefix}-{secrets.token_hex(8)}"


def loan_payload(repaid: int = 29_500_000) -> Dict[str, object]:
    """A `loan.status` payload (SCHEMA.md), as deploy/sample/loan-statuses.jsonl holds."""
    return {
        "asOf": "2026-11-30",
        "dueSoonDays": 30,
        "loan": {
            "loanId": "L-00001-1", "householdCode": "TL-00001", "program": "clean_water_sanitation",
            "principal": 80_000_000, "disbursedOn": "2025-01-15", "maturityOn": "2030-01-15",
            "repaymentPeriodMonths": 6, "principalRepaid": repaid, "interestPaidThrough": "2026-10-31",
        },
    }
