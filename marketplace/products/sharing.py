"""What a shared link to a product or an MSME page shows (the rules: `marketplace.link_preview`)."""

from __future__ import annotations

from collections.abc import Sequence

from flask_babel import gettext as _

from marketplace.businesses.models import Business
from marketplace.link_preview import (
    OG_LOCALES,
    PREVIEW_SIZE,
    Share,
    ShareImage,
    page_arg,
    page_locale,
    shared_url,
    summary,
)
from marketplace.products import display
from marketplace.products.models import Product, ProductImage
from marketplace.products.photos import ordered
from marketplace.urls import public_url


def cover_image(image: ProductImage, product_name: str) -> ShareImage:
    source = display.picture(image, build=public_url).at_least(PREVIEW_SIZE)
    alt = image.alt_text or _("%(name)s, photo %(n)s", name=product_name, n=1)
    return ShareImage(source.url, alt, source.width, source.height)


def first_cover(products: Sequence[Product], locale: str) -> ShareImage | None:
    for product in products:
        images = ordered(product)
        if images:
            return cover_image(images[0], display.texts(product, locale)[0].name)
    return None


def share_product(product: Product) -> Share:
    """The product's name and description in the page's language; where the translation has no
    description, the English one, marked as English."""
    locale = page_locale()
    text, _others = display.texts(product, locale)
    description, description_locale = text.description, text.lang("description")
    if not description.strip():
        description = _(
            "%(product)s by %(business)s, a creative-industry MSME from Bandung.",
            product=text.name,
            business=product.business.name,
        )
        description_locale = locale
    return Share(
        og_type="product",
        title=text.name,
        description=summary(description),
        url=shared_url("products.page", locale, slug=product.slug),
        locale=OG_LOCALES[locale],
        image=first_cover([product], locale),
        description_lang=description_locale if description_locale != locale else None,
        price_idr=product.price_idr,
    )


def share_business(business: Business, products: Sequence[Product], page: int = 1) -> Share:
    """`products` are the business's public products as its page lists them, or the newest
    one that has a photo (`queries.business_cover`): the preview shows that one's cover, else
    the logo. The address is that of the page of products shown (`?page=` from the second on)."""
    locale = page_locale()
    image = first_cover(products, locale)
    if image is None and business.logo_key:
        logo = public_url("media.file", key=business.logo_key)
        image = ShareImage(logo, _("Logo of %(name)s", name=business.name))
    description = business.description.strip() or _(
        "%(business)s, a creative-industry MSME from Bandung.", business=business.name
    )
    return Share(
        og_type="website",
        title=business.name,
        description=summary(description),
        url=shared_url("businesses.public_page", locale, slug=business.slug, **page_arg(page)),
        locale=OG_LOCALES[locale],
        image=image,
    )
