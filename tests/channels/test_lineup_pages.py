"""A channel's page shows its line-up a page at a time (`?page=`): the next products on the
next page, links between the pages, one address per page (anything else is a 404), the same
statements for any page of any line-up; the counts, the link preview and the printed catalog
still cover the whole line-up."""

from __future__ import annotations

import io
import math
import re

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader

from marketplace.channels.curation import new_qr_token
from marketplace.db import db
from marketplace.inputs import LINEUP_PER_PAGE
from marketplace.products.models import Product, ProductImage, ProductTranslation
from tests.catalog.helpers import page_statements
from tests.channels.helpers import ENGLISH
from tests.factories import (
    accept,
    fake_digest,
    make_business,
    make_certification,
    make_channel,
    product,
    stored_cover,
)
from tests.sharing.helpers import read_head

SLUG = "little-bandung-braunschweig"
ENTRY = re.compile(r'/channels/[^/"]+/products/([^"]+)"')
NEXT = re.compile(r'<a href="([^"]+)" rel="next">')
PREV = re.compile(r'<a href="([^"]+)" rel="prev">')
CURRENT = re.compile(r'<a href="([^"]+)" aria-current="page">(\d+)</a>')


def _lineup(
    app: Flask, count: int, name: str = "Little Bandung Braunschweig", *, photos: bool = True
) -> str:
    """A channel showing `count` products of four MSMEs, shelf codes in the order of their
    numbers, each with a German translation, a certified maker and (`photos`) two photo rows."""
    with app.app_context():
        channel = make_channel(name, city="Braunschweig", locale="de", country_code="DE")
        makers = [make_business(name=f"{name} maker {n}") for n in range(4)]
        for maker in makers:
            make_certification(maker)
        for n in range(count):
            item = product(f"{name} item {n:03d}", business=makers[n % 4], price_idr=450_000)
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
            nomination = accept(item, channel)
            nomination.shelf_code, nomination.qr_token = f"A{n:03d}", new_qr_token()
        db.session.commit()
        return channel.slug


def _shown(html: str) -> list[str]:
    return ENTRY.findall(html)


def _get(client: FlaskClient, url: str) -> str:
    response = client.get(url, headers=ENGLISH)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def _href(found: re.Match[str] | None) -> str:
    assert found is not None
    return found.group(1).replace("&amp;", "&")


def test_the_next_page_shows_the_next_products_and_the_links_lead_there_and_back(
    app: Flask, client: FlaskClient
) -> None:
    slug = _lineup(app, LINEUP_PER_PAGE + 6)
    first = _get(client, f"/channels/{slug}")
    on_first = _shown(first)
    assert len(on_first) == LINEUP_PER_PAGE
    assert on_first[0].endswith("item-000") and on_first[-1].endswith(
        f"item-{LINEUP_PER_PAGE - 1:03d}"
    )
    # The count is the line-up's, not the page's.
    assert f"Products in this channel ({LINEUP_PER_PAGE + 6})" in first
    assert '<nav class="pager pager-numbered" aria-label="Pages">' in first
    assert "Page 1 of 2" in first
    assert CURRENT.findall(first) == [(f"/channels/{slug}", "1")]
    assert PREV.search(first) is None

    next_url = _href(NEXT.search(first))
    assert next_url == f"/channels/{slug}?page=2"
    second = _get(client, next_url)
    on_second = _shown(second)
    assert len(on_second) == 6
    assert on_second[0].endswith(f"item-{LINEUP_PER_PAGE:03d}")
    assert not set(on_first) & set(on_second)
    assert f"Products in this channel ({LINEUP_PER_PAGE + 6})" in second
    assert CURRENT.findall(second) == [(f"/channels/{slug}?page=2", "2")]
    assert NEXT.search(second) is None
    assert "<title>Little Bandung Braunschweig · Page 2 of 2 ·" in second

    # Back to the first page, under its one address (no ?page=1).
    previous = _href(PREV.search(second))
    assert previous == f"/channels/{slug}"
    assert _shown(_get(client, previous)) == on_first
    assert _shown(_get(client, f"/channels/{slug}?page=1")) == on_first


