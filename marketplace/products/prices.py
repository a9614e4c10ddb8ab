"""The price a visitor or buyer sees beside the rupiah, in their own currency.

The currency is the signed-in buyer's preference (else their partner city's), else the currency
of the channel the visit came through (a shelf tag scanned at Little Bandung shows won). The
office's rate in force today converts it, and the page names the rate's date. Without such a
currency or rate the price is shown in rupiah only.
"""

from __future__ import annotations

from flask_login import current_user

from marketplace.accounts.models import Role
from marketplace.channels.attribution import current_visit_channel_id
from marketplace.channels.curation import office_today
from marketplace.channels.models import Channel
from marketplace.channels.prices import ConvertedPrice, convert
from marketplace.db import db
from marketplace.products.models import Product


def viewer_currency() -> str | None:
    if current_user.is_authenticated and current_user.role == Role.BUYER:
        profile = current_user.buyer_profile
        if profile is not None:
            if profile.preferred_currency:
                return str(profile.preferred_currency)
            if profile.partner_city is not None:
                return str(profile.partner_city.currency)
    channel_id = current_visit_channel_id()
    channel = db.session.get(Channel, channel_id) if channel_id is not None else None
    return channel.currency if channel is not None else None


def viewer_price(product: Product) -> ConvertedPrice | None:
    """`product`'s price in the viewer's currency, or None (then rupiah only)."""
    currency = viewer_currency()
    if currency is None or product.price_idr is None:
        return None
    return convert(product.price_idr, currency, office_today())
