"""Telling people what happened to their interests: a notification in the app and an e-mail
through the outbox, both written in the recipient's language (and any time in their zone) and
in the caller's transaction.

Nobody is told about their own action. A buyer marked as spam is not told (a spammer learns
nothing); the office hears about reports and about interests left unanswered for long.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import has_request_context, url_for
from flask_babel import force_locale, format_decimal
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

from marketplace.accounts.models import User
from marketplace.accounts.zones import zone_of
from marketplace.dates import force_timezone
from marketplace.db import db, utcnow
from marketplace.i18n import UI_LOCALES
from marketplace.interests.labels import status_label
from marketplace.interests.models import Interest, InterestStatus, Message
from marketplace.mail.services import queue_template_email
from marketplace.money import RUPIAH, format_money
from marketplace.notifications.models import Notification
from marketplace.products.display import texts
from marketplace.units import quantity
from marketplace.urls import public_url

TEXT_MAX = 400
SUBJECT_MAX = 200


def locale_of(user: User) -> str:
    return user.locale if user.locale in UI_LOCALES else "en"


def thread_path(interest: Interest) -> str:
    """The conversation's address inside the site (the form notifications keep)."""
    if has_request_context():
        return url_for("interests.thread", interest_id=interest.id)
    return urlsplit(public_url("interests.thread", interest_id=interest.id)).path


def one_line(text: str) -> str:
    """User text inside a subject or a notification: no line breaks, no runs of spaces."""
    return " ".join(text.split())


def notify(
    user: User,
    kind: str,
    text: LazyString,
    path: str | None,
    *,
    email_subject: LazyString | None = None,
    email_template: str | None = None,
    **email_context: object,
) -> Notification:
    """A notification for `user`, and an e-mail too when a template is given: in the
    recipient's language, with times in the recipient's zone."""
    locale, zone = locale_of(user), zone_of(user)
    with force_locale(locale), force_timezone(zone):
        rendered = one_line(str(text))
        subject = one_line(str(email_subject)) if email_subject is not None else rendered
    notification = Notification(user_id=user.id, kind=kind, text=rendered[:TEXT_MAX], link=path)
    db.session.add(notification)
    if email_template is not None:
        queue_template_email(
            user.email,
            locale,
            subject[:SUBJECT_MAX],
            email_template,
            timezone=zone,
            name=user.name,
            **email_context,
        )
    db.session.flush()
    return notification


def owner_of(interest: Interest) -> User:
    return interest.product.business.owner


def buyer_name(interest: Interest) -> str:
    """The buyer as a business knows them: their company, else their name; a visitor met at a
    stand by the name they gave."""
    if interest.buyer is None:
        return one_line(interest.visitor.name if interest.visitor else "")
    profile = interest.buyer.buyer_profile
    return one_line(profile.company if profile and profile.company else interest.buyer.name)


def terms_lines(interest: Interest, locale: str) -> list[str]:
    """The buyer's stated terms, with numbers written the way the reader writes them."""
    lines: list[str] = []
    with force_locale(locale):
        if interest.quantity:
            amount = (
                quantity(interest.quantity, interest.unit)
                if interest.unit
                else format_decimal(interest.quantity)
            )
            lines.append(str(_l("Quantity: %(quantity)s", quantity=amount)))
        if interest.target_price is not None:
            price = format_money(
                Decimal(interest.target_price), interest.currency or RUPIAH, locale
            )
            lines.append(str(_l("Target price: %(price)s", price=price)))
        if interest.incoterm:
            lines.append(str(_l("Incoterm: %(term)s", term=interest.incoterm)))
        if interest.destination:
            lines.append(str(_l("Destination: %(place)s", place=one_line(interest.destination))))
    return lines


def product_name_for(interest: Interest, recipient: User) -> str:
    """The product's name in the recipient's language, where the maker has written it."""
    return one_line(texts(interest.product, locale_of(recipient))[0].name)


def interest_received(interest: Interest) -> Notification:
    owner = owner_of(interest)
    product, buyer = product_name_for(interest, owner), buyer_name(interest)
    return notify(
        owner,
        "interest_new",
        _l("New interest in %(product)s from %(buyer)s", product=product, buyer=buyer),
        thread_path(interest),
        email_subject=_l("New interest in %(product)s", product=product),
        email_template="interest_new",
        buyer=buyer,
        product=product,
        terms=terms_lines(interest, locale_of(owner)),
        message=interest.message,
        link=public_url("interests.thread", interest_id=interest.id),
    )


