"""The buyer's own profile page (/buyer/profile): editing the company, the subsectors of
interest, the preferred currency and language; the rules it shares with registration."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from marketplace.accounts.buyer_profiles import BuyerProfileData, update_buyer_profile
from marketplace.accounts.models import BuyerType, Role, User
from marketplace.accounts.services import AccountError, BuyerDetails
from marketplace.db import db
from marketplace.reference.models import PartnerCity
from tests.businesses.helpers import commit_and_detach
from tests.conftest import post_form
from tests.factories import make_buyer, make_user

pytestmark = pytest.mark.usefixtures("storefront")


def _details(**overrides: Any) -> BuyerDetails:
    values: dict[str, Any] = {
        "company": "Harz Handel GmbH",
        "buyer_type": BuyerType.IMPORTER,
        "city": "Braunschweig",
        "country_code": "DE",
    }
    values.update(overrides)
    return BuyerDetails(**values)


def test_the_profile_is_saved_with_subsectors_currency_and_language(ctx: Flask) -> None:
    buyer = make_buyer()
    city = db.session.scalars(
        sa.select(PartnerCity).where(PartnerCity.name == "Braunschweig")
    ).one()
    profile = update_buyer_profile(
        buyer,
        BuyerProfileData(
            details=_details(company="  Harz   Handel  ", partner_city_id=city.id),
            subsector_codes=["fesyen", "kriya", "fesyen"],
            preferred_currency="EUR",
            locale="id",
        ),
    )
    assert profile.company == "Harz Handel" and profile.buyer_type == BuyerType.IMPORTER
    assert sorted(s.code for s in profile.subsectors) == ["fesyen", "kriya"]
    assert (profile.preferred_currency, profile.partner_city_id) == ("EUR", city.id)
    assert buyer.locale == "id"


def test_a_buyer_without_a_profile_gets_one(ctx: Flask) -> None:
    buyer = make_user(Role.BUYER)
    update_buyer_profile(buyer, BuyerProfileData(details=_details()))
    assert buyer.buyer_profile is not None and buyer.buyer_profile.subsectors == []


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (BuyerProfileData(details=_details(company="")), "company"),
        (BuyerProfileData(details=_details(country_code="XX")), "country"),
        (BuyerProfileData(details=_details(partner_city_id=999999)), "partner city"),
        (BuyerProfileData(details=_details(), subsector_codes=["nope"]), "subsectors"),
        (BuyerProfileData(details=_details(), preferred_currency="GBP"), "currency"),
        (BuyerProfileData(details=_details(), locale="th"), "language"),
    ],
)
def test_bad_values_are_refused(ctx: Flask, data: BuyerProfileData, error: str) -> None:
    buyer = make_buyer()
    with pytest.raises(AccountError, match=error):
        update_buyer_profile(buyer, data)


def test_only_buyers_have_a_buyer_profile(ctx: Flask) -> None:
    with pytest.raises(AccountError, match="Only buyers"):
        update_buyer_profile(make_user(Role.MSME), BuyerProfileData(details=_details()))


def test_the_profile_page_edits_the_profile(app: Flask, login_as: Any) -> None:
    with app.app_context():
        buyer = make_buyer()
        commit_and_detach(buyer)
    client = login_as(buyer)
    page = client.get("/buyer/profile")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'value="Harz Handel GmbH"' in html and "Subsectors you are interested in" in html
    response = post_form(
        client,
        "/buyer/profile",
        {
            "company": "Harz Handel GmbH",
            "buyer_type": "distributor",
            "city": "Wolfsburg",
            "country": "DE",
            "partner_city": "",
            "subsectors": ["kriya", "kuliner"],
            "preferred_currency": "EUR",
            "locale": "en",
        },
    )
    assert response.status_code == 302
    assert "Your profile is saved." in client.get("/buyer/profile").get_data(as_text=True)
    with app.app_context():
        saved = db.session.get_one(User, buyer.id).buyer_profile
        assert saved is not None
        assert (saved.city, saved.buyer_type) == ("Wolfsburg", BuyerType.DISTRIBUTOR)
        assert sorted(s.code for s in saved.subsectors) == ["kriya", "kuliner"]
    bad = post_form(client, "/buyer/profile", {"company": "", "city": "x" * 121, "country": ""})
    bad_html = bad.get_data(as_text=True)
    assert bad.status_code == 400 and "Please fill in this field." in bad_html


def test_the_profile_page_is_for_buyers(app: Flask, client: Any, login_as: Any) -> None:
    with app.app_context():
        owner = make_user(Role.MSME)
        commit_and_detach(owner)
    assert login_as(owner).get("/buyer/profile").status_code == 403
    assert client.get("/buyer/profile").status_code == 302


def test_a_private_buyer_needs_no_company_or_city(ctx: Flask) -> None:
    buyer = make_buyer()
    profile = update_buyer_profile(
        buyer,
        BuyerProfileData(
            details=_details(buyer_type=BuyerType.INDIVIDUAL, company="Dropped", city="")
        ),
    )
    assert (profile.buyer_type, profile.company, profile.city) == (BuyerType.INDIVIDUAL, "", "")
    with pytest.raises(AccountError, match="city"):
        update_buyer_profile(buyer, BuyerProfileData(details=_details(city="")))


def test_the_profile_page_asks_a_business_for_company_and_city(app: Flask, login_as: Any) -> None:
    with app.app_context():
        buyer = make_buyer()
        commit_and_detach(buyer)
    client = login_as(buyer)
    values = {"buyer_type": "retailer", "company": "", "city": "", "country": "DE", "locale": "en"}
    refused = post_form(client, "/buyer/profile", values)
    assert refused.status_code == 400
    assert refused.get_data(as_text=True).count("Please fill in this field.") == 2
    saved = post_form(client, "/buyer/profile", {**values, "buyer_type": "individual"})
    assert saved.status_code == 302
    with app.app_context():
        profile = db.session.get_one(User, buyer.id).buyer_profile
        assert profile is not None and profile.buyer_type == BuyerType.INDIVIDUAL
