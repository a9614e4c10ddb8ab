"""What the private operations read (JSON bodies, query strings) and answer, as marshmallow
schemas: they appear in the OpenAPI document and keep answers to the fields declared here.

Bodies refuse what they do not understand (an unknown field, a wrong type, a value outside the
range its column holds) with a 400 naming the field, before any service runs; the pages' form
rules are here too (the lengths, a web address that is http or https, an e-mail address), and
the services' own rules come after (422, in the service's words). No text may hold a NUL
character (PostgreSQL cannot store one).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import marshmallow as ma
from marshmallow import fields, validate

from marketplace.api.schemas import CODE, Source
from marketplace.businesses.models import ExportExperience
from marketplace.businesses.texts import TRANSLATION_LOCALES as BUSINESS_LOCALES
from marketplace.channels.curation import NOTE_MAX
from marketplace.channels.curation import REASON_MAX as NOMINATION_REASON_MAX
from marketplace.forms import EARLIEST_DATE, LATEST_DATE
from marketplace.interests.models import InterestStatus
from marketplace.interests.services import MESSAGE_MAX, QUANTITY_MAX, REASON_MAX
from marketplace.office.models import Grouping
from marketplace.products.services import MAX_PRICE_IDR
from marketplace.products.services import TRANSLATION_LOCALES as PRODUCT_LOCALES
from marketplace.rfq import services as rfq
from marketplace.tokens.services import KEY_MAX

ID_MAX = 2**31 - 1  # an integer column
DECIMAL_MAX = Decimal(10**15)


def _no_nul(value: str) -> None:
    if "\x00" in value:
        raise ma.ValidationError("Text may not contain a NUL character.")


def _text(limit: int, description: str = "", **kwargs: Any) -> fields.String:
    return fields.String(
        validate=[validate.Length(max=limit), _no_nul],
        metadata={"description": description} if description else {},
        **kwargs,
    )


def _whole(low: int, high: int, description: str = "", **kwargs: Any) -> fields.Integer:
    return fields.Integer(
        strict=True,
        validate=validate.Range(min=low, max=high),
        metadata={"description": description} if description else {},
        **kwargs,
    )


def _id(description: str = "", **kwargs: Any) -> fields.Integer:
    return _whole(1, ID_MAX, description, **kwargs)


def _positive_amount(value: Decimal) -> None:
    if not Decimal(0) < value <= DECIMAL_MAX:
        raise ma.ValidationError("The amount must be above zero and at most 10^15.")


def _amount(description: str, **kwargs: Any) -> fields.Decimal:
    """A decimal amount, sent as a string ("12.50") or a number; answered as a string."""
    return fields.Decimal(
        as_string=True,
        allow_nan=False,
        validate=_positive_amount,
        metadata={
            "description": description + " A decimal, as a string or a number.",
            "type": "string",
            "format": "decimal",
            "example": "12.50",
        },
        **kwargs,
    )


def _in_calendar(value: date) -> None:
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise ma.ValidationError("The date is outside the years 1900 to 2100.")


def _key() -> fields.String:
    return fields.String(
        validate=[validate.Length(min=1, max=KEY_MAX), validate.Regexp(r"^[\x21-\x7e]+$")],
        metadata={
            "description": "Your own one-time key for this request (printable ASCII, at most "
            f"{KEY_MAX} characters): sent again with the same key, nothing new is made."
        },
    )


class Body(ma.Schema):
    """A JSON body: an unknown field is an error, not silently left out."""

    class Meta:
        unknown = ma.RAISE


# ---------------------------------------------------------------------------------------------
# Shared pieces of answers


class ListPageArgs(ma.Schema):
    page = _whole(1, 100_000, "Page number, from 1.")
    per_page = _whole(1, 100, "Items per page (default 20).")


class Ref(ma.Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)


class ProductRef(ma.Schema):
    id = fields.Integer(required=True)
    slug = fields.String(required=True)
    name = fields.String(required=True)


class ChannelName(ma.Schema):
    slug = fields.String(required=True)
    name = fields.String(required=True)


# ---------------------------------------------------------------------------------------------
# The MSME owner's business


class BusinessTexts(Body):
    description = _text(5000)
    monthly_capacity = _text(120)


class CertificationOut(ma.Schema):
    id = fields.Integer(required=True)
    code = fields.String(required=True)
    name = fields.String(required=True)
    number = fields.String(required=True)
    issuer = fields.String(allow_none=True)
    expires_on = fields.Date(allow_none=True)


class IdentityChangeOut(ma.Schema):
    name = fields.String(required=True)
    nib = fields.String(allow_none=True)
    district = fields.String(allow_none=True)
    requested_at = fields.DateTime(required=True)


class BusinessOut(ma.Schema):
    id = fields.Integer(required=True)
    slug = fields.String(required=True)
    name = fields.String(required=True)
    status = fields.String(required=True)
    status_reason = fields.String(allow_none=True)
    nib = fields.String(allow_none=True)
    subsector = fields.String(allow_none=True)
    district = fields.String(allow_none=True)
    description = fields.String(required=True)
    year_founded = fields.Integer(allow_none=True)
    employees = fields.Integer(allow_none=True)
    monthly_capacity = fields.String(allow_none=True)
    export_experience = fields.String(required=True)
    export_markets = fields.List(fields.String(), required=True)
    export_markets_note = fields.String(allow_none=True)
    website = fields.String(allow_none=True)
    instagram = fields.String(allow_none=True)
    contact_email = fields.String(allow_none=True)
    contact_phone = fields.String(allow_none=True)
    whatsapp = fields.String(allow_none=True)
    address = fields.String(allow_none=True)
    translations = fields.Dict(
        keys=fields.String(),
        values=fields.Nested(BusinessTexts),
        required=True,
        metadata={"description": "The description and capacity in other languages."},
    )
    certifications = fields.List(fields.Nested(CertificationOut), required=True)
    identity_change = fields.Nested(
        IdentityChangeOut,
        allow_none=True,
        metadata={"description": "A new name, NIB or district waiting for the office."},
    )
    missing_for_verification = fields.List(fields.String(), required=True)
    submitted_at = fields.DateTime(allow_none=True)
    verified_at = fields.DateTime(allow_none=True)
    updated_at = fields.DateTime(required=True)
    page = fields.String(allow_none=True, metadata={"description": "The public page, if shown."})


class BusinessEdit(Body):
    """The fields of the profile page; those left out keep their values. Once the office has
    verified the business, a new name, NIB or district waits for its review."""

    name = fields.String(validate=[validate.Length(min=1, max=160), _no_nul])
    nib = fields.String(allow_none=True, validate=validate.Regexp(r"^\d{13}$"))
    subsector = fields.String(allow_none=True, validate=CODE)
    district = _text(60, allow_none=True)
    description = _text(5000)
    year_founded = _whole(1800, 2100, allow_none=True)
    employees = _whole(0, 100_000, allow_none=True)
    monthly_capacity = _text(120, allow_none=True)
    export_experience = fields.String(validate=validate.OneOf([e.value for e in ExportExperience]))
    export_markets = fields.List(
        fields.String(validate=validate.Regexp(r"^[A-Z]{2}$")),
        validate=validate.Length(max=250),
        metadata={"description": "Country codes (ISO 3166-1 alpha-2)."},
    )
    export_markets_note = _text(2000, allow_none=True)
    website = fields.Url(
        allow_none=True,
        schemes={"http", "https"},
        validate=validate.Length(max=255),
        metadata={"description": "A full http or https address."},
    )
    instagram = _text(120, allow_none=True)
    contact_email = fields.Email(allow_none=True, validate=validate.Length(max=254))
    contact_phone = _text(40, allow_none=True)
    whatsapp = _text(40, allow_none=True)
    address = _text(255, allow_none=True)
    translations = fields.Dict(
        keys=fields.String(validate=validate.OneOf(BUSINESS_LOCALES)),
        values=fields.Nested(BusinessTexts),
        metadata={"description": "Replaces the texts in other languages, when given."},
    )

    @ma.validates("year_founded")
    def _not_in_future(self, value: int | None, **_kwargs: Any) -> None:
        if value is not None and value > date.today().year:
            raise ma.ValidationError("The year cannot be in the future.")


# ---------------------------------------------------------------------------------------------
# The owner's products and photos


class ProductTexts(Body):
    name = _text(160, required=True)
    description = _text(5000)
    materials = _text(255)
    story = _text(5000)


class PhotoOut(ma.Schema):
    id = fields.Integer(required=True)
    position = fields.Integer(required=True, metadata={"description": "0 is the cover."})
    alt_text = fields.String(required=True)
    width = fields.Integer(required=True)
    height = fields.Integer(required=True)
    sources = fields.List(fields.Nested(Source), required=True)


class ProductOut(ma.Schema):
    id = fields.Integer(required=True)
    slug = fields.String(required=True)
    status = fields.String(required=True)
    status_reason = fields.String(allow_none=True)
    name = fields.String(required=True)
    description = fields.String(required=True)
    subsector = fields.String(allow_none=True)
    hs_code = fields.String(allow_none=True)
    price_idr = fields.Integer(allow_none=True)
    unit = fields.String(required=True)
    moq = fields.Integer(allow_none=True)
    lead_time_days = fields.Integer(allow_none=True)
    monthly_capacity = fields.Integer(allow_none=True)
    materials = fields.String(allow_none=True)
    dimensions = fields.String(allow_none=True)
    weight_grams = fields.Integer(allow_none=True)
    story = fields.String(allow_none=True)
    certification_ids = fields.List(fields.Integer(), required=True)
    translations = fields.Dict(
        keys=fields.String(), values=fields.Nested(ProductTexts), required=True
    )
    photos = fields.List(fields.Nested(PhotoOut), required=True)
    missing_for_review = fields.List(
        fields.String(),
        required=True,
        metadata={"description": "What the office needs before the product can be submitted."},
    )
    submitted_at = fields.DateTime(allow_none=True)
    published_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)
    page = fields.String(allow_none=True, metadata={"description": "The public page, if shown."})


class OwnProductList(ma.Schema):
    items = fields.List(fields.Nested(ProductOut), required=True)


class ProductFields(Body):
    """A product's fields as the listing page has them."""

    description = _text(5000)
    subsector = fields.String(allow_none=True, validate=CODE)
    hs_code = fields.String(
        allow_none=True,
        validate=validate.Regexp(r"^\d{6,10}$"),
        metadata={"description": "6 to 10 digits, without dots."},
    )
    price_idr = _whole(1, MAX_PRICE_IDR - 1, "Whole rupiah.", allow_none=True)
    unit = fields.String(validate=validate.Length(min=1, max=20))
    moq = _whole(1, 10**9, allow_none=True)
    lead_time_days = _whole(0, 730, allow_none=True)
    monthly_capacity = _whole(1, 10**9, allow_none=True)
    materials = _text(255, allow_none=True)
    dimensions = _text(80, allow_none=True)
    weight_grams = _whole(1, 10**8, allow_none=True)
    story = _text(5000, allow_none=True)
    certification_ids = fields.List(
        _id(),
        validate=validate.Length(max=100),
        metadata={"description": "Certifications of your business that apply."},
    )
    translations = fields.Dict(
        keys=fields.String(validate=validate.OneOf(PRODUCT_LOCALES)),
        values=fields.Nested(ProductTexts),
        metadata={"description": "Replaces the texts in other languages, when given."},
    )


