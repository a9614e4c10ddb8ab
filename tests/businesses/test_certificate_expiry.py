"""Certificates about to expire: the office's verification page flags an expired one and notes
one expiring within 30 days; `flask remind-certificates` reminds each owner once per expiry
date, in the owner's language."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask_babel import force_locale

from marketplace.accounts.models import Role, UserStatus
from marketplace.businesses.models import BusinessCertification
from marketplace.dates import format_day
from marketplace.db import db
from marketplace.mail.models import OutboxEmail
from marketplace.notifications.models import Notification
from marketplace.periods import bandung_today
from tests.businesses.helpers import commit_and_detach
from tests.factories import make_business, make_certification, make_officer, make_user

pytestmark = pytest.mark.usefixtures("storefront")


def _days(n: int) -> date:
    return bandung_today() + timedelta(days=n)


def test_the_office_page_flags_an_expired_certificate(app: Flask, login_as: Any) -> None:
    with app.app_context():
        business = make_business()
        make_certification(business, "halal", number="H-1", expires_on=_days(-3))
        make_certification(business, "pirt", number="P-1", expires_on=_days(12))
        make_certification(business, "bpom", number="B-1", expires_on=_days(200))
        officer = make_officer()
        commit_and_detach(officer)
        business_id = business.id
        expired, soon, later = (format_day(_days(n)) for n in (-3, 12, 200))
    html = login_as(officer).get(f"/office/businesses/{business_id}").get_data(as_text=True)
    assert f'<strong class="flag flag-expired">Expired on {expired}</strong>' in html
    assert f"Expires soon: valid until {soon}" in html
    assert f"valid until {later}" in html and f"Expires soon: valid until {later}" not in html


def _run(app: Flask) -> str:
    result = app.test_cli_runner().invoke(args=["remind-certificates"])
    assert result.exit_code == 0, result.output
    return str(result.output)


def _reminders(app: Flask) -> list[tuple[str, str, str]]:
    with app.app_context():
        notes = db.session.execute(
            sa.select(Notification.kind, Notification.text, Notification.link).order_by(
                Notification.id
            )
        ).all()
        return [tuple(row) for row in notes]  # type: ignore[misc]


def _mails(app: Flask) -> list[tuple[str, str, str]]:
    with app.app_context():
        rows = db.session.execute(
            sa.select(OutboxEmail.to_address, OutboxEmail.subject, OutboxEmail.body).order_by(
                OutboxEmail.id
            )
        ).all()
        return [tuple(row) for row in rows]  # type: ignore[misc]


def test_the_command_reminds_the_certificates_expiring_within_30_days_once(app: Flask) -> None:
    with app.app_context():
        sari = make_business(make_user(Role.MSME, name="Sari", locale="id"), name="Awi")
        john = make_business(make_user(Role.MSME, name="John", locale="en"), name="Rattan")
        away = make_business(make_user(Role.MSME, status=UserStatus.SUSPENDED), name="Diam")
        soon = make_certification(sari, "halal", number="H-9", expires_on=_days(10))
        edge = make_certification(john, "pirt", number="P-7", expires_on=_days(30))
        make_certification(john, "bpom", number="B-2", expires_on=_days(31))  # not yet
        make_certification(john, "sni", number="S-1", expires_on=_days(-1))  # expired already
        make_certification(john, "svlk", number="V-1")  # no expiry date
        make_certification(away, "halal", number="H-0", expires_on=_days(5))  # owner suspended
        db.session.commit()
        soon_id, edge_id = soon.id, edge.id
        sari_email, john_email = sari.owner.email, john.owner.email
        with force_locale("id"):
            indonesian_day = format_day(_days(10))
        with force_locale("en"):
            english_day = format_day(_days(30))

    assert "Reminded the owners of 2 certificate(s)" in _run(app)
    notes = _reminders(app)
    assert [(kind, link) for kind, _text, link in notes] == [
        ("certificate_expiring", f"/my/business/certifications/{soon_id}/edit"),
        ("certificate_expiring", f"/my/business/certifications/{edge_id}/edit"),
    ]
    # The date as each owner's language writes it.
    assert indonesian_day in notes[0][1] and "H-9" in notes[0][1]
    assert english_day in notes[1][1] and "P-7" in notes[1][1]
    (to_sari, subject, body), (to_john, _subject, john_body) = _mails(app)
    assert to_sari == sari_email and to_john == john_email
    assert indonesian_day in subject and body.startswith("Halo Sari,")
    assert john_body.startswith("Hello John,") and english_day in john_body
    assert f"{app.config['BASE_URL']}/my/business/certifications/{soon_id}/edit" in body

    # A second run sends nothing again.
    assert "Reminded the owners of 0 certificate(s)" in _run(app)
    assert len(_reminders(app)) == 2 and len(_mails(app)) == 2

    # Renewed with a new date that comes near: reminded again, for the new date.
    with app.app_context():
        renewed = db.session.get_one(BusinessCertification, soon_id)
        renewed.expires_on = _days(20)
        db.session.commit()
    assert "Reminded the owners of 1 certificate(s)" in _run(app)
    assert len(_reminders(app)) == 3 and len(_mails(app)) == 3
    assert "Reminded the owners of 0 certificate(s)" in _run(app)
