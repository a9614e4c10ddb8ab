"""`flask restore` refuses any archive that is not ours, is damaged, is hostile, or needs a newer
application, with a clear message, and changes nothing at all (rows or files)."""

from __future__ import annotations

import tarfile
from pathlib import Path

import pytest
from flask import Flask

from tests.backup.conftest import Saved
from tests.backup.helpers import (
    Members,
    database_rows,
    manifest,
    media_bytes,
    read_members,
    reseal,
    restore,
    set_manifest,
    write_members,
)

# Real commits: backup and restore work on connections of their own.
pytestmark = pytest.mark.committing


def assert_refused(app: Flask, archive: Path, message: str) -> None:
    before = database_rows(app), media_bytes(app)
    result = restore(app, archive, "--yes")
    assert result.exit_code == 1, result.output
    assert message in result.output
    assert "Nothing was changed." in result.output
    assert (database_rows(app), media_bytes(app)) == before


def _edited(saved: Saved, members: Members) -> Path:
    return write_members(saved.archive.with_name("edited.tar.gz"), members)


def _a_media_entry(members: Members) -> str:
    return next(name for name in members if name.startswith("media/img/"))


def test_a_file_that_is_not_an_archive(app: Flask, saved: Saved) -> None:
    path = saved.archive.with_name("notes.tar.gz")
    path.write_text("These are not the files you are looking for.\n")
    assert_refused(app, path, "notes.tar.gz is damaged or is not a .tar.gz archive")


def test_an_archive_of_another_program(app: Flask, saved: Saved) -> None:
    path = write_members(saved.archive.with_name("other.tar.gz"), {"notes.txt": b"hello"})
    assert_refused(app, path, "The archive holds an unexpected entry 'notes.txt'")


def test_an_archive_without_its_manifest(app: Flask, saved: Saved) -> None:
    members = read_members(saved.archive)
    del members["manifest.json"]
    assert_refused(app, _edited(saved, members), "edited.tar.gz has no manifest.json")


def test_a_manifest_of_another_format(app: Flask, saved: Saved) -> None:
    members = read_members(saved.archive)
    set_manifest(members, {**manifest(members), "format": "someone-elses-backup"})
    assert_refused(app, _edited(saved, members), "is not a marketplace backup manifest")


def test_a_file_that_does_not_match_its_checksum(app: Flask, saved: Saved) -> None:
    members = read_members(saved.archive)
    name = _a_media_entry(members)
    members[name] = bytes([members[name][0] ^ 1]) + members[name][1:]
    assert_refused(app, _edited(saved, members), f"{name} does not match its checksum")


def test_a_damaged_database_dump(app: Flask, saved: Saved) -> None:
    """Even with matching checksums (the manifest rewritten), a dump that is not one is refused
    before anything is touched."""
    members = read_members(saved.archive)
    dump = manifest(members)["files"][0]["path"]
    members[dump] = b"\0" * 4096
    reseal(members)
    assert_refused(app, _edited(saved, members), "The archive's database")


def test_a_truncated_archive(app: Flask, saved: Saved) -> None:
    data = saved.archive.read_bytes()
    path = saved.archive.with_name("cut.tar.gz")
    path.write_bytes(data[: len(data) // 2])
    assert_refused(app, path, "cut.tar.gz is damaged or is not a .tar.gz archive")


def test_entries_missing_or_not_listed(app: Flask, saved: Saved) -> None:
    members = read_members(saved.archive)
    name = _a_media_entry(members)
    members[name.replace("img/", "img/0")] = members.pop(name)
    assert_refused(app, _edited(saved, members), "The archive is damaged: entries missing")


def test_an_archive_from_a_newer_schema(app: Flask, saved: Saved) -> None:
    members = read_members(saved.archive)
    set_manifest(members, {**manifest(members), "alembic_revision": "ffffffffffff"})
    assert_refused(app, _edited(saved, members), "which this version of the application does not")


def test_an_archive_in_a_newer_format(app: Flask, saved: Saved) -> None:
    members = read_members(saved.archive)
    set_manifest(members, {**manifest(members), "format_version": 2})
    assert_refused(app, _edited(saved, members), "uses backup format 2, newer than")


def test_an_archive_of_the_other_database_engine(app: Flask, saved: Saved) -> None:
    members = read_members(saved.archive)
    data = manifest(members)
    ours = data["dialect"]
    other = "postgresql" if ours == "sqlite" else "sqlite"
    dumps = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
    members[dumps[other]] = members.pop(dumps[ours])
    set_manifest(members, {**data, "dialect": other})
    reseal(members)
    assert_refused(
        app, _edited(saved, members), f"holds a {other} database, but this application uses {ours}"
    )


@pytest.mark.parametrize(
    "name",
    ["../escaped.txt", "media/../../escaped.txt", "/tmp/escaped.txt", "media/img/.hidden"],
)
def test_entries_that_point_outside_are_refused(app: Flask, saved: Saved, name: str) -> None:
    members = read_members(saved.archive)
    members[name] = b"written where it should not be"
    reseal(members)  # a consistent manifest: the name is the only fault
    assert_refused(app, _edited(saved, members), f"unexpected entry {name!r}")
    assert not saved.archive.parent.parent.joinpath("escaped.txt").exists()
    assert not Path("/tmp/escaped.txt").exists()


@pytest.mark.parametrize("kind", [tarfile.SYMTYPE, tarfile.LNKTYPE, tarfile.DIRTYPE])
def test_links_and_folders_are_refused(app: Flask, saved: Saved, kind: bytes) -> None:
    members = read_members(saved.archive)
    target = _a_media_entry(members)
    name = target.removesuffix(".webp") + "-link.webp"

    def add_link(tar: tarfile.TarFile) -> None:
        info = tarfile.TarInfo(name)
        info.type = kind
        info.linkname = "/etc/passwd" if kind == tarfile.SYMTYPE else target
        tar.addfile(info)

    path = write_members(saved.archive.with_name("linked.tar.gz"), members, extra=add_link)
    assert_refused(app, path, f"The archive's entry {name!r} is a link, a folder or a special")
