"""The backup archive: one .tar.gz holding the database dump, the media files and a manifest.

Layout (regular files only, no folders or links)::

    database.sqlite3 | database.pgdump    the dump (an SQLite file, or pg_dump's custom format)
    media/<key>                           every stored file, under its storage key
    manifest.json                         written last: format, version, time, dialect,
                                          schema revision, and each file's size and sha256

Reading trusts nothing: every entry's name must be one the layout allows (a storage key is
validated like any other, so no entry can point outside the staging folder), every entry must be
a regular file, and the entries must be exactly the manifest's, byte for byte. Entries are
unpacked into a staging folder chosen by the caller; nothing else is touched.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import tarfile
import tempfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from marshmallow import Schema, ValidationError, fields, post_load, validate

from marketplace.media.storage import validate_key

FORMAT = "bandung-export-marketplace-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
MEDIA_DIR = "media/"
# A manifest lists about 130 bytes per file: this allows for millions of files.
MANIFEST_MAX_BYTES = 256 * 2**20
CHUNK = 2**20


class BackupError(Exception):
    """A backup cannot be written, or an archive must not be restored; nothing was changed.

    Only the command line shows these messages, to the operator, in English.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class FileEntry:
    path: str
    size: int
    sha256: str


@dataclass(frozen=True)
class Manifest:
    created_at: datetime
    dialect: str
    alembic_revision: str | None
    files: tuple[FileEntry, ...]
    format: str = FORMAT
    format_version: int = FORMAT_VERSION

    @property
    def database_file(self) -> str:
        return DATABASE_FILES[self.dialect]

    @property
    def media_keys(self) -> list[str]:
        return [entry.path.removeprefix(MEDIA_DIR) for entry in self.files if is_media(entry.path)]

    @property
    def media_bytes(self) -> int:
        return sum(entry.size for entry in self.files if is_media(entry.path))


class _FileSchema(Schema):
    path = fields.String(required=True)
    size = fields.Integer(required=True, strict=True, validate=validate.Range(min=0))
    sha256 = fields.String(required=True, validate=validate.Regexp(r"\A[0-9a-f]{64}\Z"))

    @post_load
    def _make(self, data: dict[str, Any], **_kwargs: Any) -> FileEntry:
        return FileEntry(**data)


class _ManifestSchema(Schema):
    format = fields.String(required=True, validate=validate.Equal(FORMAT))
    format_version = fields.Integer(required=True, strict=True)
    created_at = fields.AwareDateTime(required=True)
    dialect = fields.String(required=True, validate=validate.OneOf(DATABASE_FILES))
    alembic_revision = fields.String(required=True, allow_none=True)
    files = fields.List(fields.Nested(_FileSchema), required=True)

    @post_load
    def _make(self, data: dict[str, Any], **_kwargs: Any) -> Manifest:
        return Manifest(**{**data, "files": tuple(data["files"])})


def is_media(name: str) -> bool:
    return name.startswith(MEDIA_DIR)


def _staged_path(name: str) -> Path:
    """Where entry `name` is unpacked, relative to the staging folder; refuses any other name."""
    if name in DATABASE_FILES.values():
        return Path(name)
    if is_media(name):
        try:
            key = validate_key(name.removeprefix(MEDIA_DIR))
        except ValueError:
            pass
        else:
            return Path("media", *key.split("/"))
    raise BackupError(
        f"The archive holds an unexpected entry {name!r}: it is not a backup made by "
        "`flask backup`. Nothing was changed."
    )


# --- writing -------------------------------------------------------------------------------


def _member(name: str, size: int, mtime: datetime) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size = size
    info.mtime = int(mtime.timestamp())
    info.mode = 0o600  # the archive holds password hashes and private scans
    return info


def _sha256_of(handle: IO[bytes]) -> str:
    digest = hashlib.sha256()
    while chunk := handle.read(CHUNK):
        digest.update(chunk)
    return digest.hexdigest()


