"""The owner's dashboard (/my/business) and product preview (/my/products/<id>/preview).

Both compose features below them (businesses, products, channels, interests), so they live
here rather than in the businesses' or products' own blueprints, under the same addresses.
"""

from __future__ import annotations

from collections import defaultdict

from flask import Blueprint, render_template

from marketplace.accounts.current import me
from marketplace.accounts.guards import restrict_blueprint
from marketplace.accounts.models import Role
from marketplace.businesses import queries
from marketplace.businesses.identity import IDENTITY_FIELDS
from marketplace.businesses.services import missing_for_verification
from marketplace.catalog.product_page import render_product
from marketplace.channels.models import Channel
from marketplace.channels.queries import accepted_channels
from marketplace.counting.buffer import reads_counts
from marketplace.db import db
from marketplace.products.ownership import get_own_product
from marketplace.workspace.queries import dashboard_rows

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
    return render_template(
        "workspace/dashboard.html",
        business=business,
        rows=rows,
        channels=channels,
        missing=missing_for_verification(business),
        change=business.identity_change,
        identity_fields=IDENTITY_FIELDS,
    )


@bp.get("/my/products/<int:product_id>/preview")
def preview(product_id: int) -> str:
    return render_product(get_own_product(product_id), preview=True)
