"""The trade office's operations (/api/v1/office/...): the queues of businesses, products and
nominations waiting, one item of each with what the officer decides on, the decisions, and the
outcome reports.

A decision carries the `seen` of the item as the officer read it (as the office's pages carry
it in their forms): a decision on an item that changed since, or that another officer decided
first, is refused with 409 and changes nothing. Each decision is made by the office's own
service, so it is audited and the owner is told, once in the app and once by mail.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from marketplace.accounts.current import me
from marketplace.accounts.models import Role, User
from marketplace.api import office_schemas as schemas
from marketplace.api import private_payloads as payloads
from marketplace.api.auth import TokenBlueprint, perform, refuse
from marketplace.businesses import queries as business_queries
from marketplace.businesses.models import Business
from marketplace.channels.curation import reload_nomination
from marketplace.channels.models import Nomination
from marketplace.channels.services import lock_channel
from marketplace.counting.buffer import reads_counts
from marketplace.db import db
from marketplace.errors import ConflictError
from marketplace.office import decisions
from marketplace.office import queries as office_queries
from marketplace.office.models import Grouping
from marketplace.office.reports import build_report
from marketplace.periods import Period
from marketplace.products import queries as product_queries
from marketplace.products.models import Product

bp = TokenBlueprint(
    "api_office",
    __name__,
    url_prefix="/api/v1/office",
    roles=(Role.OFFICER, Role.ADMIN),
    description="The trade office's queues, decisions and outcome reports (a token of an "
    "officer or admin).",
)

QUEUE_PAGE = 100  # oldest first, as the queue pages show them


# ---------------------------------------------------------------------------------------------
# Queues


@bp.get("/queues/businesses")
@bp.response(200, schemas.BusinessQueue)
def business_queue() -> dict[str, Any]:
    """Businesses waiting for verification, and verified ones whose new name, NIB or district
    waits for review; the oldest first."""
    found = db.session.scalars(office_queries.waiting_businesses().limit(QUEUE_PAGE)).all()
    return {"items": [payloads.queue_business(b) for b in found]}


@bp.get("/queues/products")
@bp.response(200, schemas.ProductQueue)
def product_queue() -> dict[str, Any]:
    """Products waiting for review, the oldest submission first."""
    found = db.session.scalars(office_queries.waiting_products().limit(QUEUE_PAGE)).all()
    return {"items": [payloads.queue_product(p) for p in found]}


@bp.get("/queues/nominations")
@bp.response(200, schemas.NominationQueue)
def nomination_queue() -> dict[str, Any]:
    """Nominations waiting for a decision in channels that take decisions, the oldest first."""
    found = db.session.scalars(office_queries.waiting_nominations().limit(QUEUE_PAGE)).all()
    return {"items": [payloads.queue_nomination(n) for n in found]}


# ---------------------------------------------------------------------------------------------
# Businesses


def _business(business_id: int) -> dict[str, Any]:
    found: Business = db.first_or_404(
        business_queries.with_details(
            sa.select(Business)
            .where(Business.id == business_id)
            .options(selectinload(Business.owner))
        )
    )
    owner: User = found.owner
    return {
        **payloads.business_out(found),
        "owner": {"id": owner.id, "name": owner.name},
        "seen": decisions.seen_token(found),
    }


@bp.get("/businesses/<int:business_id>")
@bp.response(200, schemas.OfficeBusiness)
def business(business_id: int) -> dict[str, Any]:
    """Everything the owner entered, and the `seen` a decision on it carries."""
    return _business(business_id)


@bp.post("/businesses/<int:business_id>/decision")
@bp.arguments(schemas.BusinessDecision)
@bp.response(200, schemas.OfficeBusiness)
def decide_business(given: dict[str, Any], business_id: int) -> dict[str, Any]:
    """Verify a business waiting for verification, or reject it with the reason the owner
    reads."""
    db.get_or_404(Business, business_id)
    officer, seen, reason = me(), given["seen"], given.get("reason", "")
    if given["decision"] == "verify":
        perform(lambda: decisions.verify_business(business_id, officer, seen))
    else:
        perform(lambda: decisions.reject_business(business_id, officer, seen, reason))
    return _business(business_id)


# ---------------------------------------------------------------------------------------------
# Products


def _product(product_id: int) -> dict[str, Any]:
    found: Product = db.first_or_404(
        product_queries.with_details(sa.select(Product).where(Product.id == product_id))
    )
    return {
        **payloads.product_out(found),
        "business": {"id": found.business.id, "name": found.business.name},
        "seen": decisions.seen_token(found),
    }


@bp.get("/products/<int:product_id>")
@bp.response(200, schemas.OfficeProduct)
def product(product_id: int) -> dict[str, Any]:
    """A product in any status, and the `seen` a decision on it carries."""
    return _product(product_id)


@bp.post("/products/<int:product_id>/decision")
@bp.arguments(schemas.ProductDecision)
@bp.response(200, schemas.OfficeProduct)
def decide_product(given: dict[str, Any], product_id: int) -> dict[str, Any]:
    """Approve a product waiting for review (it is published), or reject it with the reason
    the owner reads."""
    db.get_or_404(Product, product_id)
    officer, seen, reason = me(), given["seen"], given.get("reason", "")
    if given["decision"] == "approve":
        perform(lambda: decisions.approve_product(product_id, officer, seen))
    else:
        perform(lambda: decisions.reject_product(product_id, officer, seen, reason))
    return _product(product_id)


# ---------------------------------------------------------------------------------------------
# Nominations


def _nomination(nomination_id: int) -> Nomination:
    found: Nomination = db.first_or_404(
        sa.select(Nomination)
        .where(Nomination.id == nomination_id)
        .options(
            selectinload(Nomination.channel),
            selectinload(Nomination.product).selectinload(Product.business),
        )
    )
    return found


def _nomination_answer(nomination_id: int) -> dict[str, Any]:
    found = _nomination(nomination_id)
    return {
        **payloads.queue_nomination(found),
        "status": found.status.value,
        "channel_status": found.channel.status.value,
        "decision_reason": found.decision_reason,
    }


@bp.get("/nominations/<int:nomination_id>")
@bp.response(200, schemas.OfficeNomination)
def nomination(nomination_id: int) -> dict[str, Any]:
    """A nomination in any status, and the `seen` a decision on it carries."""
    return _nomination_answer(nomination_id)


def _decide(nomination: Nomination, officer: User, given: dict[str, Any]) -> None:
    """Under the channel's lock, the nomination as committed must be the one read."""
    lock_channel(nomination.channel_id)
    current = reload_nomination(nomination.id)
    if payloads.nomination_seen(current) != given["seen"]:
        raise ConflictError(_l("This nomination changed after you read it. Please read it again."))
    decisions.decide_nomination(
        current,
        officer,
        given["decision"] == "accept",
        given["reason"],
        given.get("shelf_code") or None,
    )


