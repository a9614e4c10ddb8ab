"""The private operations in the OpenAPI document: each names the bearer scheme (declared in the
components) and its refusals, and documents its body and answer by their schemas."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from openapi_spec_validator import validate

from tests.api.helpers import get_json

ARGUMENT = re.compile(r"<(?:\w+:)?(\w+)>")
PRIVATE = ("api_owner.", "api_buyer.", "api_office.")


def test_every_private_operation_is_documented_with_the_bearer_scheme(
    app: Flask, client: FlaskClient
) -> None:
    document = get_json(client, "/api/v1/openapi.json")
    validate(document)
    scheme = document["components"]["securitySchemes"]["bearerAuth"]
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")
    operations = {
        (ARGUMENT.sub(r"{\1}", rule.rule), method.lower())
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith(PRIVATE)
        for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}
    }
    assert len(operations) > 40
    for path, method in operations:
        operation = document["paths"][path][method]
        assert operation["security"] == [{"bearerAuth": []}], (path, method)
        assert {"401", "403", "429"} <= set(operation["responses"]), (path, method)
        assert operation.get("summary"), (path, method)
        success = {"200", "201"} & set(operation["responses"])
        assert success, (path, method)
        if method in ("post", "patch") and "{" not in path.rsplit("/", 1)[-1]:
            if not path.endswith(("/submit", "/archive", "/withdraw")):
                assert "requestBody" in operation, (path, method)
    # Public operations name no security.
    assert "security" not in document["paths"]["/api/v1/products"]["get"]
    upload = document["paths"]["/api/v1/my/products/{product_id}/photos"]["post"]
    assert "multipart/form-data" in upload["requestBody"]["content"]
    decision = document["components"]["schemas"]["BusinessDecision"]
    assert set(decision["required"]) == {"decision", "seen"}
