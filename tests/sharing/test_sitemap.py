"""The sitemap as a search engine reads it: an index of files, each a valid urlset of the
sitemaps.org protocol, every public page once per language with its hreflang alternates, nothing
that is not public, files paged by id ranges, answered with caching headers."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from marketplace.businesses.models import Business, BusinessStatus
from marketplace.channels.models import Channel, ChannelStatus
from marketplace.db import db
from marketplace.i18n import UI_LOCALES, html_lang
from marketplace.products.models import Product, ProductStatus
from marketplace.sharing.sitemap import MAX_URLS
from tests.factories import make_business, make_channel, make_product

NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9", "xhtml": "http://www.w3.org/1999/xhtml"}
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"
W3C_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+00:00$")
HREFLANGS = {html_lang(code) for code in UI_LOCALES} | {"x-default"}


@dataclass
class Entry:
    loc: str
    lastmod: str | None
    alternates: dict[str, str]


def _get(client: FlaskClient, address: str, base: str) -> Any:
    assert address.startswith(base + "/"), address
    return client.get(address.removeprefix(base))


def _index(client: FlaskClient, base: str) -> list[tuple[str, str | None]]:
    """(loc, lastmod) of every file the index names, checked against the protocol."""
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response.mimetype == "application/xml"
    root = ET.fromstring(response.data)
    assert root.tag == f"{SM}sitemapindex"
    files = []
    for item in root:
        assert item.tag == f"{SM}sitemap"
        assert {child.tag for child in item} <= {f"{SM}loc", f"{SM}lastmod"}
        loc = item.findtext("sm:loc", namespaces=NS)
        lastmod = item.findtext("sm:lastmod", namespaces=NS)
        assert loc and loc.startswith(base + "/sitemaps/")
        assert lastmod is None or W3C_DATETIME.match(lastmod)
        files.append((loc, lastmod))
    return files


def _urlset(client: FlaskClient, address: str, base: str) -> list[Entry]:
    """The entries of one file, each checked: one absolute loc, a W3C lastmod at most, and the
    page in every language plus x-default as alternates, the loc among them."""
    response = _get(client, address, base)
    assert response.status_code == 200, address
    assert response.mimetype == "application/xml"
    root = ET.fromstring(response.data)
    assert root.tag == f"{SM}urlset"
    entries = []
    for url in root:
        assert url.tag == f"{SM}url"
        locs = url.findall("sm:loc", NS)
        assert len(locs) == 1 and locs[0].text and locs[0].text.startswith(base + "/")
        lastmods = url.findall("sm:lastmod", NS)
        assert len(lastmods) <= 1
        lastmod = lastmods[0].text if lastmods else None
        assert lastmod is None or W3C_DATETIME.match(lastmod)
        alternates = {}
        for link in url.findall("xhtml:link", NS):
            assert link.get("rel") == "alternate"
            href = link.get("href") or ""
            assert href.startswith(base + "/")
            alternates[link.get("hreflang") or ""] = href
        assert set(alternates) == HREFLANGS
        assert locs[0].text in alternates.values()
        entries.append(Entry(locs[0].text, lastmod, alternates))
    assert len(entries) <= MAX_URLS
    return entries


def _all_entries(client: FlaskClient, base: str) -> dict[str, list[Entry]]:
    return {loc: _urlset(client, loc, base) for loc, _lastmod in _index(client, base)}


def _paths(entries: list[Entry]) -> dict[str, set[str]]:
    """Each page's path with the languages it is listed in."""
    found: dict[str, set[str]] = {}
    for entry in entries:
        parts = urlsplit(entry.loc)
        found.setdefault(parts.path, set()).update(parse_qs(parts.query)["lang"])
    return found


