"""Leads at the stand: a coordinator, or an MSME staffing its own stand, captures a visitor's
interest in a product on a phone or tablet. The visitor gives a name and an e-mail address or a
WhatsApp number, and agrees to be contacted in the words shown to them in their language,
which are kept with the lead. The lead reaches the MSME as an interest attributed to the
channel, from a visitor without an account (`Interest.visitor`); a visitor who gave an address
is mailed a confirmation in their language with the product's link.

A fair's network drops: the capturing device keeps entries and sends them when it can, each
with a key of its own, so an entry sent twice is recorded once (`capture_lead`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from marketplace.accounts import tokens
from marketplace.accounts.models import Role, User
from marketplace.accounts.services import AccountError, check_email, is_country_code
from marketplace.channels.coordinators import may_coordinate
from marketplace.channels.models import Channel, Nomination, NominationStatus
from marketplace.channels.queries import on_show
from marketplace.db import db, utcnow
from marketplace.errors import ServiceError
from marketplace.i18n import UI_LOCALES
from marketplace.interests import events
from marketplace.interests.models import Interest, InterestStatus, StandVisitor
from marketplace.interests.services import KEY_MAX, check_key, clean_text
from marketplace.mail.services import queue_template_email
from marketplace.products.display import texts
from marketplace.products.models import Product
from marketplace.urls import public_url

NAME_MAX = 120
NOTE_MAX = 2000
QUANTITY_MAX = 10_000_000
# An international number: a plus, then 8 to 15 digits (E.164), spaces and dashes allowed.
WHATSAPP = re.compile(r"\+[1-9]\d{7,14}")
VISITOR_DATA = "visitor-data"  # the purpose of the visitor's link to their details


class LeadError(ServiceError):
    pass


@dataclass(frozen=True)
class LeadData:
    name: str
    email: str | None
    whatsapp: str | None
    country_code: str
    locale: str
    quantity: int | None
    note: str
    consent: bool


def consent_text(locale: str, channel: Channel) -> str:
    """The words the visitor agrees to, in their language; kept with the lead."""
    with force_locale(locale):
        return _(
            "I agree that the trade office of Bandung and the makers of the products I asked "
            "about at %(channel)s contact me about them by e-mail or WhatsApp. My details are "
            "used for nothing else.",
            channel=channel.name,
        )


def may_capture(user: User, channel: Channel) -> bool:
    """Coordinators of the channel and the office; an MSME owner with products at it."""
    if may_coordinate(user, channel):
        return True
    if user.role != Role.MSME:
        return False
    return db.session.scalar(capturable(user, channel).limit(1)) is not None


def capturable(user: User, channel: Channel) -> sa.Select[Nomination]:
    """The products on show at the channel that `user` may take leads for: all of them, or an
    MSME owner's own."""
    query = (
        sa.select(Nomination)
        .join(Nomination.product)
        .where(Nomination.channel_id == channel.id, on_show())
        .order_by(Nomination.shelf_code, Product.name)
    )
    if not may_coordinate(user, channel):
        query = query.where(Product.business.has(owner_id=user.id))
    return query


def _check(data: LeadData) -> LeadData:
    try:
        name = clean_text(data.name, NAME_MAX, multiline=False)
        note = clean_text(data.note, NOTE_MAX)
    except ServiceError as error:
        raise LeadError(error.message) from error
    if not name:
        raise LeadError(_l("Give the visitor's name."))
    email = (data.email or "").strip() or None
    if email is not None:
        try:
            email = check_email(email)
        except AccountError as error:
            raise LeadError(error.message) from error
    whatsapp = re.sub(r"[\s\-().]", "", data.whatsapp or "") or None
    if whatsapp is not None and not WHATSAPP.fullmatch(whatsapp):
        raise LeadError(
            _l("Give the WhatsApp number with its country code, for example +49 151 2345 6789.")
        )
    if email is None and whatsapp is None:
        raise LeadError(_l("Give an e-mail address or a WhatsApp number to reach the visitor."))
    country = (data.country_code or "").upper()
    if not is_country_code(country):
        raise LeadError(_l("Choose the visitor's country."))
    if data.locale not in UI_LOCALES:
        raise LeadError(_l("Choose the visitor's language."))
    if data.quantity is not None and not 1 <= data.quantity <= QUANTITY_MAX:
        raise LeadError(_l("The quantity must be a whole number above zero."))
    if not data.consent:
        raise LeadError(_l("The visitor must agree to be contacted before the lead is kept."))
    return LeadData(name, email, whatsapp, country, data.locale, data.quantity, note, True)


def capture_lead(
    channel: Channel, actor: User, nomination_id: int, data: LeadData, client_key: str
) -> tuple[Interest, bool]:
    """The visitor's interest, and whether it is new: an entry whose key was recorded before
    returns the interest it made, changing nothing."""
    key = check_key(client_key)
    found = _by_key(key)
    if found is not None:
        return found, False
    if not may_capture(actor, channel):
        raise LeadError(_l("You do not take leads for this channel."))
    nomination = db.session.scalar(capturable(actor, channel).where(Nomination.id == nomination_id))
    if nomination is None or nomination.status != NominationStatus.ACCEPTED:
        raise LeadError(_l("Choose a product of the channel's line-up."))
    clean = _check(data)
    now = utcnow()
    visitor = StandVisitor(
        name=clean.name,
        email=clean.email,
        whatsapp=clean.whatsapp,
        country_code=clean.country_code,
        locale=clean.locale,
        consent_text=consent_text(clean.locale, channel),
        consented_at=now,
        captured_by_id=actor.id,
        client_key=key,
    )
    product = nomination.product
    interest = Interest(
        visitor=visitor,
        product=product,
        channel_id=channel.id,
        quantity=clean.quantity,
        unit=product.unit if clean.quantity else None,
        message=clean.note,
        status=InterestStatus.NEW,
    )
    try:
        with db.session.begin_nested():
            db.session.add_all([visitor, interest])
    except sa.exc.IntegrityError:
        # The same entry arrived twice at once: the other request recorded it.
        found = _by_key(key)
        if found is None:
            raise
        return found, False
    if clean.email:
        _confirm(visitor, channel, product)
    events.interest_expressed.send(interest)
    return interest, True


def _by_key(key: str) -> Interest | None:
    return db.session.scalar(
        sa.select(Interest).join(Interest.visitor).where(StandVisitor.client_key == key)
    )


def visitor_link_token(visitor: StandVisitor) -> str:
    """The visitor's own link to their details (the privacy pages read it)."""
    return tokens.sign(VISITOR_DATA, {"v": visitor.id, "k": tokens.digest(visitor.client_key)})


def _confirm(visitor: StandVisitor, channel: Channel, product: Product) -> None:
    assert visitor.email is not None
    queue_template_email(
        visitor.email,
        visitor.locale,
        _l("Your interest at %(channel)s", channel=channel.name),
        "stand_lead_confirmation",
        name=visitor.name,
        channel=channel.name,
        product=texts(product, visitor.locale)[0].name,
        link=public_url("products.page", slug=product.slug, lang=visitor.locale),
        consent=visitor.consent_text,
        data_link=public_url("privacy.visitor", token=visitor_link_token(visitor)),
    )


__all__ = ["KEY_MAX", "LeadData", "LeadError", "capture_lead", "consent_text", "may_capture"]
