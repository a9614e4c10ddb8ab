"""What an MSME owner's private operations (`owner_views`) read and answer: the business, its
products and photos, its nominations, a step in a conversation and a quote. The pieces shared with
the other roles are in `private_schemas`, whose rules for bodies hold here too.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import marshmallow as ma
from marshmallow import fields, validate

from marketplace.api.private_schemas import (
    Body,
    ChannelName,
    ListPageArgs,
    ProductRef,
    amount_field,
    id_field,
    key_field,
    no_nul,
    text_field,
    whole_field,
)
from marketplace.api.schemas import CODE, Source
from marketplace.businesses.models import ExportExperience
from marketplace.businesses.texts import TRANSLATION_LOCALES as BUSINESS_LOCALES
from marketplace.channels.curation import NOTE_MAX
from marketplace.interests.models import InterestStatus
from marketplace.interests.services import QUANTITY_MAX, REASON_MAX
from marketplace.products.services import MAX_PRICE_IDR
from marketplace.products.services import TRANSLATION_LOCALES as PRODUCT_LOCALES
from marketplace.rfq import services as rfq

# ---------------------------------------------------------------------------------------------
# The MSME owner's business


class BusinessTexts(Body):
    description = text_field(5000)
    monthly_capacity = text_field(120)


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

    name = fields.String(validate=[validate.Length(min=1, max=160), no_nul])
    nib = fields.String(allow_none=True, validate=validate.Regexp(r"^\d{13}$"))
    subsector = fields.String(allow_none=True, validate=CODE)
    district = text_field(60, allow_none=True)
    description = text_field(5000)
    year_founded = whole_field(1800, 2100, allow_none=True)
    employees = whole_field(0, 100_000, allow_none=True)
    monthly_capacity = text_field(120, allow_none=True)
    export_experience = fields.String(validate=validate.OneOf([e.value for e in ExportExperience]))
    export_markets = fields.List(
        fields.String(validate=validate.Regexp(r"^[A-Z]{2}$")),
        validate=validate.Length(max=250),
        metadata={"description": "Country codes (ISO 3166-1 alpha-2)."},
    )
    export_markets_note = text_field(2000, allow_none=True)
    website = fields.Url(
        allow_none=True,
        schemes={"http", "https"},
        validate=validate.Length(max=255),
        metadata={"description": "A full http or https address."},
    )
    instagram = text_field(120, allow_none=True)
    contact_email = fields.Email(allow_none=True, validate=validate.Length(max=254))
    contact_phone = text_field(40, allow_none=True)
    whatsapp = text_field(40, allow_none=True)
    address = text_field(255, allow_none=True)
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
    name = text_field(160, required=True)
    description = text_field(5000)
    materials = text_field(255)
    story = text_field(5000)


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

    description = text_field(5000)
    subsector = fields.String(allow_none=True, validate=CODE)
    hs_code = fields.String(
        allow_none=True,
        validate=validate.Regexp(r"^\d{6,10}$"),
        metadata={"description": "6 to 10 digits, without dots."},
    )
    price_idr = whole_field(1, MAX_PRICE_IDR - 1, "Whole rupiah.", allow_none=True)
    unit = fields.String(validate=validate.Length(min=1, max=20))
    moq = whole_field(1, 10**9, allow_none=True)
    lead_time_days = whole_field(0, 730, allow_none=True)
    monthly_capacity = whole_field(1, 10**9, allow_none=True)
    materials = text_field(255, allow_none=True)
    dimensions = text_field(80, allow_none=True)
    weight_grams = whole_field(1, 10**8, allow_none=True)
    story = text_field(5000, allow_none=True)
    certification_ids = fields.List(
        id_field(),
        validate=validate.Length(max=100),
        metadata={"description": "Certifications of your business that apply."},
    )
    translations = fields.Dict(
        keys=fields.String(validate=validate.OneOf(PRODUCT_LOCALES)),
        values=fields.Nested(ProductTexts),
        metadata={"description": "Replaces the texts in other languages, when given."},
    )


class ProductCreate(ProductFields):
    name = fields.String(required=True, validate=[validate.Length(min=1, max=160), no_nul])
    submission_key = key_field()


class ProductEdit(ProductFields):
    """The fields left out keep their values. A change of the name, texts or photos of a
    published product sends it back to the office's review."""

    name = fields.String(validate=[validate.Length(min=1, max=160), no_nul])


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
    product_id = id_field("One of your published products.", required=True)
    channel = fields.String(
        required=True, validate=CODE, metadata={"description": "The channel's slug."}
    )
    note = text_field(NOTE_MAX)


# ---------------------------------------------------------------------------------------------
# Interests in the business's products


class InboxArgs(ListPageArgs):
    status = fields.String(validate=validate.OneOf([s.value for s in InterestStatus]))


class StatusChange(Body):
    """The owner's step: `replied` (answered outside the marketplace), `negotiating`, `won`
    (with the quantity and value of the deal) or `lost` (with the reason)."""

    status = fields.String(
        required=True,
        validate=validate.OneOf(["replied", "negotiating", "won", "lost"]),
    )
    won_quantity = whole_field(1, QUANTITY_MAX)
    won_value = amount_field("The deal's value in `won_currency` (whole rupiah for IDR).")
    won_currency = fields.String(validate=validate.Regexp(r"^[A-Z]{3}$"))
    won_rate = amount_field(
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


# ---------------------------------------------------------------------------------------------
# Buying requests sent to the business


class QuoteCreate(Body):
    """The business's quote, or its new terms while the request takes quotes."""

    product_id = id_field("One of your published products.", required=True)
    unit_price_idr = whole_field(1, rfq.PRICE_MAX_IDR, "Whole rupiah per unit.", required=True)
    lead_time_days = whole_field(0, rfq.LEAD_TIME_MAX, required=True)
    moq = whole_field(1, QUANTITY_MAX, allow_none=True)
    message = fields.String(load_default="", validate=validate.Length(max=rfq.MESSAGE_MAX))
