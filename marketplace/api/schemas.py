"""What the API reads from a query string and what it answers, as marshmallow schemas.

The argument schemas refuse what they do not understand (400 with the field named), unlike the
catalog page, which leaves a bad filter out and says so in the page: a program is better served
by an error than by results it did not ask for. The response schemas document the answers in the
OpenAPI document and keep them to the fields declared here. A field may be added inside v1;
none is renamed, retyped or removed.
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
from marketplace.reference.loader import currencies
from marketplace.search.text import MAX_QUERY_CHARS

# Slugs and reference codes are short ASCII words; anything else cannot match, and a NUL byte
# would not even reach PostgreSQL.
SLUG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,179}$")
CODE = validate.Regexp(SLUG, error="Not a valid code or slug.")
EXPORT_LEVELS = [ExportExperience.INDIRECT.value, ExportExperience.DIRECT.value]
EXPERIENCES = [level.value for level in ExportExperience]


def _code(description: str, example: str | None = None) -> fields.String:
    metadata = {"description": description, **({"example": example} if example else {})}
    return fields.String(validate=CODE, metadata=metadata)


def _whole(low: int, high: int, description: str) -> fields.Integer:
    return fields.Integer(
        strict=False,
        validate=validate.Range(min=low, max=high),
        metadata={"description": description},
    )


def _per_page() -> fields.Integer:
    return _whole(1, MAX_PER_PAGE, f"Items per page (default {DEFAULT_PER_PAGE}).")


def _after() -> fields.String:
    return fields.String(
        validate=validate.Length(max=500),
        metadata={"description": "The cursor from the previous answer's `next` address."},
    )


def _export() -> fields.String:
    return fields.String(
        validate=validate.OneOf(EXPORT_LEVELS),
        metadata={"description": "At least this much export experience."},
    )


class LanguageArgs(ma.Schema):
    lang = fields.String(
        validate=validate.OneOf(list(CONTENT_LOCALES)),
        metadata={
            "description": "Language of texts and labels; English where no translation exists.",
            "example": "de",
        },
    )


class CurrencyArgs(LanguageArgs):
    currency = fields.String(
        validate=validate.OneOf(list(currencies())),
        metadata={
            "description": "Prices also in this currency (`price`), converted from rupiah with "
            "the trade office's rate in force today in Bandung, as the pages convert them. "
            "`price` is null for rupiah, and while the office has set no rate for the currency.",
            "example": "EUR",
        },
    )


class PageArgs(CurrencyArgs):
    per_page = _per_page()
    after = _after()


class FilterArgs(PageArgs):
    subsector = _code("Subsector code.", "kriya")
    channel = _code("Channel slug: products the channel has accepted.")
    city = _whole(1, 2**31 - 1, "Partner city id: products accepted by any of its channels.")
    cert = _code("Certification code, held and not expired.")
    min_price = _whole(0, MAX_PRICE_IDR, "Lowest price in IDR.")
    max_price = _whole(0, MAX_PRICE_IDR, "Highest price in IDR.")
    max_moq = _whole(1, MAX_QUANTITY, "Largest minimum order quantity.")
    max_lead = _whole(0, MAX_QUANTITY, "Longest lead time in days.")
    export = _export()

    @ma.validates_schema
    def _price_range(self, data: dict[str, Any], **_kwargs: Any) -> None:
        low, high = data.get("min_price"), data.get("max_price")
        if low is not None and high is not None and high < low:
            raise ma.ValidationError("The highest price is below the lowest price.", "max_price")


class CatalogArgs(FilterArgs):
    sort = fields.String(
        validate=validate.OneOf([order.value for order in SortOrder]),
        metadata={"description": "Sort order (default newest).", "example": "price_asc"},
    )


class SearchArgs(FilterArgs):
    q = fields.String(
        required=True,
        metadata={
            "description": "Search words; quotes and operators are ignored, and text beyond "
            f"{MAX_QUERY_CHARS} characters is cut (as in the search box).",
            "example": "bamboo",
        },
    )


class MsmeListArgs(LanguageArgs):
    per_page = _per_page()
    after = _after()
    subsector = _code("Subsector code.", "kriya")
    export = _export()


# ---------------------------------------------------------------------------------------------
# Answers


class ErrorBody(ma.Schema):
    code = fields.Integer(required=True)
    title = fields.String(required=True)
    detail = fields.String(required=True)


class ProblemSchema(ma.Schema):
    """An error, as problem details (RFC 9457), with the API's first error shape inside."""

    type = fields.String(
        required=True,
        metadata={
            "description": "The kind of error, stable within v1: an address under "
            "/api/v1/problems/ whose page says what it means (not-found, bad-argument, "
            "rate-limited, unauthorized, forbidden, conflict, server-error...).",
            "format": "uri",
        },
    )
    title = fields.String(required=True, metadata={"description": "The kind's short title."})
    status = fields.Integer(required=True, metadata={"description": "The HTTP status."})
    detail = fields.String(
        required=True, metadata={"description": "What went wrong this time (English)."}
    )
    instance = fields.String(
        required=True,
        metadata={"description": "The address asked for (path and query)."},
    )
    error = fields.Nested(
        ErrorBody,
        required=True,
        metadata={
            "description": "The same error in the API's first shape, kept for the programs "
            "written against it; new programs read the fields above."
        },
    )


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


