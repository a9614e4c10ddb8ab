"""No JSON body, query string or upload gives a 500 on the private API: every operation of the
token blueprints, by the role its token needs, with generated values for every field its schema
declares (numbers past any column, NUL bytes, edge dates, wrong types, nested garbage), fields
it does not declare, and real and hostile ids in its path.

A refused value is a 400 (the schema), 404 (the path), 409 or 422 (the service); never a 5xx.
"""

from __future__ import annotations

from typing import Any

import marshmallow as ma
import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import example, given
from hypothesis import strategies as st
from werkzeug.routing import Rule

from tests.api.tokens import (
    Side,
    TokenWorld,
    bearer,
    body,
    build_token_world,
    photo_upload,
    token_rules,
)
from tests.fuzz.values import NASTY, same_examples, uploads

HOSTILE_IDS = ["0", str(2**31), str(2**63), str(2**64), "-1"]
JSON_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(NASTY),
    st.text(max_size=30),
)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)


def _schema(view: Any, location: str) -> ma.Schema | None:
    for parameter in getattr(view, "_apidoc", {}).get("arguments", {}).get("parameters", []):
        if parameter["in"] == location:
            schema = parameter["schema"]
            return schema() if isinstance(schema, type) else schema
    return None


def _field_values(name: str, real: dict[str, Any]) -> st.SearchStrategy[Any]:
    """The field's hostile values, with its real one (a valid body gets past the schema)."""
    values: list[st.SearchStrategy[Any]] = [JSON_VALUES]
    if name in real:
        values.insert(0, st.just(real[name]))
    if name == "translations":
        texts = st.fixed_dictionaries(
            {}, optional={"name": JSON_SCALARS, "description": JSON_SCALARS}
        )
        values.append(st.dictionaries(st.sampled_from(["id", "de", "xx", ""]), texts, max_size=2))
    return st.one_of(*values)


def _bodies(schema: ma.Schema, real: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    names = [field.data_key or name for name, field in schema.fields.items()]
    optional = {name: _field_values(name, real) for name in names}
    optional["unknown_field"] = JSON_SCALARS
    return st.fixed_dictionaries({}, optional=optional)


def _segments(rule: Rule, side: Side) -> st.SearchStrategy[dict[str, str]]:
    return st.fixed_dictionaries(
        {
            name: st.sampled_from([str(side.ids.get(name, 1)), *HOSTILE_IDS])
            if rule._converters[name].__class__.__name__ != "UnicodeConverter"  # noqa: SLF001
            else st.sampled_from([str(side.ids.get(name, "x")), "a\x00b", "x" * 300, ".."])
            for name in rule.arguments
        }
    )


def _side(world: TokenWorld, endpoint: str) -> Side:
    blueprint = endpoint.split(".")[0]
    return {"api_owner": world.a, "api_buyer": world.x, "api_office": world.officer}[blueprint]


def _probe(
    app: Flask, client: FlaskClient, world: TokenWorld, rule: Rule, method: str
) -> list[str]:
    failures: list[str] = []
    side = _side(world, rule.endpoint)
    view = app.view_functions[rule.endpoint]
    json_schema = _schema(view, "json")
    query_schema = _schema(view, "query")
    real = body(rule.endpoint, side, side) or {}
    bodies = _bodies(json_schema, real) if json_schema is not None else st.none()
    queries = (
        _bodies(query_schema, {}).map(lambda q: {k: str(v) for k, v in q.items()})
        if query_schema is not None
        else st.just({})
    )
    files = st.lists(uploads(), max_size=2) if rule.endpoint == "api_owner.upload" else st.just([])

    @same_examples(f"{method} {rule.rule}")
    @given(segments=_segments(rule, side), json=bodies, query=queries, sent=files)
    @example(
        segments={n: str(side.ids.get(n, 1)) for n in rule.arguments},
        json=real or None,
        query={},
        sent=[],
    )
    def probe(
        segments: dict[str, str],
        json: dict[str, Any] | None,
        query: dict[str, str],
        sent: list[tuple[bytes, str]],
    ) -> None:
        url = rule.build(segments, append_unknown=False)[1]  # type: ignore[index]
        kwargs: dict[str, Any] = {"headers": bearer(side.token), "query_string": query}
        if sent:
            kwargs.update(photo_upload(*sent))
        elif json is not None:
            kwargs["json"] = json
        with client.open(url, method=method, **kwargs) as response:
            if response.status_code >= 500:
                failures.append(f"{method} {url} {json!r} {query!r}: {response.status_code}")

    probe()
    return failures


@pytest.mark.usefixtures("storefront")
def test_no_body_of_the_private_api_gives_a_server_error(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        world = build_token_world()
    app.config["API_TOKEN_RATE_LIMIT"] = "100000 per minute"
    try:
        failures: list[str] = []
        walked = 0
        for rule, method in token_rules(app):
            walked += 1
            failures += _probe(app, client, world, rule, method)
    finally:
        app.config["API_TOKEN_RATE_LIMIT"] = "120 per minute"
    assert walked > 40
    assert not failures, f"{len(failures)} server errors:\n" + "\n".join(failures)