class ProductCreate(ProductFields):
    name = fields.String(required=True, validate=[validate.Length(min=1, max=160), _no_nul])
    submission_key = _key()


class ProductEdit(ProductFields):
    """The fields left out keep their values. A change of the name, texts or photos of a
    published product sends it back to the office's review."""

    name = fields.String(validate=[validate.Length(min=1, max=160), _no_nul])


class RefusedFile(ma.Schema):
    file = fields.String(required=True)
    reason = fields.String(required=True)


class PhotoUploadOut(ma.Schema):
    added = fields.List(fields.Nested(PhotoOut), required=True)
    refused = fields.List(fields.Nested(RefusedFile), required=True)
    photos = fields.List(fields.Nested(PhotoOut), required=True)


class PhotoFiles(ma.Schema):
    photos = fields.Raw(
        required=True,
        metadata={
            "type": "array",
            "items": {"type": "string", "format": "binary"},
            "description": "One or more JPEG, PNG or WebP files (up to 10 MB each).",
        },
    )


# ---------------------------------------------------------------------------------------------
# Nominations


class NominationOut(ma.Schema):
    id = fields.Integer(required=True)
    status = fields.String(required=True)
    stage = fields.String(allow_none=True)
    product = fields.Nested(ProductRef, required=True)
    channel = fields.Nested(ChannelName, required=True)
    note = fields.String(required=True)
    decision_reason = fields.String(allow_none=True)
    decided_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime(required=True)
    can_withdraw = fields.Boolean(required=True)