class Price(ma.Schema):
    """A rupiah price converted with the trade office's rate (indicative)."""

    amount = fields.String(
        required=True,
        metadata={"description": "A decimal number, rounded to the currency's minor unit."},
    )
    currency = fields.String(required=True, metadata={"description": "ISO 4217 code."})
    formatted = fields.String(
        required=True,
        metadata={"description": 'As the language asked writes it ("54,29 €", "₩80,851").'},
    )
    idr_per_unit = fields.String(
        required=True, metadata={"description": "The rate: rupiah for one unit of the currency."}
    )
    rate_date = fields.Date(required=True, metadata={"description": "The rate's first day."})


class BusinessRef(ma.Schema):
    slug = fields.String(required=True)
    name = fields.String(required=True)
    page = fields.String(required=True)
    url = fields.String(required=True, metadata={"description": "This MSME in the API."})


class ProductSummary(ma.Schema):
    slug = fields.String(required=True)
    name = fields.String(required=True)
    locale = fields.String(required=True, metadata={"description": "Language of `name`."})
    price_idr = fields.Integer(allow_none=True)
    price = fields.Nested(
        Price,
        required=True,
        allow_none=True,
        metadata={"description": "The price in the currency asked (`currency`), or null."},
    )
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


class Maker(BusinessRef):
    """The maker as the product page shows it."""

    district = fields.String(allow_none=True)
    export_experience = fields.String(
        required=True,
        validate=validate.OneOf(EXPERIENCES),
        metadata={"description": "none, indirect (through a trader) or direct."},
    )
    export_markets = fields.List(
        fields.String(),
        required=True,
        metadata={"description": "Countries it exports to, ISO 3166-1 alpha-2 codes."},
    )


class ProductDetail(ProductSummary):
    business = fields.Nested(Maker, required=True)
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
    business = fields.Nested(BusinessRef, required=True)
    price_idr = fields.Integer(required=True, allow_none=True)
    unit = fields.String(required=True)
    price = fields.Nested(
        Price,
        required=True,
        allow_none=True,
        metadata={"description": "In the currency asked, by default the channel's; or null."},
    )
    cover = fields.Nested(
        Source, required=True, allow_none=True, metadata={"description": "A 320 px photo."}
    )
    page = fields.String(
        required=True,
        metadata={
            "description": "The product's page through the channel: a visit that follows it "
            "is credited to the channel (link to this one from a partner's site)."
        },
    )


class ChannelDetail(ChannelSummary):
    description = fields.String(required=True)
    lineup = fields.List(fields.Nested(LineupItem), required=True)
    catalog_pdf = fields.String(required=True, metadata={"description": "The printable catalog."})
    embed = fields.String(
        required=True,
        metadata={
            "description": "A page of the line-up for an <iframe> on another site, in the "
            "language and currency asked."
        },
    )


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


