"""Interests nobody answered: remind the MSME kindly, then ask the office to help.

After REMIND_AFTER a new interest without a reply gets one reminder to the owner (in the app
and by e-mail); after ESCALATE_AFTER every active officer is told once, so one of them can call
the MSME, and the interest enters the office's queue of escalations (`escalations`). Markers
on the interest make a second run send nothing twice. Run by cron through
`flask remind-unanswered`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from marketplace.db import db, utcnow
from marketplace.interests import events, queries
from marketplace.interests.escalations import open_escalation
from marketplace.interests.models import Interest

REMIND_AFTER = timedelta(hours=48)
ESCALATE_AFTER = timedelta(days=5)


@dataclass(frozen=True)
class ReminderRun:
    reminded: int  # interests whose owner was reminded
    escalated: int  # interests the office was told about
    officers: int  # officers told


def remind_unanswered(now: datetime | None = None) -> ReminderRun:
    now = now or utcnow()
    reminded = 0
    for interest in db.session.scalars(
        queries.unanswered_since(now - REMIND_AFTER, Interest.reminder_sent_at)
    ):
        events.reply_overdue.send(interest)
        interest.reminder_sent_at = now
        reminded += 1
    officers = db.session.scalars(queries.active_officers()).all()
    escalated = 0
    if not officers:
        # Nobody to tell yet: the next run tells the first officer there is.
        db.session.flush()
        return ReminderRun(reminded=reminded, escalated=0, officers=0)
    for interest in db.session.scalars(
        queries.unanswered_since(now - ESCALATE_AFTER, Interest.escalated_at)
    ):
        events.reply_escalated.send(interest, officers=officers)
        interest.escalated_at = now
        open_escalation(interest, now)
        escalated += 1
    db.session.flush()
    return ReminderRun(reminded=reminded, escalated=escalated, officers=len(officers))