class NominationList(ma.Schema):
    items = fields.List(fields.Nested(NominationOut), required=True)


class NominationCreate(Body):
    product_id = _id("One of your published products.", required=True)
    channel = fields.String(
        required=True, validate=CODE, metadata={"description": "The channel's slug."}
    )
    note = _text(NOTE_MAX)


# ---------------------------------------------------------------------------------------------
# Conversations


class BuyerOut(ma.Schema):
    id = fields.Integer(allow_none=True)
    name = fields.String(required=True)
    company = fields.String(allow_none=True)
    buyer_type = fields.String(allow_none=True)
    city = fields.String(allow_none=True)
    country_code = fields.String(allow_none=True)


class ContactOut(ma.Schema):
    email = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    whatsapp = fields.String(allow_none=True)
    website = fields.String(allow_none=True)


class InterestBusiness(ma.Schema):
    slug = fields.String(required=True)
    name = fields.String(required=True)
    contact = fields.Nested(
        ContactOut,
        allow_none=True,
        metadata={"description": "Once the business has answered you."},
    )


class MessageOut(ma.Schema):
    id = fields.Integer(required=True)
    sender = fields.String(required=True, metadata={"description": "buyer or business"})
    body = fields.String(required=True)
    created_at = fields.DateTime(required=True)


