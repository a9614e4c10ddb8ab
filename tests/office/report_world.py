"""Generated activity with controlled timestamps for the outcome-report tests, and every figure
computed again from the raw rows in plain Python, independently of the report's SQL.

The period is March to August 2026 in Bandung. Rows sit on both sides of its edges (an
interest at 00:30 on 1 March in Bandung is 17:30 on 28 February in UTC, and counts), replies
come before, at and after 48 hours, and interests change after they were written (answered,
won, marked as spam), so the kept sums must follow.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import sqlalchemy as sa
from babel.numbers import get_currency_precision

from marketplace.accounts.models import BuyerProfile, BuyerType, Role, User
from marketplace.channels.models import Channel, ChannelKind, Nomination, NominationStatus, Scan
from marketplace.db import db
from marketplace.interests.models import Interest, InterestStatus
from marketplace.ledger.models import ExchangeRate
from marketplace.office.activity import count_product_view
from marketplace.office.models import Grouping, ProductViewDay
from marketplace.office.reports import country_currency
from marketplace.periods import Period
from marketplace.products.models import Product
from marketplace.reference.models import PartnerCity
from tests.factories import make_business, make_product, make_user

PERIOD = Period(date(2026, 3, 1), date(2026, 8, 31))
START = datetime(2026, 2, 28, 17, tzinfo=UTC)  # 1 March 00:00 in Bandung
END = datetime(2026, 8, 31, 17, tzinfo=UTC)  # 1 September 00:00 in Bandung
H = timedelta(hours=1)


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def channel(slug: str) -> Channel:
    return db.session.scalars(sa.select(Channel).where(Channel.slug == slug)).one()


def _buyer(country: str | None) -> User:
    buyer = make_user(Role.BUYER)
    if country:
        buyer.buyer_profile = BuyerProfile(
            company=f"Importer {country}",
            buyer_type=BuyerType.IMPORTER,
            city="City",
            country_code=country,
        )
    db.session.flush()
    return buyer


def _nominate(
    product: Product, where: Channel, status: NominationStatus, decided: datetime
) -> None:
    db.session.add(
        Nomination(
            product=product,
            channel=where,
            status=status,
            decided_at=decided,
            qr_token=f"tag-{product.id}-{where.id}",
        )
    )
    db.session.flush()


def build() -> None:
    """The world; reference data (partner cities, the four seeded channels) must be loaded."""
    harz, europalia = channel("harz-und-heide"), channel("europalia")
    seoul, pj = channel("little-bandung"), channel("petaling-jaya-creative-exchange")
    worth = Channel(
        slug="fort-worth-fair-2025",
        name="Fort Worth Fair 2025",
        kind=ChannelKind.TRADE_FAIR,
        city="Fort Worth",
        country_code="US",
        currency="USD",
        partner_city=db.session.scalars(
            sa.select(PartnerCity).where(PartnerCity.name == "Fort Worth")
        ).one(),
        ends_on=date(2025, 10, 1),
    )
    db.session.add(worth)
    kriya = make_business(name="Kriya Rotan", subsector_code="kriya")
    batik = make_business(name="Batik Tulis", subsector_code="fesyen")
    kopi = make_business(name="Kopi Puntang", subsector_code="kuliner")
    lamp = make_product(kriya, name="Rattan lamp", subsector_code="kriya")
    tray = make_product(kriya, name="Rattan tray", subsector_code="kriya")
    scarf = make_product(batik, name="Silk scarf", subsector_code="fesyen")
    shirt = make_product(batik, name="Batik shirt", subsector_code=None)
    beans = make_product(kopi, name="Coffee beans", subsector_code="kuliner")
    accepted, withdrawn = NominationStatus.ACCEPTED, NominationStatus.WITHDRAWN
    _nominate(lamp, harz, accepted, utc(2026, 2, 10))
    _nominate(tray, harz, accepted, utc(2026, 9, 5))  # accepted after the period
    _nominate(scarf, europalia, accepted, utc(2026, 4, 1))
    _nominate(scarf, seoul, accepted, END - H)  # the last hour of the period
    _nominate(beans, worth, accepted, utc(2025, 6, 1))  # the fair ended before the period
    _nominate(shirt, pj, withdrawn, utc(2026, 4, 2))
    _nominate(beans, pj, NominationStatus.NOMINATED, utc(2026, 4, 3))
    nominations = {
        (n.product_id, n.channel_id): n for n in db.session.scalars(sa.select(Nomination))
    }
    for product, where, moment in (
        (lamp, harz, START),
        (lamp, harz, utc(2026, 5, 22, 9)),
        (lamp, harz, END),  # just after
        (scarf, seoul, utc(2026, 6, 1)),
        (scarf, europalia, START - H),  # just before
        (scarf, europalia, utc(2026, 8, 30)),
    ):
        db.session.add(
            Scan(
                nomination_id=nominations[(product.id, where.id)].id,
                channel_id=where.id,
                product_id=product.id,
                scanned_at=moment,
            )
        )
    for product, where, day, times in (
        (lamp, harz, date(2026, 3, 1), 3),
        (lamp, None, date(2026, 3, 1), 2),
        (scarf, seoul, date(2026, 6, 1), 4),
        (shirt, None, date(2026, 8, 31), 1),
        (beans, pj, date(2026, 7, 7), 2),
        (beans, None, date(2026, 2, 28), 5),  # before
        (tray, harz, date(2026, 9, 1), 1),  # after
    ):
        for _ in range(times):
            count_product_view(product.id, where.id if where else None, day)
    germany, korea, anonymous = _buyer("DE"), _buyer("KR"), _buyer(None)
    spam, won = InterestStatus.SPAM, InterestStatus.WON
    rows: list[tuple[Any, ...]] = [
        # buyer, product, channel, created, reply after, status, value
        (germany, lamp, harz, START + timedelta(minutes=30), timedelta(hours=5), won, 90_000_000),
        (germany, lamp, harz, utc(2026, 5, 22, 3), timedelta(hours=48), won, 12_500_000),
        (korea, lamp, None, utc(2026, 5, 23), timedelta(hours=48, microseconds=1), None, None),
        (germany, scarf, europalia, utc(2026, 4, 5), None, None, None),
        (korea, scarf, seoul, utc(2026, 6, 2, 10), timedelta(minutes=20), won, 7_000_000),
        (korea, scarf, seoul, utc(2026, 6, 2, 11), timedelta(days=6), InterestStatus.LOST, None),
        (anonymous, shirt, None, utc(2026, 7, 1), timedelta(hours=30), None, None),
        (anonymous, beans, pj, utc(2026, 7, 7), None, InterestStatus.WITHDRAWN, None),
        (germany, beans, pj, utc(2026, 7, 8), timedelta(hours=1), spam, None),
        (germany, beans, None, START - timedelta(minutes=1), timedelta(hours=1), won, 1_000),
        (korea, tray, harz, END, timedelta(hours=2), won, 5_000),
        (korea, tray, None, END - timedelta(seconds=1), timedelta(hours=70), won, 3_000_000),
    ]
    for buyer, product, where, created, delay, status, value in rows:
        interest = Interest(
            buyer=buyer,
            product=product,
            channel=where,
            message="Interested.",
            status=InterestStatus.REPLIED if delay is not None else InterestStatus.NEW,
            created_at=created,
            first_reply_at=created + delay if delay is not None else None,
        )
        db.session.add(interest)
        db.session.flush()
        if status is not None:  # the outcome comes later, as in life
            interest.status = status
            interest.won_value_idr = value
            interest.closed_at = created + timedelta(days=9)
            db.session.flush()
    for currency, value, day in (
        ("EUR", "17000", date(2026, 1, 1)),
        ("EUR", "18000", date(2026, 8, 15)),
        ("EUR", "19000", date(2026, 9, 10)),
        ("MYR", "3400", date(2026, 1, 1)),
        ("USD", "16000", date(2026, 1, 1)),
    ):
        db.session.add(
            ExchangeRate(currency=currency, idr_per_unit=Decimal(value), effective_on=day)
        )
    db.session.commit()


# ---------------------------------------------------------------------------------------------
# The figures, from the raw rows


@dataclass
class Expected:
    businesses: set[int] = field(default_factory=set)
    products: set[int] = field(default_factory=set)
    scans: int = 0
    views: int = 0
    interests: int = 0
    replies: int = 0
    within_48h: int = 0
    delays: list[float] = field(default_factory=list)
    deals: int = 0
    value_idr: int = 0

    def figures(self) -> dict[str, Any]:
        return {
            "msmes": len(self.businesses),
            "products_shown": len(self.products),
            "scans": self.scans,
            "views": self.views,
            "interests": self.interests,
            "replies": self.replies,
            "within_48h": self.within_48h,
            "median_reply_seconds": statistics.median(self.delays) if self.delays else None,
            "deals": self.deals,
            "value_idr": self.value_idr,
        }


def _keys(channel_row: Channel | None, product: Product) -> dict[Grouping, Any]:
    return {
        Grouping.PARTNER: channel_row.partner_city_id if channel_row else None,
        Grouping.CHANNEL: channel_row.id if channel_row else None,
        Grouping.SUBSECTOR: product.subsector_code,
        Grouping.COUNTRY: channel_row.country_code if channel_row else None,
    }


def expected(
    grouping: Grouping, partner_id: int | None = None
) -> tuple[dict[Any, Expected], Expected]:
    """Per group and in total, from every row of the database."""
    groups: dict[Any, Expected] = defaultdict(Expected)
    total = Expected()

    def add(key: Any, apply: Callable[[Expected], None]) -> None:
        apply(groups[key])
        apply(total)

    def in_partnership(where: Channel | None) -> bool:
        return partner_id is None or (where is not None and where.partner_city_id == partner_id)

    for n in db.session.scalars(sa.select(Nomination)):
        if n.status != NominationStatus.ACCEPTED or n.decided_at is None or n.decided_at >= END:
            continue
        if n.channel.ends_on is not None and n.channel.ends_on < PERIOD.first:
            continue
        if not in_partnership(n.channel):
            continue

        def shown(e: Expected, n: Nomination = n) -> None:
            e.businesses.add(n.product.business_id)
            e.products.add(n.product_id)

        add(_keys(n.channel, n.product)[grouping], shown)
    for scan in db.session.scalars(sa.select(Scan)):
        where = db.session.get_one(Channel, scan.channel_id)
        if START <= scan.scanned_at < END and in_partnership(where):
            product = db.session.get_one(Product, scan.product_id)
            add(_keys(where, product)[grouping], lambda e: setattr(e, "scans", e.scans + 1))
    for row in db.session.scalars(sa.select(ProductViewDay)):
        where = db.session.get(Channel, row.channel_id) if row.channel_id else None
        if PERIOD.first <= row.day <= PERIOD.last and in_partnership(where):
            product = db.session.get_one(Product, row.product_id)
            add(
                _keys(where, product)[grouping],
                lambda e, v=row.views: setattr(e, "views", e.views + v),
            )
    for interest in db.session.scalars(sa.select(Interest)):
        if not START <= interest.created_at < END or interest.status == InterestStatus.SPAM:
            continue
        if not in_partnership(interest.channel):
            continue
        keys = _keys(interest.channel, interest.product)
        profile = interest.buyer.buyer_profile
        keys[Grouping.COUNTRY] = profile.country_code if profile else None

        def count(e: Expected, i: Interest = interest) -> None:
            e.interests += 1
            if i.first_reply_at is not None:
                delay = i.first_reply_at - i.created_at
                e.replies += 1
                e.within_48h += delay <= timedelta(hours=48)
                e.delays.append(delay.total_seconds())
            if i.status == InterestStatus.WON:
                e.deals += 1
                e.value_idr += i.won_value_idr or 0

        add(keys[grouping], count)
    return groups, total


def months(partner_id: int | None = None) -> list[tuple[str, int, int]]:
    found: dict[str, list[int]] = {m: [0, 0] for m in PERIOD.months()}
    for interest in db.session.scalars(sa.select(Interest)):
        if not START <= interest.created_at < END or interest.status == InterestStatus.SPAM:
            continue
        where = interest.channel
        if partner_id is not None and (where is None or where.partner_city_id != partner_id):
            continue
        month = (interest.created_at + timedelta(hours=7)).strftime("%Y-%m")
        found[month][0] += 1
        found[month][1] += interest.status == InterestStatus.WON
    return [(m, i, d) for m, (i, d) in found.items()]


def converted(value_idr: int, currency: str | None) -> tuple[Decimal, date] | None:
    """The value in `currency` with the rate in force on the period's last day."""
    if currency is None or currency == "IDR":
        return None
    rates = [
        r
        for r in db.session.scalars(
            sa.select(ExchangeRate).where(ExchangeRate.currency == currency)
        )
        if r.effective_on <= PERIOD.last
    ]
    if not rates:
        return None
    rate = max(rates, key=lambda r: r.effective_on)
    exponent = Decimal(1).scaleb(-get_currency_precision(currency))
    amount = (Decimal(value_idr) / Decimal(rate.idr_per_unit)).quantize(exponent, ROUND_HALF_UP)
    return amount, rate.effective_on


def currency_of(grouping: Grouping, key: Any) -> str | None:
    if key is None:
        return None
    if grouping == Grouping.PARTNER:
        return db.session.get_one(PartnerCity, key).currency
    if grouping == Grouping.CHANNEL:
        currency = db.session.get_one(Channel, key).currency
        return None if currency == "IDR" else currency
    if grouping == Grouping.COUNTRY:
        return country_currency(key, PERIOD.last)
    return None
