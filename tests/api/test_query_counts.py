"""Lists issue as many statements for 3 items as for 60, and for a deep page as for the first."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask
from flask.testing import FlaskClient

from marketplace.db import db
from marketplace.products.models import ProductImage, ProductTranslation
from tests.catalog.helpers import channel, count_statements
from tests.factories import accept, add_interests, fake_digest, make_business, product


def _catalog(app: Flask, count: int) -> None:
    """Products of several businesses, each with photos and translations."""
    with app.app_context():
        makers = [make_business(name=f"Maker {n}") for n in range(4)]
        for n in range(count):
            item = product(f"Woven basket {n}", business=makers[n % 4], description="Bamboo.")
            item.translations.append(
                ProductTranslation(locale="de", name=f"Korb {n}", description="Bambus.")
            )
            for position in range(2):
                item.images.append(
                    ProductImage(
                        digest=fake_digest(f"{n}-{position}"),
                        width=1200,
                        height=900,
                        position=position,
                    )
                )
            if n % 3 == 0:
                accept(item, channel("harz-und-heide"))
            add_interests(item, n % 2)
        db.session.commit()


def _statements(app: Flask, client: FlaskClient, url: str, items: int) -> tuple[int, str | None]:
    with app.app_context():
        with count_statements() as statements:
            response = client.get(url)
    assert response.status_code == 200, url
    body = response.get_json()
    assert len(body["items"]) == items, url
    assert all(item["cover"] for item in body["items"])  # photos were read
    return len(statements), body["next"]


def _deep(app: Flask, client: FlaskClient, url: str, pages: int) -> str:
    for _ in range(pages):
        _count, next_url = _statements(app, client, url, 3)
        assert next_url
        parts = urlsplit(next_url)
        url = f"{parts.path}?{parts.query}"
    return url


def test_catalog_statements_do_not_grow_with_page_size_or_depth(
    app: Flask, client: FlaskClient
) -> None:
    _catalog(app, 70)
    # The first filtered request reads the filters' choices (channels and their counts), which
    # each process then keeps until the data changes: read them once before counting, so the
    # counts compare requests, not a cold process with a warm one (run alone, the first
    # filtered request counted two statements more).
    assert client.get("/api/v1/products?channel=harz-und-heide&max_moq=50").status_code == 200
    for sort in ("newest", "price_asc", "interest"):
        base = f"/api/v1/products?sort={sort}&lang=de"
        small, _ = _statements(app, client, f"{base}&per_page=3", 3)
        large, _ = _statements(app, client, f"{base}&per_page=60", 60)
        deep, _ = _statements(app, client, _deep(app, client, f"{base}&per_page=3", 5), 3)
        filtered, _ = _statements(
            app, client, f"{base}&per_page=24&channel=harz-und-heide&max_moq=50", 24
        )
        assert small == large == deep == filtered, sort


def test_search_statements_do_not_grow_with_page_size_or_depth(
    app: Flask, client: FlaskClient
) -> None:
    _catalog(app, 70)
    small, _ = _statements(app, client, "/api/v1/search?q=basket&per_page=3", 3)
    large, _ = _statements(app, client, "/api/v1/search?q=basket&per_page=60", 60)
    deep_url = _deep(app, client, "/api/v1/search?q=basket&per_page=3", 5)
    deep, _ = _statements(app, client, deep_url, 3)
    assert small == large == deep


def test_channel_statements_do_not_grow_with_the_lineup(app: Flask, client: FlaskClient) -> None:
    _catalog(app, 3)
    with app.app_context():
        with count_statements() as few:
            assert client.get("/api/v1/channels/harz-und-heide").status_code == 200
            assert client.get("/api/v1/partners").status_code == 200
            assert client.get("/api/v1/channels").status_code == 200
    _catalog(app, 30)
    with app.app_context():
        with count_statements() as many:
            assert client.get("/api/v1/channels/harz-und-heide").status_code == 200
            assert client.get("/api/v1/partners").status_code == 200
            assert client.get("/api/v1/channels").status_code == 200
    assert len(few) == len(many)


def test_msme_statements_do_not_grow_with_page_size_or_depth(
    app: Flask, client: FlaskClient
) -> None:
    _catalog(app, 40)  # four makers of ten products each
    with app.app_context():
        for n in range(8):
            make_business(name=f"Other maker {n}")
        db.session.commit()
    small, _ = _statements(app, client, "/api/v1/msmes/maker-0/products?per_page=3", 3)
    large, _ = _statements(app, client, "/api/v1/msmes/maker-0/products?per_page=9", 9)
    deep_url = _deep(app, client, "/api/v1/msmes/maker-0/products?per_page=3", 2)
    deep, _ = _statements(app, client, deep_url, 3)
    assert small == large == deep

    def listing(url: str, items: int) -> int:
        with app.app_context():
            with count_statements() as statements:
                response = client.get(url)
        assert response.status_code == 200 and len(response.get_json()["items"]) == items
        return len(statements)

    assert listing("/api/v1/msmes?per_page=2", 2) == listing("/api/v1/msmes?per_page=12", 12)
