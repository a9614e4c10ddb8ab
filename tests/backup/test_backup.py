"""`flask backup` writes one private archive: the database dump, every media file, a manifest."""

from __future__ import annotations

import hashlib
import stat
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

from marketplace.db import db
from tests.backup.helpers import backup, make_world, manifest, media_bytes, read_members

# Real commits: backup archives read the database on connections of their own.
pytestmark = pytest.mark.committing


def _database(app: Flask) -> tuple[str, str]:
    """(dialect, schema revision) of the live database."""
    with app.app_context():
        revision: str = db.session.scalar(sa.text("SELECT version_num FROM alembic_version"))
        db.session.remove()
        return db.engine.dialect.name, revision


def test_the_manifest_lists_the_dump_and_every_media_file(app: Flask, tmp_path: Path) -> None:
    make_world(app)
    files = media_bytes(app)
    archive = tmp_path / "nightly.tar.gz"

    result = backup(app, "--output", str(archive))

    assert result.exit_code == 0, result.output
    assert f"and {len(files)} media file(s)" in result.output
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600  # password hashes, private scans
    members = read_members(archive)
    data = manifest(members)
    dialect, revision = _database(app)
    dump = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}[dialect]
    assert data["format"] == "bandung-export-marketplace-backup"
    assert data["format_version"] == 1
    assert data["dialect"] == dialect
    assert data["alembic_revision"] == revision
    assert data["created_at"].endswith("+00:00")
    listed = {entry["path"]: entry for entry in data["files"]}
    assert listed.keys() == {dump} | {f"media/{key}" for key in files}
    assert any(key.startswith("scans/") for key in files)  # the private scans too
    for name, entry in listed.items():
        assert entry["size"] == len(members[name])
        assert entry["sha256"] == hashlib.sha256(members[name]).hexdigest()
    for key, blob in files.items():
        assert members[f"media/{key}"] == blob
    assert sorted(members) == sorted([*listed, "manifest.json"])


def test_the_archive_goes_to_the_instance_folder_or_the_folder_given(
    app: Flask, tmp_path: Path
) -> None:
    make_world(app)
    default = backup(app)
    into_folder = backup(app, "--output", str(tmp_path))

    assert default.exit_code == 0, default.output
    assert into_folder.exit_code == 0, into_folder.output
    [written] = Path(app.instance_path, "backups").glob("marketplace-*.tar.gz")
    written.unlink()
    # Only the finished archive: no temporary file is left beside it.
    [archive] = tmp_path.iterdir()
    assert archive.name.startswith("marketplace-") and archive.name.endswith(".tar.gz")
    assert str(archive) in into_folder.output


def test_an_existing_file_is_never_overwritten(app: Flask, tmp_path: Path) -> None:
    archive = tmp_path / "keep.tar.gz"
    archive.write_bytes(b"an older backup")

    result = backup(app, "--output", str(archive))

    assert result.exit_code == 1
    assert "exists already" in result.output
    assert archive.read_bytes() == b"an older backup"
    assert list(tmp_path.iterdir()) == [archive]
