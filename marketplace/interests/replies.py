"""A business's reply record, shown to officers beside its nominations: how many interests it
has had, how many it answered, how many within 48 hours, and its median first-reply time.

It helps curation kindly: a product on a shelf abroad needs a maker who answers the buyers it
brings.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from statistics import median

from marketplace.db import db
from marketplace.interests import queries

PROMPT = timedelta(hours=48)


@dataclass(frozen=True)
class ReplyRecord:
    interests: int = 0
    answered: int = 0
    within_48h: int = 0
    median_hours: float | None = None


def reply_records(business_ids: list[int]) -> dict[int, ReplyRecord]:
    """Every business in `business_ids` gets a record (an empty one when it had no interest)."""
    times: dict[int, list[tuple[datetime, datetime | None]]] = {bid: [] for bid in business_ids}
    if business_ids:
        for business_id, created, replied in db.session.execute(
            queries.reply_times(sorted(set(business_ids)))
        ):
            times[business_id].append((created, replied))
    records = {}
    for business_id, rows in times.items():
        delays = [replied - created for created, replied in rows if replied is not None]
        records[business_id] = ReplyRecord(
            interests=len(rows),
            answered=len(delays),
            within_48h=sum(1 for delay in delays if delay <= PROMPT),
            median_hours=round(median(d.total_seconds() for d in delays) / 3600, 1)
            if delays
            else None,
        )
    return records
