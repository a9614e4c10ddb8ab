"""Announcements from the trade office: written in Indonesian and English, sent to the MSMEs
the audience reaches (each in its owner's language, once), read on the owner's page, counted
on the office's."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from marketplace.accounts.models import Role, User, UserStatus
from marketplace.announcements.models import (
    Announcement,
    AnnouncementRecipient,
    AnnouncementStatus,
)
from marketplace.businesses.models import Business, BusinessStatus
from marketplace.db import db
from marketplace.ledger.models import AuditEntry
from marketplace.mail.models import OutboxEmail
from marketplace.notifications.models import Notification
from marketplace.periods import bandung_today
from tests.businesses.helpers import commit_and_detach
from tests.conftest import post_form
from tests.factories import make_business, make_officer, make_user

pytestmark = pytest.mark.usefixtures("storefront")

TEXTS = {
    "title_id": "Pendaftaran Harz und Heide 2027",
    "body_id": "Nominasikan produk Anda sebelum akhir Februari.",
    "title_en": "Harz und Heide 2027: nominations open",
    "body_en": "Nominate your products by the end of February.",
}


def _owner_of(name: str, subsector: str, locale: str, **fields: Any) -> Business:
    owner = make_user(Role.MSME, name=f"Owner of {name}", locale=locale)
    return make_business(owner, name=name, subsector_code=subsector, **fields)


def _people(app: Flask) -> dict[str, Any]:
    """Three crafts MSMEs (reading Indonesian, English and German), a fashion one, a crafts
    one not verified yet and a crafts one whose owner is suspended; an officer."""
    with app.app_context():
        sari = _owner_of("Awi Kriya", "kriya", "id")
        john = _owner_of("Rattan Works", "kriya", "en")
        anna = _owner_of("Keramik Plered", "kriya", "de")
        batik = _owner_of("Batik Sekar", "fesyen", "id")
        waiting = _owner_of("Kriya Baru", "kriya", "id", status=BusinessStatus.PENDING)
        away = _owner_of("Kriya Diam", "kriya", "id")
        away.owner.status = UserStatus.SUSPENDED
        officer = make_officer()
        people = {
            "officer": officer,
            "sari": sari.owner,
            "john": john.owner,
            "anna": anna.owner,
            "batik": batik.owner,
            "waiting": waiting.owner,
            "away": away.owner,
        }
        commit_and_detach(*people.values())
    return people


def _write(client: FlaskClient, **audience: Any) -> int:
    response = post_form(client, "/office/announcements/new", {**TEXTS, **audience})
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rsplit("/", 1)[1])


def _send(client: FlaskClient, announcement_id: int) -> Any:
    return post_form(
        client,
        f"/office/announcements/{announcement_id}/send",
        page=f"/office/announcements/{announcement_id}",
        follow_redirects=True,
    )


def _notes(user: User) -> list[Notification]:
    return list(db.session.scalars(sa.select(Notification).where(Notification.user_id == user.id)))


def _mails(user: User) -> list[OutboxEmail]:
    return list(
        db.session.scalars(sa.select(OutboxEmail).where(OutboxEmail.to_address == user.email))
    )


def test_a_crafts_announcement_reaches_crafts_msmes_only_each_in_their_language(
    app: Flask, login_as: Any
) -> None:
    people = _people(app)
    office = login_as(people["officer"])
    announcement_id = _write(office, subsector_codes=["kriya"])

    preview = office.get(f"/office/announcements/{announcement_id}").get_data(as_text=True)
    assert "It will reach 3 MSMEs" in preview
    for name in ("Awi Kriya", "Rattan Works", "Keramik Plered"):
        assert name in preview
    for name in ("Batik Sekar", "Kriya Baru", "Kriya Diam"):
        assert name not in preview

    html = _send(office, announcement_id).get_data(as_text=True)
    assert "The announcement is sent to 3 MSMEs." in html

    with app.app_context():
        link = f"/my/announcements/{announcement_id}"
        # Indonesian: the Indonesian text, in an Indonesian frame.
        (note,) = _notes(people["sari"])
        assert TEXTS["title_id"] in note.text and note.link == link
        (mail,) = _mails(people["sari"])
        assert TEXTS["title_id"] in mail.subject
        assert TEXTS["body_id"] in mail.body and mail.body.startswith("Halo Owner of Awi Kriya,")
        assert TEXTS["body_en"] not in mail.body
        assert f"{app.config['BASE_URL']}{link}" in mail.body
        # English.
        (note,) = _notes(people["john"])
        assert TEXTS["title_en"] in note.text
        (mail,) = _mails(people["john"])
        assert TEXTS["body_en"] in mail.body and TEXTS["body_id"] not in mail.body
        assert mail.body.startswith("Hello Owner of Rattan Works,")
        # German: the English text (announcements are written in two languages) in a German
        # frame.
        (mail,) = _mails(people["anna"])
        assert TEXTS["body_en"] in mail.body and mail.body.startswith("Guten Tag")
        # Nothing for the fashion MSME, the one not verified, the suspended owner.
        for name in ("batik", "waiting", "away"):
            assert _notes(people[name]) == [] and _mails(people[name]) == []
        recipients = db.session.scalars(sa.select(AnnouncementRecipient)).all()
        assert {r.user_id for r in recipients} == {
            people["sari"].id,
            people["john"].id,
            people["anna"].id,
        }
        (entry,) = db.session.scalars(
            sa.select(AuditEntry).where(AuditEntry.action == "announcement.sent")
        )
        assert (entry.subject_type, entry.subject_id) == ("announcement", announcement_id)
        assert entry.actor_id == people["officer"].id and entry.after is not None
        assert entry.after["recipients"] == 3


def test_sending_twice_sends_once(app: Flask, login_as: Any) -> None:
    people = _people(app)
    office = login_as(people["officer"])
    announcement_id = _write(office, subsector_codes=["kriya"])
    _send(office, announcement_id)
    again = _send(office, announcement_id).get_data(as_text=True)
    assert "This announcement is sent already." in again
    with app.app_context():
        assert len(_notes(people["sari"])) == 1 and len(_mails(people["sari"])) == 1
        assert db.session.scalar(sa.select(sa.func.count(AnnouncementRecipient.id))) == 3
        assert db.session.scalar(sa.select(sa.func.count(AuditEntry.id))) == 1
    # A sent announcement no longer changes.
    edit = office.get(f"/office/announcements/{announcement_id}/edit", follow_redirects=True)
    assert "it can no longer change" in edit.get_data(as_text=True)


def test_read_counts_move_when_an_msme_opens_it(app: Flask, login_as: Any) -> None:
    people = _people(app)
    office = login_as(people["officer"])
    announcement_id = _write(office, subsector_codes=["kriya"])
    _send(office, announcement_id)
    page = f"/office/announcements/{announcement_id}"
    assert "Sent to 3 MSMEs, read by 0" in office.get(page).get_data(as_text=True)

    sari = login_as(people["sari"])
    listing = sari.get("/my/announcements/").get_data(as_text=True)
    assert "unread-mark" in listing and TEXTS["title_id"] in listing
    html = sari.get(f"/my/announcements/{announcement_id}").get_data(as_text=True)
    assert f"<h1>{TEXTS['title_id']}</h1>" in html and TEXTS["body_id"] in html
    assert "unread-mark" not in sari.get("/my/announcements/").get_data(as_text=True)

    office_html = office.get(page).get_data(as_text=True)
    assert "Sent to 3 MSMEs, read by 1" in office_html
    assert "Not yet" in office_html  # the two who have not read it
    assert "read by 1" in office.get("/office/announcements/").get_data(as_text=True)
    with app.app_context():
        first = db.session.scalar(
            sa.select(AnnouncementRecipient.read_at).where(
                AnnouncementRecipient.user_id == people["sari"].id
            )
        )
        assert first is not None
        (note,) = _notes(people["sari"])
        assert note.read_at is not None  # the notification that leads there is read too
        assert all(n.read_at is None for n in _notes(people["john"]))

    # Reading again keeps the first reading; the English reader reads English.
    sari.get(f"/my/announcements/{announcement_id}")
    john = login_as(people["john"])
    assert TEXTS["body_en"] in john.get(f"/my/announcements/{announcement_id}").get_data(
        as_text=True
    )
    assert "read by 2" in office.get(page).get_data(as_text=True)
    with app.app_context():
        again = db.session.scalar(
            sa.select(AnnouncementRecipient.read_at).where(
                AnnouncementRecipient.user_id == people["sari"].id
            )
        )
        assert again == first


def test_an_owner_it_was_not_sent_to_finds_nothing(app: Flask, login_as: Any) -> None:
    """Ownership: another MSME's announcement (and a draft) is a 404 for an owner."""
    people = _people(app)
    office = login_as(people["officer"])
    sent = _write(office, subsector_codes=["kriya"])
    _send(office, sent)
    draft = _write(office)
    batik = login_as(people["batik"])
    assert batik.get(f"/my/announcements/{sent}").status_code == 404
    assert batik.get(f"/my/announcements/{draft}").status_code == 404
    # The batik owner reads Indonesian.
    assert "Belum ada pengumuman." in batik.get("/my/announcements/").get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(AnnouncementRecipient.read_at))) == 0


