"""Report periods: calendar days and months in Bandung, and their bounds as UTC instants.

The trade office works in Bandung (WIB, UTC+7, no daylight saving), so "May" or "1 May to
31 May" means days in Bandung: an interest sent at 01:00 on 1 June in Bandung belongs to June
even though it is still 31 May in UTC. Timestamps are stored in UTC and compared against the
period's UTC bounds; months are taken from the timestamp shifted to Bandung time, in SQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

OFFICE_TIMEZONE = ZoneInfo("Asia/Jakarta")
# Bandung has kept UTC+7 all year since 1964; SQLite shifts timestamps by this fixed offset.
OFFICE_UTC_OFFSET_HOURS = 7
DEFAULT_MONTHS = 12


def bandung_today() -> date:
    return datetime.now(OFFICE_TIMEZONE).date()


def bandung_time(moment: datetime) -> datetime:
    return moment.astimezone(OFFICE_TIMEZONE)


def start_of_day(day: date) -> datetime:
    """The UTC instant at which `day` begins in Bandung."""
    return datetime.combine(day, time.min, OFFICE_TIMEZONE).astimezone(UTC)


def add_months(day: date, months: int) -> date:
    """The first day of the month `months` after `day`'s month (negative: before)."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    """From `first` to `last`, both days included."""

    first: date
    last: date

    @classmethod
    def default(cls, today: date | None = None) -> Period:
        """The last twelve calendar months, the current one included."""
        today = today or bandung_today()
        return cls(add_months(today, 1 - DEFAULT_MONTHS), today)

    @property
    def start(self) -> datetime:
        return start_of_day(self.first)

    @property
    def end(self) -> datetime:
        """The first instant after the period (exclusive bound)."""
        return start_of_day(self.last + timedelta(days=1))

    def months(self) -> list[str]:
        """Every month the period touches, as "YYYY-MM", in order."""
        keys, month = [], self.first.replace(day=1)
        while month <= self.last:
            keys.append(month.strftime("%Y-%m"))
            month = add_months(month, 1)
        return keys

    def contains(self, moment: datetime) -> bool:
        return self.start <= moment < self.end
