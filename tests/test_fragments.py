"""Pieces of public pages (marketplace/fragments.py): a product's card, the catalog's filters, a
channel's or an MSME's line-up, made once and taken again by every page that shows them, changed
as soon as the data behind them changes, one per language and currency, for signed-in people
too. The whole-page cache is off in these tests: what is seen is what a page made anew shows."""

from __future__ import annotations

from collections.abc import Iterator
from html import unescape as html_unescape
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from marketplace import create_app
from marketplace.businesses.models import Business
from marketplace.channels.models import Channel
from marketplace.db import db
from marketplace.periods import bandung_today
from marketplace.products.models import Product
from tests.businesses.helpers import commit_and_detach
from tests.catalog.helpers import count_statements
from tests.factories import accept, make_business, make_buyer, make_product, set_rate

pytestmark = pytest.mark.usefixtures("storefront")

CARD_READS = ("FROM product_images", "FROM product_translations")


@pytest.fixture
def pages_made_anew(app: Flask) -> Iterator[None]:
    kept = app.config["PAGE_CACHE_ENABLED"]
    app.config["PAGE_CACHE_ENABLED"] = False
    yield
    app.config["PAGE_CACHE_ENABLED"] = kept


@pytest.fixture
def world(app: Flask, pages_made_anew: None) -> dict[str, Any]:
    with app.app_context():
        business = make_business()
        scarf = make_product(business, name="Batik silk scarf", price_idr=950_000)
        make_product(business, name="Batik cotton shawl", price_idr=450_000)
        channel = db.session.scalars(
            db.select(Channel).where(Channel.slug == "little-bandung")
        ).one()
        accept(scarf, channel)
        set_rate("EUR", "17500", bandung_today())
        db.session.commit()
        return {"business": business.slug, "product_id": scarf.id}


def visit(client: FlaskClient, path: str, **headers: str) -> tuple[str, list[str]]:
    """The page's HTML (it must answer 200) and the statements that read a card's data."""
    with client.application.app_context(), count_statements() as statements:
        response = client.get(path, headers=headers)
    assert response.status_code == 200, path
    return response.get_data(as_text=True), [
        s for s in statements if any(read in s for read in CARD_READS)
    ]


def rename(app: Flask, product_id: int, name: str) -> None:
    with app.app_context():
        db.session.get_one(Product, product_id).name = name
        db.session.commit()


def test_a_page_made_anew_takes_the_cards_another_page_made(
    client: FlaskClient, world: dict[str, Any]
) -> None:
    html, reads = visit(client, "/catalog")
    assert "Batik silk scarf" in html and reads
    for path in ("/", "/catalog?sort=price_low", "/catalog?per_page=12"):
        html, reads = visit(client, path)
        assert "Batik silk scarf" in html and "Batik cotton shawl" in html, path
        assert reads == [], path


def test_a_kept_card_changes_as_soon_as_its_product_changes(
    app: Flask, client: FlaskClient, world: dict[str, Any]
) -> None:
    paths = ("/", "/catalog", "/search?q=batik", f"/msmes/{world['business']}")
    paths += ("/channels/little-bandung",)
    for path in paths:
        assert "Batik silk scarf" in visit(client, path)[0], path
    rename(app, world["product_id"], "Batik silk stole")
    for path in paths:
        html = visit(client, path)[0]
        assert "Batik silk stole" in html and "Batik silk scarf" not in html, path


def test_each_language_and_currency_has_its_own_cards(
    client: FlaskClient, world: dict[str, Any]
) -> None:
    english = visit(client, "/catalog", **{"Accept-Language": "en"})[0]
    german = visit(app_client(client), "/catalog", **{"Accept-Language": "de"})[0]
    assert "54,29\xa0€" in german and "54,29\xa0€" not in english
    assert 'lang="de"' in german and 'lang="en"' in english


def test_a_search_marks_its_own_words_in_a_card(client: FlaskClient, world: dict[str, Any]) -> None:
    batik = visit(client, "/search?q=batik")[0]
    scarf = visit(client, "/search?q=scarf")[0]
    assert "<mark>Batik</mark> silk scarf" in batik
    assert "Batik silk <mark>scarf</mark>" in scarf and "<mark>Batik</mark>" not in scarf


def test_signed_in_people_get_kept_cards_too(
    app: Flask, client: FlaskClient, login_as: Any, world: dict[str, Any]
) -> None:
    visit(client, "/catalog")
    with app.app_context():
        buyer = make_buyer()
        commit_and_detach(buyer)
    html, reads = visit(login_as(buyer), "/catalog")
    assert "Batik silk scarf" in html and reads == []
    assert "Log out" in html  # the page itself is the signed-in person's own