class InterestOut(ma.Schema):
    id = fields.Integer(required=True)
    status = fields.String(required=True)
    product = fields.Nested(ProductRef, required=True)
    business = fields.Nested(InterestBusiness, required=True)
    buyer = fields.Nested(BuyerOut, allow_none=True)
    quantity = fields.Integer(allow_none=True)
    unit = fields.String(allow_none=True)
    target_price = fields.Decimal(as_string=True, allow_none=True)
    currency = fields.String(allow_none=True)
    incoterm = fields.String(allow_none=True)
    destination = fields.String(allow_none=True)
    message = fields.String(required=True)
    created_at = fields.DateTime(required=True)
    first_reply_at = fields.DateTime(allow_none=True)
    closed_at = fields.DateTime(allow_none=True)
    won_quantity = fields.Integer(allow_none=True)
    won_value_idr = fields.Integer(allow_none=True)
    won_amount = fields.Decimal(as_string=True, allow_none=True)
    won_currency = fields.String(allow_none=True)
    lost_reason = fields.String(allow_none=True)
    unread = fields.Boolean(allow_none=True, metadata={"description": "In lists only."})
    can_write = fields.Boolean(required=True)
    next_steps = fields.List(
        fields.String(), required=True, metadata={"description": "Statuses you may move it to."}
    )
    messages = fields.List(
        fields.Nested(MessageOut), metadata={"description": "In one conversation only."}
    )


class InterestList(ma.Schema):
    items = fields.List(fields.Nested(InterestOut), required=True)
    next = fields.String(allow_none=True, required=True)
    count = fields.Integer(required=True)


class InboxArgs(ListPageArgs):
    status = fields.String(validate=validate.OneOf([s.value for s in InterestStatus]))


class MessageCreate(Body):
    body = fields.String(required=True, validate=[validate.Length(min=1, max=MESSAGE_MAX)])


