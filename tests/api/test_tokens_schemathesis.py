"""Schemathesis walks every operation of a personal access token, with a write token of the
role it is for, in the token world (two owners, two buyers, the office): with arguments and
bodies it makes from the document, valid and invalid, no answer is a server error, and every
answer has a status, a content type and a body the document declares (so the answers keep to
their schemas: the private payloads are checked against what the document promises)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, settings

from marketplace.extensions import limiter
from tests.api.test_schemathesis import CHECKS, schema
from tests.api.tokens import TokenWorld, bearer, build_token_world

EXAMPLES_PER_OPERATION = 15
PREFIXES = {"/api/v1/my/": "a", "/api/v1/buyer/": "x", "/api/v1/office/": "officer"}
private = schema.include(path_regex="^/api/v1/(my|buyer|office)/")


@pytest.fixture
def world(app: Flask, storefront: None) -> Iterator[TokenWorld]:
    with app.app_context():
        built = build_token_world()
    saved = app.config["API_TOKEN_RATE_LIMIT"]
    app.config["API_TOKEN_RATE_LIMIT"] = "100000 per minute"
    yield built
    app.config["API_TOKEN_RATE_LIMIT"] = saved
    limiter.reset()


@private.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_every_token_operation_conforms_and_never_fails(
    app: Flask, world: TokenWorld, case: schemathesis.Case
) -> None:
    side = next(
        getattr(world, who) for prefix, who in PREFIXES.items() if case.path.startswith(prefix)
    )
    headers = {"Accept-Encoding": "identity", **bearer(side.token)}
    case.call_and_validate(app=app, headers=headers, checks=CHECKS)
