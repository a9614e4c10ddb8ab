"""A buyer's operations (/api/v1/buyer/...): interests and their conversations, the shortlist,
buying requests with their quotes.

Each operation does what the buyer's page does, through the same loader (another buyer's record
is 404, and nothing changes) and the same service; the pages' limits per person hold (interests,
messages, requests, shortlist changes).
"""

from __future__ import annotations

import secrets
from typing import Any

import sqlalchemy as sa

from marketplace.accounts.current import me
from marketplace.accounts.models import Role
from marketplace.api import buyer_schemas as schemas
from marketplace.api import private_payloads as payloads
from marketplace.api import private_schemas as shared
from marketplace.api.auth import TokenBlueprint, account_key, perform, refuse, went_through
from marketplace.api.conversations import conversation_out, own_conversation
from marketplace.api.owner_views import next_url, paged
from marketplace.api.schemas import SLUG
from marketplace.db import db
from marketplace.extensions import limiter
from marketplace.interests import limits, transitions
from marketplace.interests import queries as interest_queries
from marketplace.interests import services as interest_services
from marketplace.interests.access import Side
from marketplace.interests.shortlist import add_to_shortlist, remove_from_shortlist
from marketplace.products import queries as product_queries
from marketplace.products.models import Product
from marketplace.rfq import queries as rfq_queries
from marketplace.rfq import services as rfq
from marketplace.rfq.models import BuyingRequest, Quote
from marketplace.rfq.views import REQUEST_LIMIT
from marketplace.urls import public_url

bp = TokenBlueprint(
    "api_buyer",
    __name__,
    url_prefix="/api/v1/buyer",
    roles=(Role.BUYER,),
    description="A buyer's interests and conversations, shortlist and buying requests "
    "(a token of the buyer).",
)


# ---------------------------------------------------------------------------------------------
# Interests


@bp.get("/interests")
@bp.arguments(shared.ListPageArgs, location="query")
@bp.response(200, shared.InterestList)
def interests(args: dict[str, Any]) -> dict[str, Any]:
    """Your interests, the most recently active first, each with its unread flag."""
    buyer = me()
    found = paged(interest_queries.buyer_interests(buyer.id), args)
    return {
        "items": [payloads.interest_out(i, buyer, owner_side=False) for i in found.items],
        "next": next_url(found, args, ".interests"),
        "count": found.total or 0,
    }


@bp.get("/interests/<int:interest_id>")
@bp.response(200, shared.InterestOut)
def interest(interest_id: int) -> dict[str, Any]:
    """One conversation with its messages, and the business's contact once it has answered
    you (reading it here does not mark it read)."""
    return conversation_out(interest_id, Side.BUYER)


def _public_product(slug: str) -> Product:
    if SLUG.match(slug) is None:
        refuse(404)
    found: Product = db.first_or_404(product_queries.public_product(slug))
    return found


@bp.post("/interests")
@limiter.limit(limits.INTEREST_LIMIT, key_func=account_key, deduct_when=went_through)
@bp.arguments(schemas.InterestCreate)
@bp.response(201, schemas.InterestCreated)
def express_interest(given: dict[str, Any]) -> dict[str, Any]:
    """Express interest in a public product (by its slug): it opens a conversation with the
    business, or adds your message to your open one about the product (`joined`). Sent again
    with the same `submission_key`, it answers with what the first request made."""
    product = _public_product(given["product"])
    data = interest_services.InterestData(
        message=given["message"],
        quantity=given.get("quantity"),
        unit=given.get("unit") or product.unit,
        target_price=given.get("target_price"),
        currency=given.get("currency"),
        incoterm=given.get("incoterm"),
        destination=given.get("destination"),
    )
    key = given.get("submission_key") or secrets.token_urlsafe(24)
    buyer = me()
    made = perform(
        lambda: interest_services.express_interest(product, buyer, data, submission_key=key)
    )
    return {**conversation_out(made.interest.id, Side.BUYER), "joined": made.joined}


@bp.post("/interests/<int:interest_id>/messages")
@limiter.limit(limits.MESSAGE_LIMIT, key_func=account_key, deduct_when=went_through)
@bp.arguments(shared.MessageCreate)
@bp.response(201, shared.InterestOut)
def post_message(given: dict[str, Any], interest_id: int) -> dict[str, Any]:
    """Write to the business in one of your conversations."""
    found = own_conversation(interest_id, Side.BUYER)
    perform(lambda: interest_services.post_message(found, me(), given["body"]))
    return conversation_out(interest_id, Side.BUYER)


@bp.post("/interests/<int:interest_id>/withdraw")
@bp.response(200, shared.InterestOut)
def withdraw_interest(interest_id: int) -> dict[str, Any]:
    """End an open conversation; the business is told."""
    found = own_conversation(interest_id, Side.BUYER)
    perform(lambda: transitions.withdraw(found, me()))
    return conversation_out(interest_id, Side.BUYER)


# ---------------------------------------------------------------------------------------------
# The shortlist


