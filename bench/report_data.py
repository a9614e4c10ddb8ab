"""Generated activity for the outcome-report benchmark: businesses and products, channels of
every partnership, line-ups, shelf-tag scans, dated product views, buyers in many countries,
interests with replies and deals, and exchange rates.

The distributions are those of a working marketplace rather than uniform noise: a few products
draw most interests, a third of the interests come through a channel, replies take from minutes
to weeks (most within two days), about one interest in eight ends in a deal whose value spreads
over three orders of magnitude, and activity grows over the two years. The same sizes and seed
always give the same rows. Rows are written with `bench.generate.write` (COPY on PostgreSQL,
executemany on SQLite), in chunks; then the reports' facts and daily sums are recounted from
them in one pass (`office.rollups.rebuild`), as after any bulk import.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from bench.generate import analyze, table_of, write
from marketplace.channels.models import Channel
from marketplace.channels.seed import load_reference_data
from marketplace.db import db
from marketplace.office.rollups import rebuild
from marketplace.reference.models import PartnerCity

SEED = 20260521
# The last moment of generated activity; the period runs back MONTHS months from here.
EPOCH = datetime(2026, 11, 1, tzinfo=UTC)
MONTHS = 24
PRODUCTS_PER_BUSINESS = 20
BUYERS = 20_000
CHUNK = 50_000
SUBSECTORS = ["kriya", "fesyen", "kuliner", "desain-produk", "seni-rupa", "musik", "penerbitan"]
# Buyer countries and their weight; None is a buyer without a company profile.
COUNTRIES = [
    ("DE", 18), ("KR", 16), ("BE", 8), ("MY", 14), ("US", 9), ("AU", 7), ("CN", 10),
    ("FR", 5), ("NL", 4), ("JP", 4), ("SG", 3), (None, 2),
]  # fmt: skip
INTEREST_STATUSES = [
    ("new", 0.13), ("replied", 0.22), ("negotiating", 0.10), ("won", 0.12),
    ("lost", 0.27), ("withdrawn", 0.11), ("spam", 0.05),
]  # fmt: skip
RATES = {"EUR": 17_200, "USD": 15_800, "KRW": 11.6, "CNY": 2_180, "MYR": 3_400, "AUD": 10_300}
# Extra channels beside the seeded ones: (name, kind, partner city, country, currency).
CHANNELS = [
    ("Little Bandung Petaling Jaya", "showroom", "Petaling Jaya", "MY", "MYR"),
    ("Little Bandung Namur", "showroom", "Namur", "BE", "EUR"),
    ("Harz und Heide 2024", "trade_fair", "Braunschweig", "DE", "EUR"),
    ("Harz und Heide 2025", "trade_fair", "Braunschweig", "DE", "EUR"),
    ("Fort Worth Craft Market", "trade_fair", "Fort Worth", "US", "USD"),
    ("Suwon Design Week", "festival", "Suwon", "KR", "KRW"),
    ("Hangzhou Cultural Expo", "trade_fair", "Hangzhou", "CN", "CNY"),
    ("Melbourne Design Market", "trade_fair", "Melbourne", "AU", "AUD"),
    ("Little Bandung Paris", "showroom", None, "FR", "EUR"),
]


@dataclass
class Counts:
    businesses: int = 0
    products: int = 0
    channels: int = 0
    nominations: int = 0
    scans: int = 0
    view_days: int = 0
    buyers: int = 0
    interests: int = 0
    rates: int = 0
    facts: int = 0


def _reset_sequences(connection: sa.Connection, tables: list[Any]) -> None:
    """Rows were written with their ids: move PostgreSQL's id sequences past them."""
    if connection.dialect.name != "postgresql":
        return
    for table in tables:
        connection.exec_driver_sql(
            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
            f'COALESCE((SELECT max(id) FROM "{table.name}"), 1))'
        )


def _moment(rng: random.Random) -> datetime:
    """A moment of the last MONTHS months, later ones more likely (the marketplace grows)."""
    share = math.sqrt(rng.random())
    return EPOCH - timedelta(seconds=int((1 - share) * MONTHS * 30.4 * 86400))


def _pick(rng: random.Random, weighted: list[tuple[Any, float]]) -> Any:
    roll, acc = rng.random() * sum(w for _, w in weighted), 0.0
    for value, weight in weighted:
        acc += weight
        if roll < acc:
            return value
    return weighted[-1][0]


