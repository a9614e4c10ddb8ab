"""Whole pages kept for visitors (marketplace/page_cache.py): served again without their
queries, changed as soon as the data behind them changes, one per language and currency, never
to or from a signed-in person, validated with 304 and sent compressed."""

from __future__ import annotations

import gzip
import re
from typing import Any

import brotli
import pytest
from flask import Flask
from flask.testing import FlaskClient

from marketplace.db import db
from marketplace.periods import bandung_today
from marketplace.products.models import Product
from tests.businesses.helpers import commit_and_detach
from tests.catalog.helpers import count_statements
from tests.factories import make_business, make_product, make_user, set_rate

pytestmark = pytest.mark.usefixtures("storefront")

PAGES = (
    "/",
    "/catalog",
    "/search?q=batik",
    "/partners",
    "/channels",
    "/channels/little-bandung",
    "/msmes/{business}",
    "/products/{product}",
)
PERSON = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Chrome/131.0 Mobile"


@pytest.fixture
def world(app: Flask) -> dict[str, Any]:
    with app.app_context():
        business = make_business()
        product = make_product(business, name="Batik silk scarf", price_idr=950_000)
        set_rate("EUR", "17500", bandung_today())
        set_rate("USD", "16650", bandung_today())
        set_rate("AUD", "10890", bandung_today())
        db.session.commit()
        return {"business": business.slug, "product": product.slug, "product_id": product.id}


def page_statements(client: FlaskClient, path: str, **headers: str) -> tuple[Any, list[str]]:
    with client.application.app_context(), count_statements() as statements:
        response = client.get(path, headers=headers)
    return response, reads(statements)


def reads(statements: list[str]) -> list[str]:
    """The statements that read the data of a page: not the data version (read on every
    request in the tests, VERSIONS_CHECK_SECONDS=0), nor the writes of the visit's count (in
    the tests, made as the request ends)."""
    return [
        s
        for s in statements
        if s.lstrip().upper().startswith("SELECT") and "data_versions" not in s
    ]


@pytest.mark.parametrize("path", PAGES)
def test_a_repeat_visit_is_served_without_a_query(
    client: FlaskClient, world: dict[str, Any], path: str
) -> None:
    path = path.format(**world)
    first, made = page_statements(client, path)
    assert first.status_code == 200 and made
    again, served = page_statements(app_client(client), path)
    assert again.status_code == 200
    assert served == []
    assert again.get_data() == first.get_data()


def app_client(client: FlaskClient) -> FlaskClient:
    """Another visitor, with no session of their own yet."""
    return client.application.test_client()


def test_a_product_page_served_from_the_cache_still_counts_each_visitor_once(
    app: Flask, world: dict[str, Any]
) -> None:
    path = f"/products/{world['product']}"
    pages = set()
    for agent in (PERSON, PERSON, PERSON + " two", PERSON + " two", PERSON + " three"):
        response = app.test_client().get(path, headers={"User-Agent": agent})
        assert response.status_code == 200
        pages.add(response.get_data())
    assert len(pages) == 1  # made once, then served from the cache
    with app.app_context():
        assert db.session.get_one(Product, world["product_id"]).view_count == 3


def test_a_cached_page_changes_after_the_product_behind_it_changes(
    app: Flask, client: FlaskClient, world: dict[str, Any]
) -> None:
    path = f"/msmes/{world['business']}"
    assert "Batik silk scarf" in client.get(path).get_data(as_text=True)
    assert "Batik silk scarf" in client.get("/catalog").get_data(as_text=True)
    with app.app_context():
        product = db.session.get_one(Product, world["product_id"])
        product.name = "Batik cotton scarf"
        db.session.commit()
    for page in (path, "/catalog", "/search?q=scarf"):
        html = client.get(page).get_data(as_text=True)
        assert "Batik cotton scarf" in html and "Batik silk scarf" not in html


def test_a_new_rate_changes_the_prices_of_cached_pages(
    app: Flask, client: FlaskClient, world: dict[str, Any]
) -> None:
    german = {"Accept-Language": "de"}
    assert "54,29\xa0€" in client.get("/catalog", headers=german).get_data(as_text=True)
    with app.app_context():
        db.session.execute(
            db.text("DELETE FROM exchange_rates WHERE currency = 'EUR'")
        )  # the office replaces today's rate: the old one goes, the new one comes
        set_rate("EUR", "19000", bandung_today())
        db.session.commit()
    html = client.get("/catalog", headers=german).get_data(as_text=True)
    assert "50,00\xa0€" in html and "54,29\xa0€" not in html


def test_a_signed_in_person_never_receives_a_cached_page(
    app: Flask, client: FlaskClient, login_as: Any, world: dict[str, Any]
) -> None:
    client.get("/catalog")
    with app.app_context():
        buyer = make_user(name="Soo-ah Kim")
        commit_and_detach(buyer)
    signed_in = login_as(buyer)
    response = signed_in.get("/catalog")
    html = response.get_data(as_text=True)
    assert "Log out" in html
    assert "ETag" not in response.headers
    # ...and what a signed-in person saw is never kept for a visitor.
    visitor = app.test_client()
    signed_in.get("/partners")
    assert "Log out" not in visitor.get("/partners").get_data(as_text=True)


def test_a_visitor_with_a_message_to_read_gets_their_own_page(
    app: Flask, client: FlaskClient, world: dict[str, Any]
) -> None:
    client.get("/")
    with client.session_transaction() as session:
        session["_flashes"] = [("info", "Your e-mail address is confirmed.")]
    assert "Your e-mail address is confirmed." in client.get("/").get_data(as_text=True)
    assert "Your e-mail address is confirmed." not in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize("path", PAGES)
