"""The marks that let a visitor's opening of a thing count once a day."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.db import Base


class CountedVisit(Base):
    """A visitor opened `subject` (e.g. "scan:12", "product:5:0") on `day` and was counted.

    The primary key is the rule: a second opening by the same visitor on the same day finds its
    mark and counts nothing, even when both arrive at once in different workers. `visitor` is a
    keyed hash of the day, the subject, the client's address and its User-Agent: it cannot be
    turned back into any of them without the application's secret key, and it differs for every
    subject and day, so marks cannot be linked to one another. Marks older than yesterday are
    deleted as new ones arrive; the counts themselves live in the features' tables.
    """

    __tablename__ = "counted_visits"

    # The day first: the deletion of old marks walks the primary key's index.
    day: Mapped[date] = mapped_column(primary_key=True)
    subject: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    visitor: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
