"""How an announcement reaches an MSME owner: one notification and one e-mail, the
announcement's text in the owner's language (Indonesian, else English) in a frame of the
owner's language; and, when the owner opens it, the notification that led there is read."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from marketplace.accounts.models import User
from marketplace.announcements.models import Announcement
from marketplace.db import db, utcnow
from marketplace.notifications import notify
from marketplace.notifications.decisions import path_of
from marketplace.notifications.models import Notification
from marketplace.urls import public_url

SHOW = "my_announcements.show"


def path_for(announcement_id: int) -> str:
    return path_of(SHOW, announcement_id=announcement_id)


def tell_recipient(announcement: Announcement, owner: User) -> Notification:
    language = Announcement.language_for(notify.locale_of(owner))
    title = notify.one_line(announcement.title_for(language))
    return notify.notify(
        owner,
        "announcement",
        _l("Announcement from the trade office: %(title)s", title=title),
        path_for(announcement.id),
        email_subject=_l("Announcement from the trade office: %(title)s", title=title),
        email_template="announcement",
        title=title,
        body=announcement.body_for(language),
        link=public_url(SHOW, announcement_id=announcement.id),
    )


def read_notifications(announcement_id: int, user_id: int) -> None:
    db.session.execute(
        sa.update(Notification)
        .where(
            Notification.user_id == user_id,
            Notification.link == path_for(announcement_id),
            Notification.read_at.is_(None),
        )
        .values(read_at=utcnow())
    )
