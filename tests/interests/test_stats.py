"""How quickly a business answers, counted in SQL: the share answered within 48 hours and the
median first reply over the last 90 days and the 90 before, and the owner's dashboard saying
it kindly (and saying nothing alarming before there is anything to say)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask import Flask

from marketplace.accounts.models import User
from marketplace.businesses.models import Business
from marketplace.db import utcnow
from marketplace.interests.models import InterestStatus
from marketplace.interests.stats import Responsiveness, ResponsivenessTrend, responsiveness
from marketplace.products.models import Product
from marketplace.workspace.responsiveness import Trend, reply_time, trend
from tests.businesses.helpers import commit_and_detach
from tests.factories import make_business, make_buyer, make_interest, make_product

NOW = datetime.fromisoformat("2026-12-07T09:00:00+00:00")
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)


def _interest(
    product: Product,
    age: timedelta,
    reply_after: timedelta | None,
    status: InterestStatus | None = None,
    now: datetime = NOW,
) -> None:
    created = now - age
    make_interest(
        make_buyer(),
        product,
        created_at=created,
        first_reply_at=created + reply_after if reply_after is not None else None,
        status=status or (InterestStatus.NEW if reply_after is None else InterestStatus.REPLIED),
    )


def _known_business(now: datetime = NOW) -> Business:
    """Last 90 days: 10 counted interests, 8 answered within 48 hours (1, 2, 3, 5, 5, 6, 30
    and exactly 48 hours), one answered after 4 days, one never; plus one arrived 3 hours ago
    and still waiting (not late yet) and one spam (never counted). The 90 days before: 4
    interests, 1 answered within two days (20 hours), 2 later (3 and 5 days), 1 never."""
    business = make_business(name="Kriya Cepat")
    product = make_product(business, name="Rattan basket")
    for hours in (1, 2, 3, 5, 5, 6, 30, 48):
        _interest(product, 10 * DAY, hours * HOUR, now=now)
    _interest(product, 20 * DAY, 4 * DAY, now=now)
    _interest(product, 30 * DAY, None, now=now)
    _interest(product, 3 * HOUR, None, now=now)
    _interest(product, 5 * DAY, None, InterestStatus.SPAM, now=now)
    for reply in (20 * HOUR, 3 * DAY, 5 * DAY, None):
        _interest(product, 120 * DAY, reply, now=now)
    _interest(product, 200 * DAY, HOUR, now=now)  # older than both periods
    other = make_product(make_business(name="Someone Else"), name="Clay vase")
    _interest(other, 10 * DAY, 100 * DAY, now=now)  # another business's are not counted
    return business


def test_the_figures_of_a_known_set_of_interests(ctx: Flask) -> None:
    business = _known_business()
    figures = responsiveness(business.id, NOW)
    assert figures.recent == Responsiveness(
        counted=10, answered=9, within_48h=8, median_seconds=5 * 3600
    )
    assert figures.before == Responsiveness(
        counted=4, answered=3, within_48h=1, median_seconds=3 * 86400
    )
    assert figures.waiting == 3  # the two in the last 90 days and the one before
    assert trend(figures) == Trend.QUICKER  # 80 % within two days, against 25 %


def test_a_business_without_interests_has_empty_figures(ctx: Flask) -> None:
    figures = responsiveness(make_business().id, NOW)
    assert figures == ResponsivenessTrend(Responsiveness(), Responsiveness(), 0)
    assert trend(figures) is None


def _trend(recent: tuple[int, int, float | None], before: tuple[int, int, float | None]) -> Any:
    def period(counted: int, within: int, median: float | None) -> Responsiveness:
        return Responsiveness(counted, within, within, median)

    return trend(ResponsivenessTrend(period(*recent), period(*before), 0))


def test_the_trend_compares_the_share_then_the_usual_reply_time() -> None:
    assert _trend((10, 5, 3600.0), (10, 8, 3600.0)) == Trend.SLOWER
    assert _trend((10, 8, 3600.0), (10, 8, 7200.0)) == Trend.QUICKER
    assert _trend((10, 8, 9000.0), (10, 8, 3600.0)) == Trend.SLOWER
    assert _trend((10, 8, 4000.0), (10, 8, 3600.0)) == Trend.SAME
    assert _trend((2, 2, 60.0), (10, 1, 3600.0)) is None  # too few to compare


def test_reply_times_read_as_people_say_them(app: Flask) -> None:
    with app.test_request_context():
        assert reply_time(40 * 60) == "less than an hour"
        assert reply_time(5.4 * 3600) == "5 hours"
        assert reply_time(3600) == "1 hour"
        assert reply_time(72 * 3600) == "3 days"


def _dashboard(app: Flask, login_as: Any, business: Business) -> str:
    owner: User = business.owner
    commit_and_detach(owner)
    return " ".join(login_as(owner).get("/my/business").get_data(as_text=True).split())


def test_the_dashboard_says_it_kindly(app: Flask, login_as: Any) -> None:
    with app.app_context():
        business = _known_business(utcnow())
        html = _dashboard(app, login_as, business)
    assert "You answered 8 of 10 buyers within two days." in html
    assert "Your usual first reply: 5 hours." in html
    assert "That is quicker than in the 90 days before. Well done!" in html
    assert "3 buyers are waiting for your first reply." in html
    assert "Tip:" not in html


def test_a_new_business_reads_nothing_alarming(app: Flask, login_as: Any) -> None:
    with app.app_context():
        business = make_business(name="Kriya Baru")
        html = _dashboard(app, login_as, business)
    assert "When buyers write to you, you will see here how quickly you answer them." in html
    for alarming in ("0 of", "waiting for your first reply", "slower", "Tip:"):
        assert alarming not in html


def test_an_even_number_of_replies_takes_the_middle_two(ctx: Flask) -> None:
    product = make_product(make_business(name="Kriya Genap"), name="Bamboo lamp")
    for hours in (2, 4, 9, 1):
        _interest(product, 3 * DAY, hours * HOUR)
    figures = responsiveness(product.business_id, NOW)
    assert figures.recent.median_seconds == 3 * 3600  # (2 + 4) / 2 hours
