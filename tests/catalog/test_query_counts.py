"""The catalog, search and product pages issue as many statements for 3 cards as for 24,
and as many for a deep page as for the first."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from marketplace.db import db
from marketplace.products.models import ProductImage, ProductTranslation
from tests.catalog.helpers import channel, page_statements
from tests.factories import accept, add_interests, fake_digest, make_business, product

NEXT = re.compile(r'<a href="([^"]+)" rel="next">')


def _catalog(app: Flask, count: int) -> None:
    """Products of several businesses, each with photos and translations."""
    with app.app_context():
        makers = [make_business(name=f"Maker {n}") for n in range(4)]
        for n in range(count):
            item = product(f"Woven basket {n}", business=makers[n % 4], description="Bamboo.")
            item.translations.append(
                ProductTranslation(locale="de", name=f"Korb {n}", description="Bambus.")
            )
            item.translations.append(ProductTranslation(locale="id", name=f"Keranjang {n}"))
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


def _statements(app: Flask, client: FlaskClient, url: str) -> tuple[int, str]:
    """Counted on the page made from nothing: no card kept by an earlier page."""
    count, html = page_statements(app, client, url)
    assert "<img " in html  # the cards were rendered with their photos
    return count, html


def _deep(client: FlaskClient, url: str, pages: int) -> str:
    for _ in range(pages):
        found = NEXT.search(client.get(url).get_data(as_text=True))
        assert found
        url = found.group(1).replace("&amp;", "&")
    return url


def test_catalog_statements_do_not_grow_with_page_size_or_depth(
    app: Flask, client: FlaskClient
) -> None:
    _catalog(app, 30)
    client.get("/catalog")  # the filters' choices are read once, then kept (catalog/choices.py)
    # So are the sizes of the line-ups, which choose how a line-up filter is checked.
    client.get("/catalog?channel=harz-und-heide")
    for sort in ("newest", "price_asc", "interest"):
        small, _ = _statements(app, client, f"/catalog?sort={sort}&per_page=3")
        large, html = _statements(app, client, f"/catalog?sort={sort}&per_page=24")
        assert html.count('class="card result-card"') == 24
        deep_url = _deep(client, f"/catalog?sort={sort}&per_page=3", 5)
        deep, _ = _statements(app, client, deep_url)
        filtered, _ = _statements(
            app, client, f"/catalog?sort={sort}&per_page=24&channel=harz-und-heide&max_moq=50"
        )
        assert small == large == deep == filtered, sort


def test_search_statements_do_not_grow_with_page_size_or_depth(
    app: Flask, client: FlaskClient
) -> None:
    _catalog(app, 30)
    client.get("/search")  # the filters' choices are read once, then kept (catalog/choices.py)
    small, _ = _statements(app, client, "/search?q=basket&per_page=3")
    large, html = _statements(app, client, "/search?q=basket&per_page=24")
    assert html.count('class="card result-card"') == 24
    deep, _ = _statements(app, client, _deep(client, "/search?q=basket&per_page=3", 5))
    assert small == large == deep


def test_product_page_statements_do_not_grow_with_photos_or_translations(
    app: Flask, client: FlaskClient
) -> None:
    _catalog(app, 2)
    with app.app_context():
        plain = product("Plain stool", business=make_business(name="Quiet maker"))
        plain_slug = plain.slug
        db.session.commit()
    few, _ = page_statements(app, client, f"/products/{plain_slug}")
    many, _ = page_statements(app, client, "/products/woven-basket-0")
    assert few == many
