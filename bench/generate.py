"""A deterministic catalog for the benchmarks: businesses, products in five languages, photos
(rows only), certificates, channel line-ups and interests, written in bulk.

The same size and seed always give the same rows. Rows go in with executemany on SQLite and
COPY on PostgreSQL, in chunks, then the search index is rebuilt in one pass. `bench.run`
creates and migrates the database, then calls `generate`.
"""

from __future__ import annotations

import hashlib
import math
import random
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from bench import words
from marketplace.accounts.models import User
from marketplace.businesses.models import Business, BusinessCertification
from marketplace.channels.models import Channel, Nomination
from marketplace.channels.seed import load_reference_data
from marketplace.db import db
from marketplace.interests.models import Interest
from marketplace.products.models import product_certification
from marketplace.search.index import rebuild_index

SEED = 20260521
EPOCH = datetime(2026, 11, 1, tzinfo=UTC)
PRODUCTS_PER_BUSINESS = 20
BUYERS = 200
INTERESTS_PER_PRODUCT = 0.5
CHUNK = 10_000  # products generated and written at a time
CERTIFICATE_CODES = ["halal", "sni", "pirt", "bpom", "svlk", "haki"]
GOODS_SUBSECTORS = ["kriya", "fesyen", "kuliner", "desain-produk", "seni-rupa"]
# Share of each product status; the rest are published.
OTHER_STATUSES = [("draft", 0.04), ("pending_review", 0.03), ("archived", 0.03), ("rejected", 0.02)]
TRANSLATION_SHARE = {"id": 0.9, "de": 0.4, "fr": 0.3, "ko": 0.25, "zh": 0.2}


@dataclass
class Counts:
    products: int = 0
    published: int = 0
    businesses: int = 0
    translations: int = 0
    images: int = 0
    nominations: int = 0
    interests: int = 0
    indexed: int = 0


def _zipf(rng: random.Random, options: Sequence[Any]) -> Any:
    """Early options far more often than late ones, as words are in real text."""
    return options[min(len(options) - 1, int(len(options) * rng.random() ** 2.2))]


def _pseudo_word(rng: random.Random) -> str:
    return "".join(rng.choice(words.SYLLABLES) for _ in range(rng.randint(2, 3)))


def _moment(rng: random.Random, days: int = 3 * 365) -> datetime:
    return EPOCH - timedelta(seconds=rng.randint(0, days * 86400))


def _defaults(table: sa.Table, given: set[str]) -> dict[str, Any]:
    """Column defaults the rows do not set (so new NOT NULL columns with a default work)."""
    values: dict[str, Any] = {}
    for column in table.columns:
        default = column.default
        if column.name in given or default is None or not getattr(default, "is_scalar", False):
            continue
        arg = getattr(default, "arg", None)
        values[column.name] = arg.value if hasattr(arg, "value") else arg
    return values


def table_of(model: type[Any]) -> sa.Table:
    """A mapped class's table (typed as a plain FromClause by SQLAlchemy)."""
    table = model.__table__
    assert isinstance(table, sa.Table)
    return table


def write(connection: sa.Connection, table: sa.Table, rows: list[dict[str, Any]]) -> None:
    """Bulk insert: COPY on PostgreSQL, executemany elsewhere."""
    if not rows:
        return
    extra = _defaults(table, set(rows[0]))
    if extra:
        rows = [{**extra, **row} for row in rows]
    if connection.dialect.name != "postgresql":
        connection.execute(table.insert(), rows)
        return
    columns = list(rows[0])
    raw = connection.connection.driver_connection
    assert raw is not None
    names = ", ".join(f'"{name}"' for name in columns)
    with raw.cursor() as cursor:
        with cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row(tuple(row[name] for name in columns))


def _texts(rng: random.Random) -> tuple[dict[str, tuple[str, str]], str]:
    """Name and description of one product in every language (not all will be used), and
    its material in English."""
    item = _zipf(rng, words.ITEMS)
    material = _zipf(rng, words.MATERIALS)
    adjective = _zipf(rng, words.ADJECTIVES)
    motif = _pseudo_word(rng).capitalize() if rng.random() < 0.4 else ""
    texts: dict[str, tuple[str, str]] = {}
    for n, language in enumerate(words.LANGUAGES):
        i, m, a = item[n], material[n], adjective[n]
        name = {
            "en": f"{a.capitalize()} {m} {i}",
            "id": f"{i.capitalize()} {m} {a}",
            "de": f"{m}{i.lower()}, {a}" if rng.random() < 0.3 else f"{i} aus {m}, {a}",
            "fr": f"{i.capitalize()} {a} en {m}",
            # Korean compounds often go without a space, Chinese never has one
            "ko": f"{a} {m}{i}" if rng.random() < 0.4 else f"{a} {m} {i}",
            "zh": f"{a}{m}{i}",
        }[language]
        if motif:
            name += f" {motif}"
        pool = words.SENTENCES[language]
        sentences = [pool[0].format(adj=a, material=m, item=i)]
        sentences += [
            rng.choice(pool).format(adj=a, material=m, item=i) for _ in range(rng.randint(2, 5))
        ]
        texts[language] = (name[:160], " ".join(sentences))
    return texts, material[0]


