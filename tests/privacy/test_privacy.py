"""Personal data: the notice in every language, a buyer's download and deletion (the MSME's
record of the conversation and the office's figures stay, anonymous), and a stand visitor's
own page reached by the link in their confirmation mail."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from marketplace.accounts.models import Role, User, UserStatus
from marketplace.channels import coordinators
from marketplace.db import db, utcnow
from marketplace.interests.models import Interest, ShortlistEntry, StandVisitor
from marketplace.interests.shortlist import add_to_shortlist
from marketplace.interests.stand_leads import LeadData, capture_lead
from marketplace.mail.models import OutboxEmail
from marketplace.matching.models import MatchingMeeting, MatchingParticipant, MeetingStatus
from marketplace.matching.services import free_slots, register, request_meeting
from marketplace.notifications.models import Notification
from marketplace.office.models import Grouping
from marketplace.office.reports import build_report
from marketplace.periods import Period
from marketplace.privacy.services import purge_visitors
from marketplace.rfq.models import BuyingRequest, RequestStatus
from marketplace.rfq.services import ask
from tests.accounts.helpers import log_in
from tests.businesses.helpers import commit_and_detach
from tests.channels.helpers import accept, nominate_all
from tests.conftest import post_form
from tests.factories import (
    PASSWORD,
    harz_und_heide,
    make_buyer,
    make_officer,
    make_user,
    post_buying_request,
    product,
    send_quote,
)
from tests.interests.helpers import express
from tests.matching.helpers import join_msme, make_event

LANGUAGES = ("en", "id", "de", "fr", "ko", "ms", "zh")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_notice_says_what_why_and_how_long_in_every_language(client: Any, lang: str) -> None:
    response = client.get(f"/privacy?lang={lang}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f'<html lang="{"zh-Hans" if lang == "zh" else lang}"' in html
    assert "730" in html  # how long a stand visitor's details are kept
    if lang != "en":
        assert "They are kept as long as your account exists" not in html


def test_a_buyer_downloads_and_deletes_their_data(app: Flask, login_as: Any) -> None:
    with app.app_context():
        buyer = make_buyer(company="Harz Handel GmbH")
        item = product("Bamboo pendant lamp")
        interest = express(buyer, item, "We would like 50 lamps.")
        add_to_shortlist(item, buyer)
        interest_id, email, item_name = interest.id, buyer.email, item.name
        commit_and_detach(buyer)
        before = build_report(Period.default(), Grouping.COUNTRY).total.figures
    client = login_as(buyer)
    data = client.get("/my/data.json")
    assert data.status_code == 200 and "no-store" in data.headers["Cache-Control"]
    body = json.loads(data.get_data(as_text=True))
    assert body["account"]["email"] == email
    assert body["buyer_profile"]["company"] == "Harz Handel GmbH"
    assert body["interests"][0]["message"] == "We would like 50 lamps."
    assert body["shortlist"] == [item_name]

    wrong = post_form(
        client, "/my/data/delete", {"confirmation": "not my password"}, page="/my/data"
    )
    assert wrong.status_code == 400
    with app.app_context():
        assert db.session.get_one(User, buyer.id).status == UserStatus.ACTIVE

    done = post_form(client, "/my/data/delete", {"confirmation": PASSWORD}, page="/my/data")
    assert done.status_code == 302
    with app.app_context():
        gone = db.session.get_one(User, buyer.id)
        assert gone.status == UserStatus.DELETED and email not in gone.email
        assert gone.buyer_profile is not None and gone.buyer_profile.company == "—"
        assert db.session.get(Interest, interest_id) is not None  # the MSME's record stays
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ShortlistEntry)) == 0
        assert (
            db.session.scalar(
                sa.select(sa.func.count(OutboxEmail.id)).where(OutboxEmail.to_address == email)
            )
            == 0
        )
        after = build_report(Period.default(), Grouping.COUNTRY).total.figures
        assert (after.interests, after.deals) == (before.interests, before.deals)
    # Nobody logs in to it any more, and the session it had has ended.
    refused = log_in(app.test_client(), email, PASSWORD)
    assert refused.status_code == 400 and "E-mail or password is incorrect." in refused.get_data(
        as_text=True
    )
    assert client.get("/my/data").status_code == 302


def test_a_stand_visitor_sees_downloads_and_deletes_their_details(app: Flask, client: Any) -> None:
    with app.app_context():
        fair = harz_und_heide()
        officer = make_officer()
        (nomination,) = [
            accept(officer, n) for n in nominate_all([product("Bamboo pendant lamp")], fair)
        ]
        coordinator = make_user(Role.COORDINATOR)
        coordinators.assign_channels(make_user(Role.ADMIN), coordinator, [fair.id])
        lead = LeadData("Anna Becker", "anna@example.de", None, "DE", "de", 2, "", True)
        interest, _new = capture_lead(fair, coordinator, nomination.id, lead, "key-1")
        db.session.commit()
        mail = db.session.scalars(
            sa.select(OutboxEmail).where(OutboxEmail.to_address == "anna@example.de")
        ).one()
        interest_id = interest.id
    link = re.search(r"https?://\S+/privacy/visitor/\S+", mail.body)
    assert link, mail.body
    path = "/privacy/visitor/" + link.group(0).split("/privacy/visitor/", 1)[1]
    page = client.get(path).get_data(as_text=True)
    assert "Anna Becker" in page and "anna@example.de" in page
    assert (
        json.loads(client.get(f"{path}/data.json").get_data(as_text=True))["name"] == "Anna Becker"
    )
    assert client.get(path[:-3] + "xyz").status_code == 404

    post_form(client, f"{path}/delete", {}, page=path)
    with app.app_context():
        visitor = db.session.scalars(sa.select(StandVisitor)).one()
        assert (visitor.name, visitor.email, visitor.consent_text) == ("—", None, "")
        assert visitor.erased_at is not None and visitor.country_code == "DE"
        assert db.session.get(Interest, interest_id) is not None
    assert "anna@example.de" not in client.get(path).get_data(as_text=True)


def test_stand_visitors_are_forgotten_when_kept_long_enough(app: Flask) -> None:
    with app.app_context():
        fair = harz_und_heide()
        officer = make_officer()
        (nomination,) = [
            accept(officer, n) for n in nominate_all([product("Bamboo pendant lamp")], fair)
        ]
        lead = LeadData("Mia", None, "+4915123456789", "DE", "de", None, "", True)
        capture_lead(fair, officer, nomination.id, lead, "key-2")
        db.session.flush()
        assert purge_visitors(utcnow() - timedelta(days=1)) == 0
        assert purge_visitors(utcnow() + timedelta(seconds=1)) == 1
        assert db.session.scalars(sa.select(StandVisitor.whatsapp)).one() is None


def test_a_buyers_requests_and_meetings_are_in_their_data_and_end_with_the_account(
    app: Flask, login_as: Any
) -> None:
    """The download holds the buyer's buying requests (with the quotes and questions) and their
    business-matching registrations (with the meetings); deleting the account withdraws an open
    request and cancels a meeting still to come, and the MSMEs are told."""
    with app.app_context():
        buyer = make_buyer(company="Harz Handel GmbH")
        maker = product("Batik silk scarf")
        request = post_buying_request(buyer)
        quote = send_quote(request, maker)
        ask(quote, buyer, "Can you pack them in tens?")
        event = make_event()
        mine = register(event, buyer, "Gift shops in Lower Saxony.", "Batik scarves.")
        msme = join_msme(event)
        meeting = request_meeting(mine, msme, free_slots(event)[0].starts_at)
        ids = {"request": request.id, "meeting": meeting.id, "participant": mine.id}
        owner = maker.business.owner_id
        commit_and_detach(buyer)
    client = login_as(buyer)
    body = json.loads(client.get("/my/data.json").get_data(as_text=True))
    (asked,) = body["buying_requests"]
    assert asked["what"] == "Batik silk scarves" and asked["status"] == "open"
    assert asked["quotes"][0]["price_per_unit_idr"] == 450_000
    assert asked["quotes"][0]["questions"][0]["body"] == "Can you pack them in tens?"
    (registration,) = body["business_matching"]
    assert registration["offer"] == "Gift shops in Lower Saxony."
    assert registration["meetings"][0]["with"] == "Batik Sekar Jagad"

    done = post_form(client, "/my/data/delete", {"confirmation": PASSWORD}, page="/my/data")
    assert done.status_code == 302
    with app.app_context():
        assert db.session.get_one(BuyingRequest, ids["request"]).status == RequestStatus.WITHDRAWN
        assert db.session.get_one(MatchingMeeting, ids["meeting"]).status == MeetingStatus.CANCELLED
        kept = db.session.get_one(MatchingParticipant, ids["participant"])
        assert (kept.offer, kept.seek) == ("", "")
        told = db.session.scalars(
            sa.select(Notification.text).where(Notification.user_id == owner)
        ).all()
        assert any("withdrew the request" in text for text in told)
