"""The office's pages keep Bandung time for its officers, and name the zone beside every time."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from flask import Flask

from marketplace.accounts.models import Role, User
from marketplace.db import db
from tests.businesses.helpers import commit_and_detach
from tests.factories import make_user

JOINED = datetime(2026, 12, 4, 17, 30, tzinfo=UTC)


def _officer_and_account(app: Flask, **fields: Any) -> tuple[User, int]:
    with app.app_context():
        officer = make_user(Role.OFFICER, **fields)
        member = make_user(Role.BUYER)
        db.session.execute(sa.update(User).where(User.id == member.id).values(created_at=JOINED))
        member_id = member.id
        commit_and_detach(officer)
    return officer, member_id


def test_an_officer_reads_bandung_time_with_its_name(app: Flask, login_as: Any) -> None:
    officer, member_id = _officer_and_account(app, locale="id")
    html = login_as(officer).get(f"/office/accounts/{member_id}").get_data(as_text=True)
    # 17:30 UTC is 00:30 on the next day in Bandung.
    assert '<time datetime="2026-12-04T17:30:00+00:00">5 Des 2026 00.30 WIB</time>' in html


def test_an_officer_who_chose_another_zone_reads_that_one(app: Flask, login_as: Any) -> None:
    officer, member_id = _officer_and_account(app, locale="de", timezone="Europe/Berlin")
    html = login_as(officer).get(f"/office/accounts/{member_id}").get_data(as_text=True)
    assert '<time datetime="2026-12-04T17:30:00+00:00">04.12.2026, 18:30 MEZ</time>' in html
