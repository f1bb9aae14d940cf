"""examples/core_banking.py, run as a service would run it, over both interfaces."""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import REPOSITORY, Deployment

EXAMPLE = REPOSITORY / "clients" / "python" / "examples" / "core_banking.py"


def run(*arguments: str) -> subprocess.CompletedProcess:  # type: ignore[type-arg]
    return subprocess.run([sys.executable, str(EXAMPLE), *arguments], capture_output=True, text=True, timeout=120)


def test_core_banking_reviews_the_loan_after_a_repayment(plain: Deployment) -> None:
    native = run(plain.client_endpoint, "--transaction", "TX-1")
    assert native.returncode == 0, native.stderr
    review = json.loads(native.stdout)
    assert review["loanId"] == "L-00001-1" and review["status"]
    # The same repayment again, over HTTP: the same job (the key names the repayment).
    http = run(plain.http_url, "--transaction", "TX-1")
    assert http.returncode == 0, http.stderr
    assert json.loads(http.stdout) == review


def test_core_banking_with_curve_keys(curve: Deployment) -> None:
    keys = curve.curve("alice")
    done = run(curve.client_endpoint, "--server-key", keys["server_key"], "--key", keys["key"])
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["loanId"] == "L-00001-1"
