"""Stored files follow the transaction that stores or drops them: one rule for every request.

A request that stores a file (a product photo, a logo, a certificate's scan) or makes a row
stop naming one (a photo deleted, a logo or scan replaced or removed) deletes nothing itself.
It tells the session, before it commits:

- `track_new_files(*keys)`: these files were just stored for this transaction's rows;
- `discard_after_commit(*keys)`: this transaction lets go of these files.

When the session's outermost transaction ends (SQLAlchemy's `after_commit` and
`after_transaction_end` session events), the files are settled:

- committed: the files it let go are deleted, unless a committed row still uses them; its new
  files stay;
- rolled back, or closed without a commit (an unexpected error): its new files are deleted,
  unless a committed row uses them; the files it let go stay, as the rows naming them do.

"Uses" is `references.unreferenced`: files are named by their content, so the same photo may
be on two products, or be a logo too, and an image's variants go together. It is asked on a
connection of its own, after the transaction has ended, so it sees committed rows only.

Nothing is deleted before the database has decided: a commit that fails never costs a file a
row still names. A savepoint's end decides nothing; neither does the commit with which
`db.write_now()` ends a read transaction (`db.ENDING_READ`): a `writes_late` view stores its
uploads first, and they belong to the write transaction that follows. Deleting never fails the
request: a storage or database error is logged, and the file left behind is an orphan that
`flask media-gc` collects.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from marketplace.db import ENDING_READ, db
from marketplace.media.backend import current_storage
from marketplace.media.references import unreferenced
from marketplace.media.storage import Storage

FILES = "media_files"  # key in session.info: the files of the open transaction


@dataclass
class _Files:
    """What the transaction stored and let go, and where to settle it (no app context is
    needed when the transaction ends, e.g. as the session is removed)."""

    storage: Storage
    bind: sa.Engine | sa.Connection
    logger: logging.Logger
    new: set[str] = field(default_factory=set)
    let_go: set[str] = field(default_factory=set)
    committed: bool = False


def _files() -> _Files:
    session = db.session()
    files = session.info.get(FILES)
    if files is None:
        files = _Files(current_storage(), session.get_bind(), current_app.logger)
        session.info[FILES] = files
    return files


def track_new_files(*keys: str) -> None:
    """The files under `keys` were just stored for the current (or next) transaction: they are
    deleted if it does not commit, unless a committed row uses them."""
    _files().new.update(keys)


def discard_after_commit(*keys: str) -> None:
    """The current transaction makes rows stop naming these files: once it commits, they are
    deleted unless a committed row still uses them. An image key stands for all its variants."""
    _files().let_go.update(keys)


@event.listens_for(Session, "after_commit")
def _note_commit(session: Session) -> None:
    files: _Files | None = session.info.get(FILES)
    if files is None or session.info.get(ENDING_READ):
        return
    if session.get_nested_transaction() is None:  # not a savepoint's release
        files.committed = True


@event.listens_for(Session, "after_transaction_end")
def _settle(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is not None or session.info.get(ENDING_READ):
        return
    files: _Files | None = session.info.pop(FILES, None)
    if files is not None:
        _delete_unused(files, files.let_go if files.committed else files.new)


def _unreferenced(bind: sa.Engine | sa.Connection, keys: set[str]) -> list[str]:
    """Read what is committed on a connection of its own; a session joined to an outer
    connection (an external transaction) counts what that connection holds as committed."""
    if isinstance(bind, sa.Connection):
        return unreferenced(bind, keys)
    with bind.connect() as connection:
        return unreferenced(connection, keys)


def _delete_unused(files: _Files, keys: set[str]) -> None:
    """Delete the files among `keys` that no committed row uses; log, never raise."""
    if not keys:
        return
    try:
        doomed = _unreferenced(files.bind, keys)
    except Exception:  # the request's answer is decided: a file kept is collected later
        files.logger.exception("Could not tell which stored files are unused: %s", sorted(keys))
        return
    for key in doomed:
        try:
            files.storage.delete(key)
        except Exception:
            files.logger.exception("Could not delete the stored file %s", key)