def message_received(message: Message) -> Notification | None:
    """The other party of the conversation hears of a new message."""
    interest = message.interest
    owner = owner_of(interest)
    if message.sender_id == interest.buyer_id:
        recipient, sender = owner, buyer_name(interest)
    elif interest.buyer is not None:
        recipient, sender = interest.buyer, one_line(interest.product.business.name)
    else:
        return None  # a visitor met at a stand has no account to be told in
    product = product_name_for(interest, recipient)
    return notify(
        recipient,
        "interest_message",
        _l("New message from %(sender)s about %(product)s", sender=sender, product=product),
        thread_path(interest),
        email_subject=_l("New message about %(product)s", product=product),
        email_template="interest_message",
        sender=sender,
        product=product,
        message=message.body,
        link=public_url("interests.thread", interest_id=interest.id),
    )


def status_changed(interest: Interest, actor: User) -> Notification | None:
    """The other party hears of a new status; nobody is told that they were marked as spam."""
    if interest.status == InterestStatus.SPAM:
        return None
    if actor.id == interest.buyer_id:
        recipient, by = owner_of(interest), buyer_name(interest)
    elif interest.buyer is not None:
        recipient, by = interest.buyer, one_line(interest.product.business.name)
    else:
        return None
    if recipient.id == actor.id:
        return None
    product = product_name_for(interest, recipient)
    with force_locale(locale_of(recipient)):
        label = status_label(interest.status)
    return notify(
        recipient,
        "interest_status",
        _l(
            "%(by)s changed the status of the interest in %(product)s to: %(status)s",
            by=by,
            product=product,
            status=label,
        ),
        thread_path(interest),
        email_subject=_l("Interest in %(product)s: %(status)s", product=product, status=label),
        email_template="interest_status",
        by=by,
        product=product,
        status=label,
        link=public_url("interests.thread", interest_id=interest.id),
    )


def unanswered_reminder(interest: Interest) -> Notification:
    owner = owner_of(interest)
    product, buyer = product_name_for(interest, owner), buyer_name(interest)
    return notify(
        owner,
        "interest_reminder",
        _l("%(buyer)s is waiting for your answer about %(product)s", buyer=buyer, product=product),
        thread_path(interest),
        email_subject=_l("A buyer is waiting for your answer about %(product)s", product=product),
        email_template="interest_reminder",
        buyer=buyer,
        product=product,
        link=public_url("interests.thread", interest_id=interest.id),
    )


def unanswered_escalation(interest: Interest, officers: Iterable[User]) -> list[Notification]:
    """Every officer hears of an interest nobody answered, so one of them can help the MSME."""
    product, business = one_line(interest.product.name), one_line(interest.product.business.name)
    buyer = buyer_name(interest)
    return [
        notify(
            officer,
            "interest_escalation",
            _l(
                "%(business)s has not answered %(buyer)s about %(product)s for 5 days",
                business=business,
                buyer=buyer,
                product=product,
            ),
            thread_path(interest),
            email_subject=_l("Unanswered interest: %(business)s", business=business),
            email_template="interest_escalation",
            business=business,
            buyer=buyer,
            product=product,
            link=public_url("interests.thread", interest_id=interest.id),
        )
        for officer in officers
    ]


def report_filed(
    interest: Interest, reporter: User, officers: Iterable[User]
) -> list[Notification]:
    """The office's queue holds the report; officers also see it among their notifications."""
    product = one_line(interest.product.name)
    who = (
        buyer_name(interest)
        if reporter.id == interest.buyer_id
        else one_line(interest.product.business.name)
    )
    return [
        notify(
            officer,
            "interest_report",
            _l(
                "%(who)s reported the conversation about %(product)s as spam",
                who=who,
                product=product,
            ),
            thread_path(interest),
        )
        for officer in officers
    ]


def mark_link_read(user: User, link: str) -> int:
    """Opening a page counts as reading the notifications that lead to it."""
    result = db.session.execute(
        sa.update(Notification)
        .where(
            Notification.user_id == user.id,
            Notification.link == link,
            Notification.read_at.is_(None),
        )
        .values(read_at=utcnow())
    )
    return int(getattr(result, "rowcount", 0) or 0)


def mark_read(notification: Notification) -> None:
    if notification.read_at is None:
        notification.read_at = utcnow()
        db.session.flush()


def mark_all_read(user: User) -> int:
    result = db.session.execute(
        sa.update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    return int(getattr(result, "rowcount", 0) or 0)