def test_buyers_and_msmes_cannot_reach_the_office_pages(app: Flask, login_as: Any) -> None:
    people = _people(app)
    office = login_as(people["officer"])
    announcement_id = _write(office, subsector_codes=["kriya"])
    with app.app_context():
        buyer = make_user(Role.BUYER)
        commit_and_detach(buyer)
    pages = [
        "/office/announcements/",
        "/office/announcements/new",
        f"/office/announcements/{announcement_id}",
        f"/office/announcements/{announcement_id}/edit",
    ]
    for person in (buyer, people["sari"]):
        client = login_as(person)
        for page in pages:
            assert client.get(page).status_code == 403, page
        token_page = "/my/announcements/" if person.role == Role.MSME else "/"
        response = post_form(
            client, f"/office/announcements/{announcement_id}/send", page=token_page
        )
        assert response.status_code == 403
    assert login_as(buyer).get("/my/announcements/").status_code == 403
    anonymous = app.test_client()
    assert "/auth/login" in anonymous.get("/office/announcements/").headers["Location"]
    with app.app_context():
        announcement = db.session.get_one(Announcement, announcement_id)
        assert announcement.status == AnnouncementStatus.DRAFT
        assert db.session.scalar(sa.select(sa.func.count(Notification.id))) == 0


def test_an_announcement_needs_both_languages_and_a_known_audience(
    app: Flask, login_as: Any
) -> None:
    people = _people(app)
    office = login_as(people["officer"])
    response = post_form(office, "/office/announcements/new", {**TEXTS, "body_en": " "})
    assert response.status_code == 400
    assert "This field is required." in response.get_data(as_text=True)
    response = post_form(office, "/office/announcements/new", {**TEXTS, "districts": ["Atlantis"]})
    assert response.status_code == 400
    response = post_form(office, "/office/announcements/new", {**TEXTS, "channel_ids": ["x"]})
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Announcement.id))) == 0


