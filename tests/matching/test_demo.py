"""The demo's business-matching event: Petaling Jaya, 20-minute meetings in Kuala Lumpur's
time, the demo buyer and two MSMEs registered with a meeting each; made once."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import Flask

from marketplace.db import db
from marketplace.matching.models import MatchingEvent, MatchingMeeting, MatchingParticipant
from marketplace.matching.slots import event_slots
from tests.main.test_cli import seed


@pytest.fixture(autouse=True)
def _demo_images(demo_images_once: None) -> None:
    return None


def test_the_demo_has_a_petaling_jaya_matching_event_made_once(app: Flask) -> None:
    assert "Business-matching events created: 1." in seed(app).output
    with app.app_context():
        (event,) = db.session.scalars(sa.select(MatchingEvent)).all()
        assert event.partner_city is not None and event.partner_city.name == "Petaling Jaya"
        assert (event.meeting_minutes, event.timezone, event.status) == (
            20,
            "Asia/Kuala_Lumpur",
            "open",
        )
        assert len(event_slots(event)) == 24
        people = db.session.scalars(sa.select(MatchingParticipant.side)).all()
        assert sorted(people) == ["buyer", "msme", "msme"]
        statuses = db.session.scalars(sa.select(MatchingMeeting.status)).all()
        assert sorted(statuses) == ["accepted", "requested"]
    assert "Business-matching events created: 0." in seed(app).output