def _shortlist() -> dict[str, Any]:
    entries = db.session.scalars(interest_queries.shortlist_of(me().id)).all()
    return {
        "items": [
            {
                "slug": entry.product.slug,
                "name": entry.product.name,
                "business": entry.product.business.name,
                "price_idr": entry.product.price_idr,
                "unit": entry.product.unit,
                "added_at": entry.created_at,
                "available": entry.product.is_public,
                "url": public_url("api.product", slug=entry.product.slug),
            }
            for entry in entries
        ]
    }


@bp.get("/shortlist")
@bp.response(200, schemas.ShortlistOut)
def shortlist() -> dict[str, Any]:
    """The products you keep aside, the latest first (`available`: still in the catalog)."""
    return _shortlist()


shortlist_limit = limiter.limit(
    limits.SHORTLIST_LIMIT, key_func=account_key, deduct_when=went_through
)


@bp.post("/shortlist")
@shortlist_limit
@bp.arguments(schemas.ShortlistAdd)
@bp.response(201, schemas.ShortlistOut)
def shortlist_add(given: dict[str, Any]) -> dict[str, Any]:
    """Keep a public product aside (adding it twice keeps one entry)."""
    product = _public_product(given["product"])
    perform(lambda: add_to_shortlist(product, me()))
    return _shortlist()


@bp.delete("/shortlist/<slug>")
@shortlist_limit
@bp.response(200, schemas.ShortlistOut)
def shortlist_remove(slug: str) -> dict[str, Any]:
    """Take a product off your shortlist (one not on it is no error)."""
    if SLUG.match(slug) is None:
        refuse(404)
    product_id = db.session.scalar(sa.select(Product.id).where(Product.slug == slug))
    if product_id is None:
        refuse(404)
    perform(lambda: remove_from_shortlist(product_id, me()))
    return _shortlist()


# ---------------------------------------------------------------------------------------------
# Buying requests


def _own_request(request_id: int) -> BuyingRequest:
    found = db.session.get(BuyingRequest, request_id)
    if found is None or found.buyer_id != me().id:
        refuse(404)
    return found


def _request(request_id: int) -> dict[str, Any]:
    found = _own_request(request_id)
    quotes = list(db.session.scalars(rfq_queries.quotes_of(found.id)))
    return payloads.request_out(found, quotes, recipients=len(found.recipients))


@bp.get("/requests")
@bp.response(200, shared.RequestList)
def requests() -> dict[str, Any]:
    """Your buying requests, the newest first (without their quotes: read one for those)."""
    found = db.session.scalars(rfq_queries.buyer_requests(me().id)).all()
    return {"items": [payloads.request_out(r, None) for r in found]}


@bp.get("/requests/<int:request_id>")
@bp.response(200, shared.RequestOut)
def buying_request(request_id: int) -> dict[str, Any]:
    """One request with every quote, the cheapest first, and their questions and answers."""
    return _request(request_id)


@bp.post("/requests")
@limiter.limit(REQUEST_LIMIT, key_func=account_key, deduct_when=went_through)
@bp.arguments(schemas.RequestCreate)
@bp.response(201, shared.RequestOut)
def post_request(given: dict[str, Any]) -> dict[str, Any]:
    """Post a buying request: it goes to the matching MSMEs (or first to the office, where the
    office screens requests). Sent again with the same `submission_key`, it answers with the
    request the first one made."""
    data = rfq.RequestData(
        title=given["title"],
        details=given.get("details", ""),
        subsector_code=given["subsector"],
        quantity=given["quantity"],
        unit=given["unit"],
        currency=given["currency"],
        destination=given["destination"],
        deadline=given["deadline"],
        hs_code=given.get("hs_code"),
        target_price=given.get("target_price"),
        incoterm=given.get("incoterm"),
        certification_codes=tuple(given.get("certifications") or ()),
    )
    key = given.get("submission_key") or secrets.token_urlsafe(24)
    buyer = me()
    made = perform(lambda: rfq.post_request(buyer, data, submission_key=key))
    return _request(made.id)


@bp.post("/requests/<int:request_id>/pick")
@bp.arguments(schemas.PickQuote)
@bp.response(200, shared.InterestOut)
def pick(given: dict[str, Any], request_id: int) -> dict[str, Any]:
    """Pick a quote: it becomes a conversation with its business (answered with it), and the
    other quotes are told they were not picked."""
    found = _own_request(request_id)
    chosen = db.session.get(Quote, given["quote_id"])
    if chosen is None or chosen.request_id != found.id:
        refuse(404)
    made = perform(lambda: rfq.pick(found, chosen, me()))
    return conversation_out(made.id, Side.BUYER)


@bp.post("/requests/<int:request_id>/withdraw")
@bp.response(200, shared.RequestOut)
def withdraw_request(request_id: int) -> dict[str, Any]:
    """Withdraw a request still open or waiting for the office; its quotes are told."""
    found = _own_request(request_id)
    perform(lambda: rfq.withdraw(found, me()))
    return _request(request_id)
