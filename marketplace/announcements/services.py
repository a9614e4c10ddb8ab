"""The rules of announcements: the office writes one (both languages, a checked audience),
sends it once, and an owner's opening of it is recorded.

    draft -(edit)-> draft -(send)-> sent

Sending is a state transition on the locked row: a second click, or a second officer at the
same moment, finds it sent and sends nothing. Each MSME the audience reaches at that moment
gets one notification and one e-mail through its owner, in the owner's language, and a row in
`announcement_recipients`; the send is audited with the number reached.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from marketplace.accounts.models import Role, User
from marketplace.announcements import queries
from marketplace.announcements.models import (
    Announcement,
    AnnouncementRecipient,
    AnnouncementStatus,
)
from marketplace.announcements.telling import read_notifications, tell_recipient
from marketplace.businesses.models import Business
from marketplace.businesses.services import DISTRICTS
from marketplace.channels.models import Channel
from marketplace.db import db, lock, utcnow
from marketplace.errors import ConflictError, ServiceError
from marketplace.ledger.audit import AuditAction, record_audit
from marketplace.periods import bandung_today
from marketplace.reference.models import Certification, Subsector

TITLE_MAX = 160
BODY_MAX = 10_000


class AnnouncementError(ServiceError):
    pass


@dataclass(frozen=True)
class AnnouncementData:
    title_id: str
    body_id: str
    title_en: str
    body_en: str
    audience: queries.Audience = field(default_factory=queries.Audience)


def _check_staff(actor: User) -> None:
    if actor.role not in (Role.OFFICER, Role.ADMIN):
        raise AnnouncementError(_l("Only the trade office writes announcements."))


def _known(values: Sequence[object], found: Sequence[object]) -> bool:
    return set(values) <= set(found)


def _check(data: AnnouncementData) -> None:
    texts = (data.title_id, data.body_id, data.title_en, data.body_en)
    if not all(text.strip() for text in texts):
        raise AnnouncementError(
            _l("Write the title and the text in Indonesian and in English: MSMEs read either.")
        )
    if len(data.title_id.strip()) > TITLE_MAX or len(data.title_en.strip()) > TITLE_MAX:
        raise AnnouncementError(_l("A title has at most 160 characters."))
    if len(data.body_id) > BODY_MAX or len(data.body_en) > BODY_MAX:
        raise AnnouncementError(_l("A text has at most 10,000 characters."))
    chosen = data.audience
    subsectors = db.session.scalars(
        sa.select(Subsector.code).where(Subsector.code.in_(chosen.subsector_codes))
    ).all()
    certifications = db.session.scalars(
        sa.select(Certification.code).where(Certification.code.in_(chosen.certification_codes))
    ).all()
    channels = db.session.scalars(
        sa.select(Channel.id).where(Channel.id.in_(chosen.channel_ids))
    ).all()
    if not (
        _known(chosen.subsector_codes, subsectors)
        and _known(chosen.districts, DISTRICTS)
        and _known(chosen.certification_codes, certifications)
        and _known(chosen.channel_ids, channels)
    ):
        raise AnnouncementError(_l("Choose the audience from the lists."))


def _apply(announcement: Announcement, data: AnnouncementData) -> None:
    announcement.title_id = data.title_id.strip()
    announcement.body_id = data.body_id.strip()
    announcement.title_en = data.title_en.strip()
    announcement.body_en = data.body_en.strip()
    chosen = data.audience
    announcement.subsector_codes = sorted(set(chosen.subsector_codes))
    announcement.districts = sorted(set(chosen.districts))
    announcement.certification_codes = sorted(set(chosen.certification_codes))
    announcement.channel_ids = sorted(set(chosen.channel_ids))


def create_announcement(actor: User, data: AnnouncementData) -> Announcement:
    """A draft, to preview and send."""
    _check_staff(actor)
    _check(data)
    announcement = Announcement(created_by_id=actor.id, status=AnnouncementStatus.DRAFT)
    _apply(announcement, data)
    db.session.add(announcement)
    db.session.flush()
    return announcement


def update_announcement(announcement: Announcement, actor: User, data: AnnouncementData) -> None:
    _check_staff(actor)
    lock(announcement)
    if announcement.status != AnnouncementStatus.DRAFT:
        raise ConflictError(_l("This announcement is sent already: it can no longer change."))
    _check(data)
    _apply(announcement, data)
    db.session.flush()


def reached(announcement: Announcement, today: date | None = None) -> list[Business]:
    """The MSMEs the announcement's audience reaches now (the preview shows them)."""
    query = queries.audience(queries.Audience.of(announcement), today or bandung_today())
    return list(db.session.scalars(query))


def send_announcement(announcement: Announcement, actor: User) -> int:
    """Send once: to every MSME the audience reaches now. Returns how many were reached."""
    _check_staff(actor)
    lock(announcement)
    if announcement.status != AnnouncementStatus.DRAFT:
        raise ConflictError(_l("This announcement is sent already."))
    businesses = reached(announcement)
    if not businesses:
        raise AnnouncementError(
            _l("No MSME matches this audience. Choose fewer criteria before sending.")
        )
    for business in businesses:
        recipient = AnnouncementRecipient(
            announcement=announcement, business_id=business.id, user_id=business.owner_id
        )
        db.session.add(recipient)
        tell_recipient(announcement, business.owner)
    announcement.status = AnnouncementStatus.SENT
    announcement.sent_at = utcnow()
    announcement.sent_by_id = actor.id
    db.session.flush()
    record_audit(
        actor,
        AuditAction.ANNOUNCEMENT_SENT,
        "announcement",
        announcement.id,
        {"status": AnnouncementStatus.DRAFT.value},
        {
            "status": AnnouncementStatus.SENT.value,
            "title": announcement.title_en,
            "recipients": len(businesses),
        },
    )
    return len(businesses)


def mark_read(announcement_id: int, user_id: int) -> bool:
    """The owner opened the announcement: its first reading is kept, and the notification that
    leads to it is read too. A side record of reading (see `marketplace.page_writes`)."""
    result = db.session.execute(
        sa.update(AnnouncementRecipient)
        .where(
            AnnouncementRecipient.announcement_id == announcement_id,
            AnnouncementRecipient.user_id == user_id,
            AnnouncementRecipient.read_at.is_(None),
        )
        .values(read_at=utcnow())
    )
    read_notifications(announcement_id, user_id)
    return bool(getattr(result, "rowcount", 0))
