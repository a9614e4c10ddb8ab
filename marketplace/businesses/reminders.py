"""Certificates about to expire: their owners are reminded once, REMIND_BEFORE the date.

A halal, BPOM or SNI certificate that lapses takes a product out of export channels; the owner
hears of it a month ahead (in the app and by e-mail, in their language: the notifications'
receiver of `events.certificate_expiring`). The certificate keeps the date it was reminded of,
so a second run sends nothing twice, and a renewed certificate (a new expiry date) is reminded
again when its new date comes near. Run daily by cron through `flask remind-certificates`.
"""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from marketplace.accounts.models import User, UserStatus
from marketplace.businesses import events
from marketplace.businesses.models import Business, BusinessCertification
from marketplace.db import db
from marketplace.periods import bandung_today

REMIND_BEFORE = timedelta(days=30)


def expiring_soon(certification: BusinessCertification, today: date) -> bool:
    """Valid today and expiring within REMIND_BEFORE (the office's page notes it)."""
    expires_on = certification.expires_on
    return expires_on is not None and today <= expires_on <= today + REMIND_BEFORE


def expired(certification: BusinessCertification, today: date) -> bool:
    return certification.expires_on is not None and certification.expires_on < today


def due_reminders(today: date) -> sa.Select[BusinessCertification]:
    """Certificates expiring from `today` to REMIND_BEFORE after it whose owner (an active
    account) was not reminded of that date yet."""
    return (
        sa.select(BusinessCertification)
        .join(BusinessCertification.business)
        .join(User, User.id == Business.owner_id)
        .where(
            BusinessCertification.expires_on.between(today, today + REMIND_BEFORE),
            sa.or_(
                BusinessCertification.expiry_reminded_for.is_(None),
                BusinessCertification.expiry_reminded_for != BusinessCertification.expires_on,
            ),
            User.status == UserStatus.ACTIVE,
        )
        .order_by(BusinessCertification.id)
        .with_for_update(of=BusinessCertification)
    )


def remind_certificates(today: date | None = None) -> int:
    """Remind the owner of each certificate due; returns how many were reminded."""
    today = today or bandung_today()
    reminded = 0
    for certification in db.session.scalars(due_reminders(today)).all():
        events.certificate_expiring.send(certification)
        certification.expiry_reminded_for = certification.expires_on
        reminded += 1
    db.session.flush()
    return reminded
