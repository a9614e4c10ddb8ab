"""The API's answers built from loaded models: plain dicts the response schemas dump.

Nothing here queries the database: each function reads only what the caller's select loaded
(the catalog's card options for lists, the product page's details for one product), so a list
costs the same statements whatever its length. Addresses are absolute, under the public
`BASE_URL` (see `marketplace.urls`), for programs that keep them outside this site.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from flask import current_app

from marketplace.businesses.models import Business
from marketplace.businesses.texts import business_text
from marketplace.channels.models import Channel, Nomination
from marketplace.ledger.models import ExchangeRate
from marketplace.ledger.rates import convert_with
from marketplace.money import format_money
from marketplace.products import display
from marketplace.products.models import Product, ProductImage
from marketplace.products.photos import ordered
from marketplace.reference.models import PartnerCity
from marketplace.urls import public_url

COVER_SIZE = 320  # the card's cover, as on the catalog page


def absolute(path: str) -> str:
    """A site path (already carrying any script root) under the public address's origin."""
    base = urlsplit(str(current_app.config["BASE_URL"]))
    return urlunsplit((base.scheme, base.netloc, path, "", ""))


def _source(source: display.Source) -> dict[str, Any]:
    return {"url": absolute(source.url), "width": source.width, "height": source.height}


def _photo(image: ProductImage, name: str) -> dict[str, Any]:
    picture = display.picture(image)
    return {"alt": image.alt_text or name, "sources": [_source(s) for s in picture.sources]}


def price(price_idr: int | None, rate: ExchangeRate | None, locale: str) -> dict[str, Any] | None:
    """`price_idr` converted with `rate` (the office's, in force today), as the pages show it."""
    if rate is None or price_idr is None:
        return None
    converted = convert_with(price_idr, rate)
    return {
        "amount": str(converted.amount),
        "currency": converted.currency,
        "formatted": format_money(converted.amount, converted.currency, locale),
        "idr_per_unit": f"{converted.idr_per_unit.normalize():f}",
        "rate_date": converted.rate_date,
    }


def business_ref(business: Business) -> dict[str, Any]:
    return {
        "slug": business.slug,
        "name": business.name,
        "page": public_url("businesses.public_page", slug=business.slug),
        "url": public_url("api.msme", slug=business.slug),
    }


def _cover(product: Product) -> dict[str, Any] | None:
    images = ordered(product)
    return _source(display.picture(images[0]).at_least(COVER_SIZE)) if images else None


def product_summary(product: Product, locale: str, rate: ExchangeRate | None) -> dict[str, Any]:
    """A result card: needs the product's images, translations and business loaded."""
    text, _others = display.texts(product, locale)
    return {
        "slug": product.slug,
        "name": text.name,
        "locale": text.locale,
        "price_idr": product.price_idr,
        "price": price(product.price_idr, rate, locale),
        "unit": product.unit,
        "moq": product.moq,
        "lead_time_days": product.lead_time_days,
        "subsector": product.subsector_code,
        "business": business_ref(product.business),
        "cover": _cover(product),
        "url": public_url("api.product", slug=product.slug),
        "page": public_url("products.page", slug=product.slug),
    }


def channel_ref(channel: Channel) -> dict[str, Any]:
    return {
        "slug": channel.slug,
        "name": channel.name,
        "url": public_url("api.channel", slug=channel.slug),
    }


def product_detail(
    product: Product, locale: str, channels: Iterable[Channel], rate: ExchangeRate | None
) -> dict[str, Any]:
    """Everything the product page shows that a program may use (no contact details)."""
    text, _others = display.texts(product, locale)
    subsector = product.subsector
    business = product.business
    return {
        **product_summary(product, locale, rate),
        "business": {
            **business_ref(business),
            "district": business.district,
            "export_experience": business.export_experience.value,
            "export_markets": list(business.export_markets or []),
        },
        "description": text.description,
        "translations": {
            t.locale: {
                "name": t.name,
                "description": t.description,
                "materials": t.materials or None,
                "story": t.story or None,
            }
            for t in display.written(product)
        },
        "hs_code": product.hs_code,
        "materials": text.materials or None,
        "story": text.story or None,
        "dimensions": product.dimensions,
        "weight_grams": product.weight_grams,
        "monthly_capacity": product.monthly_capacity,
        "subsector_names": (
            {"en": subsector.name_en, "id": subsector.name_id} if subsector else None
        ),
        "photos": [_photo(image, text.name) for image in ordered(product)],
        "certifications": [
            {
                "code": held.certification_code,
                "name": held.certification.name,
                "number": held.number,
                "expires_on": held.expires_on,
            }
            for held in product.certifications
        ],
        "channels": [channel_ref(channel) for channel in channels],
    }


