"""Outcome reports count what was sold at the showrooms and stands beside the deals won in
conversations, each group against the raw sale rows, in rupiah and the partner's currency, and
show the stock at each channel with its days on the shelf."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import sqlalchemy as sa
from flask import Flask

from marketplace.channels.models import Channel, ChannelKind, Nomination
from marketplace.db import db
from marketplace.office.models import Grouping
from marketplace.office.reports import build_partnership, build_report
from marketplace.periods import Period
from marketplace.stock.models import MovementKind, Sale
from marketplace.stock.sales import correct_sale, record_sale
from marketplace.stock.services import channel_today
from tests.businesses.helpers import commit_and_detach
from tests.channels.helpers import accept, nominate_all
from tests.factories import (
    harz_und_heide,
    make_channel,
    make_officer,
    move_stock,
    owner_with_products,
    set_rate,
)


def _sold(app: Flask) -> dict[str, Any]:
    """Sales at Harz und Heide (euro, Braunschweig) and at a showroom in won without a
    partnership; one sale corrected."""
    with app.app_context():
        fair = harz_und_heide()
        showroom = make_channel("Little Bandung Seoul", kind=ChannelKind.SHOWROOM, currency="KRW")
        officer = make_officer()
        fair_today, seoul_today = channel_today(fair), channel_today(showroom)
        set_rate("EUR", "17500", fair_today - timedelta(days=60))
        set_rate("KRW", "11.62", seoul_today - timedelta(days=60))
        nominations: list[Nomination] = []
        for channel in (fair, showroom):
            for n in nominate_all(owner_with_products(1), channel):
                accept(officer, n)
                move_stock(
                    n,
                    officer,
                    MovementKind.SHIPPED,
                    10,
                    moved_on=channel_today(channel) - timedelta(days=9),
                )
                move_stock(
                    n,
                    officer,
                    MovementKind.RECEIVED,
                    10,
                    moved_on=channel_today(channel) - timedelta(days=8),
                )
                nominations.append(n)
        record_sale(nominations[0], officer, 3, Decimal("45.50"), fair_today - timedelta(days=2))
        wrong = record_sale(
            nominations[0], officer, 1, Decimal("45.50"), fair_today - timedelta(days=1)
        )
        correct_sale(wrong, officer, "Given back by the buyer the same day.")
        record_sale(nominations[1], officer, 2, Decimal("120000"), seoul_today - timedelta(days=1))
        ids = {"fair": fair.id, "showroom": showroom.id, "city": fair.partner_city_id}
        commit_and_detach(officer)
    return {**ids, "officer": officer}


def _expected(channel_id: int | None = None) -> tuple[int, int]:
    query = sa.select(Sale).join(Nomination, Nomination.id == Sale.nomination_id)
    if channel_id is not None:
        query = query.where(Nomination.channel_id == channel_id)
    rows = db.session.scalars(query).all()
    return sum(r.quantity for r in rows), sum(r.gross_idr for r in rows)


def test_sales_per_channel_and_partner_against_the_raw_rows(app: Flask) -> None:
    data = _sold(app)
    with app.app_context():
        period = Period.default()
        report = build_report(period, Grouping.CHANNEL)
        by_channel = {row.group.key: row for row in report.rows}
        for key in ("fair", "showroom"):
            row = by_channel[data[key]]
            assert (row.figures.units_sold, row.figures.sales_idr) == _expected(data[key])
        assert by_channel[data["fair"]].figures.units_sold == 3  # 3 + 1 - 1 corrected
        assert (report.total.figures.units_sold, report.total.figures.sales_idr) == _expected()
        # In the partner's currency at the period's last rate: euro for the fair.
        fair_row = by_channel[data["fair"]]
        euros = (Decimal(fair_row.figures.sales_idr) / Decimal(17500)).quantize(
            Decimal("0.01"), ROUND_HALF_UP
        )
        assert fair_row.sales_converted is not None
        assert (fair_row.sales_converted.currency, fair_row.sales_converted.amount) == (
            "EUR",
            euros,
        )

        partnership = build_partnership(
            period, db.session.get_one(Channel, data["fair"]).partner_city
        )
        assert partnership.total.figures.units_sold == 3
        assert partnership.total.figures.sales_idr == _expected(data["fair"])[1]

        # Per Bandung district of the MSMEs: every sale counts in exactly one district.
        districts = {d.name: d for d in report.districts}
        assert sum(d.units_sold for d in districts.values()) == _expected()[0]
        assert sum(d.sales_idr for d in districts.values()) == _expected()[1]
        for channel_id in (data["fair"], data["showroom"]):
            nomination = db.session.scalars(
                sa.select(Nomination).where(Nomination.channel_id == channel_id)
            ).one()
            own = districts[nomination.product.business.district]
            assert own.units_sold >= _expected(channel_id)[0]

        stock = {item.channel.key: item for item in report.stock}
        assert stock[data["fair"]].pieces == 7  # 10 received, 3 sold
        assert stock[data["showroom"]].pieces == 8
        assert stock[data["fair"]].average_days == 8


def test_the_report_page_and_csv_show_the_sales(app: Flask, login_as: Any) -> None:
    data = _sold(app)
    client = login_as(data["officer"])
    page = client.get("/office/reports?by=channel").get_data(as_text=True)
    assert "Sold at the channels (pieces)" in page and "Stock at the channels today" in page
    assert "Per Bandung district of the MSMEs" in page
    table = list(csv.DictReader(io.StringIO(client.get("/office/reports.csv?by=channel").text)))
    with app.app_context():
        fair_name = db.session.get_one(Channel, data["fair"]).name
        units, value = _expected(data["fair"])
    fair = next(row for row in table if row["group"] == fair_name)
    assert (int(fair["units_sold_at_channels"]), int(fair["sales_at_channels_idr"])) == (
        units,
        value,
    )
