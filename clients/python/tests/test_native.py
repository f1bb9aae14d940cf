"""The native client (CTCP01 over pyzmq) against a real dispatcher and worker."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import List

import pytest

from chungtay import ChungTayError, Client
from conftest import Deployment, Process, loan_payload, unique


def test_submit_with_the_same_key_twice_is_one_job(plain: Deployment) -> None:
    key = unique("native-idem")
    with Client(plain.client_endpoint) as client:
        first = client.submit("system.echo", {"n": 1}, key=key)
        second = client.submit("system.echo", {"n": 1}, key=key)
        other = client.submit("system.echo", {"n": 1}, key=unique("native-idem"))
    assert first == second
    assert other != first


def test_submit_and_wait_returns_the_stored_result(plain: Deployment) -> None:
    with Client(plain.client_endpoint) as client:
        document = client.submit("loan.status", loan_payload(), wait=True)
        assert isinstance(document, dict)
        assert document["state"] == "completed"
        assert document["kind"] == "loan.status"
        assert document["result"]["loanId"] == "L-00001-1"
        assert client.job(int(document["id"])) == document


def test_wait_returns_documents_in_the_order_asked(plain: Deployment) -> None:
    with Client(plain.client_endpoint) as client:
        ids = [client.submit("system.echo", f"payload {n}".encode()) for n in range(5)]
        assert all(isinstance(job_id, int) for job_id in ids)
        documents = client.wait(*reversed(ids), ids[0])
    assert [int(document["id"]) for document in documents] == [*reversed(ids), ids[0]]
    assert all(document["state"] == "completed" for document in documents)


def test_batch_streams_with_a_window_and_resumes_by_key(plain: Deployment) -> None:
    key = unique("native-batch")
    payloads = [{"line": n} for n in range(2000)]
    with Client(plain.client_endpoint) as client:
        transport = client.transport
        receipts = transport.batch("system.echo", payloads, key=key, window=4, jobs_per_submit=128)
        assert len(receipts) == 2000
        assert not any(receipt.existed for receipt in receipts)
        assert len({receipt.id for receipt in receipts}) == 2000
        # The same stream again, as after a cut: every job exists already, same ids, same order.
        again = client.batch("system.echo", payloads, key=key)
        assert [receipt.id for receipt in again] == [receipt.id for receipt in receipts]
        assert all(receipt.existed for receipt in again)
        documents = client.wait(receipts[0].id, receipts[-1].id)
    assert json.loads(json.dumps(documents[-1]["result"]))["kind"] == "system.echo"


def test_unknown_kind_and_unknown_job_are_errors_with_their_codes(plain: Deployment) -> None:
    with Client(plain.client_endpoint) as client:
        with pytest.raises(ChungTayError) as refused:
            client.submit("no.such.kind", b"{}")
        assert refused.value.code == "unknown_kind"
        with pytest.raises(ChungTayError) as unknown:
            client.job(2**62)
        assert unknown.value.code == "unknown_job"
        with pytest.raises(ChungTayError) as malformed:
            client.submit("Not-A-Kind", b"")
        assert malformed.value.code == "malformed"


def test_curve_client_keys_own_their_jobs(curve: Deployment) -> None:
    with Client(curve.client_endpoint, **curve.curve("alice")) as alice, Client(curve.client_endpoint, **curve.curve("bob")) as bob:
        key = unique("curve")
        job_id = alice.submit("system.echo", {"who": "alice"}, key=key)
        assert isinstance(job_id, int)
        assert alice.wait(job_id)[0]["state"] == "completed"
        # Idempotency keys are per principal: bob's same key is bob's own job.
        assert bob.submit("system.echo", {"who": "bob"}, key=key) != job_id
        with pytest.raises(ChungTayError) as forbidden:
            bob.job(job_id)
        assert forbidden.value.code == "forbidden"
        with pytest.raises(ChungTayError) as operators_only:
            alice.dead_letters()
        assert operators_only.value.code == "forbidden"
    with Client(curve.client_endpoint, **curve.curve("ops")) as ops:
        assert ops.job(job_id)["id"] == str(job_id)
        assert isinstance(ops.dead_letters(), list)


def test_curve_key_not_in_the_allow_directory_is_refused(curve: Deployment) -> None:
    with Client(curve.client_endpoint, timeout=20, **curve.curve("stranger")) as stranger:
        with pytest.raises(ChungTayError) as refused:
            stranger.submit("system.echo", b"{}")
    assert refused.value.code == "unauthenticated"


def test_a_world_readable_secret_key_is_refused(curve: Deployment, tmp_path) -> None:  # type: ignore[no-untyped-def]
    leaked = tmp_path / "leaked.key_secret"
    leaked.write_bytes((curve.keys / "alice.key_secret").read_bytes())
    leaked.chmod(0o644)
    with pytest.raises(ChungTayError) as refused:
        Client(curve.client_endpoint, server_key=str(curve.keys / "server.key"), key=str(leaked))
    assert refused.value.code == "bad_key"


def test_no_answer_is_unavailable(tmp_path: Path) -> None:
    silent = f"ipc://{tmp_path}/nobody-listens"
    with Client(silent, timeout=0.5) as client:
        with pytest.raises(ChungTayError) as unanswered:
            client.submit("system.echo", b"{}", key="k")
    assert unanswered.value.code == "unavailable"


def test_a_wait_outlives_a_dispatcher_restart(tmp_path: Path) -> None:
    """A WAIT lives in the dispatcher's memory: after a restart the client's probe (JOB) finds
    the job final, so `wait` returns instead of waiting for a reply that will never come."""
    def dispatcher(endpoint: str) -> Process:
        arguments = ["dispatcher", "--data-dir", str(tmp_path / "data"), "--client-endpoint", endpoint,
                     "--worker-endpoint", "tcp://127.0.0.1:*", "--log-endpoint", "none"]
        return Process(f"dispatcher-{len(processes)}", arguments, tmp_path)

    processes: List[Process] = []
    first = dispatcher("tcp://127.0.0.1:*")
    processes.append(first)
    try:
        endpoint = first.read_event("ready")["clientEndpoint"]
        # The client's timeout is also its probe interval; the restart fits in one.
        with Client(endpoint, timeout=5) as client:
            job_id = client.submit("system.echo", b"after the restart")
            assert isinstance(job_id, int)
            outcome: List[object] = []
            waiter = threading.Thread(target=lambda: outcome.append(client.wait(job_id, timeout=60)))
            waiter.start()
            first.stop()
            second = dispatcher(endpoint)
            processes.append(second)
            worker_endpoint = second.read_event("ready")["workerEndpoint"]
            processes.append(Process("worker", ["worker", "--connect", worker_endpoint, "--kinds", "system.echo", "--concurrency", "1"], tmp_path))
            waiter.join(90)
        assert not waiter.is_alive()
        (documents,) = outcome
        assert isinstance(documents, list) and documents[0]["state"] == "completed"
    finally:
        for process in reversed(processes):
            process.stop()