def test_the_filter_panel_shows_what_each_visitor_typed(
    client: FlaskClient, world: dict[str, Any]
) -> None:
    wrong = visit(client, "/catalog?min_price=cheap")[0]
    right = visit(client, "/catalog?min_price=500000")[0]
    again = visit(client, "/catalog?min_price=cheap")[0]
    assert 'aria-invalid="true"' in wrong and 'value="cheap"' in wrong
    assert 'aria-invalid="true"' not in right and 'value="500000"' in right
    assert again == wrong
    assert "Batik silk scarf" in right and "Batik cotton shawl" not in right


def test_a_line_up_page_that_does_not_exist_stays_a_404(
    client: FlaskClient, world: dict[str, Any]
) -> None:
    for path in ("/channels/little-bandung", f"/msmes/{world['business']}"):
        assert client.get(path).status_code == 200
        assert client.get(f"{path}?page=1").status_code == 200
        for page in ("2", "02", "x"):
            assert client.get(f"{path}?page={page}").status_code == 404, (path, page)


def test_a_line_up_follows_its_channel(
    app: Flask, client: FlaskClient, world: dict[str, Any]
) -> None:
    html = visit(client, "/channels/little-bandung?lang=en")[0]
    assert "Products in this channel (1)" in html
    assert "Batik silk scarf" in html and "Batik cotton shawl" not in html
    with app.app_context():
        shawl = db.session.scalars(
            db.select(Product).where(Product.name == "Batik cotton shawl")
        ).one()
        channel = db.session.scalars(
            db.select(Channel).where(Channel.slug == "little-bandung")
        ).one()
        accept(shawl, channel)
        db.session.commit()
    html = visit(client, "/channels/little-bandung?lang=en")[0]
    assert "Products in this channel (2)" in html
    assert "Batik silk scarf" in html and "Batik cotton shawl" in html


def test_pieces_can_be_turned_off(app: Flask, client: FlaskClient, world: dict[str, Any]) -> None:
    visit(client, "/catalog")
    app.config["FRAGMENT_CACHE_ENABLED"] = False
    try:
        html, reads = visit(client, "/catalog")
    finally:
        app.config["FRAGMENT_CACHE_ENABLED"] = True
    assert "Batik silk scarf" in html and reads


def canonical(html: str) -> str:
    return html.split('<link rel="canonical" href="')[1].split('"')[0]


def app_client(client: FlaskClient) -> FlaskClient:
    """Another visitor, with no session of their own yet."""
    return client.application.test_client()


@pytest.mark.committing
def test_pieces_kept_in_redis_serve_every_kind_of_page(
    redis_app: Flask, world: dict[str, Any]
) -> None:
    """Cards, a product's pieces, line-ups, a profile and link previews, pickled and back."""
    redis_pieces = redis_app
    redis_pieces.config["PAGE_CACHE_ENABLED"] = False
    client = redis_pieces.test_client()
    paths = ("/catalog", "/search?q=batik", "/products/batik-silk-scarf")
    paths += (f"/msmes/{world['business']}", "/channels/little-bandung")
    first = {path: visit(client, path)[0] for path in paths}
    for path in paths:
        with redis_pieces.app_context(), count_statements() as statements:
            html = client.get(path).get_data(as_text=True)
        assert html == first[path], path
        assert not [s for s in statements if "FROM product_images" in s], path
    rename(redis_pieces, world["product_id"], "Batik silk stole")
    for path in paths:
        assert "Batik silk stole" in client.get(path).get_data(as_text=True), path


def test_a_catalog_or_search_page_asked_again_reads_nothing_until_the_data_changes(
    app: Flask, client: FlaskClient, world: dict[str, Any]
) -> None:
    paths = ("/catalog", "/catalog?sort=price_low&max_price=600000", "/search?q=batik")
    for path in paths:
        visit(client, path)
        with app.app_context(), count_statements() as statements:
            html = client.get(path).get_data(as_text=True)
        assert "Batik cotton shawl" in html, path
        assert [s for s in statements if "data_versions" not in s and "SELECT" in s] == [], path
    with app.app_context():
        business = db.session.scalars(db.select(Business)).one()
        make_product(business, name="Batik tote bag", price_idr=300_000)
        db.session.commit()
    for path in paths:
        assert "Batik tote bag" in visit(client, path)[0], path