def _people(rng: random.Random, businesses: int) -> tuple[list[dict[str, Any]], list[int]]:
    users = []
    for n in range(1, businesses + BUYERS + 1):
        role = "msme" if n <= businesses else "buyer"
        users.append(
            {
                "id": n,
                "email": f"{role}{n}@bench.example",
                "name": f"{role.title()} {n}",
                "password_hash": "bench-no-login",
                "role": role,
                "status": "active",
                "locale": "id" if role == "msme" else "en",
                "session_token": f"bench-{n}",
                "created_at": _moment(rng),
            }
        )
    return users, list(range(businesses + 1, businesses + BUYERS + 1))


def _businesses(rng: random.Random, count: int) -> list[dict[str, Any]]:
    rows = []
    levels = ["none", "none", "indirect", "direct"]
    for n in range(1, count + 1):
        name = (
            f"{rng.choice(words.BUSINESS_PREFIXES)} {_pseudo_word(rng).capitalize()} "
            f"{rng.choice(words.BUSINESS_SUFFIXES)}"
        )
        status = "verified" if rng.random() < 0.95 else rng.choice(["pending", "suspended"])
        rows.append(
            {
                "id": n,
                "owner_id": n,
                "name": name,
                "slug": f"{name.lower().replace(' ', '-')}-{n}",
                "subsector_code": rng.choice(GOODS_SUBSECTORS),
                "district": rng.choice(words.DISTRICTS),
                "description": f"A workshop in {rng.choice(words.DISTRICTS)}, Bandung.",
                "export_experience": rng.choice(levels),
                "status": status,
                "verified_at": _moment(rng) if status == "verified" else None,
                "created_at": _moment(rng),
                "updated_at": EPOCH,
            }
        )
    return rows


def _certificates(rng: random.Random, businesses: int) -> dict[int, list[int]]:
    """business id -> ids of its certificates; rows are written by the caller."""
    held: dict[int, list[int]] = {}
    next_id = 1
    for business_id in range(1, businesses + 1):
        if rng.random() < 0.35:
            held[business_id] = list(range(next_id, next_id + rng.randint(1, 2)))
            next_id += len(held[business_id])
    return held


def _status(rng: random.Random) -> str:
    roll = rng.random()
    for status, share in OTHER_STATUSES:
        if roll < share:
            return status
        roll -= share
    return "published"


def _product_chunk(
    rng: random.Random, first_id: int, count: int, businesses: int, held: dict[int, list[int]]
) -> dict[str, list[dict[str, Any]]]:
    rows: dict[str, list[dict[str, Any]]] = {
        "products": [],
        "product_translations": [],
        "product_images": [],
        "product_certifications": [],
    }
    for product_id in range(first_id, first_id + count):
        business_id = (product_id - 1) // PRODUCTS_PER_BUSINESS % businesses + 1
        texts, material = _texts(rng)
        status = _status(rng)
        name, description = texts["en"]
        price = int(math.exp(rng.uniform(math.log(15_000), math.log(5_000_000)))) // 500 * 500
        rows["products"].append(
            {
                "id": product_id,
                "business_id": business_id,
                "slug": f"product-{product_id}",
                "name": name,
                "description": description,
                "subsector_code": rng.choice(GOODS_SUBSECTORS),
                "hs_code": "4602.19",
                "price_idr": max(price, 500),
                "unit": rng.choice(words.UNITS),
                "moq": rng.choice([1, 5, 10, 20, 50, 100, 200, 500]),
                "lead_time_days": rng.choice([3, 7, 14, 21, 30, 45, 60, 90]),
                "monthly_capacity": rng.choice([50, 100, 300, 1000]),
                "materials": material if rng.random() < 0.8 else None,
                "story": (
                    rng.choice(words.STORIES).format(
                        district=rng.choice(words.DISTRICTS),
                        year=rng.randint(1990, 2024),
                        count=rng.randint(3, 40),
                    )
                    if rng.random() < 0.3
                    else None
                ),
                "status": status,
                "published_at": _moment(rng) if status in ("published", "archived") else None,
                "view_count": 0,
                "created_at": EPOCH - timedelta(days=1100),
                "updated_at": EPOCH,
            }
        )
        for locale, share in TRANSLATION_SHARE.items():
            if rng.random() < share:
                text, body = texts[locale]
                rows["product_translations"].append(
                    {"product_id": product_id, "locale": locale, "name": text, "description": body}
                )
        for position in range(rng.randint(1, 3)):
            digest = hashlib.sha256(f"{product_id}-{position}".encode()).hexdigest()
            rows["product_images"].append(
                {
                    "product_id": product_id,
                    "digest": digest,
                    "width": 1200,
                    "height": 900,
                    "position": position,
                    "alt_text": "",
                    "created_at": EPOCH,
                }
            )
        for certificate_id in held.get(business_id, []):
            if rng.random() < 0.6:
                rows["product_certifications"].append(
                    {"product_id": product_id, "business_certification_id": certificate_id}
                )
    return rows


