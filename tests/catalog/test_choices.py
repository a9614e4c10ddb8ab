"""The filters' choices are read once per process and language and kept until the reference
data changes (catalog/choices.py): a change shows on the next page, and only a change makes
them be read again."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from marketplace import versions
from marketplace.db import db
from marketplace.reference.models import Certification, PartnerCity, Subsector
from tests.catalog.helpers import channel, city, count_statements


def _select(html: str, name: str) -> str:
    found = re.search(rf'<select id="{name}" name="{name}">(.*?)</select>', html, re.S)
    assert found, name
    return found.group(1)


def _page(app: Flask, client: FlaskClient, url: str = "/catalog") -> tuple[str, list[str]]:
    with app.app_context():
        with count_statements() as statements:
            response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True), statements


def _reads_choices(statements: list[str]) -> bool:
    return any("FROM subsectors" in statement for statement in statements)


def test_choices_are_read_once_then_kept(app: Flask, client: FlaskClient) -> None:
    first, statements = _page(app, client)
    assert _reads_choices(statements)
    again, statements = _page(app, client)
    assert not _reads_choices(statements)
    assert again == first
    _html, statements = _page(app, client, "/search?q=basket")
    assert not _reads_choices(statements)  # the same lists serve the search page


def test_each_language_has_its_own_words(app: Flask, client: FlaskClient) -> None:
    english, _ = _page(app, client)
    german, _ = _page(app, client, "/catalog?lang=de")
    assert '<option selected value="">All</option>' in _select(english, "subsector")
    assert '<option selected value="">Alle</option>' in _select(german, "subsector")
    assert _select(english, "subsector") != _select(german, "subsector")


def test_a_new_subsector_shows_on_the_next_page(app: Flask, client: FlaskClient) -> None:
    _page(app, client)
    with app.app_context():
        before = versions.current(versions.REFERENCE)
        db.session.add(Subsector(code="rattan", name_id="Rotan", name_en="Rattan"))
        db.session.commit()
        assert versions.current(versions.REFERENCE) != before
    html, statements = _page(app, client)
    assert _reads_choices(statements)
    assert '<option value="rattan">Rattan</option>' in _select(html, "subsector")


def test_a_renamed_channel_and_city_show_on_the_next_page(app: Flask, client: FlaskClient) -> None:
    html, _ = _page(app, client, "/catalog?channel=harz-und-heide")
    assert '<option selected value="harz-und-heide">' in _select(html, "channel")
    with app.app_context():
        channel("harz-und-heide").name = "Harz & Heide Shop"
        city_id = city("Braunschweig").id
        city("Braunschweig").name = "Braunschweig (Lower Saxony)"
        db.session.commit()
    html, _ = _page(app, client, "/catalog?channel=harz-und-heide")
    options = _select(html, "channel")
    assert '<option selected value="harz-und-heide">Harz &amp; Heide Shop</option>' in options
    assert f'<option value="{city_id}">Braunschweig (Lower Saxony)</option>' in _select(
        html, "city"
    )


def test_a_new_certification_can_be_chosen_at_once(app: Flask, client: FlaskClient) -> None:
    html, _ = _page(app, client, "/catalog?cert=fsc-x")
    assert "These filters were not understood" in html  # not a choice yet
    with app.app_context():
        db.session.add(Certification(code="fsc-x", name="FSC <Mix>"))
        db.session.commit()
    html, _ = _page(app, client, "/catalog?cert=fsc-x")
    assert "These filters were not understood" not in html
    assert '<option selected value="fsc-x">FSC &lt;Mix&gt;</option>' in _select(html, "cert")


def test_a_removed_city_leaves_the_choices(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        lonely = PartnerCity(name="Nowhere", country_code="DE", country="Germany")
        lonely.currency, lonely.locale = "EUR", "de"
        db.session.add(lonely)
        db.session.commit()
        lonely_id = lonely.id
    html, _ = _page(app, client)
    assert f'value="{lonely_id}"' in _select(html, "city")
    with app.app_context():
        db.session.delete(db.session.get_one(PartnerCity, lonely_id))
        db.session.commit()
    html, _ = _page(app, client)
    assert f'value="{lonely_id}"' not in _select(html, "city")
