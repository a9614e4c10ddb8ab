"""Outcome reports: the figures of a period per partner city, channel, subsector or buyer
country, a total, and the interests and deals of each month.

Every figure comes from an aggregate query (`report_queries`, which also defines what each one
counts). Python puts the per-group rows together, adds the total of the additive figures (each
fact belongs to exactly one group, the "direct" or "unknown" group included) and converts the
value won into the partner's currency.

Values in a partner's currency use one rate per currency: the office's rate in force on the
last day of the period, named beside the figure. Summing deals converted at different rates
would give a figure that no single rate explains.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from datetime import date
from typing import Any

import sqlalchemy as sa
from babel import Locale
from babel.numbers import get_territory_currencies
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from marketplace.channels.models import Channel, ChannelStatus
from marketplace.db import db
from marketplace.ledger.models import ExchangeRate
from marketplace.ledger.rates import ConvertedPrice, convert_with, rate_in_force
from marketplace.money import RUPIAH
from marketplace.office import report_queries as q
from marketplace.office.models import Grouping
from marketplace.periods import Period
from marketplace.reference.models import PartnerCity, Subsector
from marketplace.stock.services import channel_today

Key = int | str | None
NONE_LABELS = {
    Grouping.PARTNER: _l("No partnership"),
    Grouping.CHANNEL: _l("Direct (no channel)"),
    Grouping.SUBSECTOR: _l("No subsector"),
    Grouping.COUNTRY: _l("Unknown"),
}


@dataclass
class Figures:
    msmes: int = 0
    products_shown: int = 0
    scans: int = 0
    views: int = 0
    interests: int = 0
    replies: int = 0
    within_48h: int = 0
    median_reply_seconds: float | None = None
    deals: int = 0
    value_idr: int = 0
    units_sold: int = 0  # pieces sold at the channels (showrooms, stands)
    sales_idr: int = 0

    @property
    def share_within_48h(self) -> float | None:
        """Percent of the interests answered within 48 hours (None without interests)."""
        return 100 * self.within_48h / self.interests if self.interests else None

    @property
    def median_reply_hours(self) -> float | None:
        if self.median_reply_seconds is None:
            return None
        return self.median_reply_seconds / 3600

    @property
    def is_empty(self) -> bool:
        return all(
            not getattr(self, item.name)
            for item in fields(self)
            if item.name != "median_reply_seconds"
        )


@dataclass
class Group:
    key: Key
    label: str
    currency: str | None = None


@dataclass
class Row:
    group: Group
    figures: Figures
    converted: ConvertedPrice | None = None
    sales_converted: ConvertedPrice | None = None


@dataclass
class Stock:
    """Pieces at a channel now, and how many days its products have been there on average."""

    channel: Group
    pieces: int
    products: int
    average_days: float


@dataclass
class District:
    """What the MSMEs of one Bandung district produced in the period."""

    name: str | None
    interests: int = 0
    deals: int = 0
    value_idr: int = 0
    units_sold: int = 0
    sales_idr: int = 0


@dataclass
class Month:
    month: str  # "YYYY-MM"
    interests: int = 0
    deals: int = 0


@dataclass
class Report:
    period: Period
    grouping: Grouping
    rows: list[Row]
    total: Row
    months: list[Month]
    rates: dict[str, ExchangeRate | None] = field(default_factory=dict)
    partner: PartnerCity | None = None
    stock: list[Stock] = field(default_factory=list)
    districts: list[District] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------
# The groups a report lists


def _country_name(code: str, locale: str) -> str:
    return Locale.parse(locale).territories.get(code, code)


def country_currency(code: str, on: date) -> str | None:
    found = get_territory_currencies(code, start_date=on, end_date=on, tender=True)
    return found[0] if found else None


def _groups(
    grouping: Grouping, keys: Iterable[Key], locale: str, period: Period, partner_id: int | None
) -> list[Group]:
    """Every partner city, channel (drafts only with activity) and subsector, so a group with
    nothing to show is seen as such; countries with activity (`keys`). The None group last,
    when it has any."""
    keys = set(keys)
    groups: list[Group] = []
    if grouping == Grouping.PARTNER:
        cities = sa.select(PartnerCity).order_by(
            PartnerCity.since_year.is_(None), PartnerCity.since_year, PartnerCity.name
        )
        if partner_id is not None:
            cities = cities.where(PartnerCity.id == partner_id)
        groups = [Group(c.id, c.name, c.currency) for c in db.session.scalars(cities)]
    elif grouping == Grouping.CHANNEL:
        channels = sa.select(Channel).order_by(Channel.name, Channel.id)
        if partner_id is not None:
            channels = channels.where(Channel.partner_city_id == partner_id)
        groups = [
            Group(c.id, c.name, c.currency if c.currency != RUPIAH else None)
            for c in db.session.scalars(channels)
            if c.status != ChannelStatus.DRAFT or c.id in keys
        ]
    elif grouping == Grouping.SUBSECTOR:
        subsectors = db.session.scalars(sa.select(Subsector))
        groups = sorted(
            (Group(s.code, s.name_for(locale)) for s in subsectors), key=lambda g: g.label
        )
    else:
        codes = sorted(
            (k for k in keys if isinstance(k, str)), key=lambda c: _country_name(c, locale)
        )
        groups = [
            Group(code, _country_name(code, locale), country_currency(code, period.last))
            for code in codes
        ]
    if None in keys:
        groups.append(Group(None, str(NONE_LABELS[grouping])))
    return groups


# ---------------------------------------------------------------------------------------------
# Putting the report together


def _typed(grouping: Grouping, text: str) -> Key:
    """A daily sums' key ("" for none) as the group's own key."""
    if text == "":
        return None
    return int(text) if grouping in (Grouping.PARTNER, Grouping.CHANNEL) else text


def _fill_sums(figures: Figures, row: Any) -> None:
    views, interests, replies, prompt, deals, value = (int(v or 0) for v in row)
    figures.views, figures.interests, figures.replies = views, interests, replies
    figures.within_48h, figures.deals, figures.value_idr = prompt, deals, value


def _median(period: Period, answered: int, grouping: Grouping | None, key: Key) -> float | None:
    """Seconds; None without answered interests."""
    if not answered:
        return None
    micro = db.session.execute(q.median_reply(period, answered, grouping, key)).scalar()
    return float(micro) / 1_000_000 if micro is not None else None


def _collect(
    period: Period, grouping: Grouping, partner_id: int | None, channel_keys: list[str] | None
) -> dict[Key, Figures]:
    by_key: dict[Key, Figures] = {}

    def at(key: Key) -> Figures:
        return by_key.setdefault(key, Figures())

    for row in db.session.execute(q.day_sums(period, grouping, channel_keys)):
        _fill_sums(at(_typed(grouping, row[0])), row[1:])
    for msmes, products, key in db.session.execute(q.shown(period, grouping, partner_id)):
        at(key).msmes, at(key).products_shown = msmes, products
    for count, key in db.session.execute(q.scans(period, grouping, partner_id)):
        at(key).scans = count
    for units, value, key in db.session.execute(q.sales(period, grouping, partner_id)):
        at(key).units_sold, at(key).sales_idr = int(units or 0), int(value or 0)
    for key, figures in by_key.items():
        figures.median_reply_seconds = _median(period, figures.replies, grouping, key)
    return by_key


ADDITIVE = (
    "scans",
    "views",
    "interests",
    "replies",
    "within_48h",
    "deals",
    "value_idr",
    "units_sold",
    "sales_idr",
)


def _total(period: Period, groups: Iterable[Figures], partner_id: int | None) -> Figures:
    """Additive figures are the sum of the groups (every fact counts in exactly one group);
    distinct counts and the median are asked of the database over everything once more. For
    one partnership, its own daily sums and facts."""
    total = Figures()
    for figures in groups:
        for name in ADDITIVE:
            setattr(total, name, getattr(total, name) + getattr(figures, name))
    grouping, key = (Grouping.PARTNER, partner_id) if partner_id is not None else (None, None)
    if partner_id is not None:
        kept = {"scans": total.scans, "units_sold": total.units_sold, "sales_idr": total.sales_idr}
        row = db.session.execute(q.day_sums(period, Grouping.PARTNER, [str(partner_id)])).first()
        total = Figures(**kept)
        if row is not None:
            _fill_sums(total, row[1:])
    msmes, products = db.session.execute(q.shown(period, None, partner_id)).one()
    total.msmes, total.products_shown = msmes, products
    total.median_reply_seconds = _median(period, total.replies, grouping, key)
    return total


def month_series(period: Period, partner_id: int | None = None) -> list[Month]:
    """Every month of the period, those without interests too."""
    found = {
        month: Month(month, int(count or 0), int(deals or 0))
        for month, count, deals in db.session.execute(q.months(period, partner_id))
    }
    return [found.get(month, Month(month)) for month in period.months()]


class Rates:
    """The rate in force on the period's last day, looked up once per currency."""

    def __init__(self, on: date) -> None:
        self.on = on
        self.used: dict[str, ExchangeRate | None] = {}

    def convert(self, value_idr: int, currency: str | None) -> ConvertedPrice | None:
        if currency is None or currency == RUPIAH:
            return None
        if currency not in self.used:
            self.used[currency] = db.session.scalar(rate_in_force(currency, self.on))
        rate = self.used[currency]
        return convert_with(value_idr, rate) if rate is not None else None


