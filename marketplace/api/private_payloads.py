"""The private operations' answers built from loaded models: plain dicts the schemas of
`owner_schemas`, `buyer_schemas`, `office_schemas` and `private_schemas` dump. Words a service
or a rule gives (what is missing for review) are in English, as the API's errors are. Addresses
are absolute, under `BASE_URL`."""

from __future__ import annotations

from typing import Any

from marketplace.accounts.models import User
from marketplace.api.auth import english
from marketplace.businesses.identity import pending_change
from marketplace.businesses.models import Business, BusinessCertification
from marketplace.businesses.services import missing_for_verification
from marketplace.channels.curation import can_withdraw
from marketplace.channels.models import Nomination
from marketplace.interests.access import may_see_contact
from marketplace.interests.models import OPEN_INTEREST_STATUSES, Interest, InterestStatus
from marketplace.interests.services import can_write
from marketplace.interests.transitions import next_owner_steps
from marketplace.ledger.rates import ConvertedPrice
from marketplace.office.decisions import seen_token
from marketplace.office.reports import Report, Row
from marketplace.products import display
from marketplace.products.models import Product, ProductImage
from marketplace.products.photos import ordered
from marketplace.products.services import missing_for_review
from marketplace.rfq.models import BuyingRequest, Quote, RequestRecipient
from marketplace.urls import public_url


def _english(items: list[Any]) -> list[str]:
    return [english(item) for item in items]


# ---------------------------------------------------------------------------------------------
# Businesses


def certification_out(held: BusinessCertification) -> dict[str, Any]:
    return {
        "id": held.id,
        "code": held.certification_code,
        "name": held.certification.name,
        "number": held.number,
        "issuer": held.issuer,
        "expires_on": held.expires_on,
    }


def business_out(business: Business) -> dict[str, Any]:
    change = pending_change(business)
    return {
        "id": business.id,
        "slug": business.slug,
        "name": business.name,
        "status": business.status.value,
        "status_reason": business.status_reason,
        "nib": business.nib,
        "subsector": business.subsector_code,
        "district": business.district,
        "description": business.description,
        "year_founded": business.year_founded,
        "employees": business.employees,
        "monthly_capacity": business.monthly_capacity,
        "export_experience": business.export_experience.value,
        "export_markets": list(business.export_markets or []),
        "export_markets_note": business.export_markets_note,
        "website": business.website,
        "instagram": business.instagram,
        "contact_email": business.contact_email,
        "contact_phone": business.contact_phone,
        "whatsapp": business.whatsapp,
        "address": business.address,
        "translations": {
            t.locale: {"description": t.description, "monthly_capacity": t.monthly_capacity or ""}
            for t in business.translations
        },
        "certifications": [certification_out(held) for held in business.certifications],
        "identity_change": (
            {
                "name": change.name,
                "nib": change.nib,
                "district": change.district,
                "requested_at": change.requested_at,
            }
            if change is not None
            else None
        ),
        "missing_for_verification": _english(missing_for_verification(business)),
        "submitted_at": business.submitted_at,
        "verified_at": business.verified_at,
        "updated_at": business.updated_at,
        "page": (
            public_url("businesses.public_page", slug=business.slug) if business.is_public else None
        ),
    }


# ---------------------------------------------------------------------------------------------
# Products


def photo_out(image: ProductImage) -> dict[str, Any]:
    picture = display.picture(image, public_url)
    return {
        "id": image.id,
        "position": image.position,
        "alt_text": image.alt_text,
        "width": image.width,
        "height": image.height,
        "sources": [{"url": s.url, "width": s.width, "height": s.height} for s in picture.sources],
    }


def product_out(product: Product) -> dict[str, Any]:
    """Needs the product's details loaded (`products.queries.with_details`)."""
    return {
        "id": product.id,
        "slug": product.slug,
        "status": product.status.value,
        "status_reason": product.status_reason,
        "name": product.name,
        "description": product.description,
        "subsector": product.subsector_code,
        "hs_code": product.hs_code,
        "price_idr": product.price_idr,
        "unit": product.unit,
        "moq": product.moq,
        "lead_time_days": product.lead_time_days,
        "monthly_capacity": product.monthly_capacity,
        "materials": product.materials,
        "dimensions": product.dimensions,
        "weight_grams": product.weight_grams,
        "story": product.story,
        "certification_ids": sorted(c.id for c in product.certifications),
        "translations": {
            t.locale: {
                "name": t.name,
                "description": t.description,
                "materials": t.materials or "",
                "story": t.story or "",
            }
            for t in product.translations
        },
        "photos": [photo_out(image) for image in ordered(product)],
        "missing_for_review": _english(missing_for_review(product)),
        "submitted_at": product.submitted_at,
        "published_at": product.published_at,
        "created_at": product.created_at,
        "updated_at": product.updated_at,
        "page": public_url("products.page", slug=product.slug) if product.is_public else None,
    }