def _world(app: Flask) -> dict[str, Any]:
    """Public and hidden things of every kind."""
    with app.app_context():
        verified = make_business(name="Awi Kriya")
        shown = [make_product(verified, name=f"Bamboo lamp {n}") for n in range(3)]
        hidden = [
            make_product(verified, name=f"Hidden {status.value}", status=status)
            for status in ProductStatus
            if status != ProductStatus.PUBLISHED
        ]
        for status in (BusinessStatus.DRAFT, BusinessStatus.PENDING, BusinessStatus.SUSPENDED):
            business = make_business(name=f"Batik {status.value}", status=status)
            hidden.append(make_product(business, name=f"Scarf of a {status.value} business"))
        for status in ChannelStatus:
            make_channel(f"Showroom {status.value}", status=status)
        db.session.commit()
        channels = db.session.scalars(sa.select(Channel)).all()
        return {
            "products": {p.slug for p in shown},
            "hidden_products": {p.slug for p in hidden},
            "msmes": {verified.slug},
            "hidden_msmes": {p.business.slug for p in hidden[-3:]},
            "channels": {c.slug for c in channels if c.status != ChannelStatus.DRAFT},
            "hidden_channels": {c.slug for c in channels if c.status == ChannelStatus.DRAFT},
        }


def test_every_public_page_is_listed_in_every_language_and_nothing_else(
    app: Flask, client: FlaskClient
) -> None:
    world = _world(app)
    base = app.config["BASE_URL"]

    files = _all_entries(client, base)

    found = _paths([entry for entries in files.values() for entry in entries])
    expected = {"/", "/catalog", "/channels", "/partners"}
    expected |= {f"/products/{slug}" for slug in world["products"]}
    expected |= {f"/msmes/{slug}" for slug in world["msmes"]}
    expected |= {f"/channels/{slug}" for slug in world["channels"]}
    assert set(found) == expected
    assert all(languages == set(UI_LOCALES) for languages in found.values())
    # Each file lists each of its pages once per language.
    for entries in files.values():
        assert len(entries) == len({entry.loc for entry in entries})
        assert len(entries) % len(UI_LOCALES) == 0
    body = "".join(_get(client, loc, base).get_data(as_text=True) for loc in files)
    for slug in world["hidden_products"] | world["hidden_msmes"] | world["hidden_channels"]:
        assert f"/{slug}" not in body


def test_alternates_are_the_ones_the_page_itself_carries(app: Flask, client: FlaskClient) -> None:
    world = _world(app)
    base = app.config["BASE_URL"]
    slug = sorted(world["products"])[0]

    entries = [e for e in _all_entries(client, base).values() for e in e]
    listed = next(e for e in entries if e.loc == f"{base}/products/{slug}?lang=ko")
    page = client.get(f"/products/{slug}?lang=ko").get_data(as_text=True)

    in_page = dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', page))
    assert listed.alternates == in_page
    assert listed.alternates["x-default"] == f"{base}/products/{slug}"


def test_lastmod_is_the_later_of_the_product_and_its_business(
    app: Flask, client: FlaskClient
) -> None:
    world = _world(app)
    base = app.config["BASE_URL"]
    product_day = datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)
    with app.app_context():
        product = db.session.scalars(
            sa.select(Product).where(Product.slug == sorted(world["products"])[0])
        ).one()
        db.session.execute(
            sa.update(Product).where(Product.id == product.id).values(updated_at=product_day)
        )
        business_id, product_id, slug = product.business_id, product.id, product.slug
        db.session.commit()

    entries = {e.loc: e for es in _all_entries(client, base).values() for e in es}
    loc = f"{base}/products/{slug}?lang=de"
    with app.app_context():
        business_day = db.session.get_one(Business, business_id).updated_at
    assert entries[loc].lastmod == max(product_day, business_day).isoformat(timespec="seconds")

    with app.app_context():
        later = business_day + timedelta(days=400)
        db.session.execute(
            sa.update(Product).where(Product.id == product_id).values(updated_at=later)
        )
        db.session.commit()
    entries = {e.loc: e for es in _all_entries(client, base).values() for e in es}
    assert entries[loc].lastmod == later.isoformat(timespec="seconds")