def channel_summary(channel: Channel) -> dict[str, Any]:
    """Needs the channel's partner city loaded."""
    city = channel.partner_city
    return {
        **channel_ref(channel),
        "series": channel.series,
        "kind": channel.kind.value,
        "status": channel.status.value,
        "city": channel.city,
        "country_code": channel.country_code,
        "venue": channel.venue,
        "partner_city": {"id": city.id, "name": city.name} if city else None,
        "starts_on": channel.starts_on,
        "ends_on": channel.ends_on,
        "locale": channel.locale,
        "currency": channel.currency,
        "page": public_url("channels.show", slug=channel.slug),
    }


def lineup_item(
    channel: Channel, nomination: Nomination, locale: str, rate: ExchangeRate | None
) -> dict[str, Any]:
    """A product of a line-up, with what a card of it shows (an embed's, a kiosk's)."""
    product = nomination.product
    text, _others = display.texts(product, locale)
    return {
        "slug": product.slug,
        "name": text.name,
        "locale": text.locale,
        "shelf_code": nomination.shelf_code,
        "url": public_url("api.product", slug=product.slug),
        "business": business_ref(product.business),
        "price_idr": product.price_idr,
        "unit": product.unit,
        "price": price(product.price_idr, rate, locale),
        "cover": _cover(product),
        "page": public_url("channels.product", slug=channel.slug, product_slug=product.slug),
    }


def channel_detail(
    channel: Channel,
    nominations: Iterable[Nomination],
    locale: str,
    rate: ExchangeRate | None,
    embed_args: dict[str, str],
) -> dict[str, Any]:
    return {
        **channel_summary(channel),
        "description": channel.description,
        "lineup": [lineup_item(channel, n, locale, rate) for n in nominations],
        "catalog_pdf": public_url("channels.catalog", slug=channel.slug),
        "embed": public_url("embed.channel", slug=channel.slug, **embed_args),
    }


def partner_city(
    city: PartnerCity, shown: tuple[int, int] | None, channels: Iterable[Channel]
) -> dict[str, Any]:
    """`shown`: (MSMEs taking part, products shown); `channels`: its public channels."""
    msmes, products = shown or (0, 0)
    return {
        "id": city.id,
        "name": city.name,
        "country": city.country,
        "country_code": city.country_code,
        "since_year": city.since_year,
        "currency": city.currency,
        "locale": city.locale,
        "msmes": msmes,
        "products": products,
        "channels": [channel_ref(channel) for channel in channels],
    }


def msme_summary(business: Business, locale: str, products: int) -> dict[str, Any]:
    """An MSME's public profile, as its page shows it (no contact details): needs its
    subsector, certifications and translations loaded."""
    text = business_text(business, locale)
    subsector = business.subsector
    return {
        "slug": business.slug,
        "name": business.name,
        "subsector": business.subsector_code,
        "subsector_name": subsector.name_for(locale) if subsector else None,
        "district": business.district,
        "description": text.description,
        "locale": text.lang("description"),
        "export_experience": business.export_experience.value,
        "export_markets": list(business.export_markets or []),
        "year_founded": business.year_founded,
        "employees": business.employees,
        "website": business.website,
        "instagram": business.instagram,
        "logo": public_url("media.file", key=business.logo_key) if business.logo_key else None,
        "certifications": [
            {
                "code": held.certification_code,
                "name": held.certification.name,
                "expires_on": held.expires_on,
            }
            for held in business.certifications
        ],
        "products": products,
        "url": public_url("api.msme", slug=business.slug),
        "page": public_url("businesses.public_page", slug=business.slug),
    }


def msme_detail(
    business: Business, locale: str, products: int, lineup: dict[str, Any]
) -> dict[str, Any]:
    text = business_text(business, locale)
    return {
        **msme_summary(business, locale, products),
        "monthly_capacity": text.monthly_capacity or None,
        "lineup": lineup,
    }