def product_ref(product: Product) -> dict[str, Any]:
    return {"id": product.id, "slug": product.slug, "name": product.name}


# ---------------------------------------------------------------------------------------------
# Nominations


def nomination_out(nomination: Nomination) -> dict[str, Any]:
    return {
        "id": nomination.id,
        "status": nomination.status.value,
        "stage": nomination.stage.value if nomination.stage else None,
        "product": product_ref(nomination.product),
        "channel": {"slug": nomination.channel.slug, "name": nomination.channel.name},
        "note": nomination.note,
        "decision_reason": nomination.decision_reason,
        "decided_at": nomination.decided_at,
        "created_at": nomination.created_at,
        "can_withdraw": can_withdraw(nomination),
    }


# ---------------------------------------------------------------------------------------------
# Conversations


def _buyer(interest: Interest) -> dict[str, Any] | None:
    buyer = interest.buyer
    if buyer is not None:
        profile = buyer.buyer_profile
        return {
            "id": buyer.id,
            "name": buyer.name,
            "company": profile.company if profile else None,
            "buyer_type": profile.buyer_type.value if profile else None,
            "city": profile.city if profile else None,
            "country_code": profile.country_code if profile else None,
        }
    visitor = interest.visitor
    if visitor is not None:
        return {
            "id": None,
            "name": visitor.name,
            "company": None,
            "buyer_type": None,
            "city": None,
            "country_code": visitor.country_code,
        }
    return None


def _contact(business: Business, viewer: User, owner_side: bool) -> dict[str, Any] | None:
    if owner_side or not may_see_contact(business, viewer):
        return None
    return {
        "email": business.contact_email,
        "phone": business.contact_phone,
        "whatsapp": business.whatsapp,
        "website": business.website,
    }


def interest_out(
    interest: Interest, viewer: User, *, owner_side: bool, messages: bool = False
) -> dict[str, Any]:
    """The conversation as its buyer (`owner_side` False) or its business sees it."""
    business = interest.product.business
    if owner_side:
        steps = [step.value for step in next_owner_steps(interest)]
    else:
        open_ = interest.status in OPEN_INTEREST_STATUSES
        steps = [InterestStatus.WITHDRAWN.value] if open_ else []
    answer: dict[str, Any] = {
        "id": interest.id,
        "status": interest.status.value,
        "product": product_ref(interest.product),
        "business": {
            "slug": business.slug,
            "name": business.name,
            "contact": _contact(business, viewer, owner_side) if messages else None,
        },
        "buyer": _buyer(interest) if owner_side else None,
        "quantity": interest.quantity,
        "unit": interest.unit,
        "target_price": interest.target_price,
        "currency": interest.currency,
        "incoterm": interest.incoterm,
        "destination": interest.destination,
        "message": interest.message,
        "created_at": interest.created_at,
        "first_reply_at": interest.first_reply_at,
        "closed_at": interest.closed_at,
        "won_quantity": interest.won_quantity,
        "won_value_idr": interest.won_value_idr,
        "won_amount": interest.won_amount,
        "won_currency": interest.won_currency,
        "lost_reason": interest.lost_reason,
        "unread": interest.unread if not messages else None,
        "can_write": can_write(interest, viewer),
        "next_steps": steps,
    }
    if messages:
        answer["messages"] = [
            {
                "id": message.id,
                "sender": "buyer" if message.sender_id == interest.buyer_id else "business",
                "body": message.body,
                "created_at": message.created_at,
            }
            for message in interest.messages
        ]
    return answer


# ---------------------------------------------------------------------------------------------
# Buying requests


def quote_out(quote: Quote, quantity: int, buyer_id: int) -> dict[str, Any]:
    return {
        "id": quote.id,
        "status": quote.status.value,
        "business": {"slug": quote.business.slug, "name": quote.business.name},
        "product": product_ref(quote.product),
        "unit_price_idr": quote.unit_price_idr,
        "total_idr": quote.unit_price_idr * quantity,
        "moq": quote.moq,
        "lead_time_days": quote.lead_time_days,
        "message": quote.message,
        "created_at": quote.created_at,
        "interest_id": quote.interest_id,
        "questions": [
            {
                "sender": "buyer" if question.sender_id == buyer_id else "business",
                "body": question.body,
                "created_at": question.created_at,
            }
            for question in quote.questions
        ],
    }


