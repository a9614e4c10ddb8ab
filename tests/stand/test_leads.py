"""Leads at the stand through the HTTP stack: who may take them, what a lead must hold, the
interest it becomes for the MSME, the visitor's confirmation, and an entry sent twice."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Flask

from marketplace.accounts.models import Role
from marketplace.channels import coordinators
from marketplace.db import db
from marketplace.interests.models import Interest, InterestStatus, StandVisitor
from marketplace.mail.models import OutboxEmail
from marketplace.notifications.models import Notification
from tests.businesses.helpers import commit_and_detach
from tests.channels.helpers import accept, nominate_all
from tests.conftest import post_form
from tests.factories import harz_und_heide, make_officer, make_user, owner_with_products

JSON = {"Accept": "application/json"}


def _fair(app: Flask) -> dict[str, Any]:
    with app.app_context():
        fair = harz_und_heide()
        officer = make_officer()
        lamp, basket = owner_with_products(2)
        (other,) = owner_with_products(1)
        nominations = [accept(officer, n) for n in nominate_all([lamp, basket, other], fair)]
        coordinator = make_user(Role.COORDINATOR, name="Jonas Krüger")
        coordinators.assign_channels(make_user(Role.ADMIN), coordinator, [fair.id])
        stranger = make_user(Role.COORDINATOR)
        owner, other_owner = lamp.business.owner, other.business.owner
        data = {"fair": fair.id, "nominations": [n.id for n in nominations]}
        commit_and_detach(coordinator, stranger, owner, other_owner)
    return {
        **data,
        "coordinator": coordinator,
        "stranger": stranger,
        "owner": owner,
        "other_owner": other_owner,
    }


def _lead(nomination: int, key: str, **fields: str) -> dict[str, Any]:
    return {
        "nomination": nomination,
        "name": "Anna Becker",
        "email": "anna.becker@example.de",
        "whatsapp": "",
        "country": "DE",
        "locale": "de",
        "quantity": "12",
        "note": "Sucht Lampen für ihr Café.",
        "consent": "y",
        "client_key": key,
        **fields,
    }


def test_a_lead_reaches_the_msme_as_an_interest_from_the_stand(app: Flask, login_as: Any) -> None:
    data = _fair(app)
    client = login_as(data["coordinator"])
    page = f"/stand/{data['fair']}/leads"
    html = client.get(page).get_data(as_text=True)
    # The coordinator reads English; the consent is shown in the visitor's language (German
    # at a fair in Braunschweig) with every language's words at hand for the script.
    assert 'id="consent-text" lang="de"' in html and "einverstanden" in html

    lamp = data["nominations"][0]
    sent = post_form(client, page, _lead(lamp, "k1"), headers=JSON)
    assert sent.status_code == 200 and sent.get_json()["new"] is True
    again = post_form(client, page, _lead(lamp, "k1"), headers=JSON)  # the answer was lost
    assert again.get_json() == {**sent.get_json(), "new": False}

    with app.app_context():
        (interest,) = db.session.scalars(sa.select(Interest)).all()
        assert (interest.buyer_id, interest.channel_id, interest.status) == (
            None,
            data["fair"],
            InterestStatus.NEW,
        )
        visitor = db.session.get_one(StandVisitor, interest.visitor_id)
        assert (visitor.name, visitor.locale, visitor.country_code) == ("Anna Becker", "de", "DE")
        assert "einverstanden" in visitor.consent_text and "Harz und Heide" in visitor.consent_text
        mails = db.session.scalars(sa.select(OutboxEmail).order_by(OutboxEmail.id)).all()
        to_visitor = [m for m in mails if m.to_address == "anna.becker@example.de"]
        assert len(to_visitor) == 1 and "/products/" in to_visitor[0].body
        assert "Guten Tag Anna Becker" in to_visitor[0].body
        assert (
            db.session.scalar(
                sa.select(sa.func.count(Notification.id)).where(
                    Notification.user_id == data["owner"].id
                )
            )
            == 1
        )

    inbox = login_as(data["owner"]).get("/interests").get_data(as_text=True)
    assert "Anna Becker" in inbox and "at the stand of Harz und Heide" in inbox
    thread = login_as(data["owner"]).get(f"/interests/{interest.id}").get_data(as_text=True)
    assert "anna.becker@example.de" in thread and "Met at the stand" in thread
    assert 'name="body"' not in thread  # no message to a visitor without an account


def test_a_lead_needs_a_way_back_and_consent(app: Flask, login_as: Any) -> None:
    data = _fair(app)
    client = login_as(data["coordinator"])
    page = f"/stand/{data['fair']}/leads"
    lamp = data["nominations"][0]
    for fields, message in (
        ({"email": "", "whatsapp": ""}, "e-mail address or a WhatsApp number"),
        ({"email": "", "whatsapp": "0151 2345"}, "country code"),
        ({"email": "not-an-address"}, "e-mail"),
        ({"consent": ""}, "agree to be contacted"),
        ({"name": " "}, "visitor's name"),
    ):
        refused = post_form(client, page, _lead(lamp, "k-bad", **fields), headers=JSON)
        assert refused.status_code == 400, fields
        assert message.lower() in str(refused.get_json()).lower(), (fields, refused.get_json())
    whatsapp_only = post_form(
        client, page, _lead(lamp, "k-wa", email="", whatsapp="+49 151 2345 6789"), headers=JSON
    )
    assert whatsapp_only.status_code == 200
    with app.app_context():
        (visitor,) = db.session.scalars(sa.select(StandVisitor)).all()
        assert visitor.whatsapp == "+4915123456789" and visitor.email is None
        assert (
            db.session.scalar(
                sa.select(sa.func.count(OutboxEmail.id)).where(
                    OutboxEmail.to_address.not_like("%@%.test")
                )
            )
            is not None
        )


def test_who_may_take_leads_at_a_stand(app: Flask, login_as: Any) -> None:
    data = _fair(app)
    page = f"/stand/{data['fair']}/leads"
    lamp, basket, other = data["nominations"]
    assert login_as(data["stranger"]).get(page).status_code == 404
    owner = login_as(data["owner"])
    html = owner.get(page).get_data(as_text=True)
    # An MSME staffing its own stand: its own products only.
    assert f'value="{lamp}"' in html and f'value="{other}"' not in html
    refused = post_form(owner, page, _lead(other, "k-other"), headers=JSON)
    assert refused.status_code == 400
    assert post_form(owner, page, _lead(basket, "k-own"), headers=JSON).status_code == 200
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Interest.id))) == 1
