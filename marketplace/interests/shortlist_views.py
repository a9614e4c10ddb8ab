"""The buyer's shortlist (/shortlist): products kept aside, added and removed from the product
page or the list itself."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from marketplace.accounts.current import me
from marketplace.accounts.guards import restrict_blueprint
from marketplace.accounts.models import Role
from marketplace.db import db
from marketplace.errors import ServiceError
from marketplace.extensions import limiter
from marketplace.interests import limits, queries
from marketplace.interests.shortlist import add_to_shortlist, remove_from_shortlist
from marketplace.products import queries as product_queries
from marketplace.products.display import product_text
from marketplace.products.models import Product
from marketplace.security import is_safe_next

bp = Blueprint("shortlist", __name__, url_prefix="/shortlist")
restrict_blueprint(bp, Role.BUYER)
limits.explain_limits(bp)

change_limit = limiter.limit(
    limits.SHORTLIST_LIMIT,
    key_func=limits.per_account,
    error_message=limits.shortlist_limit_text,
)


def _back(default: str) -> Response:
    target = request.form.get("next", "")
    return redirect(target if is_safe_next(target) else default)


@bp.get("/")
def index() -> str:
    entries = db.session.scalars(queries.shortlist_of(me().id)).all()
    return render_template("interests/shortlist.html", entries=entries)


@bp.post("/<int:product_id>")
@change_limit
def add(product_id: int) -> Response:
    product = db.first_or_404(product_queries.visible_products().where(Product.id == product_id))
    try:
        _entry, added = add_to_shortlist(product, me())
    except ServiceError as error:
        db.session.rollback()
        flash(str(error.message), "error")
    else:
        db.session.commit()
        if added:
            flash(
                _("%(product)s is on your shortlist.", product=product_text(product).name),
                "success",
            )
        else:
            flash(
                _("%(product)s was already on your shortlist.", product=product_text(product).name)
            )
    return _back(url_for("products.page", slug=product.slug))


@bp.post("/<int:product_id>/remove")
@change_limit
def remove(product_id: int) -> Response:
    if remove_from_shortlist(product_id, me()):
        db.session.commit()
        flash(_("The product is removed from your shortlist."), "success")
    return _back(url_for(".index"))