def _chunks(total: int) -> Iterator[tuple[int, int]]:
    for first in range(1, total + 1, CHUNK):
        yield first, min(CHUNK, total - first + 1)


def _reset_sequences(connection: sa.Connection, tables: Sequence[sa.Table]) -> None:
    if connection.dialect.name != "postgresql":
        return
    for table in tables:
        connection.exec_driver_sql(
            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
            f'COALESCE((SELECT max(id) FROM "{table.name}"), 1))'
        )


def generate(products: int, seed: int = SEED) -> Counts:
    """Fill an empty, migrated database with `products` products. Needs an app context."""
    rng = random.Random(seed)
    counts = Counts(products=products)
    load_reference_data()
    db.session.commit()
    channel_ids = list(db.session.scalars(sa.select(Channel.id).order_by(Channel.id)))
    db.session.commit()
    businesses = max(5, products // PRODUCTS_PER_BUSINESS)
    counts.businesses = businesses
    tables = {name: db.metadata.tables[name] for name in db.metadata.tables}
    with db.engine.begin() as connection:
        users, buyer_ids = _people(rng, businesses)
        write(connection, table_of(User), users)
        write(connection, table_of(Business), _businesses(rng, businesses))
        held = _certificates(rng, businesses)
        certificates = [
            {
                "id": certificate_id,
                "business_id": business_id,
                "certification_code": rng.choice(CERTIFICATE_CODES),
                "number": f"CERT-{certificate_id}",
                "expires_on": (EPOCH + timedelta(days=rng.randint(-200, 1500))).date(),
                "created_at": EPOCH,
            }
            for business_id, ids in held.items()
            for certificate_id in ids
        ]
        write(connection, table_of(BusinessCertification), certificates)
        published: list[int] = []
        for first, count in _chunks(products):
            chunk = _product_chunk(rng, first, count, businesses, held)
            for name in ("products", "product_translations", "product_images"):
                write(connection, tables[name], chunk[name])
            write(connection, product_certification, chunk["product_certifications"])
            counts.translations += len(chunk["product_translations"])
            counts.images += len(chunk["product_images"])
            published += [row["id"] for row in chunk["products"] if row["status"] == "published"]
        counts.published = len(published)
        nominations = []
        for product_id in published:
            roll = rng.random()
            if roll < 0.08:
                nominations.append(
                    {
                        "product_id": product_id,
                        "channel_id": rng.choice(channel_ids),
                        "status": "accepted" if roll < 0.06 else "nominated",
                        "note": "",
                        "created_at": _moment(rng, 365),
                        "updated_at": EPOCH,
                    }
                )
        write(connection, table_of(Nomination), nominations)
        counts.nominations = len(nominations)
        interests = []
        for _ in range(int(len(published) * INTERESTS_PER_PRODUCT)):
            created = _moment(rng, 365)
            interests.append(
                {
                    "buyer_id": rng.choice(buyer_ids),
                    "product_id": published[int(len(published) * rng.random() ** 3)],
                    "message": "",
                    "status": "spam" if rng.random() < 0.03 else rng.choice(["new", "replied"]),
                    "created_at": created,
                    "updated_at": created,
                }
            )
        write(connection, table_of(Interest), interests)
        counts.interests = len(interests)
        _reset_sequences(
            connection,
            [
                tables[name]
                for name in ("users", "businesses", "business_certifications", "products")
            ],
        )
    analyze()  # the planner needs statistics of the bulk-loaded tables to index them quickly
    with db.engine.begin() as connection:
        with big_cache(connection):
            counts.indexed = rebuild_index(connection)
    analyze()
    return counts


@contextmanager
def big_cache(connection: sa.Connection) -> Iterator[None]:
    """A page cache as large as the index grows (6 GB at most, taken only as it is used) on
    SQLite while the index is built: FTS5 merges its segments over and over, and every merge
    that does not fit in the cache reads them back from the file. With 512 MB, the index of a
    million products had read 400 GB through the file system after ten minutes and was far
    from done; with 6 GB it was built in 13 minutes. Put back afterwards, so the measurements
    see the application's own settings."""
    if connection.dialect.name != "sqlite":
        yield
        return
    default = connection.exec_driver_sql("PRAGMA cache_size").scalar()
    connection.exec_driver_sql("PRAGMA cache_size = -6291456")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size = {int(default or -2000)}")


def analyze() -> None:
    """Fresh planner statistics, as a production database would have after autovacuum."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE")
    else:
        with db.engine.begin() as connection:
            connection.exec_driver_sql("ANALYZE")
