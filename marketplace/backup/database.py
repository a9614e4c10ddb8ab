"""Dumping and loading the database, for each engine, without ever copying a live file.

- SQLite: the online backup API copies a consistent snapshot out of the live database while
  the server may keep writing; a restore copies the checked archive file back into the live
  database through the same API, which writes every page in one transaction: readers see the
  old database or the new one, never a mixture, and a failure leaves the old one.
- PostgreSQL: pg_dump in its custom format, from a snapshot exported by our own transaction so
  that the schema revision written in the manifest is the one the dump holds; pg_restore with
  `--clean --if-exists --single-transaction` replaces it all or nothing.

The PostgreSQL tools get the connection from the application's SQLAlchemy URL, the password
through PGPASSWORD (never on the command line, which other users can see).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

import sqlalchemy as sa
from alembic.config import Config
from alembic.script import ScriptDirectory
from flask import current_app

from marketplace.backup.archive import DATABASE_FILES, BackupError
from marketplace.db import db

NOTHING_CHANGED = "Nothing was changed."


def current_dialect() -> str:
    name = db.engine.dialect.name
    if name not in DATABASE_FILES:
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {name}.")
    return name


def schema_revisions() -> tuple[set[str], set[str]]:
    """(every revision the migrations know, the head revisions)."""
    config = Config()
    config.set_main_option("script_location", current_app.extensions["migrate"].directory)
    script = ScriptDirectory.from_config(config)
    return {s.revision for s in script.walk_revisions()}, set(script.get_heads())


def _one_revision(revisions: list[str]) -> str | None:
    if len(revisions) > 1:
        raise BackupError(f"The database has several schema heads {revisions}; merge them first.")
    return revisions[0] if revisions else None


def _revision(connection: sa.Connection) -> str | None:
    if not sa.inspect(connection).has_table("alembic_version"):
        return None
    rows = connection.execute(sa.text("SELECT version_num FROM alembic_version"))
    return _one_revision(list(rows.scalars()))


def _sqlite_revision(copy: sqlite3.Connection) -> str | None:
    tables = copy.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
    ).fetchall()
    if not tables:
        return None
    return _one_revision(
        [row[0] for row in copy.execute("SELECT version_num FROM alembic_version")]
    )


# --- PostgreSQL tools ----------------------------------------------------------------------


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"{name} was not found: install the PostgreSQL client tools (the same major version "
            "as the server, or newer)."
        )
    return path


def _libpq() -> tuple[str, dict[str, str]]:
    """The database as a libpq URI without its password, and the environment carrying it."""
    url = db.engine.url.set(drivername="postgresql")  # libpq knows no "+psycopg"
    env = dict(os.environ)
    if url.password is not None:
        env["PGPASSWORD"] = str(url.password)
    return url.set(password=None).render_as_string(hide_password=False), env


def _run(args: list[str], env: dict[str, str]) -> str:
    result = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        tool = Path(args[0]).name
        raise BackupError(f"{tool} failed: {result.stderr.strip()[-2000:]}")
    return result.stdout


def _archive_tables(dump: Path) -> set[str]:
    """The tables a pg_dump archive creates, read from its table of contents."""
    listing = _run([_tool("pg_restore"), "--list", str(dump)], dict(os.environ))
    tables = set()
    for line in listing.splitlines():
        # "215; 1259 16386 TABLE public users owner"
        if line.startswith(";") or "; " not in line:
            continue
        words = line.split("; ", 1)[1].split()
        if len(words) >= 5 and words[2] == "TABLE":
            tables.add(words[4])
    return tables


# --- dump ----------------------------------------------------------------------------------


def _dump_sqlite(target: Path) -> str | None:
    raw = db.engine.raw_connection()
    try:
        with closing(sqlite3.connect(target)) as copy:
            raw.driver_connection.backup(copy)  # type: ignore[union-attr]
            # One self-contained file in the archive: no write-ahead log beside it.
            copy.execute("PRAGMA journal_mode=DELETE")
            return _sqlite_revision(copy)
    finally:
        raw.close()


def _dump_postgresql(target: Path) -> str | None:
    dsn, env = _libpq()
    with db.engine.connect() as connection:
        connection.execution_options(isolation_level="REPEATABLE READ")
        with connection.begin():
            # pg_dump reads the snapshot of this transaction, which reads the revision.
            snapshot = connection.scalar(sa.text("SELECT pg_export_snapshot()"))
            revision = _revision(connection)
            _run(
                [
                    _tool("pg_dump"),
                    "--format=custom",
                    f"--snapshot={snapshot}",
                    f"--file={target}",
                    f"--dbname={dsn}",
                ],
                env,
            )
    return revision


def dump_database(folder: Path) -> tuple[str, Path, str | None]:
    """Dump the database into `folder`: (dialect, the dump's path, its schema revision)."""
    dialect = current_dialect()
    target = folder / DATABASE_FILES[dialect]
    if dialect == "sqlite":
        return dialect, target, _dump_sqlite(target)
    return dialect, target, _dump_postgresql(target)


# --- restore -------------------------------------------------------------------------------


def _check_sqlite(dump: Path, revision: str | None) -> None:
    try:
        with closing(sqlite3.connect(dump)) as copy:
            verdict = copy.execute("PRAGMA integrity_check").fetchall()
            found = _sqlite_revision(copy)
    except sqlite3.DatabaseError as error:
        raise BackupError(
            f"The archive's database is damaged ({error}). {NOTHING_CHANGED}"
        ) from None
    if verdict != [("ok",)]:
        raise BackupError(f"The archive's database is damaged ({verdict[:3]}). {NOTHING_CHANGED}")
    if found != revision:
        raise BackupError(
            f"The archive's database is at schema {found}, its manifest says {revision}. "
            + NOTHING_CHANGED
        )


def _check_postgresql(dump: Path) -> None:
    """pg_restore --clean drops and recreates the archive's tables, and leaves any other alone:
    a table the archive lacks (added by a later migration) would stay, with rows from after the
    backup, so such a restore is refused."""
    try:
        in_archive = _archive_tables(dump)
    except BackupError as error:
        raise BackupError(
            f"The archive's database dump cannot be read ({error.message}). {NOTHING_CHANGED}"
        ) from None
    extra = sorted(set(sa.inspect(db.engine).get_table_names()) - in_archive)
    if extra:
        raise BackupError(
            f"The database has tables the archive does not ({', '.join(extra)}): it has a newer "
            "schema than the backup. Restore into an empty database (or run `flask db downgrade` "
            f"to the archive's revision first). {NOTHING_CHANGED}"
        )


def check_dump(dialect: str, dump: Path, revision: str | None) -> None:
    """Refuse a dump that cannot be loaded as it is, before anything is changed."""
    if dialect == "sqlite":
        _check_sqlite(dump, revision)
    else:
        _check_postgresql(dump)


def _load_sqlite(dump: Path) -> None:
    raw = db.engine.raw_connection()
    try:
        live = raw.driver_connection
        with closing(sqlite3.connect(dump, isolation_level=None)) as source:
            page_size = live.execute("PRAGMA page_size").fetchone()[0]  # type: ignore[union-attr]
            if source.execute("PRAGMA page_size").fetchone()[0] != page_size:
                # A database in WAL mode only takes a copy with its own page size; the staged
                # copy is ours to rewrite.
                source.execute("PRAGMA journal_mode=DELETE")
                source.execute(f"PRAGMA page_size={int(page_size)}")
                source.execute("VACUUM")
            source.backup(live)  # type: ignore[arg-type]
    except sqlite3.Error as error:
        raise BackupError(
            f"The restore failed ({error}); the database is as it was (one transaction)."
        ) from None
    finally:
        raw.close()


def _load_postgresql(dump: Path) -> None:
    dsn, env = _libpq()
    try:
        _run(
            [
                _tool("pg_restore"),
                "--clean",
                "--if-exists",
                "--single-transaction",
                "--exit-on-error",
                # The objects belong to the application's own role, whoever owned them before.
                "--no-owner",
                "--no-privileges",
                f"--dbname={dsn}",
                str(dump),
            ],
            env,
        )
    except BackupError as error:
        raise BackupError(
            f"{error.message}\nThe restore failed; the database is as it was (one transaction)."
        ) from None


def load_database(dialect: str, dump: Path) -> None:
    """Replace the whole database with the dump, all or nothing."""
    db.session.remove()  # no transaction of ours may hold a lock the restore waits for
    try:
        if dialect == "sqlite":
            _load_sqlite(dump)
        else:
            _load_postgresql(dump)
    finally:
        # Pooled connections may hold plans and caches of the tables that were replaced.
        db.engine.dispose()
