"""What the parties of a meeting are told: one notification in the app and one e-mail through
the outbox, in the recipient's language, with the meeting's time in the recipient's zone.

A party hears what the other did (a request, an answer, a cancellation); both parties hear
what the trade office did (a move, a cancellation), with the officer's reason.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

from marketplace.dates import format_when
from marketplace.matching.models import MatchingMeeting, MatchingParticipant, Side
from marketplace.notifications import notify
from marketplace.notifications.decisions import path_of
from marketplace.notifications.models import Notification
from marketplace.urls import public_url

KIND = "matching_meeting"


def display_name(participant: MatchingParticipant) -> str:
    """A business by its name; a buyer by their company, else their own name."""
    if participant.side is Side.MSME and participant.business is not None:
        return notify.one_line(participant.business.name)
    profile = participant.user.buyer_profile
    if profile is not None and profile.company:
        return notify.one_line(profile.company)
    return notify.one_line(participant.user.name)


def _when(moment: datetime) -> LazyString:
    # Written when the text is rendered: in the recipient's zone and language.
    return LazyString(format_when, moment)


def tell(
    recipient: MatchingParticipant, meeting: MatchingMeeting, text: LazyString, note: str = ""
) -> Notification:
    return notify.notify(
        recipient.user,
        KIND,
        _l("%(text)s Note: %(note)s", text=text, note=notify.one_line(note)) if note else text,
        path_of("matching.meeting", meeting_id=meeting.id),
        email_subject=text,
        email_template="matching_meeting",
        what=text,
        note=note,
        link=public_url("matching.meeting", meeting_id=meeting.id),
    )


def _values(meeting: MatchingMeeting, about: MatchingParticipant) -> dict[str, object]:
    return {
        "who": display_name(about),
        "event": notify.one_line(meeting.event.name),
        "when": _when(meeting.starts_at),
    }


def requested(meeting: MatchingMeeting) -> Notification:
    values = _values(meeting, meeting.requester)
    text = _l("%(who)s asks to meet you at %(event)s on %(when)s.", **values)
    return tell(meeting.invitee, meeting, text, meeting.note)


def answered(meeting: MatchingMeeting) -> Notification:
    values = _values(meeting, meeting.invitee)
    if meeting.status == "accepted":
        text = _l("%(who)s accepted the meeting at %(event)s on %(when)s.", **values)
    else:
        text = _l("%(who)s declined the meeting at %(event)s on %(when)s.", **values)
    return tell(meeting.requester, meeting, text, meeting.answer_note)


def cancelled_by_party(meeting: MatchingMeeting, by: MatchingParticipant) -> Notification:
    other = meeting.other(by)
    values = _values(meeting, by)
    text = _l("%(who)s cancelled the meeting at %(event)s on %(when)s.", **values)
    return tell(other, meeting, text, meeting.cancel_reason)


def moved_by_office(meeting: MatchingMeeting, reason: str) -> list[Notification]:
    told = []
    for party in (meeting.msme, meeting.buyer):
        values = _values(meeting, meeting.other(party))
        text = _l(
            "The trade office moved your meeting with %(who)s at %(event)s to %(when)s.", **values
        )
        told.append(tell(party, meeting, text, reason))
    return told


def cancelled_by_office(meeting: MatchingMeeting, reason: str) -> list[Notification]:
    told = []
    for party in (meeting.msme, meeting.buyer):
        values = _values(meeting, meeting.other(party))
        text = _l(
            "The trade office cancelled your meeting with %(who)s at %(event)s on %(when)s.",
            **values,
        )
        told.append(tell(party, meeting, text, reason))
    return told
