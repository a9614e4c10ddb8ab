"""An MSME's public page lists its products a page at a time (`?page=`), newest first: the
next products on the next page, links between the pages, one address per page (anything else
is a 404), the same statements for any page of any line-up, and a link preview of the whole."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from marketplace.db import db, utcnow
from marketplace.inputs import LINEUP_PER_PAGE
from marketplace.products.models import Product, ProductImage, ProductTranslation
from tests.catalog.helpers import page_statements
from tests.factories import fake_digest, make_business, product, stored_cover
from tests.sharing.helpers import read_head

ENGLISH = {"Accept-Language": "en"}
CARD = re.compile(r'<h3><a href="/products/([^"]+)">')
NEXT = re.compile(r'<a href="([^"]+)" rel="next">')
PREV = re.compile(r'<a href="([^"]+)" rel="prev">')
CURRENT = re.compile(r'<a href="([^"]+)" aria-current="page">(\d+)</a>')


def _business(app: Flask, count: int, name: str = "Awi Kriya", *, photos: bool = True) -> str:
    """A verified MSME with `count` public products, product n published n minutes after the
    first (so the newest is the last made), each with a German translation and photo rows."""
    with app.app_context():
        business = make_business(name=name)
        start = utcnow() - timedelta(days=1)
        for n in range(count):
            item = product(
                f"{name} item {n:03d}",
                business=business,
                published_at=start + timedelta(minutes=n),
                price_idr=450_000,
            )
            item.translations.append(ProductTranslation(locale="de", name=f"Stück {n:03d}"))
            for position in range(2 if photos else 0):
                item.images.append(
                    ProductImage(
                        digest=fake_digest(f"{name}-{n}-{position}"),
                        width=1200,
                        height=900,
                        position=position,
                    )
                )
        db.session.commit()
        return business.slug


def _get(client: FlaskClient, url: str) -> str:
    response = client.get(url, headers=ENGLISH)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def _href(found: re.Match[str] | None) -> str:
    assert found is not None
    return found.group(1).replace("&amp;", "&")


def test_the_next_page_shows_the_older_products_and_the_links_lead_there_and_back(
    app: Flask, client: FlaskClient
) -> None:
    count = LINEUP_PER_PAGE + 5
    slug = _business(app, count)
    first = _get(client, f"/msmes/{slug}")
    on_first = CARD.findall(first)
    assert len(on_first) == LINEUP_PER_PAGE
    assert on_first[0].endswith(f"item-{count - 1:03d}")  # newest first
    assert '<nav class="pager pager-numbered" aria-label="Pages">' in first
    assert CURRENT.findall(first) == [(f"/msmes/{slug}", "1")]
    assert PREV.search(first) is None

    next_url = _href(NEXT.search(first))
    assert next_url == f"/msmes/{slug}?page=2"
    second = _get(client, next_url)
    on_second = CARD.findall(second)
    assert len(on_second) == 5
    assert on_second[-1].endswith("item-000")
    assert not set(on_first) & set(on_second)
    assert CURRENT.findall(second) == [(f"/msmes/{slug}?page=2", "2")]
    assert "Page 2 of 2" in second and NEXT.search(second) is None
    assert "<title>Awi Kriya · Page 2 of 2 ·" in second
    # The profile and the contact are on every page.
    assert "<h1>Awi Kriya</h1>" in second and 'id="contact-heading"' in second

    previous = _href(PREV.search(second))
    assert previous == f"/msmes/{slug}"
    assert CARD.findall(_get(client, previous)) == on_first


@pytest.mark.parametrize(
    "value", ["3", "0", "-2", "007", "two", "2.0", "+2", "²", "18446744073709551616", "%00"]
)
def test_anything_but_one_of_its_pages_is_not_found(
    app: Flask, client: FlaskClient, value: str
) -> None:
    slug = _business(app, LINEUP_PER_PAGE + 1)
    assert client.get(f"/msmes/{slug}?page={value}").status_code == 404


def test_an_msme_without_products_has_its_first_page_only(app: Flask, client: FlaskClient) -> None:
    slug = _business(app, 0)
    assert "No product is published yet." in _get(client, f"/msmes/{slug}")
    assert client.get(f"/msmes/{slug}?page=2").status_code == 404


def test_each_page_is_its_own_canonical_address_and_previews_the_newest_photo(
    app: Flask, client: FlaskClient
) -> None:
    slug = _business(app, LINEUP_PER_PAGE + 1, photos=False)
    with app.app_context():
        # The newest product has no photo; the one before it has.
        older = db.session.scalars(sa.select(Product).where(Product.slug.endswith("item-023")))
        stored_cover(older.one(), (2000, 1500))
        db.session.commit()
    base = app.config["BASE_URL"]
    first = read_head(client.get(f"/msmes/{slug}?lang=de").get_data(as_text=True))
    page = client.get(f"/msmes/{slug}?page=2&lang=de").get_data(as_text=True)
    second = read_head(page)
    assert first.canonical == [f"{base}/msmes/{slug}?lang=de"]
    assert second.canonical == [f"{base}/msmes/{slug}?page=2&lang=de"]
    assert second.one("og:url") == f"{base}/msmes/{slug}?page=2&lang=de"
    assert first.one("og:image") == second.one("og:image")
    assert first.one("og:image:width") == "1600"
    links = dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', page))
    assert links["zh-Hans"] == f"{base}/msmes/{slug}?page=2&amp;lang=zh"
    assert links["x-default"] == f"{base}/msmes/{slug}?page=2"


def _statements(app: Flask, client: FlaskClient, url: str) -> int:
    count, html = page_statements(app, client, url)
    assert "<img " in html
    return count


def test_statements_do_not_grow_with_the_products_or_the_page(
    app: Flask, client: FlaskClient
) -> None:
    small = _business(app, 3, name="Small maker")
    large = _business(app, 3 * LINEUP_PER_PAGE + 1, name="Large maker")
    counts = {
        "small": _statements(app, client, f"/msmes/{small}"),
        "large, first page": _statements(app, client, f"/msmes/{large}"),
        "large, third page": _statements(app, client, f"/msmes/{large}?page=3"),
        "large, last page": _statements(app, client, f"/msmes/{large}?page=4"),
    }
    assert len(set(counts.values())) == 1, counts
