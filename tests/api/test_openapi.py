"""/api/v1/openapi.json: a valid OpenAPI 3.1 document that describes every route of the API,
its arguments, its answers and its errors (as problem details)."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from openapi_spec_validator import OpenAPIV31SpecValidator, validate

from tests.api.helpers import get_json

ARGUMENT = re.compile(r"<(?:\w+:)?(\w+)>")
PROBLEM_JSON = "application/problem+json"


def _document(client: FlaskClient) -> dict[str, Any]:
    document: dict[str, Any] = get_json(client, "/api/v1/openapi.json")
    return document


def test_the_document_is_valid_openapi_3_1(client: FlaskClient) -> None:
    document = _document(client)
    validate(document, cls=OpenAPIV31SpecValidator)
    assert document["openapi"] == "3.1.0"
    assert document["info"] == {"title": "Bandung Export Marketplace API", "version": "v1"}


def _walk(node: Any) -> Any:
    yield node
    if isinstance(node, dict):
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def test_null_is_said_the_3_1_way(client: FlaskClient) -> None:
    """No `nullable` (3.0's word, an error in 3.1): a type list or `anyOf` with null."""
    document = _document(client)
    assert not any(isinstance(node, dict) and "nullable" in node for node in _walk(document))
    summary = document["components"]["schemas"]["ProductSummary"]["properties"]
    assert summary["price_idr"]["type"] == ["integer", "null"]
    assert {"type": "null"} in summary["cover"]["anyOf"]
    assert {"type": "null"} in summary["price"]["anyOf"]


def test_every_route_is_documented(app: Flask, client: FlaskClient) -> None:
    document = _document(client)
    routes = {
        ARGUMENT.sub(r"{\1}", rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("api.")
    }
    # The private operations (a token's): tests/api/test_tokens_openapi.py.
    private = {
        ARGUMENT.sub(r"{\1}", rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith(("api_owner.", "api_buyer.", "api_office."))
    }
    assert routes == {
        "/api/v1/products",
        "/api/v1/products/{slug}",
        "/api/v1/catalog/filters",
        "/api/v1/search",
        "/api/v1/channels",
        "/api/v1/channels/{slug}",
        "/api/v1/partners",
        "/api/v1/msmes",
        "/api/v1/msmes/{slug}",
        "/api/v1/msmes/{slug}/products",
    }
    assert set(document["paths"]) == routes | private
    for path in routes:
        operations = document["paths"][path]
        assert set(operations) - {"parameters"} == {"get"}, path
        get = operations["get"]
        assert "200" in get["responses"], path
        assert "\n" not in get["summary"] and get["summary"].endswith("."), path
        assert get["x-example"].startswith(path.split("{")[0]), path


def test_arguments_and_errors_are_described(client: FlaskClient) -> None:
    document = _document(client)
    catalog = document["paths"]["/api/v1/products"]["get"]
    names = {parameter["name"] for parameter in catalog["parameters"]}
    assert {"per_page", "after", "lang", "currency", "sort", "channel", "city"} <= names
    assert "400" in catalog["responses"] and "422" not in catalog["responses"]
    search = document["paths"]["/api/v1/search"]["get"]
    assert any(p["name"] == "q" and p["required"] for p in search["parameters"])
    missing = document["paths"]["/api/v1/products/{slug}"]["get"]["responses"]["404"]
    assert set(missing["content"]) == {PROBLEM_JSON}
    problem = document["components"]["schemas"]["Problem"]
    assert set(problem["required"]) == {"type", "title", "status", "detail", "instance", "error"}
    for name, response in document["components"]["responses"].items():
        assert set(response["content"]) == {PROBLEM_JSON}, name
