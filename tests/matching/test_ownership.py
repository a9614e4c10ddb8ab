"""Every participant's route that names a meeting answers 404 to anyone but its two parties,
and changes nothing. The routes are read from the URL map, so a route added later is walked
too; the agenda's routes are 404 for someone not registered for the event."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Flask

from marketplace.db import db
from marketplace.matching import services
from marketplace.matching.models import MatchingMeeting
from tests.businesses.helpers import commit_and_detach
from tests.conftest import csrf_token
from tests.matching.helpers import (
    first_day,
    join_buyer,
    join_msme,
    kl_time,
    make_event,
    make_malaysian_buyer,
)


def _rows() -> list[tuple[Any, ...]]:
    return [tuple(row) for row in db.session.execute(sa.select(MatchingMeeting.__table__))]


def test_no_meeting_route_answers_anyone_but_its_parties(app: Flask, login_as: Any) -> None:
    with app.app_context():
        event = make_event()
        msme, buyer = join_msme(event), join_buyer(event, "Kedai Satu")
        # Registered for the same event, on either side, but not in this meeting.
        others = [join_buyer(event, "Kedai Dua").user, join_msme(event, "Kriya Lain").user]
        outsider = make_malaysian_buyer("Not registered")
        meeting = services.request_meeting(buyer, msme, kl_time(first_day(), "10:00"))
        ids = {"meeting_id": meeting.id, "event_id": event.id}
        parties = [msme.user, buyer.user]
        commit_and_detach(*others, outsider, *parties)
        before = _rows()
    rules = [
        rule
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("matching.") and "meeting_id" in rule.arguments
    ]
    assert {rule.endpoint for rule in rules} == {
        "matching.meeting",
        "matching.accept",
        "matching.decline",
        "matching.cancel",
    }
    for person in [*others, outsider]:
        client = login_as(person)
        token = csrf_token(client, "/matching/")
        for rule in rules:
            path = rule.rule.replace("<int:meeting_id>", str(ids["meeting_id"]))
            if "GET" in (rule.methods or set()):
                assert client.get(path).status_code == 404, path
            else:
                assert client.post(path, data={"csrf_token": token}).status_code == 404, path
    agenda = [r for r in app.url_map.iter_rules() if r.endpoint.startswith("matching.agenda")]
    assert len(agenda) == 3
    for rule in agenda:
        path = rule.rule.replace("<int:event_id>", str(ids["event_id"]))
        assert login_as(outsider).get(path).status_code == 404, path
        assert all(login_as(p).get(path).status_code == 200 for p in parties), path
    for party in parties:
        assert login_as(party).get(f"/matching/meetings/{ids['meeting_id']}").status_code == 200
    with app.app_context():
        assert _rows() == before
