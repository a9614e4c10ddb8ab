"""Keeping the outcome reports' tables in step with what they count.

Reports over a million interests cannot afford to parse timestamps and group every interest
again on each page. So each interest is summarised once, when it is written, as an
`InterestFact` (its Bandung day, its groups, its reply time in microseconds, whether it was
won and for how much), and every day's sums per group live in `ReportDay`. A report then adds
up a few thousand daily rows and finds each median by walking an index of reply times.

After every flush that wrote interests, their facts are replaced and the daily sums of the
groups they left and joined are corrected by the difference. Differences are added, never
overwritten, so two requests writing at once each add their own share. Product views are
added to the daily sums as they are counted (`add_views`): once per visitor and day, bots never
(`marketplace.counting`), so the sums hold counted visits, not requests. `rebuild` recounts
everything from the interests and the product views (`flask rebuild-reports`), e.g. after a
bulk import.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from marketplace.accounts.models import BuyerProfile
from marketplace.channels.models import Channel
from marketplace.interests.models import Interest, InterestStatus, StandVisitor
from marketplace.office.models import Grouping, InterestFact, ProductViewDay, ReportDay
from marketplace.periods import OFFICE_TIMEZONE, OFFICE_UTC_OFFSET_HOURS
from marketplace.products.models import Product

MICROSECONDS = 1_000_000
PROMPT_US = 48 * 3600 * MICROSECONDS  # "answered within 48 hours"
FACTS = cast(sa.Table, InterestFact.__table__)
DAYS = cast(sa.Table, ReportDay.__table__)
INTEREST_SUMS = ("interests", "replies", "within_48h", "deals", "value_idr")
# Changes of these attributes change what an interest counts for.
COUNTED_FIELDS = (
    "status",
    "first_reply_at",
    "won_value_idr",
    "created_at",
    "channel_id",
    "product_id",
    "buyer_id",
)


def _postgres(connection: sa.Connection) -> bool:
    return connection.dialect.name == "postgresql"


def _insert(connection: sa.Connection) -> Any:
    return postgresql.insert if _postgres(connection) else sqlite.insert


# ---------------------------------------------------------------------------------------------
# One interest's fact


def _sqlite_microseconds(column: Any) -> sa.ColumnElement[int]:
    """SQLite keeps timestamps as "YYYY-MM-DD HH:MM:SS.ffffff": whole seconds since the epoch
    from strftime, microseconds from the last six characters, so the result is exact."""
    seconds = sa.cast(sa.func.strftime("%s", column), sa.BigInteger)
    return seconds * MICROSECONDS + sa.cast(sa.func.substr(column, 21, 6), sa.BigInteger)


def _arrived_on(connection: sa.Connection) -> sa.ColumnElement[date]:
    if _postgres(connection):
        return sa.cast(sa.func.timezone(OFFICE_TIMEZONE.key, Interest.created_at), sa.Date)
    return sa.func.date(Interest.created_at, f"+{OFFICE_UTC_OFFSET_HOURS} hours")


def _reply_us(connection: sa.Connection) -> sa.ColumnElement[int]:
    if _postgres(connection):
        seconds = sa.extract("epoch", Interest.first_reply_at - Interest.created_at)
        return sa.cast(sa.func.round(seconds * MICROSECONDS), sa.BigInteger)
    return _sqlite_microseconds(Interest.first_reply_at) - _sqlite_microseconds(Interest.created_at)


def fact_select(connection: sa.Connection, ids: Iterable[int] | None = None) -> sa.Select[Any]:
    """The facts of the given interests (all when None), spam left out, in FACTS' column order."""
    won = Interest.status == InterestStatus.WON
    query = (
        sa.select(
            Interest.id,
            _arrived_on(connection),
            Interest.channel_id,
            Channel.partner_city_id,
            Product.subsector_code,
            sa.func.coalesce(BuyerProfile.country_code, StandVisitor.country_code),
            _reply_us(connection),
            sa.case((won, 1), else_=0),
            sa.case((won, sa.func.coalesce(Interest.won_value_idr, 0)), else_=0),
        )
        .select_from(Interest)
        .join(Product, Product.id == Interest.product_id)
        .outerjoin(Channel, Channel.id == Interest.channel_id)
        .outerjoin(BuyerProfile, BuyerProfile.user_id == Interest.buyer_id)
        .outerjoin(StandVisitor, StandVisitor.id == Interest.visitor_id)
        .where(Interest.status != InterestStatus.SPAM)
    )
    if ids is not None:
        query = query.where(Interest.id.in_(list(ids)))
    return query