def test_a_catalog_or_search_page_is_kept_whole_per_address(
    app: Flask, client: FlaskClient, login_as: Any, world: dict[str, Any]
) -> None:
    """The content of a catalog or search page is kept under its address: its title, its
    pager and its canonical address are that address's, in the visitor's language, and a
    signed-in person gets the same content in a frame of their own."""
    first = visit(client, "/catalog?per_page=1&sort=price_low")[0]
    assert "Batik cotton shawl" in first and "Batik silk scarf" not in first
    assert "First page" not in first
    next_path = first.split('rel="next"')[0].rsplit('href="', 1)[1].split('"')[0]
    second = visit(client, html_unescape(next_path))[0]
    assert "Batik silk scarf" in second and "Batik cotton shawl" not in second
    assert "First page" in second
    assert visit(app_client(client), "/catalog?per_page=1&sort=price_low")[0] == first
    shawl = visit(client, "/search?q=cotton")[0]
    scarf = visit(client, "/search?q=silk")[0]
    assert "<title>Search: cotton ·" in shawl and "Batik silk scarf" not in shawl
    assert "<title>Search: silk ·" in scarf and "Batik silk scarf" in scarf
    german = visit(app_client(client), "/catalog?per_page=1&sort=price_low&lang=de")[0]
    assert "<title>Katalog ·" in german and "Batik cotton shawl" in german
    assert canonical(german) != canonical(first) and "lang=de" in canonical(german)
    with app.app_context():
        buyer = make_buyer()
        commit_and_detach(buyer)
    theirs = visit(login_as(buyer), "/search?q=cotton")[0]
    assert "Log out" in theirs and "Batik cotton shawl" in theirs and "Log in<" not in theirs
    assert theirs.split('<main id="main"')[1] == shawl.split('<main id="main"')[1]


