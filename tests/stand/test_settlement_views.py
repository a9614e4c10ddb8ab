"""Settlement statements through the HTTP stack: the office issues and marks paid, each MSME
reads only its own, a coordinator reaches none of it, and bad input changes nothing."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask import Flask

from marketplace.accounts.models import Role
from marketplace.channels import coordinators
from marketplace.channels.models import ChannelKind
from marketplace.db import db
from marketplace.stock.models import MovementKind, Settlement, SettlementStatus
from marketplace.stock.periods import period_before
from marketplace.stock.sales import record_sale
from marketplace.stock.services import channel_today
from tests.businesses.helpers import commit_and_detach
from tests.channels.helpers import accept, nominate_all
from tests.conftest import post_form
from tests.factories import (
    make_channel,
    make_officer,
    make_user,
    move_stock,
    owner_with_products,
    set_rate,
)


def _sold_last_period(app: Flask) -> dict[str, Any]:
    with app.app_context():
        channel = make_channel("Little Bandung Seoul", kind=ChannelKind.SHOWROOM, currency="KRW")
        channel.commission_percent = Decimal("12.5")
        officer = make_officer()
        (nomination,) = [accept(officer, n) for n in nominate_all(owner_with_products(1), channel)]
        start = period_before(channel, channel_today(channel))[0]
        set_rate("KRW", "11.62", start - timedelta(days=10))
        move_stock(nomination, officer, MovementKind.SHIPPED, 5, moved_on=start)
        move_stock(nomination, officer, MovementKind.RECEIVED, 5, moved_on=start)
        record_sale(nomination, officer, 2, Decimal("45000"), start + timedelta(days=1))
        owner = nomination.product.business.owner
        stranger = owner_with_products(1)[0].business.owner
        coordinator = make_user(Role.COORDINATOR)
        coordinators.assign_channels(make_user(Role.ADMIN), coordinator, [channel.id])
        ids = {
            "channel": channel.id,
            "business": nomination.product.business_id,
            "start": start,
            "today": channel_today(channel),
        }
        commit_and_detach(officer, owner, stranger, coordinator)
    return {
        **ids,
        "officer": officer,
        "owner": owner,
        "stranger": stranger,
        "coordinator": coordinator,
    }


def test_issue_pay_and_read_a_statement(app: Flask, login_as: Any) -> None:
    data = _sold_last_period(app)
    office = login_as(data["officer"])
    page = f"/office/channels/{data['channel']}/settlements"
    listing = office.get(page).get_data(as_text=True)
    assert "Commission 12.5 %." in listing and "Issue the statement" in listing
    issued = post_form(
        office,
        f"{page}/issue",
        {"business_id": data["business"], "period": data["start"].isoformat()},
        page=page,
    )
    assert issued.status_code == 302
    statement = issued.headers["Location"]
    with app.app_context():
        settlement = db.session.scalars(sa.select(Settlement)).one()
        gross = round(2 * 45000 * Decimal("11.62"))
        assert (settlement.gross_idr, settlement.commission_idr) == (gross, round(gross / 8))
        assert settlement.net_idr == gross - settlement.commission_idr
    again = post_form(
        office,
        f"{page}/issue",
        {"business_id": data["business"], "period": data["start"].isoformat()},
        page=page,
        follow_redirects=True,
    )
    assert "already issued" in again.get_data(as_text=True)

    no_reference = post_form(office, f"{statement}/paid", {"paid_on": "2026-01-01"}, page=statement)
    assert no_reference.status_code == 400
    future = post_form(
        office,
        f"{statement}/paid",
        {
            "paid_on": (data["today"] + timedelta(days=5)).isoformat(),
            "reference": "BJB 1",
        },
        page=statement,
    )
    assert future.status_code == 400
    assert "between the period" in future.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalars(sa.select(Settlement.status)).one() == SettlementStatus.ISSUED

    # The owner reads it, in the office's figures; another MSME and the coordinator cannot.
    mine = login_as(data["owner"])
    assert "Net payable" in mine.get("/my/settlements").get_data(as_text=True)
    own = f"/my/settlements/{settlement.id}"
    assert mine.get(own).status_code == 200
    assert mine.get(f"{own}.pdf").mimetype == "application/pdf"
    assert mine.get(f"{own}.csv").mimetype == "text/csv"
    stranger = login_as(data["stranger"])
    for path in (own, f"{own}.pdf", f"{own}.csv"):
        assert stranger.get(path).status_code == 404
    coordinator = login_as(data["coordinator"])
    assert coordinator.get(statement).status_code == 403
    assert coordinator.get(own).status_code == 403


def test_a_hostile_period_or_business_changes_nothing(app: Flask, login_as: Any) -> None:
    data = _sold_last_period(app)
    office = login_as(data["officer"])
    page = f"/office/channels/{data['channel']}/settlements"
    for period in ("9999-99-99", "<script>", "2026-13-01", ""):
        assert office.get(f"{page}?period={period}").status_code == 200
    for business in ("x", "-1", "99999999999999999999", ""):
        response = post_form(
            office, f"{page}/issue", {"business_id": business, "period": "2026-11-01"}, page=page
        )
        assert response.status_code in (302, 404)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Settlement.id))) == 0
