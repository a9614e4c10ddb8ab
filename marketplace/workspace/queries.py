"""Selects of the owner's workspace; callers execute them."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from marketplace.interests.models import Interest, InterestStatus
from marketplace.products.models import Product, ProductStatus


def dashboard_rows(business_id: int) -> sa.Select[Product, int]:
    """Every product of the business with its number of interests (spam not counted)."""
    interests = sa.func.count(Interest.id)
    return (
        sa.select(Product, interests)
        .outerjoin(
            Interest,
            sa.and_(Interest.product_id == Product.id, Interest.status != InterestStatus.SPAM),
        )
        .where(Product.business_id == business_id)
        .group_by(Product.id)
        .options(selectinload(Product.images))
        .order_by(Product.status == ProductStatus.ARCHIVED, Product.updated_at.desc(), Product.id)
    )
