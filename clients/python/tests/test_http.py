"""The HTTP client and the HTTP API (docs/openapi.yaml) against a real dispatcher."""

from __future__ import annotations

import json
import select
import subprocess
import threading
from pathlib import Path
from typing import Dict, List, Optional

import pytest

from chungtay import ChungTayError, Client
from chungtay.http import HTTPClient
from conftest import BINARY, Deployment, loan_payload, unique


def raw(client: HTTPClient, method: str, path: str, body: bytes = b"", headers: Optional[Dict[str, str]] = None):  # type: ignore[no-untyped-def]
    """(status, headers, problem-or-document) of one request, whatever its status."""
    status, response_headers, data = client.request(method, path, body, headers)
    return status, response_headers, json.loads(data) if data else None


def test_the_same_idempotency_key_twice_is_one_job(plain: Deployment) -> None:
    key = unique("http-idem")
    with HTTPClient(plain.http_url) as client:
        first_status, first_headers, first = raw(client, "POST", "/v1/jobs/system.echo", b'{"n":1}', {"Idempotency-Key": key})
        second_status, _, second = raw(client, "POST", "/v1/jobs/system.echo", b'{"n":1}', {"Idempotency-Key": key})
    assert (first_status, second_status) == (202, 202)
    assert first == {"id": first["id"], "existed": False}
    assert second == {"id": first["id"], "existed": True}
    assert first_headers["location"] == f"/v1/jobs/{first['id']}"


def test_wait_returns_the_stored_result(plain: Deployment) -> None:
    with Client(plain.http_url) as client:
        document = client.submit("loan.status", loan_payload(), key=unique("http-wait"), wait=True)
    assert isinstance(document, dict)
    assert document["state"] == "completed"
    assert document["result"]["loanId"] == "L-00001-1"
    with HTTPClient(plain.http_url) as client:
        assert client.job(int(document["id"]), wait=5) == document


def test_native_and_http_see_the_same_job(plain: Deployment) -> None:
    with Client(plain.client_endpoint) as native, Client(plain.http_url) as http:
        job_id = http.submit("system.echo", b"both")
        assert isinstance(job_id, int)
        assert native.wait(job_id)[0] == http.wait(job_id)[0]


def test_batch_lines_become_jobs_in_order_and_a_repeat_finds_them(plain: Deployment) -> None:
    key = unique("http-batch")
    payloads = [{"line": n} for n in range(1, 1201)]
    with Client(plain.http_url) as client:
        receipts = client.batch("system.echo", payloads, key=key)
        again = client.batch("system.echo", payloads, key=key)
        documents = client.wait(receipts[0].id, receipts[-1].id)
    assert len(receipts) == 1200 and not any(receipt.existed for receipt in receipts)
    assert [receipt.id for receipt in again] == [receipt.id for receipt in receipts]
    assert all(receipt.existed for receipt in again)
    assert [document["state"] for document in documents] == ["completed", "completed"]


def test_problem_details_carry_the_wire_codes(plain: Deployment) -> None:
    with HTTPClient(plain.http_url) as client:
        cases = [
            ("POST", "/v1/jobs/no.such.kind", {}, 404, "unknown_kind"),
            ("GET", "/v1/jobs/4611686018427387904", {}, 404, "unknown_job"),
            ("GET", "/v1/jobs/1?wait=61", {}, 400, "bad_request"),
            ("GET", "/v1/jobs/1?wait=-1", {}, 400, "bad_request"),
            ("POST", "/v1/jobs/system.echo", {"Idempotency-Key": "x" * 256}, 400, "bad_request"),
            ("GET", "/v1/batches/B999999", {}, 404, "unknown_batch"),
            ("GET", "/v1/no-such-route", {}, 404, "not_found"),
            ("DELETE", "/v1/status", {}, 405, "method_not_allowed"),
        ]
        for method, path, headers, status, code in cases:
            answer_status, answer_headers, problem = raw(client, method, path, b"", headers)
            assert (method, path, answer_status, problem["code"]) == (method, path, status, code)
            assert answer_headers["content-type"].startswith("application/problem+json")
            assert problem["type"] == f"urn:chungtay:problem:{code}" and problem["status"] == status
        with pytest.raises(ChungTayError) as refused:
            client.submit("no.such.kind", b"{}")
    assert (refused.value.code, refused.value.status) == ("unknown_kind", 404)


def test_missing_or_wrong_identity_is_refused(curve: Deployment) -> None:
    with HTTPClient(curve.http_url) as anonymous:
        status, headers, problem = raw(anonymous, "POST", "/v1/jobs/system.echo", b"{}")
    assert (status, problem["code"]) == (401, "unauthenticated")
    assert headers["www-authenticate"].startswith("Bearer")
    with Client(curve.http_url, key="not-a-listed-token") as wrong:
        with pytest.raises(ChungTayError) as refused:
            wrong.submit("system.echo", b"{}")
    assert (refused.value.code, refused.value.status) == ("unauthenticated", 401)