def _chunks(rows: Iterator[dict[str, Any]], size: int = CHUNK) -> Iterator[list[dict[str, Any]]]:
    chunk: list[dict[str, Any]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _channels(connection: sa.Connection) -> list[tuple[int, str]]:
    """Add the extra channels; return (id, country) of every channel."""
    cities = {
        name: id_ for id_, name in connection.execute(sa.select(PartnerCity.id, PartnerCity.name))
    }
    next_id = (connection.scalar(sa.select(sa.func.max(Channel.id))) or 0) + 1
    rows = []
    for n, (name, kind, city, country, currency) in enumerate(CHANNELS):
        rows.append(
            {
                "id": next_id + n,
                "slug": name.lower().replace(" ", "-"),
                "name": name,
                "kind": kind,
                "city": city or "Paris",
                "country_code": country,
                "partner_city_id": cities.get(city) if city else None,
                "description": "",
                "locale": "en",
                "currency": currency,
                "status": "open",
                "created_at": EPOCH - timedelta(days=800),
                "updated_at": EPOCH,
            }
        )
    write(connection, table_of(Channel), rows)
    _reset_sequences(connection, [Channel.__table__])
    query = sa.select(Channel.id, Channel.country_code).order_by(Channel.id)
    return [(row.id, row.country_code) for row in connection.execute(query)]


def _people(rng: random.Random, businesses: int) -> Iterator[dict[str, Any]]:
    for n in range(1, businesses + BUYERS + 1):
        role = "msme" if n <= businesses else "buyer"
        yield {
            "id": n,
            "email": f"{role}{n}@reports.bench",
            "name": f"{role.title()} {n}",
            "password_hash": "bench-no-login",
            "role": role,
            "status": "active",
            "locale": "en",
            "session_token": f"bench-{n}",
            "created_at": EPOCH - timedelta(days=900),
        }


def _profiles(rng: random.Random, businesses: int) -> Iterator[dict[str, Any]]:
    for n in range(businesses + 1, businesses + BUYERS + 1):
        country = _pick(rng, COUNTRIES)
        if country is None:
            continue
        yield {
            "user_id": n,
            "company": f"Trading {n}",
            "buyer_type": rng.choice(["importer", "distributor", "retailer", "showroom"]),
            "city": "City",
            "country_code": country,
        }


def _businesses(rng: random.Random, count: int) -> Iterator[dict[str, Any]]:
    for n in range(1, count + 1):
        yield {
            "id": n,
            "owner_id": n,
            "name": f"Usaha {n}",
            "slug": f"usaha-{n}",
            "subsector_code": rng.choice(SUBSECTORS),
            "description": "",
            "export_experience": "none",
            "status": "verified" if rng.random() < 0.96 else "suspended",
            "created_at": EPOCH - timedelta(days=900),
            "updated_at": EPOCH,
        }


def _products(rng: random.Random, count: int, businesses: int) -> Iterator[dict[str, Any]]:
    for n in range(1, count + 1):
        yield {
            "id": n,
            "business_id": (n - 1) // PRODUCTS_PER_BUSINESS % businesses + 1,
            "slug": f"produk-{n}",
            "name": f"Produk {n}",
            "description": "",
            "subsector_code": rng.choice(SUBSECTORS) if rng.random() < 0.97 else None,
            "price_idr": rng.randint(30, 5000) * 1000,
            "unit": "piece",
            "status": "published" if rng.random() < 0.9 else "pending_review",
            "view_count": 0,
            "created_at": EPOCH - timedelta(days=850),
            "updated_at": EPOCH,
        }


def _rates() -> Iterator[dict[str, Any]]:
    for currency, base in RATES.items():
        for month in range(MONTHS + 1):
            day = (EPOCH - timedelta(days=30 * month)).date().replace(day=1)
            drift = 1 + 0.02 * math.sin(month / 3)
            yield {
                "currency": currency,
                "idr_per_unit": Decimal(str(round(base * drift, 4))),
                "effective_on": day,
                "created_at": EPOCH,
            }


def generate(products: int, interests: int, seed: int = SEED) -> Counts:
    """Fill an empty, migrated database. Needs an app context."""
    rng = random.Random(seed)
    load_reference_data()
    db.session.commit()
    businesses = max(5, products // PRODUCTS_PER_BUSINESS)
    counts = Counts(businesses=businesses, products=products)
    tables = db.metadata.tables
    with db.engine.begin() as connection:
        channels = _channels(connection)
        counts.channels = len(channels)
        for name, rows in (
            ("users", _people(rng, businesses)),
            ("buyer_profiles", _profiles(rng, businesses)),
            ("businesses", _businesses(rng, businesses)),
            ("products", _products(rng, products, businesses)),
            ("exchange_rates", _rates()),
        ):
            for chunk in _chunks(rows):
                write(connection, tables[name], chunk)
                if name == "exchange_rates":
                    counts.rates += len(chunk)
        counts.buyers = BUYERS
        accepted = _line_ups(connection, rng, products, channels, counts)
        _scans_and_views(connection, rng, products, accepted, channels, counts)
        _interests(connection, rng, products, businesses, channels, interests, counts)
        _reset_sequences(
            connection, [tables[n] for n in ("users", "businesses", "products", "nominations")]
        )
    analyze()
    with db.engine.begin() as connection:
        counts.facts = rebuild(connection)
    analyze()
    return counts


def _line_ups(
    connection: sa.Connection,
    rng: random.Random,
    products: int,
    channels: list[tuple[int, str]],
    counts: Counts,
) -> list[tuple[int, int, int]]:
    """Nominations of one product in twelve; three in four accepted. Returns the accepted ones
    as (nomination id, channel id, product id)."""
    rows, accepted = [], []
    for product_id in range(1, products + 1):
        if rng.random() >= 1 / 12:
            continue
        channel_id = rng.choice(channels)[0]
        created = _moment(rng)
        status = "accepted" if rng.random() < 0.75 else rng.choice(["nominated", "declined"])
        nomination_id = len(rows) + 1
        rows.append(
            {
                "id": nomination_id,
                "product_id": product_id,
                "channel_id": channel_id,
                "status": status,
                "note": "",
                "decided_at": created + timedelta(days=rng.randint(1, 20))
                if status != "nominated"
                else None,
                "qr_token": f"t{nomination_id}" if status == "accepted" else None,
                "created_at": created,
                "updated_at": created,
            }
        )
        if status == "accepted":
            accepted.append((nomination_id, channel_id, product_id))
    for chunk in _chunks(iter(rows)):
        write(connection, db.metadata.tables["nominations"], chunk)
    counts.nominations = len(rows)
    return accepted


def _scans_and_views(
    connection: sa.Connection,
    rng: random.Random,
    products: int,
    accepted: list[tuple[int, int, int]],
    channels: list[tuple[int, str]],
    counts: Counts,
) -> None:
    """Scans of accepted products' tags, and about five days with views per product."""

    def scans() -> Iterator[dict[str, Any]]:
        for nomination_id, channel_id, product_id in accepted:
            for _ in range(int(rng.expovariate(1 / 25))):
                counts.scans += 1
                yield {
                    "nomination_id": nomination_id,
                    "channel_id": channel_id,
                    "product_id": product_id,
                    "scanned_at": _moment(rng),
                }

    def view_days() -> Iterator[dict[str, Any]]:
        for product_id in range(1, products + 1):
            days: set[tuple[int, date]] = set()
            for _ in range(int(rng.expovariate(1 / 5)) + 1):
                channel_id = rng.choice(channels)[0] if rng.random() < 0.2 else 0
                days.add((channel_id, _moment(rng).date()))
            for channel_id, day in days:
                counts.view_days += 1
                yield {
                    "product_id": product_id,
                    "channel_id": channel_id or None,
                    "channel_key": channel_id,
                    "day": day,
                    "views": int(rng.expovariate(1 / 6)) + 1,
                }

    for name, rows in (("scans", scans()), ("product_view_days", view_days())):
        for chunk in _chunks(rows):
            write(connection, db.metadata.tables[name], chunk)


def _interests(
    connection: sa.Connection,
    rng: random.Random,
    products: int,
    businesses: int,
    channels: list[tuple[int, str]],
    total: int,
    counts: Counts,
) -> None:
    buyers = range(businesses + 1, businesses + BUYERS + 1)
    statuses = [(status, share) for status, share in INTEREST_STATUSES]

    def rows() -> Iterator[dict[str, Any]]:
        for _ in range(total):
            created = _moment(rng)
            status = _pick(rng, statuses)
            answered = status not in ("new", "spam") and not (
                status in ("lost", "withdrawn") and rng.random() < 0.3
            )
            # Minutes to weeks: half within about a day, a long tail beyond 48 hours.
            delay = timedelta(seconds=int(rng.lognormvariate(math.log(20 * 3600), 1.3)))
            replied = min(created + delay, EPOCH) if answered else None
            closed = (
                (replied or created) + timedelta(days=rng.randint(1, 60))
                if status in ("won", "lost", "withdrawn", "spam")
                else None
            )
            yield {
                "buyer_id": rng.choice(buyers),
                "product_id": int(products * rng.random() ** 2.5) + 1,
                "channel_id": rng.choice(channels)[0] if rng.random() < 0.35 else None,
                "quantity": rng.choice([None, 10, 50, 100, 500]),
                "message": "We would like to know more.",
                "status": status,
                "won_quantity": rng.randint(10, 2000) if status == "won" else None,
                "won_value_idr": int(rng.lognormvariate(math.log(40_000_000), 1.2))
                if status == "won"
                else None,
                "first_reply_at": replied,
                "closed_at": closed,
                "created_at": created,
                "updated_at": closed or replied or created,
            }

    for chunk in _chunks(rows()):
        write(connection, db.metadata.tables["interests"], chunk)
        counts.interests += len(chunk)
