"""Selects over businesses that pages share; callers execute, paginate or limit."""

from __future__ import annotations

from functools import cache

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from marketplace.businesses.models import Business, BusinessCertification


def business_of(owner_id: int) -> sa.Select[Business]:
    """The one business an MSME account owns (or none yet)."""
    return sa.select(Business).where(Business.owner_id == owner_id)


def with_details(query: sa.Select[Business]) -> sa.Select[Business]:
    return query.options(
        selectinload(Business.subsector),
        selectinload(Business.certifications).selectinload(BusinessCertification.certification),
    )


def visible_businesses() -> sa.Select[Business]:
    """Businesses with a public page (the rule is `Business.is_public`)."""
    return sa.select(Business).where(Business.is_public)


@cache
def public_business_alone() -> sa.Select[Business]:
    """The public business whose slug is bound as `slug`, nothing else; built once."""
    return visible_businesses().where(Business.slug == sa.bindparam("slug"))


def business_by_id(business_id: int) -> sa.Select[Business]:
    return with_details(sa.select(Business).where(Business.id == business_id))