def build_report(period: Period, grouping: Grouping, locale: str = "en") -> Report:
    by_key = _collect(period, grouping, None, None)
    return _assemble(period, grouping, locale, by_key, None)


def build_partnership(period: Period, city: PartnerCity, locale: str = "en") -> Report:
    """One partnership: a row per channel of the city, and the city's figures as the total."""
    channel_ids = db.session.scalars(
        sa.select(Channel.id).where(Channel.partner_city_id == city.id)
    ).all()
    by_key = _collect(period, Grouping.CHANNEL, city.id, [str(i) for i in channel_ids])
    return _assemble(period, Grouping.CHANNEL, locale, by_key, city)


def _assemble(
    period: Period,
    grouping: Grouping,
    locale: str,
    by_key: dict[Key, Figures],
    city: PartnerCity | None,
) -> Report:
    partner_id = city.id if city is not None else None
    active = [key for key, figures in by_key.items() if not figures.is_empty]
    groups = _groups(grouping, active, locale, period, partner_id)
    rates = Rates(period.last)
    rows = [
        Row(
            group,
            figures,
            rates.convert(figures.value_idr, group.currency),
            rates.convert(figures.sales_idr, group.currency),
        )
        for group in groups
        for figures in [by_key.get(group.key, Figures())]
    ]
    total_figures = _total(period, by_key.values(), partner_id)
    currency = city.currency if city is not None else None
    total = Row(
        Group("total", _("Total"), currency),
        total_figures,
        rates.convert(total_figures.value_idr, currency),
        rates.convert(total_figures.sales_idr, currency),
    )
    return Report(
        period=period,
        grouping=grouping,
        rows=rows,
        total=total,
        months=month_series(period, partner_id),
        rates=rates.used,
        partner=city,
        stock=stock_at_channels(partner_id),
        districts=by_district(period) if city is None else [],
    )


