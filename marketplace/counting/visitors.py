"""Who is counted: a person's browser, recognised for one day without being identified.

A visitor is a keyed hash (HMAC-SHA256 with the application's SECRET_KEY) of the Bandung day,
the thing opened, the client's address (`request.remote_addr`, which ProxyFix sets from the
configured trusted proxies; no forwarded header is read here) and the User-Agent. Nothing of
it is stored in clear, and the same browser gets another hash for every thing and every day.

Known bots are not counted: crawlers, link previewers (WhatsApp, Slack, Telegram, Facebook...),
headless browsers and HTTP libraries (curl, python-requests, Go-http-client...), as recognised
by CrawlerDetect's maintained list of user agents, and requests that name no agent at all.
Only GET is counted (a HEAD is a previewer or a checker, not a reader).
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any

from crawlerdetect import CrawlerDetect
from flask import current_app, request

from marketplace.counting.batches import Pending
from marketplace.counting.buffer import buffered, end_of_request
from marketplace.counting.recorders import recorder as registered
from marketplace.periods import bandung_time

_crawlers = CrawlerDetect()


def subject(kind: str, *ids: int | None) -> str:
    """What was opened, as marked: "scan:12", "product:5:0" (0 for no id)."""
    return ":".join([kind, *(str(i or 0) for i in ids)])


@lru_cache(maxsize=4096)
def is_bot(user_agent: str) -> bool:
    """Browsers send a few thousand different agents a day: each is judged once per process
    (CrawlerDetect's list is a long regular expression)."""
    return not user_agent.strip() or bool(_crawlers.is_crawler(user_agent))


def visitor_key(what: str, day: date, address: str, user_agent: str) -> str:
    secret = current_app.config["SECRET_KEY"]
    key = secret if isinstance(secret, bytes) else str(secret).encode()
    parts = [day.isoformat(), what, address, user_agent]
    return hmac.new(key, "\n".join(parts).encode(), hashlib.sha256).hexdigest()


def count_visit(what: str, recorder: str, *ids: int | None) -> bool:
    """Count this request's opening of `what` (a `subject`) with the recorder registered as
    `recorder`, called as `recorder(*ids, at=moment)` if it is the visitor's first opening of
    `what` today; True when the count was buffered (a GET by a person, not a bot).

    Nothing is written here: the count waits in this process's buffer (`buffer`), and the
    database decides when the batch is written whether it is the first. Plain values only, so
    a page served again from a cache counts by calling this again with the same arguments.
    """
    return _count(
        request.method, request.remote_addr, request.user_agent.string, what, recorder, *ids
    )


def count_visit_of(environ: dict[str, Any], what: str, recorder: str, *ids: int | None) -> bool:
    """`count_visit` for a request Flask has not made (a page the cache answered from the WSGI
    environ); in an app context. Such a request has no end for the buffer to hear: where counts
    are written as each request ends (COUNTS_FLUSH_SECONDS at 0), this one's is written now."""
    counted = _count(
        environ.get("REQUEST_METHOD", ""),
        environ.get("REMOTE_ADDR"),
        environ.get("HTTP_USER_AGENT", ""),
        what,
        recorder,
        *ids,
    )
    if counted:
        end_of_request()
    return counted


def _count(
    method: str, address: str | None, agent: str, what: str, recorder: str, *ids: int | None
) -> bool:
    if method != "GET" or is_bot(agent):
        return False
    registered(recorder)  # a name no feature registered fails here, not in the writer
    moment = datetime.now(UTC)
    day = bandung_time(moment).date()
    visitor = visitor_key(what, day, address or "", agent)
    buffered(Pending(day, what, visitor, recorder, ids, moment))
    return True
