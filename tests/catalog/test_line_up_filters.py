"""A line-up filter (a channel's, a partner city's) is checked one of two ways, chosen by the
line-up's size beside the catalog's (`catalog.queries.WALK_FROM`): read whole (IN) while it is
small, checked product by product while the catalog is walked in its order (EXISTS) once it is
a large share. Both give the same pages, in every order, page after page, and the same count.
A count joins the line-ups and certificates on SQLite: a product shown twice in one city, or
holding two certificates of one kind, still counts once."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from marketplace.businesses.models import BusinessStatus
from marketplace.catalog import queries
from marketplace.channels.models import NominationStatus, ShelfStage
from marketplace.db import db
from tests.catalog.helpers import channel
from tests.factories import (
    accept,
    add_interests,
    make_business,
    make_certification,
    make_channel,
    product,
)

NEXT = re.compile(r'<a href="([^"]+)" rel="next">')
NAME = re.compile(r'<h3[^>]*><a href="/products/[^"]+">([^<]+)</a></h3>')
COUNT = re.compile(r"(\d+) products?\b")


@pytest.fixture
def made_anew(app: Flask) -> Iterator[None]:
    settings = ("PAGE_CACHE_ENABLED", "FRAGMENT_CACHE_ENABLED")
    kept = {name: app.config.get(name, True) for name in settings}
    app.config.update(dict.fromkeys(settings, False))
    yield
    app.config.update(kept)


@pytest.fixture
def line_ups(app: Flask, made_anew: None) -> int:
    """Eleven products; Harz und Heide (Braunschweig) shows five of them, Europalia one more,
    and a second Braunschweig showroom one of Harz und Heide's; the rest are returned, only
    nominated, or of an unverified business. Maker 0 holds two halal certificates, both on
    each of its products. The city's id."""
    start = datetime(2026, 3, 1, tzinfo=UTC)
    with app.app_context():
        makers = [make_business(name=f"Maker {n}") for n in range(2)]
        pending = make_business(name="Not yet verified", status=BusinessStatus.PENDING)
        fair, festival = channel("harz-und-heide"), channel("europalia")
        items = []
        for n in range(11):
            owner = pending if n == 10 else makers[n % 2]
            item = product(
                f"Piece {n:02d}", business=owner, price_idr=100_000 + (n * 37 % 11) * 1000
            )
            item.published_at = start + timedelta(days=n)
            add_interests(item, n % 3)
            items.append(item)
        for n in (0, 2, 3, 5, 8, 10):
            accept(items[n], fair)
        accept(items[9], festival)
        accept(items[4], fair).stage = ShelfStage.RETURNED
        accept(items[6], fair).status = NominationStatus.NOMINATED
        accept(items[2], make_channel("Braunschweig showroom", partner_city=fair.partner_city))
        for number in ("H-1", "H-2"):
            certificate = make_certification(makers[0], "halal", number=number)
            for item in items[0::2]:
                if item.business is makers[0]:
                    item.certifications.append(certificate)
        db.session.commit()
        return int(fair.partner_city_id or 0)


def _all_pages(client: FlaskClient, url: str) -> tuple[list[str], str]:
    names: list[str] = []
    html = client.get(url).get_data(as_text=True)
    found = COUNT.search(html)
    count = found.group(1) if found else ""
    while True:
        names += NAME.findall(html)
        following = NEXT.search(html)
        if following is None:
            return names, count
        html = client.get(following.group(1).replace("&amp;", "&")).get_data(as_text=True)


@pytest.mark.parametrize("sort", ["newest", "price_asc", "price_desc", "interest"])
def test_a_line_up_read_whole_or_walked_gives_the_same_pages(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch, line_ups: int, sort: str
) -> None:
    seen = {}
    for walk_from in (10**9, 0):  # read whole, then walked
        monkeypatch.setattr(queries, "WALK_FROM", walk_from)
        monkeypatch.setattr(queries, "_sizes", {})
        for asked in ("channel=harz-und-heide", f"city={line_ups}"):
            with app.app_context():
                walked = queries.walks_line_ups(
                    queries.CatalogFilters(
                        channel="harz-und-heide" if "channel" in asked else None,
                        city=line_ups if "city" in asked else None,
                    )
                )
            assert walked is (walk_from == 0)
            seen[walk_from, asked] = _all_pages(client, f"/catalog?{asked}&sort={sort}&per_page=2")
    expected = {"Piece 00", "Piece 02", "Piece 03", "Piece 05", "Piece 08"}
    for asked in ("channel=harz-und-heide", f"city={line_ups}"):
        names, count = seen[10**9, asked]
        assert sorted(names) == sorted(expected) and count == "5"
        assert seen[0, asked] == (names, count)


def test_a_certificate_held_twice_counts_its_products_once(
    client: FlaskClient, line_ups: int
) -> None:
    names, count = _all_pages(client, "/catalog?cert=halal&per_page=2")
    assert sorted(names) == ["Piece 00", "Piece 02", "Piece 04", "Piece 06", "Piece 08"]
    assert count == "5"
    names, count = _all_pages(client, f"/catalog?cert=halal&city={line_ups}&per_page=2")
    assert sorted(names) == ["Piece 00", "Piece 02", "Piece 08"] and count == "3"


def test_a_line_up_is_walked_once_it_is_a_large_share_of_a_large_catalog(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    sizes = queries.LineUpSizes(1_000_000, {"showroom": 300, "fair": 13_000}, {1: 300, 2: 26_000})
    with app.app_context():
        monkeypatch.setitem(queries._sizes, str(db.engine.url), (float("inf"), sizes))
        assert not queries.walks_line_ups(queries.CatalogFilters(channel="showroom"))
        assert queries.walks_line_ups(queries.CatalogFilters(channel="fair"))
        assert not queries.walks_line_ups(queries.CatalogFilters(city=1))
        assert queries.walks_line_ups(queries.CatalogFilters(city=2))
        assert not queries.walks_line_ups(queries.CatalogFilters(channel="fair", city=1))
        assert not queries.walks_line_ups(queries.CatalogFilters(subsector="kriya"))
