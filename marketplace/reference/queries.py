"""Selects over the reference facts."""

from __future__ import annotations

import sqlalchemy as sa

from marketplace.reference.models import PartnerCity


def partner_cities() -> sa.Select[PartnerCity]:
    """Oldest ties first; cities whose year is unknown after them, by name."""
    return sa.select(PartnerCity).order_by(
        PartnerCity.since_year.is_(None), PartnerCity.since_year, PartnerCity.name
    )
