"""The rules of buying requests: posting, screening, routing to the matching MSMEs, quoting,
questions about a quote, picking one (which opens a conversation) and withdrawing.

A request goes out to the verified MSMEs with a public product that matches it (see
`queries.matching_products`); only they see it and may quote, once each, until the deadline
(the end of the chosen day in the buyer's zone). Where the office screens requests
(`BUYING_REQUESTS_SCREENED`), a request waits for an officer before it goes out.

Functions add and flush; the caller commits. Notices go out in the same transaction
(`notices`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from marketplace.accounts.models import Role, User
from marketplace.accounts.zones import zone_of
from marketplace.businesses.models import Business
from marketplace.db import db, lock, utcnow
from marketplace.errors import ServiceError
from marketplace.interests.models import Interest, InterestStatus, Message
from marketplace.interests.services import QUANTITY_MAX, TARGET_PRICE_MAX, check_key, clean_text
from marketplace.ledger.audit import AuditAction, record_audit
from marketplace.products.models import Product
from marketplace.reference.loader import currencies, incoterms, units
from marketplace.reference.models import Certification, Subsector
from marketplace.rfq import notices, queries
from marketplace.rfq.models import (
    BuyingRequest,
    Quote,
    QuoteMessage,
    QuoteStatus,
    RequestRecipient,
    RequestStatus,
)

TITLE_MAX = 160
DETAILS_MAX = 4000
DESTINATION_MAX = 120
MESSAGE_MAX = 2000
REASON_MAX = 1000
PRICE_MAX_IDR = 999_999_999_999
LEAD_TIME_MAX = 730
# A request takes quotes for at most this long.
LONGEST_DEADLINE = timedelta(days=180)


class RequestError(ServiceError):
    """A rule of buying requests was not met."""


@dataclass(frozen=True)
class RequestData:
    title: str
    details: str
    subsector_code: str
    quantity: int
    unit: str
    currency: str
    destination: str
    deadline: date
    hs_code: str | None = None
    target_price: Decimal | None = None
    incoterm: str | None = None
    certification_codes: tuple[str, ...] = ()


@dataclass(frozen=True)
class QuoteData:
    product_id: int
    unit_price_idr: int
    lead_time_days: int
    moq: int | None = None
    message: str = ""


# ---------------------------------------------------------------------------------------------
# Posting and screening


def screens_requests() -> bool:
    return bool(current_app.config.get("BUYING_REQUESTS_SCREENED", False))


def closing_moment(deadline: date, zone: str) -> datetime:
    """The end of `deadline` in `zone`, in UTC."""
    end = datetime.combine(deadline + timedelta(days=1), time(0), tzinfo=ZoneInfo(zone))
    return end.astimezone(UTC)


def _checked(data: RequestData, buyer: User) -> RequestData:
    title = clean_text(data.title, TITLE_MAX, multiline=False)
    if not title:
        raise RequestError(_l("Please say what you are looking for."))
    details = clean_text(data.details, DETAILS_MAX)
    if db.session.get(Subsector, data.subsector_code) is None:
        raise RequestError(_l("Choose a category from the list."))
    hs_code = (data.hs_code or "").replace(".", "").replace(" ", "") or None
    if hs_code is not None and not (
        hs_code.isascii() and hs_code.isdigit() and 4 <= len(hs_code) <= 10
    ):
        raise RequestError(_l("An HS code has 4 to 10 digits, e.g. 4602 or 460211."))
    if not 0 < data.quantity <= QUANTITY_MAX:
        raise RequestError(_l("The quantity must be a whole number above zero."))
    if data.unit not in units():
        raise RequestError(_l("Choose a unit from the list."))
    if data.currency not in currencies():
        raise RequestError(_l("Choose a currency from the list."))
    price = data.target_price
    if price is not None and (
        not Decimal(0) < price <= TARGET_PRICE_MAX or price != price.quantize(Decimal("0.01"))
    ):
        raise RequestError(_l("The target price must be above zero, with at most 2 decimals."))
    if data.incoterm and data.incoterm not in incoterms():
        raise RequestError(_l("Choose an Incoterm from the list."))
    destination = clean_text(data.destination, DESTINATION_MAX, multiline=False)
    if not destination:
        raise RequestError(_l("Please say where the goods should go."))
    today = datetime.now(ZoneInfo(zone_of(buyer))).date()
    if not today <= data.deadline <= today + LONGEST_DEADLINE:
        raise RequestError(_l("Choose a deadline between today and six months from now."))
    codes = tuple(dict.fromkeys(data.certification_codes))
    known = set(
        db.session.scalars(sa.select(Certification.code).where(Certification.code.in_(codes)))
    )
    if len(known) != len(codes):
        raise RequestError(_l("Choose certifications from the list."))
    return RequestData(
        title=title,
        details=details,
        subsector_code=data.subsector_code,
        quantity=data.quantity,
        unit=data.unit,
        currency=data.currency,
        destination=destination,
        deadline=data.deadline,
        hs_code=hs_code,
        target_price=price,
        incoterm=data.incoterm or None,
        certification_codes=codes,
    )


def post_request(buyer: User, data: RequestData, *, submission_key: str) -> BuyingRequest:
    """A buyer's new request: routed at once, or kept for the office where it screens them.
    The same form sent twice makes one request."""
    if buyer.role != Role.BUYER:
        raise RequestError(_l("Only buyers can post a buying request."))
    if buyer.email_verified_at is None:
        raise RequestError(
            _l("Please verify your e-mail address first, with the link we sent you.")
        )
    key = check_key(submission_key)
    existing = db.session.scalar(
        sa.select(BuyingRequest).where(BuyingRequest.submission_key == key)
    )
    if existing is not None:
        if existing.buyer_id != buyer.id:
            raise RequestError(
                _l("The form has expired. Please reload the page and send it again.")
            )
        return existing
    terms = _checked(data, buyer)
    request = BuyingRequest(
        buyer=buyer,
        title=terms.title,
        details=terms.details,
        subsector_code=terms.subsector_code,
        hs_code=terms.hs_code,
        quantity=terms.quantity,
        unit=terms.unit,
        target_price=terms.target_price,
        currency=terms.currency,
        incoterm=terms.incoterm,
        destination=terms.destination,
        deadline=terms.deadline,
        closes_at=closing_moment(terms.deadline, zone_of(buyer)),
        status=RequestStatus.SCREENING if screens_requests() else RequestStatus.OPEN,
        submission_key=key,
        certifications=list(
            db.session.scalars(
                sa.select(Certification).where(Certification.code.in_(terms.certification_codes))
            )
        ),
    )
    try:
        with db.session.begin_nested():
            db.session.add(request)
    except sa.exc.IntegrityError:
        found = db.session.scalar(
            sa.select(BuyingRequest).where(BuyingRequest.submission_key == key)
        )
        if found is None or found.buyer_id != buyer.id:
            raise
        return found
    record_audit(
        buyer,
        AuditAction.BUYING_REQUEST_POSTED,
        "buying_request",
        request.id,
        after={"status": request.status.value, "quantity": request.quantity, "unit": request.unit},
    )
    if request.status == RequestStatus.OPEN:
        route(request)
    return request


def route(request: BuyingRequest) -> list[RequestRecipient]:
    """Send an open request to every matching MSME it has not reached yet (each told once)."""
    request.routed_at = utcnow()
    reached = set(
        db.session.scalars(
            sa.select(RequestRecipient.business_id).where(RequestRecipient.request_id == request.id)
        )
    )
    recipients: list[RequestRecipient] = []
    for business_id, product_id in db.session.execute(queries.matching_products(request)):
        if business_id in reached:
            continue
        recipient = RequestRecipient(
            request=request, business_id=business_id, product_id=product_id
        )
        db.session.add(recipient)
        recipients.append(recipient)
    db.session.flush()
    for recipient in recipients:
        notices.request_received(request, recipient.business)
    return recipients


def approve(request: BuyingRequest, officer: User) -> None:
    lock(request)
    if request.status != RequestStatus.SCREENING:
        raise RequestError(_l("This request is not waiting for the office any more."))
    request.status = RequestStatus.OPEN
    request.screened_by_id = officer.id
    record_audit(
        officer,
        AuditAction.BUYING_REQUEST_APPROVED,
        "buying_request",
        request.id,
        before={"status": RequestStatus.SCREENING.value},
        after={"status": RequestStatus.OPEN.value},
    )
    route(request)


def reject(request: BuyingRequest, officer: User, reason: str) -> None:
    lock(request)
    if request.status != RequestStatus.SCREENING:
        raise RequestError(_l("This request is not waiting for the office any more."))
    text = clean_text(reason, REASON_MAX)
    if not text:
        raise RequestError(_l("Please give the buyer a reason."))
    request.status = RequestStatus.REJECTED
    request.status_reason = text
    request.screened_by_id = officer.id
    record_audit(
        officer,
        AuditAction.BUYING_REQUEST_REJECTED,
        "buying_request",
        request.id,
        before={"status": RequestStatus.SCREENING.value},
        after={"status": RequestStatus.REJECTED.value},
        reason=text,
    )
    notices.request_rejected(request)


def withdraw(request: BuyingRequest, buyer: User) -> None:
    lock(request)
    if request.buyer_id != buyer.id:
        raise RequestError(_l("Only the buyer who posted it can withdraw a request."))
    if request.status not in (RequestStatus.SCREENING, RequestStatus.OPEN):
        raise RequestError(_l("This request is closed already."))
    before = request.status.value
    request.status = RequestStatus.WITHDRAWN
    for quote in request.quotes:
        if quote.status == QuoteStatus.SUBMITTED:
            quote.status = QuoteStatus.NOT_PICKED
            notices.request_withdrawn(quote)
    record_audit(
        buyer,
        AuditAction.BUYING_REQUEST_WITHDRAWN,
        "buying_request",
        request.id,
        before={"status": before},
        after={"status": RequestStatus.WITHDRAWN.value},
    )
    db.session.flush()


# ---------------------------------------------------------------------------------------------
# Quotes


def recipient_of(request: BuyingRequest, business: Business) -> RequestRecipient | None:
    return db.session.get(RequestRecipient, (request.id, business.id))


def submit_quote(request: BuyingRequest, business: Business, owner: User, data: QuoteData) -> Quote:
    """The business's quote, or its new terms while the request still takes quotes. The
    buyer is told of a new quote (not of each change)."""
    lock(request)
    if business.owner_id != owner.id or recipient_of(request, business) is None:
        raise RequestError(_l("This request was not sent to your business."))
    if not request.takes_quotes():
        raise RequestError(_l("This request takes no more quotes."))
    product = db.session.get(Product, data.product_id)
    if product is None or product.business_id != business.id or not product.is_public:
        raise RequestError(_l("Choose one of your published products."))
    if not 0 < data.unit_price_idr <= PRICE_MAX_IDR:
        raise RequestError(_l("Enter the price per unit in whole rupiah, above zero."))
    if not 0 <= data.lead_time_days <= LEAD_TIME_MAX:
        raise RequestError(_l("Enter the lead time in days, from 0 to 730."))
    if data.moq is not None and not 0 < data.moq <= QUANTITY_MAX:
        raise RequestError(_l("The minimum order must be a whole number above zero."))
    message = clean_text(data.message, MESSAGE_MAX)
    quote = db.session.scalar(
        sa.select(Quote).where(Quote.request_id == request.id, Quote.business_id == business.id)
    )
    terms = {
        "product_id": product.id,
        "unit_price_idr": data.unit_price_idr,
        "moq": data.moq,
        "lead_time_days": data.lead_time_days,
    }
    if quote is None:
        quote = Quote(
            request=request,
            business=business,
            submitted_by_id=owner.id,
            message=message,
            **terms,
        )
        db.session.add(quote)
        db.session.flush()
        record_audit(owner, AuditAction.QUOTE_SUBMITTED, "quote", quote.id, after=terms)
        notices.quote_received(quote)
        return quote
    if quote.status != QuoteStatus.SUBMITTED:
        raise RequestError(_l("This quote can no longer be changed."))
    before = {name: getattr(quote, name) for name in terms}
    for name, value in terms.items():
        setattr(quote, name, value)
    quote.message = message
    record_audit(owner, AuditAction.QUOTE_CHANGED, "quote", quote.id, before=before, after=terms)
    db.session.flush()
    return quote


def ask(quote: Quote, sender: User, body: str) -> QuoteMessage:
    """A question of the buyer about a quote, or the MSME's answer, while nothing is picked."""
    request = quote.request
    is_buyer = request.buyer_id == sender.id
    if not is_buyer and quote.business.owner_id != sender.id:
        raise RequestError(_l("Only the buyer and the business can write here."))
    if quote.status != QuoteStatus.SUBMITTED or request.status != RequestStatus.OPEN:
        raise RequestError(_l("Questions are closed: continue in the conversation."))
    text = clean_text(body, MESSAGE_MAX)
    if not text:
        raise RequestError(_l("Please write a message."))
    message = QuoteMessage(quote=quote, sender_id=sender.id, body=text)
    db.session.add(message)
    db.session.flush()
    notices.question_posted(message, to_buyer=not is_buyer)
    return message


