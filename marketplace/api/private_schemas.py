"""What the private operations of every role read (JSON bodies, query strings) and answer, as
marshmallow schemas: they appear in the OpenAPI document and keep answers to the fields declared
here. This module holds the field builders and the pieces the roles share (references, the
conversations and buying requests seen by both the owner and the buyer); each role's own bodies
and answers are in `owner_schemas`, `buyer_schemas` and `office_schemas`.

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

from marketplace.forms import EARLIEST_DATE, LATEST_DATE
from marketplace.interests.services import MESSAGE_MAX
from marketplace.tokens.services import KEY_MAX

ID_MAX = 2**31 - 1  # an integer column
DECIMAL_MAX = Decimal(10**15)


def no_nul(value: str) -> None:
    if "\x00" in value:
        raise ma.ValidationError("Text may not contain a NUL character.")


def text_field(limit: int, description: str = "", **kwargs: Any) -> fields.String:
    return fields.String(
        validate=[validate.Length(max=limit), no_nul],
        metadata={"description": description} if description else {},
        **kwargs,
    )


def whole_field(low: int, high: int, description: str = "", **kwargs: Any) -> fields.Integer:
    return fields.Integer(
        strict=True,
        validate=validate.Range(min=low, max=high),
        metadata={"description": description} if description else {},
        **kwargs,
    )


def id_field(description: str = "", **kwargs: Any) -> fields.Integer:
    return whole_field(1, ID_MAX, description, **kwargs)


def _positive_amount(value: Decimal) -> None:
    if not Decimal(0) < value <= DECIMAL_MAX:
        raise ma.ValidationError("The amount must be above zero and at most 10^15.")


def amount_field(description: str, **kwargs: Any) -> fields.Decimal:
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


def in_calendar(value: date) -> None:
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise ma.ValidationError("The date is outside the years 1900 to 2100.")


def key_field() -> fields.String:
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
    page = whole_field(1, 100_000, "Page number, from 1.")
    per_page = whole_field(1, 100, "Items per page (default 20).")


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


class MessageCreate(Body):
    body = fields.String(required=True, validate=[validate.Length(min=1, max=MESSAGE_MAX)])


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
