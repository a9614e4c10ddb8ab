"""Selects over products that pages share; callers paginate or limit."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, selectinload

from marketplace.businesses.models import Business, BusinessCertification
from marketplace.products.models import Product, ProductImage, ProductStatus


def visible_products() -> sa.Select[Product]:
    """What visitors and buyers may see (the rule is `Product.is_public`), joined to the
    business so that callers may filter or sort on it too."""
    return sa.select(Product).join(Product.business).where(Product.is_public)


def visible_products_checked(
    *business_conditions: sa.ColumnElement[bool],
    first: Sequence[sa.ColumnElement[bool]] = (),
) -> sa.Select[Product]:
    """The products of `visible_products` meeting `first`, each one's business (meeting
    `business_conditions` too) checked by a correlated EXISTS instead of a join.

    For a page that walks an index of products in its order and stops after a page: the
    database looks up the business of each product it reads, and of no other. Joined, SQLite
    expects to read most of the catalog and first builds a Bloom filter of every verified
    business, which costs more than the page once there are tens of thousands of them.
    `first` is checked before the business: SQLite then reads a product's row only for those
    that meet it, when it needs no more than the index gives (a product's id for a line-up)."""
    business = (
        sa.select(Business.id)
        .where(Business.id == Product.business_id, Business.is_public, *business_conditions)
        .correlate(Product)
        .exists()
    )
    return sa.select(Product).where(Product.status == ProductStatus.PUBLISHED, *first, business)


def newest_product_ids(limit: int) -> sa.Select[int]:
    return (
        visible_products()
        .with_only_columns(Product.id)
        .order_by(Product.published_at.desc(), Product.id.desc())
        .limit(limit)
    )


def with_details(query: sa.Select[Product]) -> sa.Select[Product]:
    """Everything a product page shows, loaded up front (no query per photo or badge)."""
    return query.options(
        selectinload(Product.images),
        selectinload(Product.translations),
        selectinload(Product.subsector),
        selectinload(Product.certifications).selectinload(BusinessCertification.certification),
        selectinload(Product.business),
    )


def public_product(slug: str) -> sa.Select[Product]:
    return with_details(visible_products().where(Product.slug == slug))


@cache
def public_product_alone() -> sa.Select[Product]:
    """The product of `public_product` whose slug is bound as `slug`, with its business, in one
    statement, nothing else; built once (run it with `db.found_or_404`)."""
    by_slug = visible_products().where(Product.slug == sa.bindparam("slug"))
    return by_slug.options(contains_eager(Product.business))


def product_by_id(product_id: int) -> sa.Select[Product]:
    return with_details(sa.select(Product).where(Product.id == product_id))


def _business_rows(business_id: int) -> sa.Select[Product]:
    return (
        visible_products()
        .where(Product.business_id == business_id)
        .order_by(Product.published_at.desc(), Product.id.desc())
    )


def products_of_business(business_id: int) -> sa.Select[Product]:
    """A business's public line-up, newest first, with what its cards show."""
    return _business_rows(business_id).options(
        selectinload(Product.images), selectinload(Product.translations)
    )


def business_cover(business_id: int) -> sa.Select[Product]:
    """The business's newest public product that has a photo (the cover of its page's link
    preview), without loading the line-up."""
    has_photo = sa.exists().where(ProductImage.product_id == Product.id)
    return (
        _business_rows(business_id)
        .where(has_photo)
        .options(selectinload(Product.images), selectinload(Product.translations))
        .limit(1)
    )
