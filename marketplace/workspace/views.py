"""The owner's dashboard (/my/business), product preview (/my/products/<id>/preview), and
the business's stock at the channels with its settlement statements (/my/settlements).

Both compose features below them (businesses, products, channels, interests), so they live
here rather than in the businesses' or products' own blueprints, under the same addresses.
"""

from __future__ import annotations

from collections import defaultdict

import sqlalchemy as sa
from flask import Blueprint, Response, abort, render_template
from flask_babel import get_locale
from sqlalchemy.orm import selectinload

from marketplace.accounts.current import me
from marketplace.accounts.guards import restrict_blueprint
from marketplace.accounts.models import Role
from marketplace.businesses import queries
from marketplace.businesses.identity import IDENTITY_FIELDS
from marketplace.businesses.services import missing_for_verification
from marketplace.catalog.product_page import render_product
from marketplace.channels.models import Channel, Nomination
from marketplace.channels.pages import pdf_response
from marketplace.channels.queries import accepted_channels
from marketplace.counting.buffer import reads_counts
from marketplace.db import db
from marketplace.interests.stats import responsiveness
from marketplace.products.models import Product
from marketplace.products.ownership import get_own_product
from marketplace.spreadsheets import Format, spreadsheet_response
from marketplace.stock.models import Settlement
from marketplace.stock.settlements import statement_of
from marketplace.stock.statement_files import statement_csv, statement_pdf, totals
from marketplace.workspace.queries import dashboard_rows
from marketplace.workspace.responsiveness import reply_time, trend

bp = Blueprint("workspace", __name__)
restrict_blueprint(bp, Role.MSME)


@bp.get("/my/business")
@reads_counts  # the products' views
def dashboard() -> str:
    business = db.session.scalar(queries.with_details(queries.business_of(me().id)))
    if business is None:
        return render_template("workspace/start.html")
    rows = db.session.execute(dashboard_rows(business.id)).all()
    channels: dict[int, list[Channel]] = defaultdict(list)
    if rows:
        ids = [product.id for product, _count in rows]
        for product_id, channel in db.session.execute(accepted_channels(ids)):
            channels[product_id].append(channel)
    replies = responsiveness(business.id)
    return render_template(
        "workspace/dashboard.html",
        business=business,
        rows=rows,
        channels=channels,
        missing=missing_for_verification(business),
        change=business.identity_change,
        identity_fields=IDENTITY_FIELDS,
        replies=replies,
        reply_trend=trend(replies),
        reply_time=reply_time,
    )


@bp.get("/my/products/<int:product_id>/preview")
def preview(product_id: int) -> str:
    return render_product(get_own_product(product_id), preview=True)


# ---------------------------------------------------------------------------------------------
# Stock at the channels and settlement statements


@bp.get("/my/settlements")
def settlements() -> str:
    business = db.session.scalar(queries.business_of(me().id))
    if business is None:
        abort(404)
    stock = db.session.scalars(
        sa.select(Nomination)
        .join(Nomination.product)
        .where(Product.business_id == business.id, Nomination.quantity_shipped > 0)
        .options(selectinload(Nomination.channel), selectinload(Nomination.product))
        .order_by(Nomination.channel_id, Product.name)
    ).all()
    statements = db.session.scalars(
        sa.select(Settlement)
        .where(Settlement.business_id == business.id)
        .options(selectinload(Settlement.channel))
        .order_by(Settlement.period_start.desc(), Settlement.id.desc())
    ).all()
    return render_template(
        "workspace/settlements.html", business=business, stock=stock, statements=statements
    )


def _own_settlement(settlement_id: int) -> Settlement:
    settlement = db.session.get(Settlement, settlement_id)
    if settlement is None or settlement.business.owner_id != me().id:
        abort(404)
    return settlement


@bp.get("/my/settlements/<int:settlement_id>")
def settlement(settlement_id: int) -> str:
    statement = statement_of(_own_settlement(settlement_id))
    return render_template(
        "workspace/settlement.html", statement=statement, figures=totals(statement)
    )


def _filename(settlement: Settlement) -> str:
    """The statement's file name, without its suffix."""
    return f"settlement-{settlement.channel.slug}-{settlement.period_start:%Y-%m}"


@bp.get("/my/settlements/<int:settlement_id>.pdf")
def settlement_pdf(settlement_id: int) -> Response:
    found = _own_settlement(settlement_id)
    data = statement_pdf(statement_of(found), str(get_locale()))
    return pdf_response(data, f"{_filename(found)}.pdf", private=True)


@bp.get("/my/settlements/<int:settlement_id>.xlsx", defaults={"fmt": "xlsx"})
@bp.get("/my/settlements/<int:settlement_id>.csv", defaults={"fmt": "csv"})
def settlement_csv(settlement_id: int, fmt: Format) -> Response:
    found = _own_settlement(settlement_id)
    header, rows = statement_csv(statement_of(found))
    return spreadsheet_response(_filename(found), header, rows, fmt)
