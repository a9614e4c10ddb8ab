"""What a buyer's private operations (`buyer_views`) read and answer: a new interest, the
shortlist, a new buying request and the quote picked. The pieces shared with the other roles
are in `private_schemas`, whose rules for bodies hold here too.
"""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from marketplace.api.private_schemas import (
    Body,
    InterestOut,
    amount_field,
    id_field,
    in_calendar,
    key_field,
    whole_field,
)
from marketplace.api.schemas import CODE
from marketplace.interests.services import MESSAGE_MAX, QUANTITY_MAX
from marketplace.rfq import services as rfq

# ---------------------------------------------------------------------------------------------
# Interests


class InterestCreate(Body):
    product = fields.String(
        required=True, validate=CODE, metadata={"description": "The product's slug."}
    )
    message = fields.String(required=True, validate=validate.Length(min=1, max=MESSAGE_MAX))
    quantity = whole_field(1, QUANTITY_MAX, allow_none=True)
    unit = fields.String(allow_none=True, validate=validate.Length(max=20))
    target_price = amount_field("Per unit, in `currency`.", allow_none=True)
    currency = fields.String(allow_none=True, validate=validate.Regexp(r"^[A-Z]{3}$"))
    incoterm = fields.String(allow_none=True, validate=validate.Regexp(r"^[A-Z]{3}$"))
    destination = fields.String(allow_none=True, validate=validate.Length(max=120))
    submission_key = key_field()


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


class RequestCreate(Body):
    title = fields.String(required=True, validate=validate.Length(min=1, max=rfq.TITLE_MAX))
    details = fields.String(load_default="", validate=validate.Length(max=rfq.DETAILS_MAX))
    subsector = fields.String(required=True, validate=CODE)
    hs_code = fields.String(allow_none=True, validate=validate.Regexp(r"^\d{4,10}$"))
    quantity = whole_field(1, QUANTITY_MAX, required=True)
    unit = fields.String(required=True, validate=validate.Length(min=1, max=20))
    currency = fields.String(required=True, validate=validate.Regexp(r"^[A-Z]{3}$"))
    destination = fields.String(
        required=True, validate=validate.Length(min=1, max=rfq.DESTINATION_MAX)
    )
    deadline = fields.Date(
        required=True,
        validate=in_calendar,
        metadata={"description": "The last day quotes are taken, in your zone."},
    )
    target_price = amount_field("Per unit, in `currency`.", allow_none=True)
    incoterm = fields.String(allow_none=True, validate=validate.Regexp(r"^[A-Z]{3}$"))
    certifications = fields.List(
        fields.String(validate=CODE),
        validate=validate.Length(max=50),
        metadata={"description": "Certification codes the MSME must hold."},
    )
    submission_key = key_field()


class PickQuote(Body):
    quote_id = id_field(required=True)