def write_archive(
    output: Path,
    *,
    created_at: datetime,
    dialect: str,
    alembic_revision: str | None,
    database: Path,
    media: Iterable[tuple[str, bytes]],
) -> Manifest:
    """Write the archive to `output` atomically and return its manifest.

    The archive is written to a hidden temporary file beside `output` (so it is readable only
    by its owner, as mkstemp creates it) and renamed once complete: an interrupted backup never
    leaves a file that looks like a finished archive. Each file is read once, and its checksum
    is taken from the bytes that went into the archive.
    """
    entries: list[FileEntry] = []
    fd, tmp_name = tempfile.mkstemp(dir=output.parent, prefix=f".{output.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            with tarfile.open(fileobj=handle, mode="w:gz", compresslevel=6) as tar:
                name = DATABASE_FILES[dialect]
                with database.open("rb") as dump:
                    sha256 = _sha256_of(dump)
                    size = dump.tell()
                    dump.seek(0)
                    tar.addfile(_member(name, size, created_at), dump)
                entries.append(FileEntry(name, size, sha256))
                for key, data in media:
                    name = MEDIA_DIR + key
                    tar.addfile(_member(name, len(data), created_at), io.BytesIO(data))
                    entries.append(FileEntry(name, len(data), hashlib.sha256(data).hexdigest()))
                manifest = Manifest(created_at, dialect, alembic_revision, tuple(entries))
                raw = _ManifestSchema().dumps(manifest, indent=2).encode()
                tar.addfile(_member(MANIFEST, len(raw), created_at), io.BytesIO(raw))
            handle.flush()
            os.fsync(handle.fileno())  # on disk before the name says it is complete
        if output.exists():
            raise BackupError(f"{output} exists already; nothing was overwritten.")
        os.replace(tmp_name, output)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return manifest


# --- reading -------------------------------------------------------------------------------


def parse_manifest(raw: bytes) -> Manifest:
    try:
        data = json.loads(raw)
    except ValueError:
        data = None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise BackupError(
            "The archive's manifest.json is not a marketplace backup manifest. Nothing was changed."
        )
    version = data.get("format_version")
    if isinstance(version, int) and version > FORMAT_VERSION:
        raise BackupError(
            f"The archive uses backup format {version}, newer than this application reads "
            f"({FORMAT_VERSION}): update the application first. Nothing was changed."
        )
    try:
        manifest: Manifest = _ManifestSchema().load(data)
    except ValidationError as error:
        raise BackupError(
            f"The archive's manifest is damaged ({error.messages}). Nothing was changed."
        ) from None
    if manifest.format_version != FORMAT_VERSION:
        raise BackupError(f"Unknown backup format {manifest.format_version}. Nothing was changed.")
    return manifest


def _unpack(tar: tarfile.TarFile, member: tarfile.TarInfo, target: Path) -> FileEntry:
    """Copy one entry to `target`, hashing the bytes on the way."""
    source = tar.extractfile(member)
    if source is None:  # not a regular file; checked before, kept for the type checker
        raise BackupError(f"The archive entry {member.name!r} is not a file.")
    digest = hashlib.sha256()
    size = 0
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with source, target.open("xb") as out:
            while chunk := source.read(CHUNK):
                digest.update(chunk)
                size += len(chunk)
                out.write(chunk)
    except (FileExistsError, NotADirectoryError, IsADirectoryError):
        # Only a hand-made archive has both `a/b` and `a/b/c`, or one entry twice.
        raise BackupError(
            f"The archive's entry {member.name!r} clashes with another one. Nothing was changed."
        ) from None
    return FileEntry(member.name, size, digest.hexdigest())


def _read_entries(path: Path, staging: Path) -> tuple[bytes | None, dict[str, FileEntry]]:
    manifest: bytes | None = None
    found: dict[str, FileEntry] = {}
    with tarfile.open(path, "r:gz") as tar:
        for member in tar:
            name = member.name
            staged = None if name == MANIFEST else _staged_path(name)
            if not member.isreg():
                raise BackupError(
                    f"The archive's entry {name!r} is a link, a folder or a special file, which "
                    "a backup never holds. Nothing was changed."
                )
            if name in found or (staged is None and manifest is not None):
                raise BackupError(f"The archive holds {name!r} twice. Nothing was changed.")
            if staged is None:
                if member.size > MANIFEST_MAX_BYTES:
                    raise BackupError("The archive's manifest is too large. Nothing was changed.")
                handle = tar.extractfile(member)
                assert handle is not None  # a regular file, checked above
                manifest = handle.read()
            else:
                found[name] = _unpack(tar, member, staging / staged)
    return manifest, found


def read_archive(path: Path, staging: Path) -> Manifest:
    """Unpack the archive at `path` into `staging` and check it against its manifest.

    Raises BackupError when the file is not one of our archives, is damaged (an entry missing,
    added, or not matching its size and sha256) or needs a newer application to read.
    """
    try:
        raw, found = _read_entries(path, staging)
    except (tarfile.TarError, EOFError, zlib.error, gzip.BadGzipFile) as error:
        raise BackupError(
            f"{path.name} is damaged or is not a .tar.gz archive ({error}). Nothing was changed."
        ) from None
    if raw is None:
        raise BackupError(
            f"{path.name} has no manifest.json: it is not a backup made by `flask backup`, or it "
            "is incomplete. Nothing was changed."
        )
    manifest = parse_manifest(raw)
    listed = {entry.path: entry for entry in manifest.files}
    if len(listed) != len(manifest.files):
        raise BackupError("The archive's manifest lists a file twice. Nothing was changed.")
    for name in listed:
        _staged_path(name)
        if name in DATABASE_FILES.values() and name != manifest.database_file:
            raise BackupError(f"The manifest lists {name!r} for a {manifest.dialect} database.")
    if manifest.database_file not in listed:
        raise BackupError("The archive's manifest lists no database dump. Nothing was changed.")
    missing = sorted(listed.keys() - found.keys())
    extra = sorted(found.keys() - listed.keys())
    if missing or extra:
        raise BackupError(
            f"The archive is damaged: entries missing {missing[:5]}, entries not in its manifest "
            f"{extra[:5]}. Nothing was changed."
        )
    for name, entry in listed.items():
        if found[name] != entry:
            raise BackupError(
                f"The archive is damaged: {name} does not match its checksum. Nothing was changed."
            )
    return manifest
