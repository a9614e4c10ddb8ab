"""What followed an event: interests (and deals) between a buyer and an MSME after their
accepted meeting, within 90 days of the event's end, and nothing else."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Flask

from marketplace.db import db
from marketplace.interests.models import InterestStatus
from marketplace.matching import services
from marketplace.matching.attribution import FollowUp, follow_up
from marketplace.matching.slots import event_end
from marketplace.money import format_rupiah
from tests.businesses.helpers import commit_and_detach
from tests.factories import make_interest, make_officer, make_product
from tests.matching.helpers import first_day, join_buyer, join_msme, kl_time, make_event


def test_an_interest_after_the_meeting_counts_and_one_before_or_from_another_does_not(
    ctx: Flask,
) -> None:
    event = make_event()
    msme, other_msme = join_msme(event, "Awi Kriya"), join_msme(event, "Kriya Lain")
    buyer, stranger = join_buyer(event, "Kedai Satu"), join_buyer(event, "Kedai Dua")
    assert msme.business is not None and other_msme.business is not None
    lamp = make_product(msme.business, name="Bamboo lamp")
    other_product = make_product(other_msme.business, name="Rattan chair")
    met_at = kl_time(first_day(), "10:00")
    meeting = services.request_meeting(buyer, msme, met_at)
    services.accept_meeting(meeting, msme)
    # The stranger asked the MSME too, and was declined: no meeting, nothing counts.
    declined = services.request_meeting(stranger, msme, kl_time(first_day(), "10:20"))
    services.decline_meeting(declined, msme)
    end = event_end(event)

    def interest(who: Any, product: Any, when: Any, **fields: Any) -> None:
        make_interest(who.user, product, created_at=when, **fields)

    assert follow_up(event) == FollowUp(0, 0, 0)
    interest(buyer, lamp, met_at - timedelta(days=3))  # before the meeting
    interest(stranger, lamp, met_at + timedelta(days=2))  # from someone they did not meet
    interest(buyer, other_product, met_at + timedelta(days=2))  # another MSME's product
    interest(buyer, lamp, end + timedelta(days=91))  # too late
    assert follow_up(event) == FollowUp(0, 0, 0)

    interest(buyer, lamp, met_at + timedelta(hours=2))
    interest(
        buyer,
        make_product(msme.business, name="Bamboo lamp, large"),
        end + timedelta(days=60),
        status=InterestStatus.WON,
        won_quantity=200,
        won_value_idr=130_000_000,
    )
    assert follow_up(event) == FollowUp(interests=2, deals=1, value_idr=130_000_000)


def test_the_office_page_shows_what_followed(app: Flask, login_as: Any) -> None:
    with app.app_context():
        officer = make_officer()
        event = make_event(officer)
        msme, buyer = join_msme(event, "Awi Kriya"), join_buyer(event)
        assert msme.business is not None
        met_at = kl_time(first_day(), "10:00")
        meeting = services.request_meeting(buyer, msme, met_at)
        services.accept_meeting(meeting, msme)
        product = make_product(msme.business, name="Bamboo lamp")
        for value in (45_000_000, None):
            make_interest(
                buyer.user,
                product,
                created_at=met_at + timedelta(days=10),
                status=InterestStatus.WON if value else InterestStatus.NEW,
                won_quantity=100 if value else None,
                won_value_idr=value,
            )
        event_id = event.id
        db.session.flush()
        commit_and_detach(officer)
    page = login_as(officer).get(f"/office/matching/{event_id}").get_data(as_text=True)
    assert '<dd id="followed-interests">2</dd>' in page
    assert '<dd id="followed-deals">1</dd>' in page
    assert f'<dd id="followed-value">{format_rupiah(45_000_000, "en")}</dd>' in page