@pytest.mark.committing
def test_pages_are_made_when_the_redis_of_the_caches_cannot_answer(
    app: Flask, world: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    """PAGE_CACHE_URL names a Redis nobody listens on: every public page is still made, for a
    visitor with or without a cookie, and the first failure is logged."""
    unreachable = create_app({**app.config, "PAGE_CACHE_URL": "redis://127.0.0.1:9/0"})
    unreachable.config["PAGE_CACHE_ENABLED"] = True
    paths = ("/", "/catalog", "/search?q=batik", "/products/batik-silk-scarf")
    paths += (f"/msmes/{world['business']}", "/channels/little-bandung", "/partners")
    with caplog.at_level("WARNING", logger="marketplace.cache_backends"):
        for client in (unreachable.test_client(), unreachable.test_client()):
            client.get("/catalog", headers={"Cookie": "seen=1"})  # with a cookie, then without
            for path in paths:
                response = client.get(path)
                assert response.status_code == 200, path
                if path != "/partners":
                    assert "Batik silk scarf" in response.get_data(as_text=True), path
    assert "cannot answer" in caplog.text
    with unreachable.app_context():
        db.engine.dispose()


def test_a_visitors_frame_is_kept_per_language_and_a_signed_in_person_gets_their_own(
    app: Flask, client: FlaskClient, login_as: Any, world: dict[str, Any]
) -> None:
    english = visit(client, "/catalog", **{"Accept-Language": "en"})[0]
    german = visit(app_client(client), "/partners", **{"Accept-Language": "de"})[0]
    assert "Log in" in english and "Log out" not in english
    assert ">Katalog</a>" in german and ">Catalog</a>" not in german
    with app.app_context():
        buyer = make_buyer()
        commit_and_detach(buyer)
    signed_in = visit(login_as(buyer), "/catalog")[0]
    assert "Log out" in signed_in and "Shortlist" in signed_in and ">Log in<" not in signed_in
    again = visit(app_client(client), "/catalog?sort=price_low", **{"Accept-Language": "en"})[0]
    assert ">Log in<" in again and "Log out" not in again and "Shortlist" not in again
    # The language switch still brings each visitor back to the page they were on.
    assert 'name="next" value="/catalog?sort=price_low"' in again
    assert 'name="next" value="/partners"' in german


def test_a_page_that_changes_its_visit_finds_the_visits_parts_again(
    app: Flask, world: dict[str, Any]
) -> None:
    from flask_babel import force_locale, get_locale

    from marketplace.page_cache import visit_parts
    from marketplace.visits import start_channel_visit

    with app.test_request_context("/catalog", headers={"Accept-Language": "en"}):
        app.preprocess_request()
        channel_id = db.session.scalars(
            db.select(Channel.id).where(Channel.slug == "little-bandung")
        ).one()
        first = visit_parts()
        assert first[0] == "en" and channel_id not in first
        start_channel_visit(channel_id, "ko")
        assert channel_id in visit_parts()
        with force_locale("de"):
            assert visit_parts()[0] == "de"
        assert visit_parts()[0] == "en" and str(get_locale()) == "en"


def test_templates_speak_a_language_forced_inside_a_request(app: Flask) -> None:
    from flask import render_template_string
    from flask_babel import force_locale

    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        assert render_template_string("{{ _('Catalog') }}") == "Catalog"
        with force_locale("fr"):
            assert render_template_string("{{ _('Catalog') }}") == "Catalogue"
        assert render_template_string("{{ _('Catalog') }}") == "Catalog"


def test_a_visitors_product_page_asked_again_reads_nothing_until_the_data_changes(
    app: Flask, client: FlaskClient, login_as: Any, world: dict[str, Any]
) -> None:
    with app.app_context():
        slug = db.session.get_one(Product, world["product_id"]).slug
    path = f"/products/{slug}"
    visit(client, path)
    with app.app_context(), count_statements() as statements:
        html = client.get(path).get_data(as_text=True)
    assert "Batik silk scarf" in html and "About the maker" in html
    reads = [s for s in statements if "data_versions" not in s and "SELECT" in s]
    assert reads == []
    with app.app_context():
        business = db.session.scalars(db.select(Business)).one()
        business.name = "Kriya Renamed Bandung"
        db.session.commit()
    html = visit(client, path)[0]
    assert "Kriya Renamed Bandung" in html
    # A signed-in buyer's page is made for them: their own call to action, the same pieces.
    with app.app_context():
        buyer = make_buyer()
        commit_and_detach(buyer)
    theirs = visit(login_as(buyer), path)[0]
    assert "Kriya Renamed Bandung" in theirs and "Add to shortlist" in theirs
    assert "Add to shortlist" not in visit(app_client(client), path)[0]
    rename(app, world["product_id"], "Batik silk scarf, indigo")
    assert "Batik silk scarf, indigo" in visit(app_client(client), path)[0]
    # A visitor's page is kept per address: its links to log in come back to that address.
    assert f'href="/auth/login?next={path}"' in visit(app_client(client), path)[0]
    tagged = visit(app_client(client), f"{path}?utm_source=qr")[0]
    assert f"next={path}?utm_source%3Dqr" in tagged and f'next={path}"' not in tagged


def test_a_visitors_msme_page_asked_again_reads_nothing_until_the_data_changes(
    app: Flask, client: FlaskClient, login_as: Any, world: dict[str, Any]
) -> None:
    path = f"/msmes/{world['business']}"
    visit(client, path)
    with app.app_context(), count_statements() as statements:
        html = client.get(path).get_data(as_text=True)
    assert "Batik silk scarf" in html
    assert [s for s in statements if "data_versions" not in s and "SELECT" in s] == []
    with app.app_context():
        business = db.session.scalars(db.select(Business)).one()
        business.name = "Kriya Renamed Bandung"
        owner = business.owner
        commit_and_detach(owner)
    html = visit(client, path)[0]
    assert "<title>Kriya Renamed Bandung" in html
    # The owner sees the contact the business keeps; a visitor is told how to get it.
    assert "Contact details are shared" not in visit(login_as(owner), path)[0]
    assert "Contact details are shared" in visit(app_client(client), path)[0]


def test_a_channel_page_asked_again_reads_nothing_until_the_data_changes(
    app: Flask, client: FlaskClient, world: dict[str, Any]
) -> None:
    path = "/channels/little-bandung"
    first = visit(client, path)[0]
    assert "Batik silk scarf" in first and 'lang="ko"' in first  # the channel's language
    with app.app_context(), count_statements() as statements:
        again = client.get(path).get_data(as_text=True)
    assert again == first
    assert [s for s in statements if "data_versions" not in s and "SELECT" in s] == []
    english = visit(app_client(client), path, **{"Accept-Language": "en"})[0]
    assert 'lang="en"' in english and "Batik silk scarf" in english
    with app.app_context():
        channel = db.session.scalars(
            db.select(Channel).where(Channel.slug == "little-bandung")
        ).one()
        channel.name = "Little Bandung Seoul, second edition"
        db.session.commit()
    assert "<h1>Little Bandung Seoul, second edition</h1>" in visit(client, path)[0]


def test_the_catalog_keeps_what_its_form_makes_of_every_argument_the_form_reads(
    app: Flask,
) -> None:
    from marketplace.catalog.forms import CATALOG_FIELDS, CatalogForm

    with app.test_request_context("/catalog"):
        assert {field.name for field in CatalogForm()} == set(CATALOG_FIELDS)
