"""/api/v1/openapi.json: a valid OpenAPI 3 document that describes every route of the API."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from openapi_spec_validator import validate

from tests.api.helpers import get_json

ARGUMENT = re.compile(r"<(?:\w+:)?(\w+)>")


def test_the_document_is_valid_openapi_3(client: FlaskClient) -> None:
    document = get_json(client, "/api/v1/openapi.json")
    validate(document)
    assert document["openapi"] == "3.0.3"
    assert document["info"] == {"title": "Bandung Export Marketplace API", "version": "v1"}


def test_every_route_is_documented(app: Flask, client: FlaskClient) -> None:
    document = get_json(client, "/api/v1/openapi.json")
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
        "/api/v1/search",
        "/api/v1/channels",
        "/api/v1/channels/{slug}",
        "/api/v1/partners",
    }
    assert set(document["paths"]) == routes | private
    for path in routes:
        operations = document["paths"][path]
        assert set(operations) - {"parameters"} == {"get"}, path
        get = operations["get"]
        assert "200" in get["responses"], path
        assert get.get("summary") or get.get("description"), path


def test_arguments_and_errors_are_described(client: FlaskClient) -> None:
    document = get_json(client, "/api/v1/openapi.json")
    catalog = document["paths"]["/api/v1/products"]["get"]
    names = {parameter["name"] for parameter in catalog["parameters"]}
    assert {"per_page", "after", "lang", "sort", "channel", "city", "max_price"} <= names
    assert "400" in catalog["responses"] and "422" not in catalog["responses"]
    search = document["paths"]["/api/v1/search"]["get"]
    assert any(p["name"] == "q" and p["required"] for p in search["parameters"])
    assert "404" in document["paths"]["/api/v1/products/{slug}"]["get"]["responses"]
    error = document["components"]["schemas"]["Error"]
    assert error["required"] == ["error"]
