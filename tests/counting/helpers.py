"""A fair with a product in its line-up, and visitors told apart by address and browser."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from marketplace.channels.models import ChannelView, Scan
from marketplace.db import db
from marketplace.office.models import Grouping, ProductViewDay, ReportDay
from marketplace.products.models import Product
from tests.channels.helpers import accept, nominate_all
from tests.factories import harz_und_heide, make_officer
from tests.factories import owner_with_products as products_of_one_owner

PHONE = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Mobile Safari/537.36"
)
LAPTOP = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0"
HOME = "203.0.113.7"
FAIR_WIFI = "198.51.100.20"


@dataclass(frozen=True)
class Fair:
    channel_id: int
    channel_slug: str
    product_id: int
    product_slug: str
    token: str


def make_fair(app: Flask) -> Fair:
    with app.app_context():
        channel = harz_und_heide(capacity=3)
        (product,) = products_of_one_owner(1)
        (nomination,) = nominate_all([product], channel)
        accept(make_officer(), nomination)
        db.session.commit()
        return Fair(channel.id, channel.slug, product.id, product.slug, str(nomination.qr_token))


def visit(
    client: FlaskClient,
    path: str,
    agent: str = PHONE,
    address: str = HOME,
    method: str = "GET",
) -> Any:
    return client.open(
        path, method=method, headers={"User-Agent": agent}, environ_base={"REMOTE_ADDR": address}
    )


@dataclass(frozen=True)
class Figures:
    scans: int
    product_views: int  # the product's running total
    dated_views: int  # product_view_days
    report_views: dict[Grouping, int]  # the reports' daily sums, per grouping
    channel_views: int


def figures(app: Flask) -> Figures:
    with app.app_context():

        def total(column: Any, *where: Any) -> int:
            return int(
                db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(column), 0)).where(*where))
                or 0
            )

        return Figures(
            scans=int(db.session.scalar(sa.select(sa.func.count(Scan.id))) or 0),
            product_views=total(Product.view_count),
            dated_views=total(ProductViewDay.views),
            report_views={g: total(ReportDay.views, ReportDay.dimension == g) for g in Grouping},
            channel_views=int(db.session.scalar(sa.select(sa.func.count(ChannelView.id))) or 0),
        )