FACT_COLUMNS = [column.name for column in FACTS.columns]


def _keys(fact: Any) -> dict[Grouping, str]:
    """The group a fact counts for, in each grouping ("" for none)."""

    def text(value: Any) -> str:
        return "" if value is None else str(value)

    return {
        Grouping.PARTNER: text(fact.partner_city_id),
        Grouping.CHANNEL: text(fact.channel_id),
        Grouping.SUBSECTOR: text(fact.subsector_code),
        Grouping.COUNTRY: text(fact.buyer_country),
    }


def _sums(fact: Any) -> dict[str, int]:
    answered = fact.reply_us is not None
    return {
        "interests": 1,
        "replies": int(answered),
        "within_48h": int(answered and fact.reply_us <= PROMPT_US),
        "deals": int(fact.won),
        "value_idr": int(fact.value_idr),
    }


Delta = dict[tuple[Grouping, str, date], dict[str, int]]


def _add(delta: Delta, facts: Iterable[Any], sign: int) -> None:
    for fact in facts:
        day = fact.arrived_on
        if isinstance(day, str):  # SQLite returns the computed date as text
            day = date.fromisoformat(day)
        for dimension, key in _keys(fact).items():
            cell = delta[(dimension, key, day)]
            for name, value in _sums(fact).items():
                cell[name] = cell.get(name, 0) + sign * value


def _apply(connection: sa.Connection, delta: Delta) -> None:
    """Add each difference to its day's row (created when missing)."""
    rows = [
        {
            "dimension": d,
            "group_key": k,
            "day": day,
            "views": 0,
            **{n: sums.get(n, 0) for n in INTEREST_SUMS},
        }
        for (d, k, day), sums in delta.items()
        if any(sums.values())
    ]
    if not rows:
        return
    statement = _insert(connection)(DAYS)
    connection.execute(
        statement.on_conflict_do_update(
            index_elements=["dimension", "group_key", "day"],
            set_={name: DAYS.c[name] + statement.excluded[name] for name in INTEREST_SUMS},
        ),
        rows,
    )


def refresh_facts(connection: sa.Connection, ids: Iterable[int]) -> None:
    """Replace the facts of these interests and correct the daily sums by the difference."""
    ids = sorted(set(ids))
    if not ids:
        return
    delta: Delta = defaultdict(dict)
    facts = sa.select(FACTS).where(FACTS.c.interest_id.in_(ids))
    _add(delta, connection.execute(facts).all(), -1)
    connection.execute(sa.delete(FACTS).where(FACTS.c.interest_id.in_(ids)))
    connection.execute(sa.insert(FACTS).from_select(FACT_COLUMNS, fact_select(connection, ids)))
    _add(delta, connection.execute(facts).all(), +1)
    _apply(connection, delta)


def forget_facts(connection: sa.Connection, ids: Iterable[int]) -> None:
    """Interests about to be deleted: take their facts out of the daily sums."""
    ids = sorted(set(ids))
    if not ids:
        return
    delta: Delta = defaultdict(dict)
    facts = sa.select(FACTS).where(FACTS.c.interest_id.in_(ids))
    _add(delta, connection.execute(facts).all(), -1)
    connection.execute(sa.delete(FACTS).where(FACTS.c.interest_id.in_(ids)))
    _apply(connection, delta)


# ---------------------------------------------------------------------------------------------
# Product views


def add_views(
    connection: sa.Connection, product_id: int, channel_id: int | None, day: date, views: int = 1
) -> None:
    """Count views of a product in the daily sums of its subsector and of the channel (and so
    the partner city and the country) the visit came through."""
    subsector = connection.scalar(sa.select(Product.subsector_code).where(Product.id == product_id))
    partner, country = None, None
    if channel_id is not None:
        partner, country = connection.execute(
            sa.select(Channel.partner_city_id, Channel.country_code).where(Channel.id == channel_id)
        ).one()
    keys = {
        Grouping.PARTNER: partner,
        Grouping.CHANNEL: channel_id,
        Grouping.SUBSECTOR: subsector,
        Grouping.COUNTRY: country,
    }
    rows = [
        {
            "dimension": dimension,
            "group_key": "" if key is None else str(key),
            "day": day,
            "views": views,
            **dict.fromkeys(INTEREST_SUMS, 0),
        }
        for dimension, key in keys.items()
    ]
    statement = _insert(connection)(DAYS)
    connection.execute(
        statement.on_conflict_do_update(
            index_elements=["dimension", "group_key", "day"],
            set_={"views": DAYS.c.views + statement.excluded.views},
        ),
        rows,
    )


