"""Exchange rates set by the office: checked, audited, corrected for the same date, and named
(rate and date) wherever a price is shown in a foreign currency."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from babel.dates import format_date
from flask import Flask

from marketplace.accounts.models import User
from marketplace.channels import curation
from marketplace.db import db
from marketplace.ledger.models import AuditEntry, ExchangeRate
from marketplace.periods import bandung_today
from tests.channels.helpers import ENGLISH
from tests.factories import make_business, make_channel, make_product
from tests.office.helpers import flashes, submit

PAGE = "/office/rates"


def set_rate(client: Any, currency: str, value: str, day: str) -> Any:
    return submit(
        client,
        PAGE,
        PAGE,
        {"currency": currency, "idr_per_unit": value, "effective_on": day},
        follow_redirects=True,
    )


def test_an_officer_sets_and_corrects_a_rate(app: Flask, login_as: Any, officer: User) -> None:
    client = login_as(officer)
    html = client.get(PAGE).get_data(as_text=True)
    assert '<option value="EUR">' in html and '<option value="IDR">' not in html
    response = set_rate(client, "EUR", "17250.5", "2026-05-01")
    assert "From 2026-05-01, 1 EUR = 17250.5 IDR." in flashes(response)
    set_rate(client, "EUR", "17300", "2026-05-01")  # the same date again: a correction
    with app.app_context():
        rates = db.session.scalars(sa.select(ExchangeRate)).all()
        assert [(r.currency, Decimal(r.idr_per_unit), r.set_by_id) for r in rates] == [
            ("EUR", Decimal("17300"), officer.id)
        ]
        entries = db.session.scalars(
            sa.select(AuditEntry)
            .where(AuditEntry.subject_type == "exchange_rate")
            .order_by(AuditEntry.id)
        ).all()
        assert [(e.action, e.actor_id) for e in entries] == [
            ("exchange_rate.set", officer.id),
            ("exchange_rate.changed", officer.id),
        ]
        assert entries[1].before["idr_per_unit"] == "17250.500000"
        assert entries[1].after["idr_per_unit"] == "17300.000000"


def test_bad_rates_are_refused_and_change_nothing(app: Flask, login_as: Any, officer: User) -> None:
    client = login_as(officer)
    for currency, value, day, message in (
        ("EUR", "0", "2026-05-01", "The rate must be above zero."),
        ("EUR", "-3", "2026-05-01", "The rate must be above zero."),
        ("EUR", "abc", "2026-05-01", "Not a valid decimal value."),
        ("EUR", "10000000000000", "2026-05-01", "The rate is too large."),
        ("IDR", "1", "2026-05-01", "Not a valid choice."),
        ("XXX", "1", "2026-05-01", "Not a valid choice."),
        ("EUR", "17000", "01/05/2026", "Enter the date (YYYY-MM-DD)."),
    ):
        response = submit(
            client,
            PAGE,
            PAGE,
            {"currency": currency, "idr_per_unit": value, "effective_on": day},
        )
        assert response.status_code == 400, (currency, value, day)
        assert message in response.get_data(as_text=True), (currency, value, day)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ExchangeRate)) == 0
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) == 0


def test_prices_in_a_foreign_currency_name_the_rate_and_its_date(
    app: Flask, client: Any, login_as: Any, officer: User
) -> None:
    with app.app_context():
        business = make_business()
        product = make_product(business, name="Batik silk scarf", price_idr=450_000)
        channel = make_channel("Little Bandung Paris", currency="EUR")
        nomination = curation.nominate(product, business.owner, channel, "")
        curation.decide_nomination(nomination, db.session.get_one(User, officer.id), True, "Yes.")
        slug = channel.slug
        db.session.commit()
    html = client.get(f"/channels/{slug}", headers=ENGLISH).get_data(as_text=True)
    assert "Rp\xa0450,000" in html and "€" not in html.split("Batik silk scarf", 1)[1][:600]
    day = (bandung_today() - timedelta(days=3)).isoformat()
    set_rate(login_as(officer), "EUR", "18000", day)
    html = client.get(f"/channels/{slug}", headers=ENGLISH).get_data(as_text=True)
    shown_day = format_date(date.fromisoformat(day), "medium", locale="en")
    assert "≈ €25.00</summary>" in html
    assert f"Rate of {shown_day}: €1 = Rp\xa018,000 (trade office), indicative" in html
    assert f"rate of {shown_day} and are indicative" in html
