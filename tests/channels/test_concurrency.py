"""Capacity and decisions under concurrency: two officers at the same moment, each in a thread
with its own application context, session and database connection, as two requests would be.

On PostgreSQL the channel's row lock (SELECT ... FOR UPDATE) serialises them; on SQLite the
write transaction that every request takes up front (BEGIN IMMEDIATE) does. The same tests run
on both databases.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from marketplace.accounts.models import User
from marketplace.channels import curation
from marketplace.channels.curation import CapacityError
from marketplace.channels.models import Nomination, NominationStatus
from marketplace.db import begin_write, db
from marketplace.errors import ServiceError
from tests.channels.helpers import accept, nominate_all
from tests.concurrency import run_together
from tests.factories import harz_und_heide, make_officer, owner_with_products

# Real commits: requests race in threads, each on its own connection.
pytestmark = pytest.mark.committing

TIMEOUT = 30


def _setup(app: Flask, capacity: int, products: int, accepted: int) -> tuple[list[int], list[int]]:
    """A fair with `accepted` of its `capacity` places taken; ids of officers and nominations."""
    with app.app_context():
        channel = harz_und_heide(capacity=capacity)
        nominations = nominate_all(owner_with_products(products), channel)
        officers = [make_officer("Asep"), make_officer("Siti")]
        for nomination in nominations[:accepted]:
            accept(officers[0], nomination)
        db.session.commit()
        return [o.id for o in officers], [n.id for n in nominations]


def _decide(app: Flask, officer_id: int, nomination_id: int, accept_it: bool) -> str:
    """One request's worth of work: a write transaction, the decision, the commit."""
    with app.app_context():
        begin_write()
        officer = db.session.get_one(User, officer_id)
        nomination = db.session.get_one(Nomination, nomination_id)
        try:
            curation.decide_nomination(nomination, officer, accept_it, "Decided at the stand.")
            db.session.commit()
        except ServiceError as error:
            db.session.rollback()
            return type(error).__name__
        return "decided"


def _statuses(app: Flask, ids: list[int]) -> list[NominationStatus]:
    with app.app_context():
        rows = db.session.scalars(sa.select(Nomination).where(Nomination.id.in_(ids))).all()
        by_id = {n.id: n.status for n in rows}
        return [by_id[i] for i in ids]


def test_two_officers_race_for_the_last_place(app: Flask) -> None:
    officers, nominations = _setup(app, capacity=3, products=4, accepted=2)
    results = run_together(
        [
            lambda: _decide(app, officers[0], nominations[2], True),
            lambda: _decide(app, officers[1], nominations[3], True),
        ]
    )
    assert sorted(results) == ["CapacityError", "decided"]
    statuses = _statuses(app, nominations)
    assert statuses.count(NominationStatus.ACCEPTED) == 3
    assert statuses.count(NominationStatus.NOMINATED) == 1


def test_an_acceptance_waits_for_one_in_progress(app: Flask) -> None:
    """Deterministic: the first officer holds the channel (accepted, not yet committed) while
    the second tries; the second must wait for the commit and then find the channel full.
    Without the lock it would count two places taken and accept a fourth product."""
    officers, nominations = _setup(app, capacity=3, products=4, accepted=2)
    holding = threading.Event()
    times: dict[str, float] = {}
    outcome: dict[str, Any] = {}

    def first() -> None:
        with app.app_context():
            begin_write()
            officer = db.session.get_one(User, officers[0])
            nomination = db.session.get_one(Nomination, nominations[2])
            curation.decide_nomination(nomination, officer, True, "First.")
            holding.set()
            time.sleep(0.5)
            times["first_commit"] = time.monotonic()
            db.session.commit()

    def second() -> None:
        holding.wait(timeout=TIMEOUT)
        try:
            outcome["second"] = _decide(app, officers[1], nominations[3], True)
        except BaseException as error:
            outcome["second"] = error
        times["second_done"] = time.monotonic()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=TIMEOUT)

    assert outcome["second"] == CapacityError.__name__
    assert times["second_done"] >= times["first_commit"]
    assert _statuses(app, nominations).count(NominationStatus.ACCEPTED) == 3


def test_two_officers_deciding_the_same_nomination(app: Flask) -> None:
    officers, nominations = _setup(app, capacity=3, products=1, accepted=0)
    results = run_together(
        [
            lambda: _decide(app, officers[0], nominations[0], True),
            lambda: _decide(app, officers[1], nominations[0], False),
        ]
    )
    assert sorted(results) == ["ConflictError", "decided"]
    (status,) = _statuses(app, nominations)
    winner_accepted = results[0] == "decided"
    assert status == (NominationStatus.ACCEPTED if winner_accepted else NominationStatus.DECLINED)
    with app.app_context():
        decided_by = db.session.scalar(
            sa.select(Nomination.decided_by_id).where(Nomination.id == nominations[0])
        )
    assert decided_by == (officers[0] if winner_accepted else officers[1])


def test_race_is_refused_as_capacity_not_as_a_crash(app: Flask) -> None:
    """Both acceptances of a full channel answer with the capacity message."""
    officers, nominations = _setup(app, capacity=2, products=4, accepted=2)
    results = run_together(
        [
            lambda: _decide(app, officers[0], nominations[2], True),
            lambda: _decide(app, officers[1], nominations[3], True),
        ]
    )
    assert results == [CapacityError.__name__, CapacityError.__name__]
