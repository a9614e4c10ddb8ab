"""Schemathesis walks every operation of the OpenAPI document against the real application and
database (SQLite, or PostgreSQL with TEST_DATABASE_URL), with arguments it makes from the
document (valid ones and invalid ones): no answer is a server error, and every answer has a
status, a content type and a body that the document declares.

The world is small but real: products with photos, translations and certificates, a line-up,
an MSME and a rate, each at the slugs the document gives as examples, so the generated calls
find things as well as miss them. A few dozen examples per operation keep it to seconds.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from marketplace import create_app
from marketplace.api.base import API_KEY
from marketplace.db import db
from marketplace.extensions import limiter
from tests.api.helpers import make_catalog
from tests.catalog.helpers import channel
from tests.factories import accept, make_business, make_certification, product, set_rate

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
EXAMPLES_PER_OPERATION = 25


def _world(app: Flask) -> None:
    """make_catalog's four products, and the examples of the document: the demo's bamboo
    MSME with its lamp in Little Bandung's line-up, and rates for euro and won."""
    make_catalog(app)
    with app.app_context():
        awi = make_business(name="Awi Kriya Bandung", district="Cibiru")
        halal = make_certification(awi, "halal", expires_on=date(2099, 1, 1))
        lamp = product(
            "Bamboo pendant lamp Lengkung",
            business=awi,
            translations={"ko": ("대나무 펜던트 조명", "대나무로 엮은 조명.")},
            price_idr=850_000,
        )
        lamp.certifications.append(halal)
        accept(lamp, channel("little-bandung")).shelf_code = "B-2"
        set_rate("EUR", "17500", date(2026, 1, 1))
        set_rate("KRW", "11.5", date(2026, 1, 1))
        db.session.commit()


def _document() -> dict[str, Any]:
    """The OpenAPI document, as an application serves it: read when the tests are collected,
    to make one test per operation (the suite's app is made later, and serves the same)."""
    app = create_app(
        {
            "APP_ENV": "test",
            "TESTING": True,
            "SECRET_KEY": "openapi",
            "SQLALCHEMY_DATABASE_URI": "sqlite://",
            "RATELIMIT_STORAGE_URI": "memory://",
        }
    )
    document: dict[str, Any] = app.extensions[API_KEY].spec.to_dict()
    return document


schema = schemathesis.openapi.from_dict(_document())


@pytest.fixture
def world(app: Flask) -> Iterator[None]:
    _world(app)
    saved = app.config["API_RATE_LIMIT"]
    app.config["API_RATE_LIMIT"] = "100000 per minute"
    yield
    app.config["API_RATE_LIMIT"] = saved
    limiter.reset()


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_conforms_and_never_fails(
    app: Flask, world: None, case: schemathesis.Case
) -> None:
    # The test client does not inflate: answers are asked for uncompressed.
    case.call_and_validate(app=app, headers={"Accept-Encoding": "identity"}, checks=CHECKS)