class HeldCertificate(ma.Schema):
    code = fields.String(required=True)
    name = fields.String(required=True)
    expires_on = fields.Date(required=True, allow_none=True)


class MsmeSummary(ma.Schema):
    slug = fields.String(required=True)
    name = fields.String(required=True)
    subsector = fields.String(required=True, allow_none=True)
    subsector_name = fields.String(
        required=True, allow_none=True, metadata={"description": "In the language asked."}
    )
    district = fields.String(required=True, allow_none=True)
    description = fields.String(required=True)
    locale = fields.String(required=True, metadata={"description": "Language of `description`."})
    export_experience = fields.String(
        required=True,
        validate=validate.OneOf(EXPERIENCES),
        metadata={"description": "none, indirect (through a trader) or direct."},
    )
    export_markets = fields.List(
        fields.String(),
        required=True,
        metadata={"description": "Countries it exports to, ISO 3166-1 alpha-2 codes."},
    )
    year_founded = fields.Integer(required=True, allow_none=True)
    employees = fields.Integer(required=True, allow_none=True)
    website = fields.String(required=True, allow_none=True)
    instagram = fields.String(required=True, allow_none=True)
    logo = fields.String(required=True, allow_none=True)
    certifications = fields.List(fields.Nested(HeldCertificate), required=True)
    products = fields.Integer(required=True, metadata={"description": "Its public products."})
    url = fields.String(required=True, metadata={"description": "This MSME in the API."})
    page = fields.String(required=True, metadata={"description": "Its web page."})


class MsmeList(ma.Schema):
    items = fields.List(fields.Nested(MsmeSummary), required=True)
    next = fields.String(
        allow_none=True, required=True, metadata={"description": "The next page, or null."}
    )
    count = fields.Integer(required=True, metadata={"description": "MSMEs that match."})


class MsmeDetail(MsmeSummary):
    monthly_capacity = fields.String(
        required=True, allow_none=True, metadata={"description": "In its own words."}
    )
    lineup = fields.Nested(
        ProductList,
        required=True,
        metadata={
            "description": "Its public products, newest first: the first page; `next` goes on "
            "at /api/v1/msmes/{slug}/products."
        },
    )


class Choice(ma.Schema):
    value = fields.String(required=True, metadata={"description": "What the argument takes."})
    label = fields.String(required=True, metadata={"description": "In the language asked."})


class FilterSpec(ma.Schema):
    name = fields.String(required=True, metadata={"description": "The query argument."})
    label = fields.String(required=True, metadata={"description": "In the language asked."})
    kind = fields.String(required=True, validate=validate.OneOf(["choice", "integer"]))
    choices = fields.List(
        fields.Nested(Choice),
        required=True,
        allow_none=True,
        metadata={"description": "The values a choice takes; null for a number."},
    )
    minimum = fields.Integer(required=True, allow_none=True)
    maximum = fields.Integer(required=True, allow_none=True)


class SortSpec(Choice):
    default = fields.Boolean(required=True)


class RateSpec(ma.Schema):
    currency = fields.String(required=True)
    idr_per_unit = fields.String(
        required=True,
        allow_none=True,
        metadata={"description": "The rate in force today, or null: no conversion."},
    )
    rate_date = fields.Date(required=True, allow_none=True)


class PageSize(ma.Schema):
    default = fields.Integer(required=True)
    maximum = fields.Integer(required=True)


class CatalogFilterList(ma.Schema):
    filters = fields.List(
        fields.Nested(FilterSpec),
        required=True,
        metadata={"description": "The arguments of /products and /search that narrow them."},
    )
    sorts = fields.List(fields.Nested(SortSpec), required=True)
    per_page = fields.Nested(PageSize, required=True)
    languages = fields.List(fields.Nested(Choice), required=True)
    currencies = fields.List(fields.Nested(RateSpec), required=True)
