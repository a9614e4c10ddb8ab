"""What the API reads from a query string and what it answers, as marshmallow schemas.

The argument schemas refuse what they do not understand (400 with the field named), unlike the
catalog page, which leaves a bad filter out and says so in the page: a program is better served
by an error than by results it did not ask for. The response schemas document the answers in the
OpenAPI document and keep them to the fields declared here.
"""

from __future__ import annotations

import re
from typing import Any

import marshmallow as ma
from marshmallow import fields, validate

from marketplace.businesses.models import ExportExperience
from marketplace.catalog.forms import DEFAULT_PER_PAGE, MAX_PER_PAGE, MAX_PRICE_IDR, MAX_QUANTITY
from marketplace.catalog.queries import SortOrder
from marketplace.i18n import CONTENT_LOCALES
from marketplace.search.text import MAX_QUERY_CHARS

# Slugs and reference codes are short ASCII words; anything else cannot match, and a NUL byte
# would not even reach PostgreSQL.
SLUG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,179}$")
CODE = validate.Regexp(SLUG, error="Not a valid code or slug.")
EXPORT_LEVELS = [ExportExperience.INDIRECT.value, ExportExperience.DIRECT.value]


def _code(description: str) -> fields.String:
    return fields.String(validate=CODE, metadata={"description": description})


def _whole(low: int, high: int, description: str) -> fields.Integer:
    return fields.Integer(
        strict=False,
        validate=validate.Range(min=low, max=high),
        metadata={"description": description},
    )


class LanguageArgs(ma.Schema):
    lang = fields.String(
        validate=validate.OneOf(list(CONTENT_LOCALES)),
        metadata={"description": "Language of product texts; English where no translation exists."},
    )


class PageArgs(LanguageArgs):
    per_page = _whole(1, MAX_PER_PAGE, f"Items per page (default {DEFAULT_PER_PAGE}).")
    after = fields.String(
        validate=validate.Length(max=500),
        metadata={"description": "The cursor from the previous answer's `next` address."},
    )


class FilterArgs(PageArgs):
    subsector = _code("Subsector code.")
    channel = _code("Channel slug: products the channel has accepted.")
    city = _whole(1, 2**31 - 1, "Partner city id: products accepted by any of its channels.")
    cert = _code("Certification code, held and not expired.")
    min_price = _whole(0, MAX_PRICE_IDR, "Lowest price in IDR.")
    max_price = _whole(0, MAX_PRICE_IDR, "Highest price in IDR.")
    max_moq = _whole(1, MAX_QUANTITY, "Largest minimum order quantity.")
    max_lead = _whole(0, MAX_QUANTITY, "Longest lead time in days.")
    export = fields.String(
        validate=validate.OneOf(EXPORT_LEVELS),
        metadata={"description": "At least this much export experience."},
    )

    @ma.validates_schema
    def _price_range(self, data: dict[str, Any], **_kwargs: Any) -> None:
        low, high = data.get("min_price"), data.get("max_price")
        if low is not None and high is not None and high < low:
            raise ma.ValidationError("The highest price is below the lowest price.", "max_price")


class CatalogArgs(FilterArgs):
    sort = fields.String(
        validate=validate.OneOf([order.value for order in SortOrder]),
        metadata={"description": "Sort order (default newest)."},
    )


class SearchArgs(FilterArgs):
    q = fields.String(
        required=True,
        metadata={
            "description": "Search words; quotes and operators are ignored, and text beyond "
            f"{MAX_QUERY_CHARS} characters is cut (as in the search box)."
        },
    )


# ---------------------------------------------------------------------------------------------
# Answers


class ErrorBody(ma.Schema):
    code = fields.Integer(required=True)
    title = fields.String(required=True)
    detail = fields.String(required=True)


class ErrorSchema(ma.Schema):
    """The project's JSON error shape: {"error": {"code", "title", "detail"}}."""

    error = fields.Nested(ErrorBody, required=True)


class Source(ma.Schema):
    url = fields.String(required=True)
    width = fields.Integer(required=True)
    height = fields.Integer(required=True)


class Photo(ma.Schema):
    alt = fields.String(required=True)
    sources = fields.List(
        fields.Nested(Source),
        required=True,
        metadata={"description": "The stored files, smallest first; the last is the original."},
    )


class BusinessRef(ma.Schema):
    slug = fields.String(required=True)
    name = fields.String(required=True)
    page = fields.String(required=True)


