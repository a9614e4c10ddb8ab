"""How quickly the owner answers buyers, in words for their dashboard: the figures come from
`interests.stats`; here they become a usual reply time ("5 hours") and a comparison with the
90 days before, said kindly. Too few interests to compare say nothing about a trend."""

from __future__ import annotations

import enum

from flask_babel import gettext as _
from flask_babel import ngettext

from marketplace.interests.stats import ResponsivenessTrend

COMPARABLE = 3  # interests needed in each period before comparing them
SHARE_STEP = 0.1  # a change of ten points in the share answered within two days
QUICKER, SLOWER = 0.75, 4 / 3  # or the usual reply time a quarter shorter, a third longer


class Trend(enum.StrEnum):
    QUICKER = "quicker"
    SAME = "same"
    SLOWER = "slower"


def reply_time(seconds: float) -> str:
    """A reply time as people say it: "less than an hour", "5 hours", "3 days"."""
    if seconds < 3600:
        return _("less than an hour")
    hours = round(seconds / 3600)
    if hours < 48:
        return ngettext("%(num)d hour", "%(num)d hours", hours)
    days = round(seconds / 86400)
    return ngettext("%(num)d day", "%(num)d days", days)


def trend(figures: ResponsivenessTrend) -> Trend | None:
    recent, before = figures.recent, figures.before
    if recent.counted < COMPARABLE or before.counted < COMPARABLE:
        return None
    change = (recent.share or 0.0) - (before.share or 0.0)
    if change >= SHARE_STEP:
        return Trend.QUICKER
    if change <= -SHARE_STEP:
        return Trend.SLOWER
    now, then = recent.median_seconds, before.median_seconds
    if now is not None and then:
        if now <= then * QUICKER:
            return Trend.QUICKER
        if now >= then * SLOWER:
            return Trend.SLOWER
    return Trend.SAME
