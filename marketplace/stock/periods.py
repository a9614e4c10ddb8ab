"""Settlement periods: runs of whole calendar months at the channel (one, three, six or twelve,
as the channel's terms say), aligned on the year: quarterly means January to March, and so on.
"""

from __future__ import annotations

from datetime import date, timedelta

from marketplace.channels.models import Channel
from marketplace.periods import add_months


def period_of(channel: Channel, day: date) -> tuple[date, date]:
    """The first and the last day of the period that holds `day`."""
    months = channel.settlement_months or 1
    first_month = (day.month - 1) // months * months + 1
    start = date(day.year, first_month, 1)
    return start, add_months(start, months) - timedelta(days=1)


def period_before(channel: Channel, day: date) -> tuple[date, date]:
    """The last period that ended before the one holding `day`."""
    start, _end = period_of(channel, day)
    return period_of(channel, start - timedelta(days=1))