class ProductSummary(ma.Schema):
    slug = fields.String(required=True)
    name = fields.String(required=True)
    locale = fields.String(required=True, metadata={"description": "Language of `name`."})
    price_idr = fields.Integer(allow_none=True)
    unit = fields.String(required=True)
    moq = fields.Integer(allow_none=True)
    lead_time_days = fields.Integer(allow_none=True)
    subsector = fields.String(allow_none=True)
    business = fields.Nested(BusinessRef, required=True)
    cover = fields.Nested(Source, allow_none=True)
    url = fields.String(required=True, metadata={"description": "This product in the API."})
    page = fields.String(required=True, metadata={"description": "The product's web page."})


class ProductList(ma.Schema):
    items = fields.List(fields.Nested(ProductSummary), required=True)
    next = fields.String(
        allow_none=True, required=True, metadata={"description": "The next page, or null."}
    )
    count = fields.Integer(
        required=True, metadata={"description": "Matches, counted up to a cap (500)."}
    )
    more_than_count = fields.Boolean(
        required=True, metadata={"description": "True when more products match than `count`."}
    )


class SearchResults(ProductList):
    suggestion = fields.String(
        allow_none=True,
        required=True,
        metadata={
            "description": 'The search words with their typos corrected ("angklng" -> '
            '"angklung"), when a word is in no product and a close one is; else null. The '
            "results are always for the words given."
        },
    )


class Text(ma.Schema):
    name = fields.String(required=True)
    description = fields.String(required=True)
    materials = fields.String(allow_none=True)
    story = fields.String(allow_none=True)


class SubsectorNames(ma.Schema):
    en = fields.String(required=True)
    id = fields.String(required=True)


class CertificationRef(ma.Schema):
    code = fields.String(required=True)
    name = fields.String(required=True)
    number = fields.String(required=True)
    expires_on = fields.Date(allow_none=True)


class ChannelRef(ma.Schema):
    slug = fields.String(required=True)
    name = fields.String(required=True)
    url = fields.String(required=True)


class ProductDetail(ProductSummary):
    description = fields.String(required=True)
    translations = fields.Dict(
        keys=fields.String(),
        values=fields.Nested(Text),
        required=True,
        metadata={"description": "Every text of the product by language, English included."},
    )
    hs_code = fields.String(allow_none=True)
    materials = fields.String(
        allow_none=True, metadata={"description": "In the language asked, else in English."}
    )
    story = fields.String(
        allow_none=True, metadata={"description": "In the language asked, else in English."}
    )
    dimensions = fields.String(allow_none=True)
    weight_grams = fields.Integer(allow_none=True)
    monthly_capacity = fields.Integer(allow_none=True)
    subsector_names = fields.Nested(SubsectorNames, allow_none=True)
    photos = fields.List(fields.Nested(Photo), required=True)
    certifications = fields.List(fields.Nested(CertificationRef), required=True)
    channels = fields.List(
        fields.Nested(ChannelRef),
        required=True,
        metadata={"description": "The public channels that show the product."},
    )


class PartnerCityRef(ma.Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)


class ChannelSummary(ma.Schema):
    slug = fields.String(required=True)
    name = fields.String(required=True)
    series = fields.String(allow_none=True)
    kind = fields.String(required=True)
    status = fields.String(required=True)
    city = fields.String(required=True)
    country_code = fields.String(required=True)
    venue = fields.String(allow_none=True)
    partner_city = fields.Nested(PartnerCityRef, allow_none=True)
    starts_on = fields.Date(allow_none=True)
    ends_on = fields.Date(allow_none=True)
    locale = fields.String(required=True)
    currency = fields.String(required=True)
    url = fields.String(required=True)
    page = fields.String(required=True)


class ChannelList(ma.Schema):
    items = fields.List(fields.Nested(ChannelSummary), required=True)


class LineupItem(ma.Schema):
    slug = fields.String(required=True)
    name = fields.String(required=True)
    locale = fields.String(required=True)
    shelf_code = fields.String(allow_none=True)
    url = fields.String(required=True)


class ChannelDetail(ChannelSummary):
    description = fields.String(required=True)
    lineup = fields.List(fields.Nested(LineupItem), required=True)


class PartnerCity(ma.Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    country = fields.String(required=True)
    country_code = fields.String(required=True)
    since_year = fields.Integer(allow_none=True)
    currency = fields.String(required=True)
    locale = fields.String(required=True)
    msmes = fields.Integer(required=True, metadata={"description": "MSMEs taking part."})
    products = fields.Integer(required=True, metadata={"description": "Products shown."})
    channels = fields.List(fields.Nested(ChannelRef), required=True)


class PartnerList(ma.Schema):
    items = fields.List(fields.Nested(PartnerCity), required=True)
