"""The buyer's profile: the company, what it looks for, and how it likes to be addressed.

The company details follow the same rules as at registration (`check_buyer`). A buyer's profile
is shown only to the businesses the buyer contacted and to the office (see the interest pages).
Adds and flushes; the caller commits.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from marketplace.accounts.models import BuyerProfile, Role, User
from marketplace.accounts.services import AccountError, BuyerDetails, check_buyer, set_locale
from marketplace.db import db
from marketplace.reference.loader import currencies
from marketplace.reference.models import Subsector


@dataclass(frozen=True)
class BuyerProfileData:
    details: BuyerDetails
    subsector_codes: list[str] = field(default_factory=list)
    preferred_currency: str | None = None
    locale: str = "en"


def update_buyer_profile(user: User, data: BuyerProfileData) -> BuyerProfile:
    """Save the profile (creating it for a buyer who has none yet)."""
    if user.role != Role.BUYER:
        raise AccountError(_l("Only buyers have a buyer profile."))
    details = check_buyer(data.details, complete=True)
    codes = sorted(set(data.subsector_codes))
    subsectors = (
        db.session.scalars(sa.select(Subsector).where(Subsector.code.in_(codes))).all()
        if codes
        else []
    )
    if len(subsectors) != len(codes):
        raise AccountError(_l("Choose subsectors from the list."))
    currency = data.preferred_currency or None
    if currency is not None and currency not in currencies():
        raise AccountError(_l("Choose a currency from the list."))
    set_locale(user, data.locale)
    profile = user.buyer_profile
    if profile is None:
        profile = BuyerProfile(
            company=details.company,
            buyer_type=details.buyer_type,
            city=details.city,
            country_code=details.country_code,
        )
        user.buyer_profile = profile
    profile.company = details.company
    profile.buyer_type = details.buyer_type
    profile.city = details.city
    profile.country_code = details.country_code
    profile.partner_city_id = details.partner_city_id
    profile.preferred_currency = currency
    profile.subsectors = list(subsectors)
    db.session.flush()
    return profile


def usual_currency(buyer: User) -> str | None:
    """The buyer's preferred currency, else the currency of their partner city (None without
    either): what their forms start with."""
    profile = buyer.buyer_profile
    if profile is None:
        return None
    if profile.preferred_currency:
        return profile.preferred_currency
    city = profile.partner_city
    return city.currency if city is not None and city.currency in currencies() else None
