"""docs/INTEGRATION.md's Java example, compiled with javac and run against a real dispatcher
over HTTP (skipped, saying so, where no JDK is installed)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import REPOSITORY, Deployment


def java_example() -> str:
    text = (REPOSITORY / "docs" / "INTEGRATION.md").read_text()
    blocks = re.findall(r"```java\n(.*?)```", text, re.DOTALL)
    assert len(blocks) == 1, "INTEGRATION.md holds one Java example"
    return blocks[0]


@pytest.mark.skipif(shutil.which("javac") is None, reason="no javac: the Java example is not compiled")
def test_the_java_example_submits_and_reads_a_loan_status(plain: Deployment, tmp_path: Path) -> None:
    source = tmp_path / "LoanStatusReview.java"
    source.write_text(java_example())
    subprocess.run(["javac", "-d", str(tmp_path), str(source)], check=True, capture_output=True, timeout=180)
    runs = [
        subprocess.run(["java", "-cp", str(tmp_path), "LoanStatusReview", plain.http_url, "TX-java"], capture_output=True, text=True, timeout=180)
        for _ in range(2)
    ]
    for run in runs:
        assert run.returncode == 0, run.stderr
    first, second = (json.loads(run.stdout) for run in runs)
    assert first["state"] == "completed" and first["result"]["loanId"] == "L-00001-1"
    # The same transaction twice is the same job.
    assert second["id"] == first["id"]
