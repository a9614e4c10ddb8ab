"""The time zone in the account settings: offered by partner city first, checked on the server."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from marketplace.accounts import services
from marketplace.accounts.models import BuyerProfile, BuyerType, Role, User
from marketplace.accounts.services import AccountError
from marketplace.db import db
from marketplace.reference.models import PartnerCity
from tests.accounts.helpers import log_in
from tests.conftest import post_form
from tests.factories import make_user, seed_reference

EMAIL = "zone@example.kr"
OPTION = re.compile(r'<option([^>]*)value="([^"]*)"([^>]*)>([^<]*)</option>')


@pytest.fixture
def buyer(app: Flask) -> str:
    """A buyer of Suwon who saved no zone, logged in by the tests."""
    with app.app_context():
        seed_reference()
        suwon = db.session.scalars(sa.select(PartnerCity).where(PartnerCity.name == "Suwon")).one()
        user = make_user(Role.BUYER, email=EMAIL, name="Kim Minji")
        user.buyer_profile = BuyerProfile(
            company="Suwon Trading",
            buyer_type=BuyerType.IMPORTER,
            city="Suwon",
            country_code="KR",
            partner_city=suwon,
        )
        db.session.commit()
    return EMAIL


def _saved(app: Flask) -> tuple[str, str | None]:
    with app.app_context():
        user = db.session.scalars(sa.select(User).where(User.email == EMAIL)).one()
        return user.name, user.timezone


def _options(html: str) -> list[tuple[str, str, bool]]:
    """(value, label, selected) of the time-zone select's options, in order."""
    select = html.split('name="timezone"', 1)[1].split("</select>", 1)[0]
    return [
        (value, label, "selected" in before + after)
        for before, value, after, label in OPTION.findall(select)
    ]


def test_the_partner_cities_zones_come_first_then_bandung_then_every_zone(
    app: Flask, client: FlaskClient, buyer: str
) -> None:
    log_in(client, buyer)
    html = client.get("/auth/settings").get_data(as_text=True)
    assert '<label for="timezone">Time zone</label>' in html
    options = _options(html)
    assert options[0] == ("", "Automatic (Asia/Seoul)", True)
    top = [label for value, label, _ in options[1:12]]
    assert top[:3] == [
        "Braunschweig (Europe/Berlin)",
        "Fort Worth (America/Chicago)",
        "Hangzhou, Liuzhou, Yingkou (Asia/Shanghai)",
    ]
    assert "Suwon (Asia/Seoul)" in top and "Namur (Europe/Brussels)" in top
    assert "Petaling Jaya (Asia/Kuala_Lumpur)" in top and "Melbourne (Australia/Melbourne)" in top
    assert top[7] == "Bandung (Asia/Jakarta)"
    assert '<optgroup label="All time zones">' in html
    every = [value for value, _, _ in options[9:]]
    assert every == sorted(every) and {"Asia/Seoul", "Pacific/Auckland", "UTC"} <= set(every)


def test_a_chosen_zone_is_saved_and_shown_as_chosen_once(
    app: Flask, client: FlaskClient, buyer: str
) -> None:
    log_in(client, buyer)
    response = post_form(
        client, "/auth/settings", {"name": "Kim Minji", "locale": "ko", "timezone": "Asia/Seoul"}
    )
    assert response.status_code == 302
    assert _saved(app) == ("Kim Minji", "Asia/Seoul")
    options = _options(client.get("/auth/settings").get_data(as_text=True))
    assert [(value, label) for value, label, chosen in options if chosen] == [
        ("Asia/Seoul", "Suwon (Asia/Seoul)")
    ]

    post_form(client, "/auth/settings", {"name": "Kim Minji", "locale": "ko", "timezone": ""})
    assert _saved(app) == ("Kim Minji", None)  # back to automatic


def test_an_unknown_zone_is_refused_with_a_message_and_nothing_is_saved(
    app: Flask, client: FlaskClient, buyer: str
) -> None:
    log_in(client, buyer)
    for zone in ("Mars/Olympus_Mons", "asia/seoul", "../../etc/passwd", "x" * 300):
        response = post_form(
            client, "/auth/settings", {"name": "Someone Else", "locale": "en", "timezone": zone}
        )
        assert response.status_code == 400
        html = response.get_data(as_text=True)
        assert "Choose a time zone from the list." in html
        assert 'aria-invalid="true"' in html.split('name="timezone"')[0].rsplit("<select", 1)[1]
    assert _saved(app) == ("Kim Minji", None)


def test_the_zone_is_not_changed_without_the_csrf_token(
    app: Flask, client: FlaskClient, buyer: str
) -> None:
    log_in(client, buyer)
    response = client.post(
        "/auth/settings", data={"name": "Kim Minji", "locale": "en", "timezone": "UTC"}
    )
    assert response.status_code == 400
    assert _saved(app) == ("Kim Minji", None)


def test_the_service_refuses_an_unknown_zone(app: Flask, buyer: str) -> None:
    with app.app_context():
        user = db.session.scalars(sa.select(User).where(User.email == EMAIL)).one()
        with pytest.raises(AccountError, match="Choose a time zone from the list."):
            services.update_settings(user, "Kim Minji", "ko", "Europe/Atlantis")
        services.update_settings(user, "Kim Minji", "ko", "Europe/Berlin")
        assert user.timezone == "Europe/Berlin"
        db.session.rollback()
