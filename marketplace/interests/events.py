"""What the interests feature tells the rest of the marketplace, as named blinker signals.

Interests sit below the features that react to them (notifications, the search popularity, the
office's report tables), so they never import those: they send a signal, and the receivers
subscribe when the app is built (`register_receivers` in `marketplace/__init__.py`). Receivers
run in the sender's transaction, so what they add is committed or rolled back with the change.

Two kinds of signals:
- steps of a conversation, sent by the services with the person who took them;
- `interests_flushed` / `interests_deleting`, sent for every flush that adds, changes or deletes
  interests (services, seeding and commands alike), so that figures kept beside the interests
  cannot drift from them.
"""

from __future__ import annotations

from typing import Any

from blinker import Namespace
from sqlalchemy import event
from sqlalchemy.orm import Session, UOWTransaction, scoped_session

from marketplace.interests.models import Interest

signals = Namespace()

interest_expressed = signals.signal("interest-expressed")
"""An interest reached the business. Sender: the `Interest`."""

message_posted = signals.signal("message-posted")
"""A party wrote in a conversation. Sender: the `Message`."""

status_changed = signals.signal("interest-status-changed")
"""An interest moved in its life cycle. Sender: the `Interest`; `actor`: the `User` who moved it."""

thread_read = signals.signal("interest-thread-read")
"""Someone opened a conversation. Sender: the `Interest`; `reader`: the `User`."""

conversation_reported = signals.signal("interest-conversation-reported")
"""A party reported a conversation to the office. Sender: the `Interest`; `reporter`: the
`User`; `officers`: the officers to tell."""

reply_overdue = signals.signal("interest-reply-overdue")
"""An interest is still unanswered after the reminder delay. Sender: the `Interest`."""

reply_escalated = signals.signal("interest-reply-escalated")
"""An interest is still unanswered after the escalation delay. Sender: the `Interest`;
`officers`: the officers to tell."""

interests_flushed = signals.signal("interests-flushed")
"""Interests were added, changed or deleted in a flush. Sender: the `Session`; `added`,
`changed` and `deleted`: lists of `Interest` (their attribute history still tells what changed)."""

interests_deleting = signals.signal("interests-deleting")
"""Interests are about to be deleted in a flush. Sender: the `Session`; `ids`: their ids."""


def _after_flush(session: Session, _context: UOWTransaction) -> None:
    added = [obj for obj in session.new if isinstance(obj, Interest)]
    changed = [obj for obj in session.dirty if isinstance(obj, Interest)]
    deleted = [obj for obj in session.deleted if isinstance(obj, Interest)]
    if added or changed or deleted:
        interests_flushed.send(session, added=added, changed=changed, deleted=deleted)


def _before_flush(session: Session, _context: UOWTransaction, _instances: Any) -> None:
    ids = [obj.id for obj in session.deleted if isinstance(obj, Interest) and obj.id]
    if ids:
        interests_deleting.send(session, ids=ids)


def watch_interests(session: scoped_session[Any]) -> None:
    """Send the flush signals for `session` (the application's scoped session); idempotent."""
    if not event.contains(session, "before_flush", _before_flush):
        event.listen(session, "before_flush", _before_flush)
    if not event.contains(session, "after_flush", _after_flush):
        event.listen(session, "after_flush", _after_flush)