def test_visitors_in_other_languages_get_their_own_page(
    client: FlaskClient, world: dict[str, Any], path: str
) -> None:
    path = path.format(**world)
    seen: dict[str, str] = {}
    for language in ("de", "ko", "de", "en", "ko"):
        html = client.get(path, headers={"Accept-Language": language}).get_data(as_text=True)
        lang = re.search(r'<html lang="([^"]+)"', html)
        assert lang and lang.group(1) == language
        seen.setdefault(language, html)
        assert html == seen[language]


def test_visitors_with_other_currencies_get_their_own_page(
    client: FlaskClient, world: dict[str, Any]
) -> None:
    for _ in range(2):
        us = client.get("/catalog", headers={"Accept-Language": "en-US"}).get_data(as_text=True)
        au = client.get("/catalog", headers={"Accept-Language": "en-AU"}).get_data(as_text=True)
        assert "US$57.06" in us and "A$" not in us
        assert "A$87.24" in au and "US$" not in au


def test_a_visitors_own_choice_of_language_has_its_own_page(
    client: FlaskClient, world: dict[str, Any]
) -> None:
    assert '<html lang="en"' in client.get("/catalog").get_data(as_text=True)
    chosen = client.get("/language?locale=fr&next=/catalog")
    assert chosen.status_code == 302 and chosen.headers["Location"] == "/catalog"
    assert '<html lang="fr"' in client.get("/catalog").get_data(as_text=True)
    stranger = client.application.test_client()
    assert '<html lang="en"' in stranger.get("/catalog").get_data(as_text=True)


def test_pages_for_visitors_hold_no_csrf_token(client: FlaskClient, world: dict[str, Any]) -> None:
    for path in PAGES:
        html = client.get(path.format(**world)).get_data(as_text=True)
        assert "csrf_token" not in html
        assert '<form method="get" action="/language"' in html


def test_a_repeated_request_with_the_validator_gets_304(
    client: FlaskClient, world: dict[str, Any]
) -> None:
    first = client.get("/catalog")
    etag = first.headers["ETag"]
    assert etag.startswith('W/"')
    for _ in range(2):  # made, then kept: the same validator both times
        again = client.get("/catalog", headers={"If-None-Match": etag})
        assert again.status_code == 304
        assert again.get_data() == b""
        assert again.headers["ETag"] == etag


@pytest.mark.parametrize(
    ("accepted", "encoding", "decompress"),
    [
        ("gzip", "gzip", gzip.decompress),
        ("gzip, deflate, br", "br", brotli.decompress),
        ("identity", None, lambda body: body),
    ],
)
def test_kept_pages_are_sent_compressed_when_asked(
    client: FlaskClient, world: dict[str, Any], accepted: str, encoding: str | None, decompress: Any
) -> None:
    plain = client.get("/catalog", headers={"Accept-Encoding": "identity"}).get_data()
    for _ in range(2):
        response = client.get("/catalog", headers={"Accept-Encoding": accepted})
        assert response.headers.get("Content-Encoding") == encoding
        assert "accept-encoding" in response.headers.get("Vary", "").lower()
        assert decompress(response.get_data()) == plain


def test_an_error_page_is_not_kept(client: FlaskClient, world: dict[str, Any]) -> None:
    assert client.get("/msmes/nobody-here").status_code == 404
    with client.application.app_context():
        make_business(name="Nobody Here")
        db.session.commit()
    assert client.get("/msmes/nobody-here").status_code == 200


def test_hostile_addresses_do_not_break_the_cache(
    client: FlaskClient, world: dict[str, Any]
) -> None:
    for path in ("/catalog?page=%00", "/search?q=" + "a" * 5000, "/catalog?" + "x=1&" * 500):
        assert client.get(path).status_code < 500
        assert client.get(path).status_code < 500


@pytest.mark.committing
def test_pages_kept_in_redis_are_served_and_changed_like_the_others(
    redis_app: Flask, world: dict[str, Any]
) -> None:
    client = redis_app.test_client()
    first = client.get("/catalog")
    assert "Batik silk scarf" in first.get_data(as_text=True)
    with redis_app.app_context(), count_statements() as statements:
        again = client.get("/catalog")
    assert again.get_data() == first.get_data()
    assert reads(statements) == []
    with redis_app.app_context():
        product = db.session.get_one(Product, world["product_id"])
        product.name = "Batik cotton scarf"
        db.session.commit()
    assert "Batik cotton scarf" in client.get("/catalog").get_data(as_text=True)


def test_a_visit_without_a_cookie_gets_the_first_answer_again(
    app: Flask, world: dict[str, Any]
) -> None:
    """Served before Flask handles the request: the same body and the same headers."""
    browser = {"Accept-Encoding": "gzip, deflate, br", "Accept-Language": "ko"}
    first = app.test_client().get("/catalog", headers=browser)
    with app.app_context(), count_statements() as statements:
        again = app.test_client().get("/catalog", headers=browser)
    assert reads(statements) == []
    assert again.get_data() == first.get_data()
    assert again.headers["Content-Encoding"] == "br"
    for name in ("Content-Security-Policy", "X-Frame-Options", "Vary", "Cache-Control", "ETag"):
        assert again.headers[name] == first.headers[name]
    assert "Set-Cookie" not in again.headers
    validated = app.test_client().get(
        "/catalog", headers={**browser, "If-None-Match": first.headers["ETag"]}
    )
    assert validated.status_code == 304 and validated.get_data() == b""
    head = app.test_client().head("/catalog", headers=browser)
    assert head.status_code == 200 and head.get_data() == b""


def test_an_unknown_host_is_refused_before_any_kept_page(app: Flask, world: dict[str, Any]) -> None:
    app.test_client().get("/catalog")
    refused = app.test_client().get("/catalog", headers={"Host": "evil.example"})
    assert refused.status_code == 400
