"""What an MSME owner is told when the trade office decides about their business, a product or
a nomination: one notification in the app and one e-mail, in the owner's language, with the
officer's reason where there is one (the office's decision functions call these).
"""

from __future__ import annotations

from typing import Any

from flask import current_app, has_request_context, url_for
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from flask_babel.speaklater import LazyString

from marketplace.businesses.models import Business
from marketplace.channels.models import Nomination, NominationStatus, ShelfStage
from marketplace.notifications import notify
from marketplace.notifications.models import Notification
from marketplace.products.models import Product
from marketplace.stock.models import MovementKind, Settlement
from marketplace.urls import public_url


def path_of(endpoint: str, **values: Any) -> str:
    """A path inside the site (the form notifications keep links in)."""
    if has_request_context():
        return url_for(endpoint, **values)
    return current_app.url_map.bind("").build(endpoint, values)


def tell_owner(
    business: Business, text: LazyString, reason: str | None, endpoint: str, **values: Any
) -> Notification:
    """The decision in the app (with the officer's reason) and by e-mail (the reason on a
    line of its own)."""
    reason = notify.one_line(reason) if reason else None
    shown = _l("%(decision)s Reason: %(reason)s", decision=text, reason=reason) if reason else text
    return notify.notify(
        business.owner,
        "office_decision",
        shown,
        path_of(endpoint, **values),
        email_subject=text,
        email_template="office_decision",
        decision=text,
        reason=reason,
        link=public_url(endpoint, **values),
    )


def business_decided(business: Business, decision: str, reason: str | None = None) -> Notification:
    """`decision`: verified, rejected, suspended or reinstated."""
    name = notify.one_line(business.name)
    if decision == "verified":
        text = _l(
            "The trade office verified your business %(name)s: you can now nominate your "
            "products to channels.",
            name=name,
        )
    elif decision == "rejected":
        text = _l("The trade office did not verify your business %(name)s yet.", name=name)
    elif decision == "suspended":
        text = _l(
            "The trade office suspended your business %(name)s: its products are not shown "
            "for now.",
            name=name,
        )
    else:
        text = _l(
            "The trade office reinstated your business %(name)s: its products are shown again.",
            name=name,
        )
    return tell_owner(business, text, reason, "workspace.dashboard")


def product_decided(product: Product, approved: bool, reason: str | None = None) -> Notification:
    name = notify.one_line(product.name)
    text = (
        _l("The trade office approved your product %(name)s: it is published.", name=name)
        if approved
        else _l("The trade office did not approve your product %(name)s.", name=name)
    )
    return tell_owner(product.business, text, reason, "my_products.edit", product_id=product.id)


def nomination_decided(nomination: Nomination) -> Notification:
    product = nomination.product
    values = {"product": notify.one_line(product.name), "channel": nomination.channel.name}
    text = (
        _l("%(product)s is accepted for %(channel)s.", **values)
        if nomination.status == NominationStatus.ACCEPTED
        else _l("%(product)s is not taken for %(channel)s this time.", **values)
    )
    return tell_owner(
        product.business,
        text,
        nomination.decision_reason,
        "nominations.show",
        nomination_id=nomination.id,
    )


def nomination_scored(nomination: Nomination, score: int, comment: str) -> Notification:
    """A jury score, with the officer's comment (the officer's name stays with the office)."""
    text = _l(
        "%(product)s was scored %(score)s of 5 for %(channel)s.",
        product=notify.one_line(nomination.product.name),
        score=score,
        channel=nomination.channel.name,
    )
    return tell_owner(
        nomination.product.business,
        text,
        comment or None,
        "nominations.show",
        nomination_id=nomination.id,
    )


def shelf_event(
    nomination: Nomination, kind: MovementKind, quantity: int, note: str = ""
) -> Notification | None:
    """Pieces arrived at the channel, sold out there, sent back, damaged or lost; single sales
    and shelving are not told one by one (the MSME reads them on its stock page)."""
    values = {
        "product": notify.one_line(nomination.product.name),
        "channel": nomination.channel.name,
    }
    if kind == MovementKind.RECEIVED:
        text = lazy_ngettext(
            "%(num)d piece of %(product)s arrived at %(channel)s.",
            "%(num)d pieces of %(product)s arrived at %(channel)s.",
            quantity,
            **values,
        )
    elif kind == MovementKind.RETURNED:
        text = lazy_ngettext(
            "%(num)d piece of %(product)s is sent back to you from %(channel)s.",
            "%(num)d pieces of %(product)s are sent back to you from %(channel)s.",
            quantity,
            **values,
        )
    elif kind in (MovementKind.DAMAGED, MovementKind.LOST):
        text = lazy_ngettext(
            "%(num)d piece of %(product)s was damaged or lost at %(channel)s.",
            "%(num)d pieces of %(product)s were damaged or lost at %(channel)s.",
            quantity,
            **values,
        )
    elif kind == MovementKind.SOLD and nomination.stage == ShelfStage.SOLD_OUT:
        text = _l("%(product)s is sold out at %(channel)s.", **values)
    else:
        return None
    return tell_owner(
        nomination.product.business,
        text,
        note or None,
        "workspace.settlements",
    )


def settlement_paid(settlement: Settlement) -> Notification:
    text = _l(
        "The trade office paid your statement for %(channel)s (%(period)s): reference "
        "%(reference)s.",
        channel=settlement.channel.name,
        period=f"{settlement.period_start.isoformat()} – {settlement.period_end.isoformat()}",
        reference=settlement.paid_reference or "",
    )
    return tell_owner(
        settlement.business, text, None, "workspace.settlement", settlement_id=settlement.id
    )