def request_out(
    request: BuyingRequest,
    quotes: list[Quote] | None,
    *,
    recipients: int | None = None,
    recipient: RequestRecipient | None = None,
) -> dict[str, Any]:
    """`quotes` None: the list of requests, which leaves them out."""
    answer: dict[str, Any] = {
        "id": request.id,
        "title": request.title,
        "details": request.details,
        "subsector": request.subsector_code,
        "hs_code": request.hs_code,
        "quantity": request.quantity,
        "unit": request.unit,
        "target_price": request.target_price,
        "currency": request.currency,
        "incoterm": request.incoterm,
        "destination": request.destination,
        "certifications": [c.code for c in request.certifications],
        "deadline": request.deadline,
        "closes_at": request.closes_at,
        "status": "closed" if request.is_closed else request.status.value,
        "status_reason": request.status_reason,
        "takes_quotes": request.takes_quotes(),
        "created_at": request.created_at,
        "recipients": recipients,
        "suggested_product_id": recipient.product_id if recipient is not None else None,
    }
    if quotes is not None:
        answer["quotes"] = [quote_out(q, request.quantity, request.buyer_id) for q in quotes]
    return answer


# ---------------------------------------------------------------------------------------------
# The office


def queue_business(business: Business) -> dict[str, Any]:
    change = pending_change(business)
    return {
        "id": business.id,
        "name": business.name,
        "status": business.status.value,
        "owner": {"id": business.owner.id, "name": business.owner.name},
        "submitted_at": business.submitted_at,
        "identity_change": (
            {
                "name": change.name,
                "nib": change.nib,
                "district": change.district,
                "requested_at": change.requested_at,
            }
            if change is not None
            else None
        ),
        "seen": seen_token(business),
        "url": public_url("api_office.business", business_id=business.id),
    }


def queue_product(product: Product) -> dict[str, Any]:
    return {
        "id": product.id,
        "name": product.name,
        "business": {"id": product.business.id, "name": product.business.name},
        "submitted_at": product.submitted_at,
        "seen": seen_token(product),
        "url": public_url("api_office.product", product_id=product.id),
    }


def nomination_seen(nomination: Nomination) -> str:
    """The version of a nomination an officer decides on."""
    return nomination.updated_at.isoformat()


def queue_nomination(nomination: Nomination) -> dict[str, Any]:
    business = nomination.product.business
    return {
        "id": nomination.id,
        "product": product_ref(nomination.product),
        "business": {"id": business.id, "name": business.name},
        "channel": {"slug": nomination.channel.slug, "name": nomination.channel.name},
        "note": nomination.note,
        "created_at": nomination.created_at,
        "seen": nomination_seen(nomination),
        "url": public_url("api_office.nomination", nomination_id=nomination.id),
    }


def _converted(price: ConvertedPrice | None) -> dict[str, Any] | None:
    if price is None:
        return None
    return {"amount": price.amount, "currency": price.currency, "rate_date": price.rate_date}


def _row(row: Row) -> dict[str, Any]:
    figures = row.figures
    return {
        "key": row.group.key,
        "label": row.group.label,
        "currency": row.group.currency,
        "figures": {
            "msmes": figures.msmes,
            "products_shown": figures.products_shown,
            "scans": figures.scans,
            "views": figures.views,
            "interests": figures.interests,
            "replies": figures.replies,
            "within_48h": figures.within_48h,
            "share_within_48h": figures.share_within_48h,
            "median_reply_hours": figures.median_reply_hours,
            "deals": figures.deals,
            "value_idr": figures.value_idr,
            "units_sold": figures.units_sold,
            "sales_idr": figures.sales_idr,
        },
        "value_converted": _converted(row.converted),
        "sales_converted": _converted(row.sales_converted),
    }


def report_out(report: Report) -> dict[str, Any]:
    return {
        "first": report.period.first,
        "last": report.period.last,
        "by": report.grouping.value,
        "rows": [_row(row) for row in report.rows],
        "total": _row(report.total),
        "months": [
            {"month": month.month, "interests": month.interests, "deals": month.deals}
            for month in report.months
        ],
    }