@bp.post("/nominations/<int:nomination_id>/decision")
@bp.arguments(schemas.NominationDecision)
@bp.response(200, schemas.OfficeNomination)
def decide_nomination(given: dict[str, Any], nomination_id: int) -> dict[str, Any]:
    """Accept (on a free shelf code, or the one given) or decline, always with the reason the
    MSME reads."""
    found = _nomination(nomination_id)
    officer = me()
    perform(lambda: _decide(found, officer, given))
    return _nomination_answer(nomination_id)


# ---------------------------------------------------------------------------------------------
# Reports


@bp.get("/reports")
@reads_counts
@bp.arguments(schemas.ReportArgs, location="query")
@bp.response(200, schemas.ReportOut)
def reports(args: dict[str, Any]) -> dict[str, Any]:
    """The outcome report of the report page, as figures: per partner city, channel,
    subsector or buyer country, with the total and the months (the last twelve by default)."""
    default = Period.default()
    first, last = args.get("from_") or default.first, args.get("to") or default.last
    if last < first:
        refuse(400, "to: The end date must not be before the start date.")
    if (last - first).days > schemas.REPORT_DAYS_MAX:
        refuse(400, "to: A report covers at most ten years.")
    with force_locale("en"):
        report = build_report(Period(first, last), Grouping(args.get("by") or "partner"), "en")
        return payloads.report_out(report)