# ---------------------------------------------------------------------------------------------
# Recounting everything


def _key_text(column: Any) -> sa.ColumnElement[str]:
    return sa.func.coalesce(sa.cast(column, sa.String), "")


def rebuild(connection: sa.Connection) -> int:
    """Recount the facts and the daily sums from the interests and the product views (groups as
    they are now). Returns the number of facts."""
    connection.execute(sa.delete(DAYS))
    connection.execute(sa.delete(FACTS))
    connection.execute(sa.insert(FACTS).from_select(FACT_COLUMNS, fact_select(connection)))
    views = cast(sa.Table, ProductViewDay.__table__)
    view_keys = {
        Grouping.PARTNER: Channel.partner_city_id,
        Grouping.CHANNEL: views.c.channel_id,
        Grouping.SUBSECTOR: Product.subsector_code,
        Grouping.COUNTRY: Channel.country_code,
    }
    for dimension, column in view_keys.items():
        key = _key_text(column)
        connection.execute(
            sa.insert(DAYS).from_select(
                ["dimension", "group_key", "day", "views", *INTEREST_SUMS],
                sa.select(
                    sa.literal(dimension.value),
                    key,
                    views.c.day,
                    sa.func.sum(views.c.views),
                    *[sa.literal(0)] * len(INTEREST_SUMS),
                )
                .select_from(views)
                .join(Product, Product.id == views.c.product_id)
                .outerjoin(Channel, Channel.id == views.c.channel_id)
                .group_by(key, views.c.day),
            )
        )
    fact_keys = {
        Grouping.PARTNER: FACTS.c.partner_city_id,
        Grouping.CHANNEL: FACTS.c.channel_id,
        Grouping.SUBSECTOR: FACTS.c.subsector_code,
        Grouping.COUNTRY: FACTS.c.buyer_country,
    }
    answered_soon = sa.case((FACTS.c.reply_us <= PROMPT_US, 1), else_=0)
    for dimension, column in fact_keys.items():
        key = _key_text(column)
        statement = _insert(connection)(DAYS).from_select(
            ["dimension", "group_key", "day", "views", *INTEREST_SUMS],
            sa.select(
                sa.literal(dimension.value),
                key,
                FACTS.c.arrived_on,
                sa.literal(0),
                sa.func.count(),
                sa.func.count(FACTS.c.reply_us),
                sa.func.sum(answered_soon),
                sa.func.sum(FACTS.c.won),
                sa.func.sum(FACTS.c.value_idr),
            )
            .where(sa.true())  # SQLite needs a WHERE before an upsert's ON CONFLICT
            .group_by(key, FACTS.c.arrived_on),
        )
        connection.execute(
            statement.on_conflict_do_update(
                index_elements=["dimension", "group_key", "day"],
                set_={name: statement.excluded[name] for name in INTEREST_SUMS},
            )
        )
    return connection.scalar(sa.select(sa.func.count()).select_from(FACTS)) or 0


# ---------------------------------------------------------------------------------------------
# Following the interests (receivers of `marketplace.interests.events`)


def _changed(obj: Any) -> bool:
    state = sa.inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in COUNTED_FIELDS)


def forget_deleted_interests(session: Session, ids: list[int]) -> None:
    """Deleted interests take their facts with them (ON DELETE CASCADE): count them out first."""
    forget_facts(session.connection(), ids)


def refresh_flushed_interests(
    session: Session, added: list[Interest], changed: list[Interest], deleted: list[Interest]
) -> None:
    """Deleted interests were counted out before the flush (`forget_deleted_interests`)."""
    ids = [obj.id for obj in added] + [obj.id for obj in changed if _changed(obj)]
    if ids:
        refresh_facts(session.connection(), ids)
