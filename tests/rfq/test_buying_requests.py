"""Buying requests through the services and the HTTP stack: routing to exactly the matching
MSMEs, quotes compared in the buyer's currency, questions, the pick that opens a conversation,
deadlines, screening by the office, ownership, and the report's counts per partner city."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from marketplace.accounts.models import Role, User
from marketplace.db import db, utcnow
from marketplace.errors import ServiceError
from marketplace.interests.models import InterestStatus
from marketplace.interests.transitions import record_won
from marketplace.mail.models import OutboxEmail
from marketplace.notifications.models import Notification
from marketplace.periods import Period
from marketplace.products.models import Product, ProductStatus
from marketplace.reference.models import PartnerCity
from marketplace.rfq import queries, services
from marketplace.rfq.models import BuyingRequest, Quote, QuoteStatus, RequestStatus
from tests.businesses.helpers import commit_and_detach
from tests.conftest import post_form
from tests.factories import (
    buying_request_data,
    make_business,
    make_buyer,
    make_certification,
    make_officer,
    make_product,
    make_user,
    post_buying_request,
    send_quote,
    set_rate,
)

STRAWS = {
    "title": "Bamboo drinking straws",
    "subsector_code": "kriya",
    "hs_code": "4602",
    "quantity": 5000,
    "currency": "AUD",
    "destination": "Melbourne",
}


def _maker(name: str, locale: str = "en", **product: Any) -> Product:
    owner = make_user(Role.MSME, locale=locale, name=f"Owner of {name}")
    business = make_business(
        owner, name=name, subsector_code=product.pop("business_subsector", "kriya")
    )
    values: dict[str, Any] = {
        "name": f"{name} straws",
        "subsector_code": "kriya",
        "hs_code": "460219",
        "monthly_capacity": 2000,
    }
    values.update(product)
    return make_product(business, **values)


def _told(user: User) -> list[Notification]:
    return list(db.session.scalars(sa.select(Notification).where(Notification.user_id == user.id)))


def _mails(user: User) -> list[OutboxEmail]:
    return list(
        db.session.scalars(sa.select(OutboxEmail).where(OutboxEmail.to_address == user.email))
    )


def test_a_request_reaches_exactly_the_matching_msmes(ctx: Flask) -> None:
    matching = _maker("Awi Kriya", locale="id")
    by_prefix = _maker("Bambu Lestari", hs_code="46")  # too short a code: no match...
    short_code = _maker("Rotan Jaya", hs_code="4602")  # ...4 digits are a prefix of the buyer's
    other_code = _maker("Kayu Kita", hs_code="442190")
    fashion = _maker("Batik Kita", subsector_code="fesyen", business_subsector="fesyen")
    small = _maker("Kecil Kriya", monthly_capacity=1000)  # 3,000 in three months: too few
    unknown_capacity = _maker("Tanpa Angka", monthly_capacity=None)
    draft = _maker("Draft Kriya", status=ProductStatus.DRAFT)
    buyer = make_buyer("Green Straw Co")
    buyer.buyer_profile.city = "Melbourne"

    request = post_buying_request(buyer, **STRAWS)

    reached = {r.business_id for r in request.recipients}
    assert reached == {
        matching.business_id,
        short_code.business_id,
        unknown_capacity.business_id,
    }
    for product in (by_prefix, other_code, fashion, small, draft):
        assert _told(product.business.owner) == [] and _mails(product.business.owner) == []
    # One notification and one e-mail each, the e-mail naming the buyer's terms.
    (note,) = _told(matching.business.owner)
    (mail,) = _mails(matching.business.owner)
    assert "Melbourne" in note.text and note.link == f"/my/requests/{request.id}"
    assert "5.000" in mail.body  # the quantity as an Indonesian reader writes it
    assert f"/my/requests/{request.id}" in mail.body


def test_certifications_asked_for_must_be_held_and_not_expired(ctx: Flask) -> None:
    holds = _maker("Halal Kriya")
    make_certification(holds.business, "halal", expires_on=date.today() + timedelta(days=90))
    expired = _maker("Lapsed Kriya")
    make_certification(expired.business, "halal", expires_on=date.today() - timedelta(days=1))
    _maker("Uncertified Kriya")

    request = post_buying_request(make_buyer(), **STRAWS, certification_codes=("halal",))

    assert {r.business_id for r in request.recipients} == {holds.business_id}


def test_bad_requests_are_refused_and_nothing_is_saved(ctx: Flask) -> None:
    buyer = make_buyer()
    today = date.today()
    for fields, words in [
        ({"title": "  "}, "looking for"),
        ({"subsector_code": "nothing"}, "category"),
        ({"hs_code": "46a2"}, "HS code"),
        ({"quantity": 0}, "quantity"),
        ({"unit": "tonne-ish"}, "unit"),
        ({"currency": "XYZ"}, "currency"),
        ({"deadline": today - timedelta(days=1)}, "deadline"),
        ({"deadline": today + timedelta(days=400)}, "deadline"),
        ({"certification_codes": ("nope",)}, "certifications"),
        ({"destination": ""}, "where"),
    ]:
        with pytest.raises(ServiceError, match=f"(?i){words}"):
            services.post_request(buyer, buying_request_data(**fields), submission_key="k1")
        db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(BuyingRequest.id))) == 0
    with pytest.raises(ServiceError):
        services.post_request(make_user(Role.MSME), buying_request_data(), submission_key="k2")


def test_the_same_form_sent_twice_makes_one_request(ctx: Flask) -> None:
    buyer = make_buyer()
    first = services.post_request(buyer, buying_request_data(), submission_key="same")
    again = services.post_request(buyer, buying_request_data(), submission_key="same")
    assert first.id == again.id
    assert db.session.scalar(sa.select(sa.func.count(BuyingRequest.id))) == 1


def test_quotes_deadline_and_the_pick(ctx: Flask) -> None:
    a, b = _maker("Awi Kriya"), _maker("Rotan Jaya")
    outsider = _maker("Batik Kita", subsector_code="fesyen", business_subsector="fesyen")
    buyer = make_buyer("Green Straw Co")
    request = post_buying_request(buyer, **STRAWS)

    with pytest.raises(ServiceError, match="not sent to your business"):
        send_quote(request, outsider)
    with pytest.raises(ServiceError, match="published products"):
        send_quote(request, a, product_id=outsider.id)
    quote_a = send_quote(request, a, unit_price_idr=1_200)
    quote_b = send_quote(request, b, unit_price_idr=1_100, moq=2000)
    # A change of terms keeps one quote per business, and tells the buyer once.
    send_quote(request, a, unit_price_idr=1_150)
    assert db.session.scalar(sa.select(sa.func.count(Quote.id))) == 2
    assert quote_a.unit_price_idr == 1_150
    assert len([n for n in _told(buyer) if "sent a quote" in n.text]) == 2

    question = services.ask(quote_b, buyer, "Are they food-safe?")
    services.ask(quote_b, b.business.owner, "Yes, boiled and dried, tested by BPOM.")
    with pytest.raises(ServiceError):
        services.ask(quote_b, a.business.owner, "I am not the business of this quote.")

    interest = services.pick(request, quote_b, buyer)

    assert request.status == RequestStatus.AWARDED
    assert quote_b.status == QuoteStatus.PICKED and quote_a.status == QuoteStatus.NOT_PICKED
    assert interest.product_id == b.id and interest.buyer_id == buyer.id
    assert interest.status == InterestStatus.REPLIED
    assert [m.body for m in interest.messages] == [
        "We can make these in six weeks.",
        question.body,
        "Yes, boiled and dried, tested by BPOM.",
    ]
    assert any("picked your quote" in n.text for n in _told(b.business.owner))
    assert any("picked another quote" in n.text for n in _told(a.business.owner))
    with pytest.raises(ServiceError, match="picked already"):
        services.pick(request, quote_a, buyer)

    later = post_buying_request(buyer, **STRAWS)
    later.closes_at = utcnow() - timedelta(seconds=1)
    db.session.flush()
    with pytest.raises(ServiceError, match="no more quotes"):
        send_quote(later, a)


def test_the_deadline_ends_with_the_buyers_day(ctx: Flask) -> None:
    moment = services.closing_moment(date(2027, 1, 15), "Australia/Melbourne")
    # Midnight in Melbourne (summer time, UTC+11) is 13:00 UTC the day before.
    assert moment.isoformat() == "2027-01-15T13:00:00+00:00"


def test_screening_holds_a_request_until_an_officer_decides(app: Flask) -> None:
    app.config["BUYING_REQUESTS_SCREENED"] = True
    try:
        with app.app_context():
            maker = _maker("Awi Kriya")
            buyer = make_buyer()
            officer = make_officer()
            held = post_buying_request(buyer, **STRAWS)
            assert held.status == RequestStatus.SCREENING and held.recipients == []
            assert _told(maker.business.owner) == []
            services.approve(held, officer)
            assert [r.business_id for r in held.recipients] == [maker.business_id]
            assert len(_told(maker.business.owner)) == 1

            refused = post_buying_request(buyer, **STRAWS)
            with pytest.raises(ServiceError, match="reason"):
                services.reject(refused, officer, " ")
            services.reject(refused, officer, "Straws of plastic are not sold here.")
            assert refused.status == RequestStatus.REJECTED and refused.recipients == []
            assert any("plastic" in n.text for n in _told(buyer))
    finally:
        app.config["BUYING_REQUESTS_SCREENED"] = False


def test_the_report_counts_requests_quotes_picks_and_deals_per_partner_city(ctx: Flask) -> None:
    melbourne = db.session.scalar(sa.select(PartnerCity).where(PartnerCity.name == "Melbourne"))
    a, b = _maker("Awi Kriya"), _maker("Rotan Jaya")
    buyer = make_buyer("Green Straw Co")
    buyer.buyer_profile.partner_city_id = melbourne.id
    won = post_buying_request(buyer, **STRAWS)
    send_quote(won, a)
    picked = send_quote(won, b)
    interest = services.pick(won, picked, buyer)
    record_won(interest, b.business.owner, 5000, 6_000_000)
    post_buying_request(buyer, **STRAWS)  # no quote
    post_buying_request(make_buyer(), **STRAWS)  # no partner city

    rows = {
        row[0]: tuple(row[1:]) for row in db.session.execute(queries.report_rows(Period.default()))
    }

    assert rows[melbourne.id] == (2, 2, 1, 1, 6_000_000)
    assert rows[None] == (1, 0, 0, 0, 0)


# ---------------------------------------------------------------------------------------------
# Through the pages


def _world(app: Flask) -> dict[str, Any]:
    with app.app_context():
        set_rate("AUD", "10500", date(2026, 1, 1))
        a, b = _maker("Awi Kriya"), _maker("Rotan Jaya")
        outsider = _maker("Batik Kita", subsector_code="fesyen", business_subsector="fesyen")
        buyer = make_buyer("Green Straw Co")
        other_buyer = make_buyer("Someone Else")
        request = post_buying_request(buyer, **STRAWS)
        quote = send_quote(request, a, unit_price_idr=1_050)
        people = {
            "a": a.business.owner,
            "b": b.business.owner,
            "outsider": outsider.business.owner,
            "buyer": buyer,
            "other_buyer": other_buyer,
        }
        ids = {"request": request.id, "quote": quote.id, "b_product": b.id}
        commit_and_detach(*people.values())
        return people | ids


@pytest.mark.committing
def test_pages_post_quote_compare_and_pick(app: Flask, login_as: Any) -> None:
    w = _world(app)
    buyer = login_as(w["buyer"])
    page = buyer.get("/buyer/requests/new").get_data(as_text=True)
    key = re.search(r'name="submission_key"[^>]*value="([^"]+)"', page)
    assert key is not None
    form = {
        "title": "Rattan baskets",
        "subsector_code": "kriya",
        "quantity": "abc",
        "unit": "piece",
        "currency": "AUD",
        "destination": "Melbourne",
        "deadline": (date.today() + timedelta(days=10)).isoformat(),
        "submission_key": key.group(1),
    }
    refused = post_form(buyer, "/buyer/requests/new", form)
    assert refused.status_code == 400
    assert "Not a valid integer value" in refused.get_data(as_text=True)
    form["quantity"] = "300"
    sent = post_form(buyer, "/buyer/requests/new", form)
    assert sent.status_code == 302
    again = post_form(buyer, "/buyer/requests/new", form)
    assert again.headers["Location"] == sent.headers["Location"]

    # B quotes through its page; A's quote was sent before: both are compared in dollars.
    b = login_as(w["b"])
    assert "Bamboo drinking straws" in b.get("/my/requests/").get_data(as_text=True)
    quoted = post_form(
        b,
        f"/my/requests/{w['request']}",
        {"product_id": str(w["b_product"]), "unit_price_idr": "Rp 2.100", "lead_time_days": "21"},
    )
    assert quoted.status_code == 302
    compare = buyer.get(f"/buyer/requests/{w['request']}").get_data(as_text=True)
    assert "Awi Kriya" in compare and "Rotan Jaya" in compare
    # 1,050 rupiah at 10,500 a dollar is 0.10 dollars; 5,000 of them 500 dollars.
    assert "A$0.10" in compare and "A$500.00" in compare and "A$1,000.00" in compare

    # Nobody else reaches the request or its quotes.
    assert login_as(w["outsider"]).get(f"/my/requests/{w['request']}").status_code == 404
    other = login_as(w["other_buyer"])
    assert other.get(f"/buyer/requests/{w['request']}").status_code == 404
    assert (
        post_form(
            other,
            f"/buyer/requests/{w['request']}/quotes/{w['quote']}/pick",
            {},
            page="/buyer/requests/",
        ).status_code
        == 404
    )

    picked = post_form(
        buyer,
        f"/buyer/requests/{w['request']}/quotes/{w['quote']}/pick",
        {},
        page=f"/buyer/requests/{w['request']}",
    )
    assert picked.status_code == 302
    thread = buyer.get(picked.headers["Location"]).get_data(as_text=True)
    assert "The quote picked" in thread and "Rp" in thread and "30 days" in thread


@pytest.mark.committing
def test_office_sees_and_screens_requests(app: Flask, login_as: Any) -> None:
    with app.app_context():
        officer = make_officer()
        commit_and_detach(officer)
    w = _world(app)
    office = login_as(officer)
    page = office.get("/office/requests").get_data(as_text=True)
    assert "Bamboo drinking straws" in page and "Sent to 2 businesses" in page
    with app.app_context():
        waiting = db.session.get_one(BuyingRequest, w["request"])
        waiting.status = RequestStatus.SCREENING
        db.session.commit()
    refused = post_form(
        office,
        f"/office/requests/{w['request']}/screen",
        {f"s{w['request']}-reason": "", f"s{w['request']}-reject": "1"},
        page="/office/requests?status=screening",
    )
    assert refused.status_code == 302
    with app.app_context():
        assert db.session.get_one(BuyingRequest, w["request"]).status == RequestStatus.SCREENING
    assert login_as(w["buyer"]).get("/office/requests").status_code == 403
    report = office.get("/office/reports").get_data(as_text=True)
    assert "Buying requests posted in the period" in report
    assert re.search(r"No partner city</th><td[^>]*>1</td><td[^>]*>1</td><td[^>]*>0</td>", report)


def test_buyers_are_told_once_when_quotes_close(app: Flask) -> None:
    """`flask close-buying-requests`: after the deadline each buyer hears once how many quotes
    came, in their language; a request still open, withdrawn or picked is left alone."""
    with app.app_context():
        maker = _maker("Awi Kriya")
        buyer = make_buyer("Green Straw Co", locale="de")
        quoted = post_buying_request(buyer, **STRAWS)
        send_quote(quoted, maker)
        empty = post_buying_request(buyer, **STRAWS)
        running = post_buying_request(buyer, **STRAWS)
        withdrawn = post_buying_request(buyer, **STRAWS)
        services.withdraw(withdrawn, buyer)
        past = utcnow() - timedelta(minutes=1)
        for request in (quoted, empty, withdrawn):
            request.closes_at = past
        db.session.commit()
        ids = (quoted.id, empty.id, running.id)
        before = db.session.scalar(sa.select(sa.func.max(Notification.id)))

    first = app.test_cli_runner().invoke(args=["close-buying-requests"])
    again = app.test_cli_runner().invoke(args=["close-buying-requests"])

    assert "Told the buyers of 2 buying request(s)" in first.output
    assert "Told the buyers of 0 buying request(s)" in again.output
    with app.app_context():
        told = db.session.scalars(sa.select(Notification).where(Notification.id > before)).all()
        by_link = {n.link: n.text for n in told}
        assert set(by_link) == {f"/buyer/requests/{ids[0]}", f"/buyer/requests/{ids[1]}"}
        # In the buyer's German.
        assert "1 Angebot" in by_link[f"/buyer/requests/{ids[0]}"]
        assert "kein Unternehmen" in by_link[f"/buyer/requests/{ids[1]}"]
        assert db.session.get_one(BuyingRequest, ids[2]).closed_notice_at is None
