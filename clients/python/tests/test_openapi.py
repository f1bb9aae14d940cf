"""docs/openapi.yaml: valid OpenAPI 3.1 (openapi-spec-validator, pinned in pyproject.toml),
served byte for byte at /openapi.yaml, and every path and method in it served by the API
(no `not_found` route problem, no 405), with a status the document lists and a body its
schema admits."""

from __future__ import annotations

import json
from typing import Any, Dict, Tuple

import yaml
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate

from chungtay.http import HTTPClient
from conftest import REPOSITORY, Deployment

DOCUMENT = REPOSITORY / "docs" / "openapi.yaml"
METHODS = ("get", "put", "post", "delete", "patch", "head", "options")

#: A value for each path parameter; POST /v1/jobs/{job} takes a kind, GET a job id.
PARAMETERS = {"batch": "B999999", "code": "HK-0000001"}
#: A body for each request content type the document names (the first one listed is used).
BODIES = {
    "application/json": b"{}",
    "application/jsonl": b'{"n":1}\n',
    "application/x-ndjson": b'{"n":1}\n',
    "text/csv": b"householdCode\n",
    "*/*": b'{"n":1}',
}
OPERATION_BODIES = {
    "openBatch": b'{"name":"openapi-route-check","asOf":"2026-11-30"}',
    "retryDeadLetters": b'{"ids":[]}',
}


def spec() -> Dict[str, Any]:
    document: Dict[str, Any] = yaml.safe_load(DOCUMENT.read_text())
    return document


def test_the_document_is_valid_openapi_3_1() -> None:
    document = spec()
    validate(document)
    assert document["openapi"].startswith("3.1")


def test_the_document_is_served_as_it_is_in_the_repository(plain: Deployment) -> None:
    with HTTPClient(plain.http_url) as client:
        status, headers, body = client.request("GET", "/openapi.yaml")
    assert status == 200
    assert headers["content-type"].startswith("application/yaml")
    assert body == DOCUMENT.read_bytes()


def resolve(document: Dict[str, Any], node: Dict[str, Any]) -> Dict[str, Any]:
    """`node`, or what its `$ref` (a local reference) names."""
    while "$ref" in node and not node["$ref"].startswith("#/components/schemas/"):
        target: Any = document
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        node = target
    return node


def request_for(document: Dict[str, Any], path: str, method: str, operation: Dict[str, Any]) -> Tuple[str, bytes, Dict[str, str]]:
    values = dict(PARAMETERS, job="system.echo" if method == "post" else "1")
    url = path
    for name, value in values.items():
        url = url.replace("{" + name + "}", value)
    body, headers = b"", {}
    if "requestBody" in operation:
        content_type = next(iter(resolve(document, operation["requestBody"])["content"]))
        body = OPERATION_BODIES.get(operation["operationId"], BODIES[content_type])
        headers["Content-Type"] = "application/octet-stream" if content_type == "*/*" else content_type
    return url, body, headers


def test_every_operation_is_served_with_a_documented_answer(plain: Deployment) -> None:
    document = spec()
    served = []
    with HTTPClient(plain.http_url) as client:
        for path, item in document["paths"].items():
            for method in METHODS:
                if method not in item:
                    continue
                operation = item[method]
                url, body, headers = request_for(document, path, method, operation)
                status, response_headers, data = client.request(method.upper(), url, body, headers)
                answer = json.loads(data) if response_headers.get("content-type", "").endswith("json") else None
                where = f"{method.upper()} {url} -> {status} {data[:300]!r}"
                assert not (isinstance(answer, dict) and answer.get("code") in ("not_found", "method_not_allowed")), where
                assert status != 405, where
                assert str(status) in operation["responses"], f"undocumented status: {where}"
                response = resolve(document, operation["responses"][str(status)])
                media = response_headers.get("content-type", "").split(";")[0]
                assert media in response.get("content", {}), f"undocumented content type {media}: {where}"
                schema = response["content"][media].get("schema")
                if answer is not None and schema is not None:
                    # The document as the root, so that the schema's `#/components/…` references resolve.
                    Draft202012Validator({**document, **schema}).validate(answer)
                served.append(operation["operationId"])
    assert len(served) == len(set(served)) >= 14
