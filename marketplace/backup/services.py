"""Backing up and restoring the database and the media together.

A restore happens in three steps, ordered so that at every moment each file the database
refers to exists (a restore that stops half-way leaves orphans at worst, which `flask
media-gc` collects, never a photo without its file):

1. the archive's files are written to the storage (files are named by their content, so
   adding them changes nothing the current database shows);
2. the database is replaced, all or nothing;
3. the files the archive does not hold are deleted.

Everything that can be checked is checked before step 1 (see `open_backup`): a refused archive
changes nothing.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from flask import current_app

from marketplace.backup.archive import BackupError, Manifest, read_archive, write_archive
from marketplace.backup.database import (
    check_dump,
    current_dialect,
    dump_database,
    load_database,
    schema_revisions,
)
from marketplace.db import utcnow
from marketplace.media.storage import Storage, validate_key


def archive_name(created_at: datetime) -> str:
    return f"marketplace-{created_at:%Y%m%d-%H%M%S}.tar.gz"


def _media(storage: Storage) -> Iterator[tuple[str, bytes]]:
    for key in sorted(storage.keys()):
        try:
            validate_key(key)
            data = storage.open(key)
        except ValueError:  # a stray file no upload could have made; a restore would refuse it
            current_app.logger.warning("Backup: skipped %r, not a valid storage key", key)
            continue
        except FileNotFoundError:  # deleted since it was listed (a photo removed meanwhile)
            continue
        yield key, data


def create_backup(storage: Storage, output: Path) -> Manifest:
    """Write the database, then every stored file, into the archive `output`.

    The database is dumped first: a file deleted while the backup runs is the only way a
    dumped row can lack its file, and files are deleted only when their last row is.
    """
    if output.exists():
        raise BackupError(f"{output} exists already; choose another name.")
    output.parent.mkdir(parents=True, exist_ok=True)
    created_at = utcnow()
    with tempfile.TemporaryDirectory(prefix="marketplace-backup-") as work:
        dialect, dump, revision = dump_database(Path(work))
        return write_archive(
            output,
            created_at=created_at,
            dialect=dialect,
            alembic_revision=revision,
            database=dump,
            media=_media(storage),
        )


@dataclass(frozen=True)
class CheckedBackup:
    """An archive unpacked into `staging` and found fit to restore here."""

    manifest: Manifest
    staging: Path
    needs_upgrade: bool  # its schema is older than the code's: `flask db upgrade` after


def open_backup(archive: Path, staging: Path) -> CheckedBackup:
    """Unpack and check `archive`; raise BackupError, changing nothing, if it must not be
    restored here: not ours, damaged, another database engine, or a schema this code does not
    know (a newer application made it)."""
    manifest = read_archive(archive, staging)
    dialect = current_dialect()
    if manifest.dialect != dialect:
        raise BackupError(
            f"The archive holds a {manifest.dialect} database, but this application uses "
            f"{dialect}: point DATABASE_URL at a {manifest.dialect} database to restore it. "
            "Nothing was changed."
        )
    known, heads = schema_revisions()
    revision = manifest.alembic_revision
    if revision is not None and revision not in known:
        raise BackupError(
            f"The archive's database is at schema revision {revision}, which this version of "
            "the application does not know: it was made by a newer version. Update the "
            "application, then restore. Nothing was changed."
        )
    check_dump(dialect, staging / manifest.database_file, revision)
    return CheckedBackup(manifest, staging, needs_upgrade=revision not in heads)


def restore_backup(storage: Storage, backup: CheckedBackup) -> None:
    """Make the database and the storage what they were when the backup was made."""
    keep = set(backup.manifest.media_keys)
    for key in sorted(keep):
        storage.save(key, backup.staging.joinpath("media", *key.split("/")).read_bytes())
    load_database(backup.manifest.dialect, backup.staging / backup.manifest.database_file)
    for key in list(storage.keys()):
        if key not in keep:
            try:
                storage.delete(key)
            except ValueError:  # a stray file the backup skipped too: not ours to judge
                continue
