"""The words people read for an interest's status, in their language."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

from marketplace.interests.models import InterestStatus

STATUS_LABELS: dict[InterestStatus, LazyString] = {
    InterestStatus.NEW: _l("New"),
    InterestStatus.REPLIED: _l("Replied"),
    InterestStatus.NEGOTIATING: _l("Negotiating"),
    InterestStatus.WON: _l("Won"),
    InterestStatus.LOST: _l("Lost"),
    InterestStatus.WITHDRAWN: _l("Withdrawn"),
    InterestStatus.SPAM: _l("Spam"),
}


def status_label(status: InterestStatus | str) -> str:
    return str(STATUS_LABELS[InterestStatus(status)])