def test_tokens_are_the_principals_of_the_same_keys(curve: Deployment) -> None:
    with Client(curve.client_endpoint, **curve.curve("alice")) as alice_native:
        native_job = alice_native.submit("system.echo", b"from alice's CURVE key")
    with Client(curve.http_url, key=curve.tokens["alice"]) as alice, Client(curve.http_url, key=curve.tokens["bob"]) as bob:
        http_job = alice.submit("system.echo", b"from alice's token", key="same-key")
        assert isinstance(http_job, int) and isinstance(native_job, int)
        # alice's token is alice: it reads the job her CURVE key submitted.
        assert alice.wait(native_job)[0]["state"] == "completed"
        with pytest.raises(ChungTayError) as forbidden:
            bob.job(http_job)
        assert (forbidden.value.code, forbidden.value.status) == ("forbidden", 403)
        # Idempotency keys are per principal: bob's "same-key" is another job.
        assert bob.submit("system.echo", b"bob", key="same-key") != http_job
        with pytest.raises(ChungTayError) as operators_only:
            alice.dead_letters()
        assert operators_only.value.code == "forbidden"
    with Client(curve.http_url, key=curve.tokens["ops"]) as ops:
        assert isinstance(ops.dead_letters(), list)
        assert ops.job(http_job)["id"] == str(http_job)


def test_an_operator_requeues_a_dead_letter_by_its_id(curve: Deployment) -> None:
    """`POST /v1/dead-letters:retry` takes the ids as the receipts give them (decimal strings)."""
    with Client(curve.http_url, key=curve.tokens["alice"]) as alice, Client(curve.http_url, key=curve.tokens["ops"]) as ops:
        # A review without its asOf is refused by the worker for good: a dead letter at once.
        dead = alice.submit("household.review", {}, key=unique("dead"))
        assert alice.wait(dead)[0]["state"] == "dead"
        assert str(dead) in [letter["id"] for letter in ops.dead_letters()]
        assert ops.retry_dead_letters([dead]) == 1


def test_a_token_file_is_read_like_the_token(curve: Deployment, tmp_path: Path) -> None:
    token_file = tmp_path / "alice.token_secret"
    token_file.write_text(curve.tokens["alice"] + "\n")
    token_file.chmod(0o600)
    with Client(curve.http_url, key=str(token_file)) as alice:
        assert isinstance(alice.submit("system.echo", b"{}"), int)


def test_a_list_review_uploaded_and_sealed_over_http_completes(plain: Deployment, tmp_path: Path) -> None:
    lists = tmp_path / "lists"
    subprocess.run([str(BINARY), "demo-data", "--households", "300", "--seed", "7", "--out", str(lists)], check=True, capture_output=True)
    with HTTPClient(plain.http_url) as client:
        status = client.review_lists(unique("review"), "2026-11-30", lists / "households.csv", lists / "loans.csv", wait=120)
        assert status["state"] == "complete"
        assert status["households"] == 300
        assert status["reviewed"] == 300
        # Sealing again resumes harmlessly, as `batch submit` does.
        assert client.seal(status["id"])["id"] == status["id"]
        assert status["id"] in [batch["id"] for batch in client.batches()]
        documents = client.results("HK-0000001", status["id"])
    assert documents and all(document["batchId"] == status["id"] for document in documents)


def test_an_upload_sent_again_appends_nothing_twice(plain: Deployment) -> None:
    header = b"householdCode,headName,citizenId,province,commune,village,area,members\n"
    with HTTPClient(plain.http_url) as client:
        batch_id = str(client.open_batch(unique("resend"), "2026-11-30")["id"])
        first = client.upload(batch_id, "households", header, content_type="text/csv", file_name="households.csv")
        again = client.upload(batch_id, "households", header, content_type="text/csv", file_name="households.csv")
    assert first == again == len(header)


def test_an_unsupported_upgrade_request_does_not_stall_the_connection(plain: Deployment) -> None:
    """Java's default HttpClient offers `Upgrade: h2c` on every plain-HTTP request; the
    listener speaks HTTP/1.1 only and must go on answering on that connection."""
    upgrade = {"Connection": "Upgrade, HTTP2-Settings", "Upgrade": "h2c", "HTTP2-Settings": "AAEAAEAAAAIAAAAAAAMAAAAAAAQBAAAAAAUAAEAAAAYABgAA"}
    with HTTPClient(plain.http_url, timeout=5) as client:
        status, _, body = client.request("POST", "/v1/jobs/system.echo", b"{}", upgrade)
        assert status == 202
        assert client.request("GET", f"/v1/jobs/{json.loads(body)['id']}")[0] == 200


def test_a_connection_closed_for_idleness_is_replaced_before_a_submission(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The API closes a connection idle for --http-idle-timeout seconds; a submission without
    an idempotency key, which the client never sends twice, must then go on a new connection
    rather than fail on the dead one."""
    deployment = Deployment(tmp_path_factory.mktemp("idle"), curve=False, options=["--http-idle-timeout", "1"])
    try:
        with HTTPClient(deployment.http_url, timeout=10) as client:
            first = client.submit("system.echo", {"n": 1})
            connection = client._connection
            assert connection is not None and connection.sock is not None
            # The server's end of the idle connection shows as a readable socket.
            readable, _, _ = select.select([connection.sock], [], [], 30)
            assert readable, "the listener kept an idle connection open past --http-idle-timeout"
            second = client.submit("system.echo", {"n": 2})
            assert second != first
            assert client.job(second)["id"] == str(second)
    finally:
        deployment.stop()


def test_many_concurrent_submissions_are_all_accepted(plain: Deployment) -> None:
    """64 connections at once: more requests in flight than the dispatcher queues replies
    for one client connection (16), which the API must not lose."""
    outcomes: List[object] = []

    def submit_some(number: int) -> None:
        try:
            with Client(plain.http_url, timeout=30) as client:
                outcomes.extend(client.submit("system.echo", {"thread": number, "n": n}) for n in range(4))
        except ChungTayError as error:
            outcomes.append(error)

    threads = [threading.Thread(target=submit_some, args=(number,)) for number in range(64)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    failures = [outcome for outcome in outcomes if not isinstance(outcome, int)]
    assert not failures and len(set(outcomes)) == 256