def test_products_are_paged_over_numbered_files_by_id(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "SITEMAP_PAGE_SIZE", 2)
    base = app.config["BASE_URL"]
    with app.app_context():
        business = make_business()
        products = [make_product(business, name=f"Lamp {n}") for n in range(5)]
        products[2].status = ProductStatus.DRAFT  # a gap inside a file
        db.session.commit()
        ids = {p.slug: p.id for p in products}
        public = [p.slug for p in products if p.status == ProductStatus.PUBLISHED]

    files = [loc for loc, _lastmod in _index(client, base) if "/sitemaps/products-" in loc]

    numbers = [int(re.search(r"products-(\d+)\.xml$", loc).group(1)) for loc in files]  # type: ignore[union-attr]
    assert numbers == sorted(numbers) and len(files) >= 2
    seen: list[str] = []
    for number, loc in zip(numbers, files, strict=True):
        slugs = sorted(
            {urlsplit(e.loc).path.removeprefix("/products/") for e in _urlset(client, loc, base)},
            key=ids.__getitem__,
        )
        assert 1 <= len(slugs) <= 2
        # File n holds the ids in ((n-1)*2, n*2], and comes after every earlier file.
        assert all((number - 1) * 2 < ids[slug] <= number * 2 for slug in slugs)
        assert not seen or ids[seen[-1]] < ids[slugs[0]]
        seen += slugs
    assert seen == sorted(public, key=ids.__getitem__)
    assert client.get(f"/sitemaps/products-{max(numbers) + 1}.xml").status_code == 404
    assert client.get("/sitemaps/products-0.xml").status_code == 404
    assert client.get("/sitemaps/products-2147483647.xml").status_code == 404


def test_a_new_product_changes_the_last_file_only(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "SITEMAP_PAGE_SIZE", 2)
    with app.app_context():
        business = make_business()
        for n in range(3):
            make_product(business, name=f"Lamp {n}")
        db.session.commit()
        business_id = business.id
    # Each streamed file is read to its end (closing its read transaction), as a crawler does.
    first = client.get("/sitemaps/products-1.xml")
    assert first.data
    second = client.get("/sitemaps/products-2.xml")
    assert second.data

    with app.app_context():
        make_product(db.session.get_one(Business, business_id), name="Lamp 3")
        db.session.commit()

    again = client.get("/sitemaps/products-1.xml", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    changed = client.get(
        "/sitemaps/products-2.xml", headers={"If-None-Match": second.headers["ETag"]}
    )
    assert changed.status_code == 200
    assert changed.headers["ETag"] != second.headers["ETag"]
    assert changed.get_data(as_text=True).count("<url>") == 2 * len(UI_LOCALES)


def test_files_answer_with_caching_headers_and_304(app: Flask, client: FlaskClient) -> None:
    _world(app)
    for path in ("/sitemap.xml", "/sitemaps/pages.xml", "/sitemaps/products-1.xml"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.data  # read to the end, as a crawler does
        assert response.headers["ETag"]
        assert "max-age=3600" in response.headers["Cache-Control"]
        assert "public" in response.headers["Cache-Control"]
        if path != "/sitemaps/pages.xml":
            assert response.headers["Last-Modified"]
        again = client.get(path, headers={"If-None-Match": response.headers["ETag"]})
        assert again.status_code == 304, path
        assert again.data == b""
    index = client.get("/sitemap.xml")
    since = client.get(
        "/sitemap.xml", headers={"If-Modified-Since": index.headers["Last-Modified"]}
    )
    assert since.status_code == 304


def test_the_index_and_every_file_are_empty_of_things_on_an_empty_site(
    app: Flask, client: FlaskClient
) -> None:
    with app.app_context():
        db.session.execute(sa.update(Channel).values(status=ChannelStatus.DRAFT))
        db.session.commit()
    base = app.config["BASE_URL"]

    files = _index(client, base)

    assert [loc for loc, _ in files] == [f"{base}/sitemaps/pages.xml"]
    assert len(_urlset(client, files[0][0], base)) == 4 * len(UI_LOCALES)
    assert client.get("/sitemaps/msmes-1.xml").status_code == 404
