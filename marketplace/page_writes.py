"""The only writes a GET may make: side records of a page having been read.

No GET changes the marketplace's data. A few pages note, by design, that they were read, in
tables that exist only for that and that no decision depends on:

- views and scans are counted (`counting`: the once-per-visitor marks, `scans`,
  `channel_views`, `product_view_days`, the report's daily view sums and the product's running
  view total). These are not written by the page view: the count waits in the worker's memory
  and is written in a batch, later (`counting.buffer`), or as the request ends when
  COUNTS_FLUSH_SECONDS is 0 (the tests); a page that shows counts writes the waiting ones
  first;
- opening a conversation moves the reader's own marker in `conversation_reads` and reads the
  notifications that lead to it (`interests.reading`), through `write_after_read`.
- an MSME owner opening an announcement of the office records its first reading in
  `announcement_recipients.read_at` (the office's "read by" count) and reads the notification
  that leads to it (`announcements.services.mark_read`), through `write_after_read`.
- an API request authenticated by a personal access token records the token's last use
  (`api_tokens.last_used_at`, shown on the person's token page), at most once a minute per
  token (`tokens.services.touch`, called by `api.auth` after the answer is made), through
  `write_after_read`.

The signed session cookie a GET may set (the channel a visit came through and its language,
`channels.attribution`) is the visitor's own state in their browser, not the marketplace's
data. `tests/test_safe_methods.py` walks every GET route as every role and fails on any other
write.

`write_after_read` runs such a write after the page has been read (the read transaction is
ended first, as a read upgraded to a write can fail on SQLite), in a short write transaction of
its own, so SQLite's write lock is held for a few statements only. A failure (a locked
database, a lost connection) is logged and never breaks the page: the reader still gets what
they asked for, and the side record is simply missed.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import current_app

from marketplace.db import begin_write, db


def write_after_read(write: Callable[[], object], what: str) -> bool:
    """Run `write` in a short write transaction and commit; False (and logged) when it failed."""
    try:
        db.session.commit()
        begin_write()
        write()
        db.session.commit()
    except Exception:  # whatever went wrong, the page is already made
        try:
            db.session.rollback()
        except Exception:  # a dead connection cannot even roll back
            current_app.logger.exception("Could not roll back after failing to record %s", what)
        current_app.logger.exception("Could not record %s", what)
        return False
    return True
