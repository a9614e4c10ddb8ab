"""Queries of buying requests: which MSMEs a request matches, each side's lists, the office's
list and the report's counts per partner city."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from marketplace.accounts.models import BuyerProfile
from marketplace.businesses.models import Business, BusinessCertification
from marketplace.db import utcnow
from marketplace.interests.models import Interest, InterestStatus
from marketplace.periods import Period, bandung_today
from marketplace.products.models import Product
from marketplace.rfq.models import (
    BuyingRequest,
    Quote,
    QuoteStatus,
    RequestRecipient,
    RequestStatus,
)

# A business matches a quantity it can make within this many months at its stated capacity.
CAPACITY_MONTHS = 3


def matching_products(request: BuyingRequest) -> sa.Select[int, int]:
    """(business id, its first matching product's id) for every verified MSME with a public
    product that matches the request:
    - the product's category (else its business's) is the request's;
    - with an HS code, the product's code and the request's share the shorter one as a prefix
      (a buyer's 4602 matches 460211, a buyer's 460211 matches a product under 4602), the
      product's having at least 4 digits;
    - the business holds every certification asked for, not expired;
    - the product's monthly capacity, where stated, makes the quantity within three months.
    """
    category = sa.func.coalesce(Product.subsector_code, Business.subsector_code)
    conditions: list[sa.ColumnElement[bool]] = [
        sa.and_(Product.is_public),
        category == request.subsector_code,
        sa.or_(
            Product.monthly_capacity.is_(None),
            Product.monthly_capacity * CAPACITY_MONTHS >= request.quantity,
        ),
    ]
    if request.hs_code:
        code = request.hs_code
        # Codes typed before the form kept digits only may hold dots ("4602.11").
        digits = sa.func.replace(Product.hs_code, ".", "")
        conditions.append(
            sa.or_(
                digits.startswith(code, autoescape=True),
                sa.and_(sa.func.length(digits) >= 4, sa.literal(code).startswith(digits)),
            )
        )
    today = bandung_today()
    for certification in request.certifications:
        conditions.append(
            sa.exists().where(
                BusinessCertification.business_id == Business.id,
                BusinessCertification.certification_code == certification.code,
                sa.or_(
                    BusinessCertification.expires_on.is_(None),
                    BusinessCertification.expires_on >= today,
                ),
            )
        )
    return (
        sa.select(Product.business_id, sa.func.min(Product.id))
        .join(Product.business)
        .where(*conditions)
        .group_by(Product.business_id)
        .order_by(Product.business_id)
    )


def buyer_requests(buyer_id: int) -> sa.Select[BuyingRequest]:
    return (
        sa.select(BuyingRequest)
        .where(BuyingRequest.buyer_id == buyer_id)
        .options(selectinload(BuyingRequest.quotes), selectinload(BuyingRequest.subsector))
        .order_by(BuyingRequest.created_at.desc(), BuyingRequest.id.desc())
    )


def quotes_of(request_id: int) -> sa.Select[Quote]:
    return (
        sa.select(Quote)
        .where(Quote.request_id == request_id)
        .options(
            selectinload(Quote.business).selectinload(Business.certifications),
            selectinload(Quote.product),
            selectinload(Quote.questions),
        )
        .order_by(Quote.unit_price_idr, Quote.id)
    )


def requests_for_business(business_id: int) -> sa.Select[BuyingRequest, Quote]:
    """The requests sent to a business, open ones first, each with the business's quote."""
    still_open = sa.and_(
        BuyingRequest.status == RequestStatus.OPEN, BuyingRequest.closes_at > utcnow()
    )
    return (
        sa.select(BuyingRequest, Quote)
        .join(RequestRecipient, RequestRecipient.request_id == BuyingRequest.id)
        .outerjoin(
            Quote,
            sa.and_(Quote.request_id == BuyingRequest.id, Quote.business_id == business_id),
        )
        .where(RequestRecipient.business_id == business_id)
        .options(selectinload(BuyingRequest.buyer), selectinload(BuyingRequest.subsector))
        .order_by(sa.case((still_open, 0), else_=1), BuyingRequest.closes_at, BuyingRequest.id)
    )


def office_requests(status: RequestStatus | None) -> sa.Select[BuyingRequest]:
    statement = sa.select(BuyingRequest).options(
        selectinload(BuyingRequest.buyer),
        selectinload(BuyingRequest.quotes),
        selectinload(BuyingRequest.recipients),
    )
    if status is not None:
        statement = statement.where(BuyingRequest.status == status)
    return statement.order_by(BuyingRequest.created_at.desc(), BuyingRequest.id.desc())


def closed_untold(now: datetime) -> sa.Select[BuyingRequest]:
    """Open requests past their deadline whose buyer was not told yet."""
    return (
        sa.select(BuyingRequest)
        .where(
            BuyingRequest.status == RequestStatus.OPEN,
            BuyingRequest.closes_at <= now,
            BuyingRequest.closed_notice_at.is_(None),
        )
        .options(selectinload(BuyingRequest.quotes), selectinload(BuyingRequest.buyer))
        .order_by(BuyingRequest.id)
    )


def waiting_count() -> sa.Select[int]:
    return sa.select(sa.func.count()).where(BuyingRequest.status == RequestStatus.SCREENING)


def report_rows(period: Period) -> sa.Select[int | None, int, int, int, int, int]:
    """Per buyer's partner city (None: none), for requests posted in the period: requests,
    quotes, picks, deals won from a picked quote, and their value in rupiah."""
    quotes = (
        sa.select(sa.func.count())
        .where(Quote.request_id == BuyingRequest.id)
        .correlate(BuyingRequest)
        .scalar_subquery()
    )
    won = sa.and_(Quote.id.is_not(None), Interest.status == InterestStatus.WON)
    return (
        sa.select(
            BuyerProfile.partner_city_id,
            sa.func.count(sa.distinct(BuyingRequest.id)),
            sa.func.coalesce(sa.func.sum(quotes), 0),
            sa.func.count(Quote.id),
            sa.func.count(sa.case((won, 1))),
            sa.func.coalesce(sa.func.sum(sa.case((won, Interest.won_value_idr), else_=0)), 0),
        )
        .select_from(BuyingRequest)
        .outerjoin(BuyerProfile, BuyerProfile.user_id == BuyingRequest.buyer_id)
        .outerjoin(
            Quote,
            sa.and_(Quote.request_id == BuyingRequest.id, Quote.status == QuoteStatus.PICKED),
        )
        .outerjoin(Interest, Interest.id == Quote.interest_id)
        .where(BuyingRequest.created_at >= period.start, BuyingRequest.created_at < period.end)
        .group_by(BuyerProfile.partner_city_id)
    )
