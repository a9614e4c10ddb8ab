"""Two buyers ask one MSME for the same slot at the same moment, each a real request in a
thread of its own: one gets the slot, the other a clear refusal (not a 500), and the MSME
holds one booking at that start."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from marketplace.db import db
from marketplace.matching.models import MatchingBooking, MatchingMeeting
from marketplace.matching.slots import Slot
from tests.businesses.helpers import commit_and_detach
from tests.concurrency import form_post, run_together
from tests.matching.helpers import first_day, join_buyer, join_msme, kl_time, make_event


@pytest.mark.committing
def test_two_requests_for_one_slot_at_once_book_it_once(app: Flask, login_as: Any) -> None:
    with app.app_context():
        event = make_event()
        msme = join_msme(event)
        first, second = join_buyer(event, "Kedai Satu"), join_buyer(event, "Kedai Dua")
        url = f"/matching/{event.id}/participants/{msme.id}"
        msme_id = msme.id
        buyers = [first.user, second.user]
        commit_and_detach(*buyers)
    slot = Slot(kl_time(first_day(), "10:00"), kl_time(first_day(), "10:20")).key
    results = run_together(
        [form_post(login_as(buyer), url, {"slot": slot}, url) for buyer in buyers]
    )
    assert sorted(results) == [302, 400]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(MatchingMeeting.id))) == 1
        bookings = db.session.scalars(
            sa.select(MatchingBooking).where(MatchingBooking.participant_id == msme_id)
        ).all()
        assert [b.starts_at for b in bookings] == [kl_time(first_day(), "10:00")]