def test_a_short_lineup_has_no_pager(app: Flask, client: FlaskClient) -> None:
    slug = _lineup(app, 3)
    html = _get(client, f"/channels/{slug}")
    assert len(_shown(html)) == 3
    assert "pager" not in html


@pytest.mark.parametrize(
    "value",
    [
        "3",  # past the last page
        "0",
        "-1",
        "02",
        "abc",
        "1.5",
        "1e3",
        " 2",
        "２",  # a full-width digit
        "99999999999999999999999999",
        "100001",
        "%00",
        "2%00",
        "'%20OR%201=1--",
    ],
)
def test_anything_but_one_of_its_pages_is_not_found(
    app: Flask, client: FlaskClient, value: str
) -> None:
    slug = _lineup(app, LINEUP_PER_PAGE + 1)
    assert client.get(f"/channels/{slug}?page={value}").status_code == 404


def test_an_empty_lineup_has_its_first_page_only(app: Flask, client: FlaskClient) -> None:
    slug = _lineup(app, 0)
    html = _get(client, f"/channels/{slug}")
    assert "Products in this channel (0)" in html
    assert "No product has been selected for this channel yet." in html
    assert client.get(f"/channels/{slug}?page=1").status_code == 200
    assert client.get(f"/channels/{slug}?page=2").status_code == 404


def test_each_page_is_its_own_canonical_address_in_every_language(
    app: Flask, client: FlaskClient
) -> None:
    slug = _lineup(app, LINEUP_PER_PAGE + 1)
    base = app.config["BASE_URL"]
    pages = {
        1: client.get(f"/channels/{slug}?lang=de").get_data(as_text=True),
        2: client.get(f"/channels/{slug}?page=2&lang=de").get_data(as_text=True),
    }
    assert read_head(pages[1]).canonical == [f"{base}/channels/{slug}?lang=de"]
    assert read_head(pages[2]).canonical == [f"{base}/channels/{slug}?page=2&lang=de"]
    links = dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', pages[2]))
    assert links["ko"] == f"{base}/channels/{slug}?page=2&amp;lang=ko"
    assert links["x-default"] == f"{base}/channels/{slug}?page=2"
    assert len(links) == 8


def test_the_preview_shows_the_lineups_first_photo_on_every_page(
    app: Flask, client: FlaskClient
) -> None:
    slug = _lineup(app, LINEUP_PER_PAGE + 1, photos=False)
    with app.app_context():
        # Only the second product of the line-up has a photo, and it is on the first page.
        second = db.session.scalars(sa.select(Product).where(Product.slug.endswith("item-001")))
        stored_cover(second.one(), (2000, 1500))
        db.session.commit()
    heads = [
        read_head(client.get(f"/channels/{slug}{page}").get_data(as_text=True))
        for page in ("", "?page=2")
    ]
    images = [head.one("og:image") for head in heads]
    assert images[0] == images[1]
    assert heads[0].one("og:image:width") == "1600"


def _statements(app: Flask, client: FlaskClient, url: str) -> int:
    client.get(url)  # the visit is counted once a day: leave that write out of the count
    count, html = page_statements(app, client, url)
    assert html.count('class="thumb"') > 0
    return count


def test_statements_do_not_grow_with_the_lineup_or_the_page(
    app: Flask, client: FlaskClient
) -> None:
    short = _lineup(app, 5, name="Short fair")
    long = _lineup(app, 3 * LINEUP_PER_PAGE + 2, name="Long fair")
    counts = {
        "short": _statements(app, client, f"/channels/{short}"),
        "long, first page": _statements(app, client, f"/channels/{long}"),
        "long, third page": _statements(app, client, f"/channels/{long}?page=3"),
        "long, last page": _statements(app, client, f"/channels/{long}?page=4"),
    }
    assert len(set(counts.values())) == 1, counts


def test_the_printed_catalog_still_holds_the_whole_lineup(app: Flask, client: FlaskClient) -> None:
    count = LINEUP_PER_PAGE + 6
    slug = _lineup(app, count)
    response = client.get(f"/channels/{slug}/catalog.pdf")
    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(response.data))
    assert f"{count} Produkte in diesem Katalog" in reader.pages[0].extract_text()  # German
    assert len(reader.pages) == 1 + math.ceil(count / 2)
