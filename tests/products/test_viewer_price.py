"""The product page's price in the viewer's currency: the buyer's own, else the currency of the
channel the visit came through, converted with the office's rate and naming it and its date
one tap away; rupiah only when there is no such currency or rate."""

from __future__ import annotations

from typing import Any

import pytest
from babel.dates import format_date
from flask import Flask
from flask.testing import FlaskClient

from marketplace.db import db
from tests.businesses.helpers import commit_and_detach
from tests.catalog.helpers import channel, city
from tests.channels.helpers import accept, nominate_all, yesterday
from tests.factories import make_business, make_buyer, make_officer, make_product, set_rate
from tests.prices import first_price


@pytest.fixture
def shelf(app: Flask) -> dict[str, Any]:
    """An angklung set at Rp 950,000 on show at Little Bandung, and the office's rates."""
    with app.app_context():
        product = make_product(make_business(), name="Angklung set", price_idr=950_000, unit="set")
        seoul = channel("little-bandung")
        seoul.capacity = 5
        (nomination,) = nominate_all([product], seoul)
        accept(make_officer(), nomination)
        rate_day = yesterday()
        set_rate("KRW", "11.75", rate_day)
        set_rate("EUR", "17500", rate_day)
        db.session.commit()
        return {"slug": product.slug, "token": nomination.qr_token, "day": rate_day}


def _price_line(client: FlaskClient, slug: str) -> str:
    return first_price(client.get(f"/products/{slug}").get_data(as_text=True))


def test_a_direct_visit_shows_rupiah_only(client: FlaskClient, shelf: dict[str, Any]) -> None:
    line = _price_line(client, shelf["slug"])
    assert line == "Rp 950,000 / set"


def test_a_scanned_tag_shows_the_channels_currency_with_the_rates_date(
    client: FlaskClient, shelf: dict[str, Any]
) -> None:
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.get(f"/t/{shelf['token']}")
    line = _price_line(client, shelf["slug"])
    day = format_date(shelf["day"], "medium", locale="en")
    assert line == (
        f"Rp 950,000 / set ≈ ₩80,851 Rate of {day}: ₩100 = Rp 1,175 (trade office), indicative"
    )


def test_a_buyers_own_currency_comes_first(
    app: Flask, login_as: Any, shelf: dict[str, Any]
) -> None:
    with app.app_context():
        preferring, in_braunschweig, without = make_buyer(), make_buyer(), make_buyer()
        preferring.buyer_profile.preferred_currency = "KRW"  # type: ignore[union-attr]
        in_braunschweig.buyer_profile.partner_city = city("Braunschweig")  # type: ignore[union-attr]
        commit_and_detach(preferring, in_braunschweig, without)
    assert "≈ ₩80,851 " in _price_line(login_as(preferring), shelf["slug"])
    assert "≈ €54.29 " in _price_line(login_as(in_braunschweig), shelf["slug"])
    assert "≈" not in _price_line(login_as(without), shelf["slug"])


def test_no_rate_no_conversion(app: Flask, client: FlaskClient, shelf: dict[str, Any]) -> None:
    with app.app_context():
        channel("little-bandung").currency = "MYR"
        db.session.commit()
    client.get(f"/t/{shelf['token']}")
    assert "≈" not in _price_line(client, shelf["slug"])
