"""Selects over products that pages share; callers paginate or limit."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from marketplace.businesses.models import Business, BusinessStatus
from marketplace.products.models import Product, ProductStatus


def visible_products() -> sa.Select[Product]:
    """Only published products of verified businesses are shown to visitors and buyers."""
    return (
        sa.select(Product)
        .join(Product.business)
        .where(
            Product.status == ProductStatus.PUBLISHED, Business.status == BusinessStatus.VERIFIED
        )
    )


def newest_products(limit: int) -> sa.Select[Product]:
    return (
        visible_products()
        .options(selectinload(Product.images), selectinload(Product.business))
        .order_by(Product.published_at.desc(), Product.id.desc())
        .limit(limit)
    )
