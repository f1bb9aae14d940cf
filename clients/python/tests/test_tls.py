"""The HTTP client over TLS: the server's certificate trusted from a file (`server_key`), the
caller known by a client certificate (`key=(certificate, key)`) or a bearer token."""

from __future__ import annotations

import pytest

from chungtay import ChungTayError, Client
from conftest import Deployment


def test_a_listed_client_certificate_is_its_principal(tls: Deployment) -> None:
    server = str(tls.keys / "server.crt.pem")
    carol = (str(tls.keys / "carol.crt.pem"), str(tls.keys / "carol.key.pem"))
    with Client(tls.http_url, server_key=server, key=carol) as client:
        job_id = client.submit("system.echo", {"by": "certificate"})
        assert isinstance(job_id, int)
        assert client.wait(job_id)[0]["state"] == "completed"
    # Another principal's token may not read carol's job.
    with Client(tls.http_url, server_key=server, key=tls.tokens["alice"]) as alice:
        with pytest.raises(ChungTayError) as forbidden:
            alice.job(job_id)
    assert (forbidden.value.code, forbidden.value.status) == ("forbidden", 403)


def test_an_unlisted_certificate_or_none_is_unauthenticated(tls: Deployment) -> None:
    server = str(tls.keys / "server.crt.pem")
    # The server's own certificate is a certificate the allow directory does not list.
    stranger = (str(tls.keys / "server.crt.pem"), str(tls.keys / "server.key.pem"))
    for key in (stranger, None):
        with Client(tls.http_url, server_key=server, key=key) as client:
            with pytest.raises(ChungTayError) as refused:
                client.submit("system.echo", b"{}")
        assert (refused.value.code, refused.value.status) == ("unauthenticated", 401)


def test_a_server_certificate_not_trusted_is_refused(tls: Deployment) -> None:
    with Client(tls.http_url, key=tls.tokens["alice"]) as client:
        with pytest.raises(ChungTayError) as refused:
            client.submit("system.echo", b"{}")
    assert refused.value.code == "unavailable" and "CERTIFICATE_VERIFY_FAILED" in refused.value.message
