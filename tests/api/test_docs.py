"""/api/v1/docs: the API's reference for people, made on the server from the OpenAPI document
(no script: the site's CSP allows none from elsewhere)."""

from __future__ import annotations

import html
from pathlib import Path

from flask.testing import FlaskClient

from marketplace.api.base import PROBLEMS
from tests.api.helpers import get_json

ROOT = Path(__file__).resolve().parents[2]


def test_the_reference_lists_every_operation_from_the_document(client: FlaskClient) -> None:
    document = get_json(client, "/api/v1/openapi.json")
    response = client.get("/api/v1/docs")
    assert response.status_code == 200 and response.mimetype == "text/html"
    page = html.unescape(response.get_data(as_text=True))
    assert "<script" not in page and '<html lang="en">' in page
    assert page.count("<h1>") == 1
    for path, item in document["paths"].items():
        if "get" not in item or item["get"].get("security"):
            continue  # a token's operations: below
        operation = item["get"]
        assert f"<code>GET {path}</code>" in page, path
        assert operation["summary"] in page, path
        assert f"curl 'http://127.0.0.1:8000{operation['x-example']}'" in page, path
    # A token's operations, every method, marked and with their bodies.
    private = [
        (method, path)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if isinstance(operation, dict) and operation.get("security")
    ]
    assert len(private) > 40
    for method, path in private:
        assert f"<code>{method.upper()} {path}</code>" in page, (method, path)
    assert page.count("Needs a token") == len(private)
    assert '<a href="#schema-ProductCreate">ProductCreate</a>' in page
    # Parameters with their values, answers with their schemas.
    assert "<code>currency</code>" in page and "<code>EUR</code>" in page
    assert '<a href="#schema-ProductList">ProductList</a>' in page
    assert 'id="schema-ProductList"' in page and "<code>more_than_count</code>" in page
    assert "integer or null" in page  # 3.1's null, read back
    assert "Prices also in this currency (<code>price</code>)" in page  # `price` in the text


def test_the_reference_lists_the_kinds_of_error_and_the_embed(client: FlaskClient) -> None:
    page = html.unescape(client.get("/api/v1/docs").get_data(as_text=True))
    for slug, problem in PROBLEMS.items():
        assert f'href="http://127.0.0.1:8000/api/v1/problems/{slug}"' in page, slug
        assert problem.meaning in page, slug
    assert "application/problem+json" in page
    assert '<iframe src="http://127.0.0.1:8000/embed/channels/little-bandung' in page


def test_the_readme_links_the_reference() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "/api/v1/docs" in readme and "application/problem+json" in readme