class StatusChange(Body):
    """The owner's step: `replied` (answered outside the marketplace), `negotiating`, `won`
    (with the quantity and value of the deal) or `lost` (with the reason)."""

    status = fields.String(
        required=True,
        validate=validate.OneOf(["replied", "negotiating", "won", "lost"]),
    )
    won_quantity = _whole(1, QUANTITY_MAX)
    won_value = _amount("The deal's value in `won_currency` (whole rupiah for IDR).")
    won_currency = fields.String(validate=validate.Regexp(r"^[A-Z]{3}$"))
    won_rate = _amount(
        "Rupiah per unit of `won_currency`; the office's rate of the day if left out."
    )
    lost_reason = fields.String(validate=validate.Length(max=REASON_MAX))

    @ma.validates_schema
    def _what_each_step_needs(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if data["status"] == "won":
            for name in ("won_quantity", "won_value"):
                if data.get(name) is None:
                    raise ma.ValidationError("A won deal needs its quantity and value.", name)
        if data["status"] == "lost" and not (data.get("lost_reason") or "").strip():
            raise ma.ValidationError("Say why the deal did not happen.", "lost_reason")


class InterestCreate(Body):
    product = fields.String(
        required=True, validate=CODE, metadata={"description": "The product's slug."}
    )
    message = fields.String(required=True, validate=validate.Length(min=1, max=MESSAGE_MAX))
    quantity = _whole(1, QUANTITY_MAX, allow_none=True)
    unit = fields.String(allow_none=True, validate=validate.Length(max=20))
    target_price = _amount("Per unit, in `currency`.", allow_none=True)
    currency = fields.String(allow_none=True, validate=validate.Regexp(r"^[A-Z]{3}$"))
    incoterm = fields.String(allow_none=True, validate=validate.Regexp(r"^[A-Z]{3}$"))
    destination = fields.String(allow_none=True, validate=validate.Length(max=120))
    submission_key = _key()


class InterestCreated(InterestOut):
    joined = fields.Boolean(
        required=True,
        metadata={"description": "Added as a message to your open conversation about it."},
    )


# ---------------------------------------------------------------------------------------------
# The shortlist


class ShortlistItem(ma.Schema):
    slug = fields.String(required=True)
    name = fields.String(required=True)
    business = fields.String(required=True)
    price_idr = fields.Integer(allow_none=True)
    unit = fields.String(required=True)
    added_at = fields.DateTime(required=True)
    available = fields.Boolean(required=True)
    url = fields.String(required=True, metadata={"description": "The product in the API."})


class ShortlistOut(ma.Schema):
    items = fields.List(fields.Nested(ShortlistItem), required=True)


class ShortlistAdd(Body):
    product = fields.String(
        required=True, validate=CODE, metadata={"description": "The product's slug."}
    )


# ---------------------------------------------------------------------------------------------
# Buying requests


class QuestionOut(ma.Schema):
    sender = fields.String(required=True, metadata={"description": "buyer or business"})
    body = fields.String(required=True)
    created_at = fields.DateTime(required=True)


class QuoteOut(ma.Schema):
    id = fields.Integer(required=True)
    status = fields.String(required=True)
    business = fields.Nested(ChannelName, required=True)
    product = fields.Nested(ProductRef, required=True)
    unit_price_idr = fields.Integer(required=True)
    total_idr = fields.Integer(required=True)
    moq = fields.Integer(allow_none=True)
    lead_time_days = fields.Integer(required=True)
    message = fields.String(required=True)
    created_at = fields.DateTime(required=True)
    interest_id = fields.Integer(allow_none=True, metadata={"description": "Once picked."})
    questions = fields.List(fields.Nested(QuestionOut), required=True)


class RequestOut(ma.Schema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    details = fields.String(required=True)
    subsector = fields.String(required=True)
    hs_code = fields.String(allow_none=True)
    quantity = fields.Integer(required=True)
    unit = fields.String(required=True)
    target_price = fields.Decimal(as_string=True, allow_none=True)
    currency = fields.String(required=True)
    incoterm = fields.String(allow_none=True)
    destination = fields.String(required=True)
    certifications = fields.List(fields.String(), required=True)
    deadline = fields.Date(required=True)
    closes_at = fields.DateTime(required=True)
    status = fields.String(required=True)
    status_reason = fields.String(allow_none=True)
    takes_quotes = fields.Boolean(required=True)
    created_at = fields.DateTime(required=True)
    recipients = fields.Integer(
        allow_none=True, metadata={"description": "MSMEs it went to (the buyer's view)."}
    )
    quotes = fields.List(
        fields.Nested(QuoteOut),
        metadata={"description": "Every quote (the buyer), or the business's own (an MSME)."},
    )
    suggested_product_id = fields.Integer(
        allow_none=True, metadata={"description": "The business's product that matched it."}
    )


class RequestList(ma.Schema):
    items = fields.List(fields.Nested(RequestOut), required=True)


class RequestCreate(Body):
    title = fields.String(required=True, validate=validate.Length(min=1, max=rfq.TITLE_MAX))
    details = fields.String(load_default="", validate=validate.Length(max=rfq.DETAILS_MAX))
    subsector = fields.String(required=True, validate=CODE)
    hs_code = fields.String(allow_none=True, validate=validate.Regexp(r"^\d{4,10}$"))
    quantity = _whole(1, QUANTITY_MAX, required=True)
    unit = fields.String(required=True, validate=validate.Length(min=1, max=20))
    currency = fields.String(required=True, validate=validate.Regexp(r"^[A-Z]{3}$"))
    destination = fields.String(
        required=True, validate=validate.Length(min=1, max=rfq.DESTINATION_MAX)
    )
    deadline = fields.Date(
        required=True,
        validate=_in_calendar,
        metadata={"description": "The last day quotes are taken, in your zone."},
    )
    target_price = _amount("Per unit, in `currency`.", allow_none=True)
    incoterm = fields.String(allow_none=True, validate=validate.Regexp(r"^[A-Z]{3}$"))
    certifications = fields.List(
        fields.String(validate=CODE),
        validate=validate.Length(max=50),
        metadata={"description": "Certification codes the MSME must hold."},
    )
    submission_key = _key()


class QuoteCreate(Body):
    """The business's quote, or its new terms while the request takes quotes."""

    product_id = _id("One of your published products.", required=True)
    unit_price_idr = _whole(1, rfq.PRICE_MAX_IDR, "Whole rupiah per unit.", required=True)
    lead_time_days = _whole(0, rfq.LEAD_TIME_MAX, required=True)
    moq = _whole(1, QUANTITY_MAX, allow_none=True)
    message = fields.String(load_default="", validate=validate.Length(max=rfq.MESSAGE_MAX))


class PickQuote(Body):
    quote_id = _id(required=True)


# ---------------------------------------------------------------------------------------------
# The office


SEEN = fields.String(
    required=True,
    validate=validate.Length(min=1, max=64),
    metadata={
        "description": "The `seen` of the item as you read it: a decision on an item that "
        "changed since is refused (409)."
    },
)


class QueueBusiness(ma.Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    status = fields.String(required=True)
    owner = fields.Nested(Ref, required=True)
    submitted_at = fields.DateTime(allow_none=True)
    identity_change = fields.Nested(IdentityChangeOut, allow_none=True)
    seen = fields.String(required=True)
    url = fields.String(required=True)


class QueueProduct(ma.Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    business = fields.Nested(Ref, required=True)
    submitted_at = fields.DateTime(allow_none=True)
    seen = fields.String(required=True)
    url = fields.String(required=True)


class QueueNomination(ma.Schema):
    id = fields.Integer(required=True)
    product = fields.Nested(ProductRef, required=True)
    business = fields.Nested(Ref, required=True)
    channel = fields.Nested(ChannelName, required=True)
    note = fields.String(required=True)
    created_at = fields.DateTime(required=True)
    seen = fields.String(required=True)
    url = fields.String(required=True)


class BusinessQueue(ma.Schema):
    items = fields.List(fields.Nested(QueueBusiness), required=True)


class ProductQueue(ma.Schema):
    items = fields.List(fields.Nested(QueueProduct), required=True)


class NominationQueue(ma.Schema):
    items = fields.List(fields.Nested(QueueNomination), required=True)


class OfficeBusiness(BusinessOut):
    owner = fields.Nested(Ref, required=True)
    seen = fields.String(required=True)


class OfficeProduct(ProductOut):
    business = fields.Nested(Ref, required=True)
    seen = fields.String(required=True)


class OfficeNomination(QueueNomination):
    status = fields.String(required=True)
    channel_status = fields.String(required=True)
    decision_reason = fields.String(allow_none=True)


class BusinessDecision(Body):
    decision = fields.String(required=True, validate=validate.OneOf(["verify", "reject"]))
    reason = fields.String(
        load_default="",
        validate=validate.Length(max=2000),
        metadata={"description": "Needed to reject: the owner reads it."},
    )
    seen = SEEN


class ProductDecision(Body):
    decision = fields.String(required=True, validate=validate.OneOf(["approve", "reject"]))
    reason = fields.String(
        load_default="",
        validate=validate.Length(max=2000),
        metadata={"description": "Needed to reject: the owner reads it."},
    )
    seen = SEEN


class NominationDecision(Body):
    decision = fields.String(required=True, validate=validate.OneOf(["accept", "decline"]))
    reason = fields.String(
        required=True,
        validate=validate.Length(min=1, max=NOMINATION_REASON_MAX),
        metadata={"description": "The MSME reads it."},
    )
    shelf_code = fields.String(allow_none=True, validate=validate.Length(max=20))
    seen = SEEN


REPORT_DAYS_MAX = 3660  # as on the report page: at most ten years


class ReportArgs(ma.Schema):
    from_ = fields.Date(
        data_key="from",
        validate=_in_calendar,
        metadata={"description": "First day (default: the report page's)."},
    )
    to = fields.Date(validate=_in_calendar, metadata={"description": "Last day."})
    by = fields.String(
        validate=validate.OneOf([g.value for g in Grouping]),
        metadata={
            "description": "Figures per partner city (default), channel, subsector or "
            "buyer country."
        },
    )

    @ma.validates_schema
    def _in_order(self, data: dict[str, Any], **_kwargs: Any) -> None:
        first, last = data.get("from_"), data.get("to")
        if first is not None and last is not None and last < first:
            raise ma.ValidationError("The end date must not be before the start date.", "to")
        if first is not None and last is not None and (last - first).days > REPORT_DAYS_MAX:
            raise ma.ValidationError("A report covers at most ten years.", "to")


class ConvertedOut(ma.Schema):
    amount = fields.Decimal(as_string=True, required=True)
    currency = fields.String(required=True)
    rate_date = fields.Date(required=True)


class FiguresOut(ma.Schema):
    msmes = fields.Integer(required=True)
    products_shown = fields.Integer(required=True)
    scans = fields.Integer(required=True)
    views = fields.Integer(required=True)
    interests = fields.Integer(required=True)
    replies = fields.Integer(required=True)
    within_48h = fields.Integer(required=True)
    share_within_48h = fields.Float(allow_none=True)
    median_reply_hours = fields.Float(allow_none=True)
    deals = fields.Integer(required=True)
    value_idr = fields.Integer(required=True)
    units_sold = fields.Integer(required=True)
    sales_idr = fields.Integer(required=True)


class ReportRow(ma.Schema):
    key = fields.Raw(allow_none=True, metadata={"description": "The group's id or code."})
    label = fields.String(required=True)
    currency = fields.String(allow_none=True)
    figures = fields.Nested(FiguresOut, required=True)
    value_converted = fields.Nested(ConvertedOut, allow_none=True)
    sales_converted = fields.Nested(ConvertedOut, allow_none=True)


class MonthOut(ma.Schema):
    month = fields.String(required=True)
    interests = fields.Integer(required=True)
    deals = fields.Integer(required=True)


class ReportOut(ma.Schema):
    first = fields.Date(required=True, data_key="from")
    last = fields.Date(required=True, data_key="to")
    by = fields.String(required=True)
    rows = fields.List(fields.Nested(ReportRow), required=True)
    total = fields.Nested(ReportRow, required=True)
    months = fields.List(fields.Nested(MonthOut), required=True)
