"""An event's slots: consecutive meetings of its length inside its daily session windows, each
day from its first to its last, in its zone's wall time; as UTC instants.

Windows are written "10:00-12:00, 14:00-16:00" (an en dash or "to" works as well); a window
holds as many whole meetings as fit, and what is left over at its end stays free.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from marketplace.matching.models import MatchingEvent

MAX_DAYS = 14
MAX_SLOTS = 600
_WINDOW = re.compile(r"^(\d{1,2})[:.](\d{2})\s*(?:-|–|—|to)\s*(\d{1,2})[:.](\d{2})$")


class WindowsError(ValueError):
    """The windows as written cannot be read, or overlap."""


@dataclass(frozen=True)
class Slot:
    starts_at: datetime  # UTC
    ends_at: datetime

    @property
    def key(self) -> str:
        """How a form names the slot: its UTC start, "2026-12-10T02:00Z"."""
        return self.starts_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%MZ")


def parse_windows(text: str) -> list[tuple[time, time]]:
    """The windows in order; raises `WindowsError` for anything else."""
    windows: list[tuple[time, time]] = []
    for part in re.split(r"[,;\n]+", text):
        part = part.strip()
        if not part:
            continue
        found = _WINDOW.match(part)
        if found is None:
            raise WindowsError(part)
        h1, m1, h2, m2 = (int(g) for g in found.groups())
        if h1 > 23 or h2 > 24 or m1 > 59 or m2 > 59 or (h2 == 24 and m2):
            raise WindowsError(part)
        start = time(h1, m1)
        end = time(23, 59, 59) if h2 == 24 else time(h2, m2)
        if end <= start:
            raise WindowsError(part)
        windows.append((start, end))
    if not windows:
        raise WindowsError(text)
    windows.sort()
    for (_s1, e1), (s2, _e2) in zip(windows, windows[1:], strict=False):
        if s2 < e1:
            raise WindowsError(text)
    return windows


def format_windows(windows: list[tuple[time, time]]) -> str:
    return ",".join(f"{s:%H:%M}-{e:%H:%M}" for s, e in windows)


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def day_slots(
    day: date, windows: list[tuple[time, time]], minutes: int, zone: ZoneInfo
) -> list[Slot]:
    length = timedelta(minutes=minutes)
    slots: list[Slot] = []
    for start, end in windows:
        begin = datetime.combine(day, start, tzinfo=zone)
        close = datetime.combine(day, end, tzinfo=zone)
        while begin + length <= close:
            slots.append(Slot(begin.astimezone(UTC), (begin + length).astimezone(UTC)))
            begin += length
    return slots


def compute_slots(
    first: date, last: date, windows: list[tuple[time, time]], minutes: int, zone: str
) -> list[Slot]:
    tz = ZoneInfo(zone)
    return [slot for day in _days(first, last) for slot in day_slots(day, windows, minutes, tz)]


def event_slots(event: MatchingEvent) -> list[Slot]:
    return compute_slots(
        event.starts_on,
        event.ends_on,
        parse_windows(event.windows),
        event.meeting_minutes,
        event.timezone,
    )


def slot_at(event: MatchingEvent, starts_at: datetime) -> Slot | None:
    """The event's slot beginning at `starts_at`, or None when no slot begins then."""
    wanted = starts_at.astimezone(UTC)
    return next((slot for slot in event_slots(event) if slot.starts_at == wanted), None)


def parse_key(key: str) -> datetime | None:
    """A slot's start as a form names it (`Slot.key`), or None."""
    try:
        return datetime.strptime(key, "%Y-%m-%dT%H:%MZ").replace(tzinfo=UTC)
    except ValueError:
        return None


def event_start(event: MatchingEvent) -> datetime:
    """When the first window of the first day opens (registration closes then)."""
    first = parse_windows(event.windows)[0][0]
    return datetime.combine(event.starts_on, first, tzinfo=ZoneInfo(event.timezone)).astimezone(UTC)


def event_end(event: MatchingEvent) -> datetime:
    """When the last window of the last day closes."""
    last = parse_windows(event.windows)[-1][1]
    return datetime.combine(event.ends_on, last, tzinfo=ZoneInfo(event.timezone)).astimezone(UTC)