def by_district(period: Period) -> list[District]:
    """Interests, deals and sales at the channels per Bandung district of the MSMEs, by name
    (businesses without a district last)."""
    found: dict[str | None, District] = {}
    for name, interests, deals, value in db.session.execute(q.district_interests(period)):
        found[name] = District(name, int(interests or 0), int(deals or 0), int(value or 0))
    for name, units, value in db.session.execute(q.district_sales(period)):
        district = found.setdefault(name, District(name))
        district.units_sold, district.sales_idr = int(units or 0), int(value or 0)
    return sorted(found.values(), key=lambda d: (d.name is None, d.name or ""))


def stock_at_channels(partner_id: int | None = None) -> list[Stock]:
    """Every channel with pieces on hand now: the pieces, the products, and the products'
    average days at the channel since their first arrival, to today where the channel is."""
    channels = {c.id: c for c in db.session.scalars(sa.select(Channel))}
    names = {c.id: Group(c.id, c.name, c.currency) for c in channels.values()}
    todays: dict[int, date] = {}
    found: dict[int, list[tuple[int, int]]] = {}
    for channel_id, pieces, arrived in db.session.execute(q.stock_on_hand(partner_id)):
        if channel_id not in todays:
            todays[channel_id] = channel_today(channels[channel_id])
        today = todays[channel_id]
        days = (today - arrived).days if arrived is not None and arrived <= today else 0
        found.setdefault(channel_id, []).append((int(pieces), days))
    return [
        Stock(
            names[channel_id],
            sum(pieces for pieces, _days in items),
            len(items),
            sum(days for _pieces, days in items) / len(items),
        )
        for channel_id, items in sorted(found.items(), key=lambda kv: names[kv[0]].label)
    ]
