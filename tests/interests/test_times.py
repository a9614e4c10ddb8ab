"""Times in a conversation: each party reads them in their own zone, with the zone's name."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from flask import Flask

from marketplace.accounts.models import BuyerProfile, BuyerType
from marketplace.db import db
from marketplace.interests.models import Interest, Message
from marketplace.interests.services import post_message
from marketplace.reference.models import PartnerCity
from tests.businesses.helpers import commit_and_detach
from tests.factories import make_listing, make_user
from tests.interests.helpers import express

SENT = datetime(2026, 12, 4, 12, 15, tzinfo=UTC)
ANSWERED = datetime(2026, 12, 5, 2, 40, tzinfo=UTC)


def _conversation(app: Flask) -> tuple[Any, Any, int]:
    """A Korean buyer of Suwon and an MSME owner reading English, and their conversation with
    a first message at SENT (12:15 UTC) and an answer at ANSWERED (02:40 UTC the next day)."""
    with app.app_context():
        suwon = db.session.scalars(sa.select(PartnerCity).where(PartnerCity.name == "Suwon")).one()
        buyer = make_user(locale="ko")
        buyer.buyer_profile = BuyerProfile(
            company="Suwon Trading",
            buyer_type=BuyerType.IMPORTER,
            city="Suwon",
            country_code="KR",
            partner_city=suwon,
        )
        product = make_listing(owner_locale="en")
        owner = product.business.owner
        interest = express(buyer, product)
        answer = post_message(interest, owner, "Thank you, we can send samples.")
        db.session.execute(sa.update(Interest).values(created_at=SENT))
        db.session.execute(sa.update(Message).values(created_at=SENT))
        db.session.execute(
            sa.update(Message).where(Message.id == answer.id).values(created_at=ANSWERED)
        )
        interest_id = interest.id
        commit_and_detach(buyer, owner)
    return buyer, owner, interest_id


def test_the_korean_buyer_reads_seoul_time_and_the_msme_jakarta_time(
    app: Flask, login_as: Any
) -> None:
    buyer, owner, interest_id = _conversation(app)
    url = f"/interests/{interest_id}"

    seen_by_buyer = login_as(buyer).get(url).get_data(as_text=True)
    assert '<html lang="ko">' in seen_by_buyer
    # 12:15 UTC is 21:15 in Seoul; 02:40 UTC is 11:40 there.
    assert (
        '<time datetime="2026-12-04T12:15:00+00:00">2026. 12. 4. PM 9:15 GMT+9</time>'
        in seen_by_buyer
    )
    assert (
        '<time datetime="2026-12-05T02:40:00+00:00">2026. 12. 5. AM 11:40 GMT+9</time>'
        in seen_by_buyer
    )

    seen_by_owner = login_as(owner).get(url).get_data(as_text=True)
    # The same instants in Bandung: 19:15 and 09:40 (WIB, UTC+7).
    assert (
        '<time datetime="2026-12-04T12:15:00+00:00">Dec 4, 2026, 7:15\u202fPM GMT+7</time>'
        in seen_by_owner
    )
    assert (
        '<time datetime="2026-12-05T02:40:00+00:00">Dec 5, 2026, 9:40\u202fAM GMT+7</time>'
        in seen_by_owner
    )
    assert "GMT+9" not in seen_by_owner


def test_the_lists_show_the_day_in_the_readers_zone(app: Flask, login_as: Any) -> None:
    """Sent at 16:30 UTC on 4 December: 01:30 on the 5th in Seoul, 23:30 on the 4th in Bandung."""
    buyer, owner, _ = _conversation(app)
    with app.app_context():
        late = datetime(2026, 12, 4, 16, 30, tzinfo=UTC)
        db.session.execute(sa.update(Interest).values(created_at=late))
        db.session.commit()
    assert "2026. 12. 5." in login_as(buyer).get("/interests").get_data(as_text=True)
    inbox = login_as(owner).get("/interests").get_data(as_text=True)
    assert "received Dec 4, 2026" in inbox
