"""The database layer shared by every feature: declarative base, column types, engine tuning.

Every constraint gets a stable name from the naming convention, so migrations can refer to it on
SQLite (batch mode) and PostgreSQL alike. Timestamps are timezone-aware UTC on both databases.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Annotated, Any, TypeVar

import sqlalchemy as sa
from flask import abort
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import DeclarativeBase, mapped_column, registry
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.visitors import InternalTraversal

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(sa.types.TypeDecorator[datetime]):
    """A timezone-aware timestamp; SQLite keeps no zone, so values are stored and read as UTC."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where a UTC timestamp is required")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def str_enum(enum_class: type[enum.StrEnum], name: str) -> sa.Enum:
    """A StrEnum stored by value in a VARCHAR with a named CHECK constraint (no native enum)."""
    return sa.Enum(
        enum_class,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=max(len(member.value) for member in enum_class),
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )


intpk = Annotated[int, mapped_column(primary_key=True)]
created_at = Annotated[datetime, mapped_column(UTCDateTime, default=utcnow, nullable=False)]
updated_at = Annotated[
    datetime, mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow, nullable=False)
]


class Base(DeclarativeBase):
    # Every bare `Mapped[datetime]` becomes a UTC timestamp.
    registry = registry(
        metadata=sa.MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: UTCDateTime},
    )


db = SQLAlchemy(model_class=Base)


def engine_options(url: str, options: Mapping[str, Any]) -> dict[str, Any]:
    """The engine's options for the database at `url`: on PostgreSQL, no JIT compilation.

    PostgreSQL compiles a statement to machine code once the planner's estimate of its cost
    passes `jit_above_cost`. That pays for long reports; for a request's statements it costs
    far more than it saves: a several-word search at 1,000,000 products runs in 28 ms, and
    87 ms more when compiled, which its estimate (99,000, just under the threshold of 100,000)
    may ask for after the statistics change. So the application's connections turn it off;
    other clients keep the server's setting."""
    merged = dict(options)
    if sa.make_url(url).get_backend_name() == "postgresql":
        connect_args = dict(merged.get("connect_args", {}))
        given = connect_args.get("options", "")
        connect_args["options"] = f"{given} -c jit=off".strip()
        merged["connect_args"] = connect_args
    return merged


def tune_sqlite(engine: Engine, busy_timeout_ms: int = 10_000) -> None:
    """Foreign keys on, WAL, a busy timeout, and IMMEDIATE write transactions.

    With a deferred BEGIN, a transaction that reads and then writes can fail with "database is
    locked" when another process wrote in between, even in WAL mode. Transactions that will write
    ask for the write lock up front by setting the `sqlite_immediate` execution option (see
    `begin_write`); read-only transactions stay deferred so readers never queue behind writers.
    """
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event below emit BEGIN itself.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: sa.Connection) -> None:
        immediate = connection.get_execution_options().get("sqlite_immediate", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


class Likely(sa.ColumnElement[bool]):
    """A condition with how often it holds, for SQLite's planner: `likelihood(condition, p)`
    there, the bare condition elsewhere.

    SQLite as Python ships it keeps no histograms (no STAT4), so it takes a range on an indexed
    column for a narrow one (each bound keeping a quarter of the rows) and may prefer reading
    that range and sorting it to walking the index of the order asked for. PostgreSQL has the
    column's histogram and needs no hint."""

    inherit_cache = True
    type = sa.Boolean()
    _traverse_internals = [
        ("condition", InternalTraversal.dp_clauseelement),
        ("probability", InternalTraversal.dp_plain_obj),
    ]

    def __init__(self, condition: sa.ColumnElement[bool], probability: float) -> None:
        self.condition = condition
        self.probability = probability


@compiles(Likely)
def _bare_condition(element: Likely, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.condition, **kw)


@compiles(Likely, "sqlite")
def _sqlite_likelihood(element: Likely, compiler: SQLCompiler, **kw: Any) -> str:
    # SQLite wants the probability as a literal between 0 and 1.
    condition = compiler.process(element.condition, **kw)
    return f"likelihood({condition}, {float(element.probability)!r})"


WRITING = "writing"  # key in session.info: the open transaction was begun as a write
# Key in session.info, set while `write_now` commits a read: that commit ends no unit of work.
ENDING_READ = "ending_read"


def begin_write() -> None:
    """Start the current session's transaction as a write transaction (IMMEDIATE on SQLite).

    Inside an open transaction this does nothing: see `write_now` to end a read first."""
    session = db.session()
    if session.in_transaction():
        return
    session.connection(execution_options={"sqlite_immediate": True})
    session.info[WRITING] = True


def write_now() -> None:
    """End a read transaction, if one is open, and begin a write transaction.

    For work that reads and computes for long (decoding photos, hashing passwords) before it
    writes: the computing happens outside the write lock, and what was read is read again in
    the write transaction (objects loaded before are expired by the commit that ends the read).
    A read transaction is never upgraded to a write: on SQLite the upgrade fails at once when
    another process wrote in between. Listeners that act when a request's work is committed
    (`media.transaction_files`) see `ENDING_READ` and wait for the write transaction.
    """
    session = db.session()
    if session.in_transaction() and not session.info.get(WRITING):
        session.info[ENDING_READ] = True
        try:
            session.commit()
        finally:
            session.info.pop(ENDING_READ, None)
    begin_write()


@event.listens_for(sa.orm.Session, "after_transaction_end")
def _forget_writing(session: sa.orm.Session, transaction: sa.orm.SessionTransaction) -> None:
    if transaction.parent is None:
        session.info.pop(WRITING, None)


Row = TypeVar("Row", bound=Base)


def lock(row: Row) -> Row:
    """Read `row` again and keep it locked until the transaction ends.

    For every read-check-write: two requests that check a row's state (a status, a count of
    its photos) and then change it must not both pass the check. PostgreSQL takes a row lock
    (SELECT ... FOR UPDATE) that the second request waits on, and then reads the first one's
    result; SQLite has a single writer, taken when the write transaction begins. The row's
    relationships are expired, so collections (its photos) are read again too.
    """
    begin_write()
    db.session.refresh(row, with_for_update=True)
    relationships = [r.key for r in sa.inspect(row).mapper.relationships]
    if relationships:
        db.session.expire(row, relationships)
    return row


def found_or_404(statement: sa.Select[Row], **params: object) -> Row:
    """The first row's object of `statement` run with bound `params`, or 404: for a statement
    built once per process (`functools.cache`), whose building and cache key would otherwise
    cost more than running it."""
    found = db.session.scalars(statement, params).first()
    if found is None:
        abort(404)
    return found
