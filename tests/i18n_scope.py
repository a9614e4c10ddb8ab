"""Which strings visitors and buyers can meet: those are translated in all seven languages.

English is the source and Indonesian is complete; German, French, Korean, Malay and Chinese
(Simplified) carry every string that a visitor or a buyer can meet. Pages only the trade office
or an MSME owner sees may stay in English or Indonesian, so a string is left out only when every
place it is used is one of STAFF_ONLY. A string used by a public page and by an office page
is a visitor's string.

`python -m tests.i18n_scope de` lists the visitor's strings that German still lacks.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from fnmatch import fnmatch
from pathlib import Path

from babel.messages.catalog import Message
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
TRANSLATIONS = ROOT / "marketplace" / "translations"
UI_LOCALES = ("en", "id", "de", "fr", "ko", "ms", "zh")
PARTNER_LOCALES = ("de", "fr", "ko", "ms", "zh")

# Places that only staff (officers, coordinators, admins) or MSME owners see.
STAFF_ONLY = (
    "templates/office/*",
    "marketplace/office/*",
    "marketplace/backup/*",
    "templates/businesses/edit.html",
    "templates/workspace/*",
    "marketplace/workspace/*",
    "templates/businesses/certification.html",
    "marketplace/businesses/forms.py",
    "marketplace/businesses/identity.py",
    "marketplace/notifications/identity.py",
    "marketplace/notifications/decisions.py",
    "templates/email/office_decision.txt",
    "marketplace/businesses/scans.py",
    "templates/products/edit.html",
    "templates/products/photos.html",
    "marketplace/products/forms.py",
    "marketplace/products/photo_views.py",
    "marketplace/products/photos.py",
    "marketplace/products/snapshot.py",
    "templates/channels/nominate.html",
    "templates/channels/my_nomination.html",
    "templates/channels/my_nominations.html",
    "marketplace/channels/forms.py",
    "marketplace/office/channel_views.py",
    "marketplace/channels/curation.py",
    "marketplace/office/curation_views.py",
    "marketplace/channels/nomination_views.py",
    "marketplace/channels/shelf.py",
    "marketplace/channels/coordinators.py",
    "marketplace/stock/settlements.py",
    "marketplace/stock/statement_files.py",
    "templates/stock/_statement.html",
    "marketplace/media/pdfs.py",
    "templates/email/interest_escalation.txt",
    "templates/rfq/answer.html",
    "templates/rfq/answers_index.html",
    "marketplace/rfq/answer_views.py",
    "templates/announcements/*",
    "marketplace/announcements/*",
    "templates/email/announcement.txt",
    "marketplace/notifications/certificates.py",
    "marketplace/businesses/reminders.py",
    "templates/matching/office_*",
    "marketplace/matching/office_views.py",
    "marketplace/matching/office_forms.py",
    "marketplace/interests/escalation_labels.py",
    "templates/sheets/*",
    "marketplace/sheets/*",
)


def _staff_only(path: str) -> bool:
    return any(fnmatch(path, pattern) for pattern in STAFF_ONLY)


def is_visitors(message: Message) -> bool:
    """Whether a visitor or buyer can meet `message` (it is used outside STAFF_ONLY)."""
    places = [path for path, _line in message.locations]
    return not places or not all(_staff_only(path) for path in places)


def is_translated(message: Message) -> bool:
    if isinstance(message.string, str):
        return bool(message.string)
    return all(message.string)


def read_catalog(locale: str, domain: str = "messages") -> Iterable[Message]:
    with (TRANSLATIONS / locale / "LC_MESSAGES" / f"{domain}.po").open("rb") as handle:
        return list(read_po(handle, locale=locale, domain=domain))


def visitors_messages(template: Iterable[Message]) -> list[Message]:
    return [m for m in template if m.id and is_visitors(m)]


def missing(locale: str) -> list[Message]:
    """The visitor's strings of the template (messages.pot) that `locale` lacks."""
    translated = {m.id for m in read_catalog(locale) if m.id and is_translated(m)}
    with (TRANSLATIONS / "messages.pot").open("rb") as handle:
        template = read_po(handle)
    return [m for m in visitors_messages(template) if m.id not in translated]


if __name__ == "__main__":
    for message in missing(sys.argv[1]):
        print(message.id if isinstance(message.id, str) else message.id[0])