def pick(request: BuyingRequest, quote: Quote, buyer: User) -> Interest:
    """The buyer's choice: the quote becomes a conversation with the business (its first
    message is the request, then the quote, then the questions and answers); the other quotes
    are told they were not picked."""
    lock(request)
    if request.buyer_id != buyer.id or quote.request_id != request.id:
        raise RequestError(_l("This quote is not one of your request's."))
    if request.status != RequestStatus.OPEN or quote.status != QuoteStatus.SUBMITTED:
        raise RequestError(_l("A quote has been picked already, or the request is closed."))
    product = quote.product
    if not product.is_public:
        raise RequestError(_l("This product is not available any more."))
    owner = quote.business.owner
    lines = [request.title]
    if request.details:
        lines += ["", request.details]
    interest = Interest(
        buyer=buyer,
        product=product,
        quantity=request.quantity,
        unit=request.unit,
        target_price=request.target_price,
        currency=request.currency if request.target_price is not None else None,
        incoterm=request.incoterm,
        destination=request.destination,
        message="\n".join(lines),
        status=InterestStatus.REPLIED,
        first_reply_at=quote.created_at,
        buyer_read_at=utcnow(),
        created_at=request.created_at,
    )
    db.session.add(interest)
    db.session.flush()
    if quote.message:
        db.session.add(
            Message(
                interest=interest,
                sender_id=owner.id,
                body=quote.message,
                created_at=quote.created_at,
            )
        )
    for question in quote.questions:
        db.session.add(
            Message(
                interest=interest,
                sender_id=question.sender_id,
                body=question.body,
                created_at=question.created_at,
            )
        )
    quote.status = QuoteStatus.PICKED
    quote.interest = interest
    request.status = RequestStatus.AWARDED
    record_audit(
        buyer,
        AuditAction.QUOTE_PICKED,
        "buying_request",
        request.id,
        before={"status": RequestStatus.OPEN.value},
        after={"status": RequestStatus.AWARDED.value, "quote": quote.id, "interest": interest.id},
    )
    db.session.flush()
    notices.quote_picked(quote)
    for other in request.quotes:
        if other.id != quote.id and other.status == QuoteStatus.SUBMITTED:
            other.status = QuoteStatus.NOT_PICKED
            notices.quote_not_picked(other)
    db.session.flush()
    return interest


def tell_closed(now: datetime | None = None) -> int:
    """Tell each buyer whose request passed its deadline, once, how many quotes it drew (the
    request itself closed at its deadline: from then on it takes no quote)."""
    now = now or utcnow()
    told = 0
    for request in db.session.scalars(queries.closed_untold(now)):
        request.closed_notice_at = now
        notices.request_closed(request, len(request.quotes))
        told += 1
    db.session.flush()
    return told


def quote_of(interest: Interest) -> Quote | None:
    """The picked quote a conversation began with (None for an interest in a product)."""
    return db.session.scalar(sa.select(Quote).where(Quote.interest_id == interest.id))
