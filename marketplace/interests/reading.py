"""Reading a conversation: how far each party has read it, and why opening it may write.

No GET changes data. Opening a conversation marks it read through a side table,
`conversation_reads`, which a GET touches by design (see `marketplace.page_writes`), and not
through a POST: the site has no JavaScript that could send one when a page is read, and a "mark
as read" button would leave every conversation unread until someone thought of pressing it.
The side table holds nothing but each party's marker: reading never writes nor locks the
interest itself (its status, deal, `updated_at`), so it cannot race a status step or a reply,
and no decision depends on it. Opening also reads the reader's notifications that lead to the
conversation, which are the same kind of record: the person's own marks of what they have seen.

A party's own writes (expressing the interest, posting a message; POSTs) move their marker on
the interest (`Interest.buyer_read_at` / `owner_read_at`, in `services`). A party has read up
to the later of the two; officers read along and leave no marker.
"""

from __future__ import annotations

from datetime import datetime
from typing import cast

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from marketplace.accounts.models import User
from marketplace.db import db, utcnow
from marketplace.interests import events
from marketplace.interests.access import Side
from marketplace.interests.models import ConversationRead, Interest, Reader
from marketplace.interests.services import is_buyer, is_owner

READS = cast(sa.Table, ConversationRead.__table__)


def reader_of(interest: Interest, user: User) -> Reader | None:
    if is_buyer(interest, user):
        return Reader.BUYER
    if is_owner(interest, user):
        return Reader.OWNER
    return None


def read_marker(interest: Interest, side: Side) -> datetime | None:
    """How far `side` has read: the later of its last own write and its last opening."""
    if side == Side.BUYER:
        reader, written = Reader.BUYER, interest.buyer_read_at
    elif side == Side.OWNER:
        reader, written = Reader.OWNER, interest.owner_read_at
    else:
        return None
    opened = db.session.scalar(
        sa.select(ConversationRead.read_at).where(
            ConversationRead.interest_id == interest.id, ConversationRead.reader == reader
        )
    )
    return max((m for m in (written, opened) if m is not None), default=None)


def mark_read(interest: Interest, user: User) -> None:
    """`user` opened the conversation now: their marker moves, and the notifications that lead
    here are read. One upsert, so two tabs opening it at once both succeed."""
    reader = reader_of(interest, user)
    if reader is None:
        return
    connection = db.session.connection()
    insert = postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert
    statement = insert(READS).values(interest_id=interest.id, reader=reader, read_at=utcnow())
    connection.execute(
        statement.on_conflict_do_update(
            index_elements=["interest_id", "reader"],
            set_={"read_at": statement.excluded.read_at},
        )
    )
    events.thread_read.send(interest, reader=user)
