"""Which time zone a person reads times in (`marketplace.timezones` lists the zones).

A request's zone, first that applies (`select_timezone`, Flask-Babel's timezone selector):
1. the signed-in person's saved zone (account settings);
2. for a buyer, the zone of their partner city;
3. for a buyer or a visitor, the zone of the partner city of the channel the visit came through
   (a scanned shelf tag): the channel's partnership, else the one zone shared by the partner
   cities in the channel's country (Little Bandung in Seoul has no partnership of its own, so
   it reads Suwon's Asia/Seoul); the channels tell it (`timezones.visit_zone`);
4. Asia/Jakarta, the zone of Bandung and its trade office: for MSME owners, officers and admins
   who saved none, and for visitors and buyers to whom none of the above applies.
Mail and notifications are written in the recipient's zone (`zone_of`: steps 1, 2 and 4, as no
visit is known for them).
"""

from __future__ import annotations

from flask import has_request_context
from flask_login import current_user

from marketplace.accounts.models import Role, User
from marketplace.timezones import OFFICE_ZONE, city_zone, is_known_zone, visit_zone


def _own_zone(user: User) -> str | None:
    """Steps 1 and 2: the person's saved zone, else a buyer's partner city's."""
    if is_known_zone(user.timezone):
        return str(user.timezone)
    if user.role is Role.BUYER and user.buyer_profile is not None:
        return city_zone(user.buyer_profile.partner_city)
    return None


def zone_of(user: User) -> str:
    """The zone a person reads times in when no request tells more (mail, notifications)."""
    return _own_zone(user) or OFFICE_ZONE


def automatic_zone(user: User | None) -> str:
    """The zone that applies when `user` (None: a visitor) has saved none: steps 2 to 4."""
    if user is not None:
        if user.role is Role.BUYER and user.buyer_profile is not None:
            own = city_zone(user.buyer_profile.partner_city)
            if own is not None:
                return own
        if user.role is not Role.BUYER:
            return OFFICE_ZONE
    return visit_zone() or OFFICE_ZONE


def select_timezone() -> str:
    """Flask-Babel's timezone selector: the request's zone (see the module's docstring)."""
    if not has_request_context():
        return OFFICE_ZONE
    if current_user.is_authenticated:
        user: User = current_user._get_current_object()
        if is_known_zone(user.timezone):
            return str(user.timezone)
        return automatic_zone(user)
    return automatic_zone(None)