def test_an_audience_nobody_matches_sends_nothing(app: Flask, login_as: Any) -> None:
    people = _people(app)
    office = login_as(people["officer"])
    announcement_id = _write(office, subsector_codes=["fesyen"], districts=["Cibiru"])
    preview = office.get(f"/office/announcements/{announcement_id}").get_data(as_text=True)
    assert "It will reach 0 MSMEs" in preview and "Send to" not in preview
    html = _send(office, announcement_id).get_data(as_text=True)
    assert "No MSME matches this audience" in html
    with app.app_context():
        announcement = db.session.get_one(Announcement, announcement_id)
        assert announcement.status == AnnouncementStatus.DRAFT
    # The office edits the audience and sends.
    edit = f"/office/announcements/{announcement_id}/edit"
    response = post_form(office, edit, {**TEXTS, "subsector_codes": ["fesyen"]})
    assert response.status_code == 302
    assert "The announcement is sent to 1 MSME." in _send(office, announcement_id).get_data(
        as_text=True
    )


def test_the_criteria_combine_with_and_their_choices_with_or(ctx: Flask) -> None:
    from marketplace.announcements.queries import Audience, audience
    from marketplace.channels.models import NominationStatus
    from tests.channels.helpers import nominate_all
    from tests.factories import harz_und_heide, make_certification, make_product

    today = bandung_today()
    _owner_of("Coblong Crafts", "kriya", "id", district="Coblong")
    andir = _owner_of("Andir Crafts", "kriya", "id", district="Andir")
    halal = _owner_of("Halal Batik", "fesyen", "id", district="Coblong")
    make_certification(halal, "halal")
    lapsed = _owner_of("Lapsed Batik", "fesyen", "id", district="Coblong")
    make_certification(lapsed, "halal", expires_on=today - timedelta(days=1))
    fair = harz_und_heide(capacity=5)
    (nomination,) = nominate_all([make_product(andir, name="Bamboo lamp")], fair)
    withdrawn = _owner_of("Withdrawn Crafts", "kriya", "id", district="Cibiru")
    (gone,) = nominate_all([make_product(withdrawn, name="Clay vase")], fair)
    gone.status = NominationStatus.WITHDRAWN
    db.session.flush()

    def names(**criteria: Any) -> list[str]:
        return [b.name for b in db.session.scalars(audience(Audience(**criteria), today))]

    assert names(subsector_codes=["kriya"], districts=["Coblong"]) == ["Coblong Crafts"]
    assert names(districts=["Coblong", "Andir"], subsector_codes=["kriya"]) == [
        "Andir Crafts",
        "Coblong Crafts",
    ]
    # A certificate counts while it is valid.
    assert names(certification_codes=["halal"]) == ["Halal Batik"]
    # Taking part in a channel: nominated or accepted, not withdrawn.
    assert names(channel_ids=[fair.id]) == ["Andir Crafts"]
    assert names(channel_ids=[fair.id], districts=["Coblong"]) == []
    assert len(names()) == 5
    assert nomination.status == NominationStatus.NOMINATED
