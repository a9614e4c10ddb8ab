"""The reports' facts and daily sums follow the interests through their life (through the
interest services, as the pages use them), dated product views are counted per day and
channel, and a recount from scratch gives the same sums."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from marketplace.channels import curation
from marketplace.db import db
from marketplace.interests import services, transitions
from marketplace.interests.models import Interest
from marketplace.office import rollups
from marketplace.office.activity import count_product_view
from marketplace.office.models import Grouping, InterestFact, ProductViewDay, ReportDay
from marketplace.periods import bandung_today
from marketplace.products.models import Product
from tests.factories import make_buyer, make_channel, make_listing, make_officer
from tests.interests.helpers import express


def sums(dimension: Grouping = Grouping.SUBSECTOR) -> dict[str, tuple[int, ...]]:
    """(views, interests, replies, within 48 h, deals, value) per group key, all days."""
    rows = db.session.execute(
        sa.select(
            ReportDay.group_key,
            sa.func.sum(ReportDay.views),
            sa.func.sum(ReportDay.interests),
            sa.func.sum(ReportDay.replies),
            sa.func.sum(ReportDay.within_48h),
            sa.func.sum(ReportDay.deals),
            sa.func.sum(ReportDay.value_idr),
        )
        .where(ReportDay.dimension == dimension)
        .group_by(ReportDay.group_key)
    )
    return {key: tuple(int(v) for v in values) for key, *values in rows}


@pytest.mark.committing  # the recount runs on a connection of its own
def test_an_interest_is_counted_through_its_life(ctx: Flask) -> None:
    buyer = make_buyer()
    product = make_listing("Batik silk scarf")
    owner = product.business.owner
    interest = express(buyer, product)
    assert sums() == {"fesyen": (0, 1, 0, 0, 0, 0)}
    assert sums(Grouping.COUNTRY) == {"DE": (0, 1, 0, 0, 0, 0)}
    services.post_message(interest, owner, "Thank you, we can deliver by May.")
    transitions.record_won(interest, owner, 50, 11_250_000)
    db.session.flush()
    assert sums() == {"fesyen": (0, 1, 1, 1, 1, 11_250_000)}
    fact = db.session.get_one(InterestFact, interest.id)
    assert fact.reply_us is not None and 0 <= fact.reply_us < 60 * 1_000_000
    second = express(make_buyer(company="Seoul Living"), product)
    transitions.mark_spam(second, owner, "Advertising.")
    db.session.flush()
    assert sums() == {"fesyen": (0, 1, 1, 1, 1, 11_250_000)}  # spam is not counted
    assert db.session.get(InterestFact, second.id) is None
    db.session.delete(db.session.get_one(Interest, interest.id))
    db.session.flush()
    assert sums() == {"fesyen": (0, 0, 0, 0, 0, 0)}
    db.session.commit()
    with db.engine.begin() as connection:
        assert rollups.rebuild(connection) == 0
    assert sums() == {}


@pytest.mark.committing  # the recount runs on a connection of its own
def test_views_are_counted_per_day_and_channel(ctx: Flask) -> None:
    product = make_listing("Bamboo lamp")
    channel = make_channel("Little Bandung Paris", country_code="FR")
    day = date(2026, 5, 21)
    for _ in range(3):
        count_product_view(product.id, channel.id, day)
    count_product_view(product.id, None, day)
    count_product_view(product.id, 999_999, day)  # a channel that is gone: a direct view
    rows = db.session.execute(
        sa.select(ProductViewDay.channel_id, ProductViewDay.views).order_by(
            ProductViewDay.channel_key
        )
    ).all()
    assert [tuple(r) for r in rows] == [(None, 2), (channel.id, 3)]
    assert sums(Grouping.CHANNEL) == {"": (2, 0, 0, 0, 0, 0), str(channel.id): (3, 0, 0, 0, 0, 0)}
    assert sums(Grouping.COUNTRY) == {"": (2, 0, 0, 0, 0, 0), "FR": (3, 0, 0, 0, 0, 0)}
    db.session.commit()
    before = sums(Grouping.CHANNEL)
    with db.engine.begin() as connection:
        rollups.rebuild(connection)
    assert sums(Grouping.CHANNEL) == before


def test_a_product_page_view_is_dated_and_credited_to_the_channel(app: Flask, client: Any) -> None:
    with app.app_context():
        product = make_listing("Rattan tray")
        channel = make_channel("Little Bandung Paris")
        nomination = curation.nominate(product, product.business.owner, channel, "")
        curation.decide_nomination(nomination, make_officer(), True, "Fits.")
        slug, channel_slug, channel_id = product.slug, channel.slug, channel.id
        db.session.commit()
    client.get(f"/products/{slug}")
    client.get(f"/channels/{channel_slug}/products/{slug}", follow_redirects=True)
    with app.app_context():
        rows = db.session.execute(
            sa.select(ProductViewDay.day, ProductViewDay.channel_id, ProductViewDay.views)
        ).all()
        assert sorted(((d, c, v) for d, c, v in rows), key=lambda r: r[1] or 0) == [
            (bandung_today(), None, 1),
            (bandung_today(), channel_id, 1),
        ]
        assert db.session.scalar(sa.select(Product.view_count)) == 2


@pytest.mark.committing  # the command recounts on a connection of its own
def test_the_recount_command(app: Flask) -> None:
    with app.app_context():
        express(make_buyer(), make_listing())
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["rebuild-reports"])
    assert result.exit_code == 0
    assert "Recounted 1 interests" in result.output
