"""Export markets as countries: the owner ticks them on the profile form, buyers read them named
in their language, and what the free text of before did not name stays with the owner."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask

from marketplace.accounts.models import Role
from marketplace.businesses.models import Business
from marketplace.db import db
from tests.businesses.helpers import commit_and_detach
from tests.businesses.test_views import PROFILE
from tests.conftest import post_form
from tests.factories import make_business, make_officer, make_user

pytestmark = pytest.mark.usefixtures("storefront")
CHECKED = re.compile(r'<input checked[^>]*name="export_markets"[^>]*value="([A-Z]{2})"')


def _owner(app: Flask, **fields: Any) -> tuple[Any, int, str]:
    with app.app_context():
        business = make_business(make_user(Role.MSME), **fields)
        owner, business_id, slug = business.owner, business.id, business.slug
        commit_and_detach(owner)
    return owner, business_id, slug


def _markets(app: Flask, business_id: int) -> tuple[list[str], str | None]:
    with app.app_context():
        business = db.session.get_one(Business, business_id)
        return business.export_markets, business.export_markets_note


def test_the_form_round_trips_the_countries(app: Flask, login_as: Any) -> None:
    owner, business_id, _slug = _owner(app)
    client = login_as(owner)
    form = {**PROFILE, "nib": "", "export_markets": ["MY", "KR", "JP"]}
    assert post_form(client, "/my/business/edit", form).status_code == 302
    assert _markets(app, business_id) == (["JP", "KR", "MY"], None)

    html = client.get("/my/business/edit").get_data(as_text=True)
    # Ticked, and listed first: the owner sees them without scrolling through every country.
    assert CHECKED.findall(html) == ["JP", "MY", "KR"]  # Japan, Malaysia, South Korea
    first = re.findall(r'name="export_markets"[^>]*value="([A-Z]{2})"', html)
    assert first[:3] == ["JP", "MY", "KR"] and len(first) > 240
    assert 'name="export_markets_note"' not in html  # nothing left from a free text

    # Posted back as the page has them, less one.
    form["export_markets"] = ["JP", "MY"]
    assert post_form(client, "/my/business/edit", form).status_code == 302
    assert _markets(app, business_id) == (["JP", "MY"], None)


def test_a_code_that_is_no_country_is_refused(app: Flask, login_as: Any) -> None:
    owner, business_id, _slug = _owner(app, export_markets=["MY"])
    client = login_as(owner)
    form = {**PROFILE, "nib": "", "export_markets": ["MY", "EU", "ZZ"]}
    response = post_form(client, "/my/business/edit", form)
    assert response.status_code == 200
    assert "Choose the export markets from the list of countries." in response.get_data(
        as_text=True
    )
    assert _markets(app, business_id) == (["MY"], None)


def test_the_public_page_names_the_countries_in_the_readers_language(
    app: Flask, client: Any
) -> None:
    _owner_user, _id, slug = _owner(app, export_markets=["KR", "MY"])

    def facts(language: str) -> str:
        html = client.get(f"/msmes/{slug}", headers={"Accept-Language": language})
        return html.get_data(as_text=True)

    assert "<dd>Malaysia und Südkorea</dd>" in facts("de")
    assert "<dd>대한민국 및 말레이시아</dd>" in facts("ko")
    assert "<dd>Malaysia and South Korea</dd>" in facts("en")
    assert "<dd>Korea Selatan dan Malaysia</dd>" in facts("id")


def test_the_earlier_text_waits_for_the_owner_and_the_office_sees_it(
    app: Flask, login_as: Any
) -> None:
    note = "Europe (through an agent in Jakarta)"
    owner, business_id, slug = _owner(app, export_markets=["NL"], export_markets_note=note)
    with app.app_context():
        officer = make_officer()
        commit_and_detach(officer)
    client = login_as(owner)
    html = client.get("/my/business/edit").get_data(as_text=True)
    assert 'name="export_markets_note"' in html and note in html
    office = login_as(officer).get(f"/office/businesses/{business_id}").get_data(as_text=True)
    assert note in office
    assert note not in app.test_client().get(f"/msmes/{slug}").get_data(as_text=True)

    # The owner ticks the countries and empties the note: it is gone from the form.
    form = {**PROFILE, "nib": "", "export_markets": ["NL", "FR"], "export_markets_note": ""}
    assert post_form(client, "/my/business/edit", form).status_code == 302
    assert _markets(app, business_id) == (["FR", "NL"], None)
    html = client.get("/my/business/edit").get_data(as_text=True)
    assert 'name="export_markets_note"' not in html
