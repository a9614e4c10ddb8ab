"""How notifications follow the features below them: receivers of their signals.

`connect()` subscribes them when the app is built; each receiver runs in the sender's
transaction, so a notification exists exactly when the change it tells of was committed.
"""

from __future__ import annotations

from collections.abc import Iterable

from marketplace.accounts.models import User
from marketplace.businesses import events as business_events
from marketplace.interests import events as interest_events
from marketplace.interests.models import Interest, Message
from marketplace.notifications import certificates, identity, notify


def interest_expressed(interest: Interest) -> None:
    notify.interest_received(interest)


def message_posted(message: Message) -> None:
    notify.message_received(message)


def status_changed(interest: Interest, *, actor: User) -> None:
    notify.status_changed(interest, actor)


def thread_read(interest: Interest, *, reader: User) -> None:
    notify.mark_link_read(reader, notify.thread_path(interest))


def conversation_reported(interest: Interest, *, reporter: User, officers: Iterable[User]) -> None:
    notify.report_filed(interest, reporter, officers)


def reply_overdue(interest: Interest) -> None:
    notify.unanswered_reminder(interest)


def reply_escalated(interest: Interest, *, officers: Iterable[User]) -> None:
    notify.unanswered_escalation(interest, officers)


def connect() -> None:
    """Subscribe the receivers (connecting the same function twice is a no-op in blinker)."""
    business_events.identity_change_approved.connect(identity.change_approved)
    business_events.identity_change_rejected.connect(identity.change_rejected)
    business_events.certificate_expiring.connect(certificates.certificate_expiring)
    interest_events.interest_expressed.connect(interest_expressed)
    interest_events.message_posted.connect(message_posted)
    interest_events.status_changed.connect(status_changed)
    interest_events.thread_read.connect(thread_read)
    interest_events.conversation_reported.connect(conversation_reported)
    interest_events.reply_overdue.connect(reply_overdue)
    interest_events.reply_escalated.connect(reply_escalated)
