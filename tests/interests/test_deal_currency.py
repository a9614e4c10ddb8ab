"""A deal recorded in the currency it was negotiated in: the amount, the currency and the rate
are kept, the rupiah value is what the reports sum, and the conversation shows both. Bad
input (an unknown currency, no rate, a negative amount) is refused and changes nothing."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from marketplace.db import db
from marketplace.interests import services, transitions
from marketplace.interests.models import Interest, InterestStatus
from marketplace.interests.services import InterestError
from marketplace.ledger.models import AuditEntry
from marketplace.office.models import Grouping, ReportDay
from marketplace.periods import bandung_today
from tests.businesses.helpers import commit_and_detach
from tests.conftest import post_form
from tests.factories import make_buyer, make_listing, set_rate
from tests.interests.helpers import express
from tests.prices import plain


def _value_in_reports() -> int:
    return int(
        db.session.scalar(
            sa.select(sa.func.coalesce(sa.func.sum(ReportDay.value_idr), 0)).where(
                ReportDay.dimension == Grouping.SUBSECTOR
            )
        )
    )


def _negotiating(currency: str | None = None) -> tuple[Interest, Any]:
    product = make_listing()
    owner = product.business.owner
    terms: dict[str, Any] = {}
    if currency:
        terms = {"target_price": Decimal("105.00"), "currency": currency}
    interest = express(make_buyer(), product, **terms)
    services.post_message(interest, owner, "Thank you, we can deliver by May.")
    transitions.start_negotiating(interest, owner)
    return interest, owner


def test_a_deal_in_euro_keeps_its_rate_and_counts_in_rupiah(ctx: Flask) -> None:
    set_rate("EUR", "17000", date(2026, 1, 1))  # older, not in force
    set_rate("EUR", "17512.40", bandung_today() - timedelta(days=2))
    interest, owner = _negotiating()
    transitions.record_won(interest, owner, 50, Decimal("5250.00"), "EUR")
    db.session.flush()
    assert interest.status == InterestStatus.WON
    assert interest.won_amount == Decimal("5250.00") and interest.won_currency == "EUR"
    assert interest.won_idr_per_unit == Decimal("17512.40")
    assert interest.won_value_idr == 91_940_100  # 5,250 × 17,512.40
    assert _value_in_reports() == 91_940_100
    entry = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == "interest.won")
    ).one()
    assert (
        entry.after["won_currency"] == "EUR" and entry.after["won_idr_per_unit"] == "17512.400000"
    )


def test_a_rate_given_by_the_owner_is_used_over_the_offices(ctx: Flask) -> None:
    set_rate("KRW", "11.75", bandung_today())
    interest, owner = _negotiating()
    transitions.record_won(interest, owner, 10, Decimal("1000000"), "KRW", Decimal("11.8"))
    assert (interest.won_value_idr, interest.won_idr_per_unit) == (11_800_000, Decimal("11.8"))


def test_rupiah_deals_stay_as_they_were(ctx: Flask) -> None:
    interest, owner = _negotiating()
    transitions.record_won(interest, owner, 50, 22_500_000)
    assert (interest.won_value_idr, interest.won_currency) == (22_500_000, "IDR")
    assert interest.won_idr_per_unit == Decimal(1)


@pytest.mark.parametrize(
    ("value", "currency", "rate", "message"),
    [
        (Decimal("100"), "XAU", None, "XAU is not a currency deals can be recorded in."),
        (Decimal("100"), "AUD", None, "no exchange rate for AUD yet"),
        (Decimal("-100"), "EUR", None, "The value must be an amount above zero."),
        (Decimal("0"), "EUR", None, "The value must be an amount above zero."),
        (Decimal("10.005"), "EUR", None, "EUR amounts have at most 2 decimals."),
        (Decimal("10.5"), "KRW", None, "KRW amounts have at most 0 decimals."),
        (Decimal("100"), "EUR", Decimal("-1"), "The rate must be a number of rupiah above zero."),
    ],
)
def test_bad_deals_are_refused_and_change_nothing(
    ctx: Flask, value: Decimal, currency: str, rate: Decimal | None, message: str
) -> None:
    set_rate("EUR", "17500", bandung_today())
    set_rate("KRW", "11.75", bandung_today())
    interest, owner = _negotiating()
    with pytest.raises(InterestError, match=message):
        transitions.record_won(interest, owner, 5, value, currency, rate)
    assert interest.status == InterestStatus.NEGOTIATING
    assert (interest.won_value_idr, interest.won_amount, interest.won_currency) == (
        None,
        None,
        None,
    )
    assert _value_in_reports() == 0


@pytest.fixture
def talks(app: Flask) -> dict[str, Any]:
    """A negotiation about a target price in euro, and the office's euro rate."""
    with app.app_context():
        set_rate("EUR", "17500", bandung_today() - timedelta(days=1))
        interest, owner = _negotiating(currency="EUR")
        buyer = interest.buyer
        interest_id = interest.id
        commit_and_detach(owner, buyer)
    return {"url": f"/interests/{interest_id}", "owner": owner, "buyer": buyer, "id": interest_id}


def _interest(app: Flask, interest_id: int) -> Interest:
    with app.app_context():
        interest = db.session.get_one(Interest, interest_id)
        db.session.expunge(interest)
        return interest


def test_the_owner_records_a_deal_in_euro_and_both_parties_see_it(
    app: Flask, login_as: Any, talks: dict[str, Any]
) -> None:
    owner = login_as(talks["owner"])
    form = owner.get(talks["url"]).get_data(as_text=True)
    assert '<option selected value="EUR">EUR</option>' in form  # the buyer's currency first
    done = post_form(
        owner,
        f"{talks['url']}/status",
        {"status": "won", "won_quantity": "50", "won_currency": "EUR", "won_value": "5.250,00"},
        page=talks["url"],
    )
    assert done.status_code == 302
    interest = _interest(app, talks["id"])
    assert (interest.won_amount, interest.won_currency) == (Decimal("5250.00"), "EUR")
    assert interest.won_value_idr == 91_875_000
    for client in (owner, login_as(talks["buyer"])):
        text = plain(client.get(talks["url"]).get_data(as_text=True))
        assert "Deal: 50 pieces for Rp 91,875,000 (€5,250.00 at €1 = Rp 17,500)" in text


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"won_currency": "XAU", "won_value": "100"}, "Not a valid choice."),
        ({"won_currency": "AUD", "won_value": "100"}, "no exchange rate for AUD yet"),
        ({"won_currency": "EUR", "won_value": "-100"}, "Enter the value as a number"),
        ({"won_currency": "IDR", "won_value": "-100"}, "Enter the value in whole rupiah"),
        ({"won_currency": "EUR", "won_value": "100", "won_rate": "abc"}, "Enter the rate as a"),
    ],
)
def test_bad_deals_on_the_page_get_a_message_and_change_nothing(
    app: Flask, login_as: Any, talks: dict[str, Any], fields: dict[str, str], message: str
) -> None:
    owner = login_as(talks["owner"])
    refused = post_form(
        owner,
        f"{talks['url']}/status",
        {"status": "won", "won_quantity": "5", **fields},
        page=talks["url"],
    )
    assert refused.status_code in (400, 409, 422)
    assert message in refused.get_data(as_text=True)
    interest = _interest(app, talks["id"])
    assert interest.status == InterestStatus.NEGOTIATING
    assert (interest.won_value_idr, interest.won_amount, interest.won_currency) == (
        None,
        None,
        None,
    )
