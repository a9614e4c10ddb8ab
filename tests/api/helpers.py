"""A small catalog for API tests, and reading JSON answers."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from marketplace.businesses.models import ExportExperience
from marketplace.db import db
from marketplace.products.models import ProductImage
from tests.catalog.helpers import channel
from tests.factories import (
    accept,
    add_interests,
    fake_digest,
    make_business,
    make_certification,
    product,
)

ERROR_KEYS = {"code", "title", "detail"}
PROBLEM_KEYS = {"type", "title", "status", "detail", "instance", "error"}
PROBLEMS = "http://127.0.0.1:8000/api/v1/problems/"


def get_json(client: FlaskClient, url: str, status: int = 200) -> Any:
    """The answer's JSON; an error's is a problem (application/problem+json)."""
    response = client.get(url)
    assert response.status_code == status, (url, response.get_data(as_text=True)[:500])
    wanted = "application/json" if status < 400 else "application/problem+json"
    assert response.mimetype == wanted, url
    return response.get_json()


def assert_problem(
    client: FlaskClient, url: str, status: int, slug: str | None = None
) -> dict[str, Any]:
    """An error as problem details (RFC 9457), in English, with the first shape inside."""
    body: dict[str, Any] = get_json(client, url, status)
    assert set(body) == PROBLEM_KEYS, body
    assert body["status"] == status
    assert body["type"].startswith(PROBLEMS), body["type"]
    if slug is not None:
        assert body["type"] == PROBLEMS + slug
    assert body["title"] and body["detail"]
    assert body["instance"].startswith("/api/")
    error = body["error"]
    assert set(error) == ERROR_KEYS
    assert (error["code"], error["detail"]) == (status, body["detail"])
    assert error["title"]
    return body


def assert_error(client: FlaskClient, url: str, status: int) -> dict[str, Any]:
    """An error as `assert_problem` checks it; its first shape (`error`: code, title, detail)."""
    error: dict[str, Any] = assert_problem(client, url, status)["error"]
    return error


def make_catalog(app: Flask) -> None:
    """Four products that differ in every filtered property (newest last in this list)."""
    with app.app_context():
        start = datetime(2026, 3, 1, tzinfo=UTC)
        direct = make_business(name="Awi Export", export_experience=ExportExperience.DIRECT)
        indirect = make_business(name="Rumah Batik", export_experience=ExportExperience.INDIRECT)
        local = make_business(name="Dapur Lokal", export_experience=ExportExperience.NONE)
        halal = make_certification(local, "halal", expires_on=date(2099, 1, 1))
        lamp = product(
            "Bamboo lamp",
            business=direct,
            description="A lamp of woven bamboo.",
            translations={"de": ("Bambuslampe", "Eine Lampe aus Bambus.")},
            subsector_code="kriya",
            price_idr=300_000,
            moq=10,
            lead_time_days=30,
            materials="bamboo",
        )
        lamp.images.append(
            ProductImage(digest=fake_digest("lamp"), width=1200, height=900, position=0)
        )
        scarf = product(
            "Batik scarf",
            business=indirect,
            subsector_code="fesyen",
            price_idr=450_000,
            moq=50,
            lead_time_days=14,
        )
        chips = product(
            "Cassava chips",
            business=local,
            subsector_code="kuliner",
            price_idr=25_000,
            moq=200,
            lead_time_days=7,
        )
        chips.certifications.append(halal)
        basket = product(
            "Rattan basket",
            business=direct,
            description="Woven rattan basket.",
            subsector_code="kriya",
            price_idr=150_000,
            moq=20,
            lead_time_days=45,
        )
        for n, item in enumerate((lamp, scarf, chips, basket)):
            item.published_at = start + timedelta(days=n)
        accept(lamp, channel("harz-und-heide")).shelf_code = "A1"
        accept(chips, channel("little-bandung"))
        add_interests(scarf, 3)
        add_interests(basket, 1)
        db.session.commit()


def names(body: dict[str, Any]) -> list[str]:
    return [item["name"] for item in body["items"]]
