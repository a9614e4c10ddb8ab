"""One storage interface for uploaded files (product photos).

Everything that writes or reads media goes through :class:`Storage`: the local disk
(:class:`LocalStorage`, the default) or an S3-compatible object store (:class:`S3Storage`,
for several app hosts), chosen by a setting in `media.backend`; the code that processes
uploads or serves them is the same for both.

Keys are relative POSIX paths such as ``img/ab/abcdef...-800.webp``. They are validated
strictly so that a key can never address a file outside the storage root.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple, Protocol, runtime_checkable

from botocore.exceptions import BotoCoreError, ClientError

# What an object store answers for a key it does not hold (GET says NoSuchKey, HEAD only 404).
MISSING = {"NoSuchKey", "404", "NotFound"}


class StorageError(OSError):
    """The store did not answer as it should (unreachable, refused, timed out)."""


class Entry(NamedTuple):
    key: str
    modified: float  # last written, seconds since the epoch


@runtime_checkable
class Storage(Protocol):
    """A flat key -> bytes store. Implementations must make ``save`` atomic."""

    def save(self, key: str, data: bytes) -> None:
        """Store ``data`` under ``key``; readers see the old file or the new one, never half."""
        ...

    def open(self, key: str) -> bytes:
        """Return the bytes stored under ``key``; raise FileNotFoundError if there are none."""
        ...

    def exists(self, key: str) -> bool:
        """Whether something is stored under ``key``."""
        ...

    def delete(self, key: str) -> None:
        """Remove ``key``; deleting a missing key is not an error."""
        ...

    def keys(self) -> Iterator[str]:
        """Yield every stored key (used to find orphaned files)."""
        ...

    def entries(self) -> Iterator[Entry]:
        """Yield every stored key with the time it was last written (saving the same bytes
        again counts as writing): `media-gc` spares young files."""
        ...

    def path(self, key: str) -> Path | None:
        """Local filesystem path of ``key`` (for ``send_file``), or None for remote backends."""
        ...

    def probe(self) -> None:
        """Raise OSError unless the store can be used now (`/readyz`, checked every few
        seconds by each load balancer: it must cost little and leave nothing behind)."""
        ...


def validate_key(key: str) -> str:
    """Return ``key`` if it is a safe relative POSIX path, else raise ValueError.

    Rejected: empty keys, absolute paths, any ``..`` (no escaping the root), backslashes
    (a path separator on Windows), NUL bytes, empty parts (``a//b``, trailing ``/``) and
    parts starting with a dot, which are reserved for the temporary files that
    :meth:`LocalStorage.save` writes next to their target.
    """
    if not isinstance(key, str) or not key:
        raise ValueError("Storage key must be a non-empty string.")
    if key.startswith("/") or ".." in key or "\\" in key or "\x00" in key:
        raise ValueError(f"Invalid storage key: {key!r}")
    for part in key.split("/"):
        if not part or part.startswith("."):
            raise ValueError(f"Invalid storage key: {key!r}")
    return key


class LocalStorage:
    """:class:`Storage` on a local directory; the directory is created on first save."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)

    def __repr__(self) -> str:
        return f"LocalStorage({str(self.root)!r})"

    def _file(self, key: str) -> Path:
        return self.root.joinpath(*validate_key(key).split("/"))

    def save(self, key: str, data: bytes) -> None:
        """Write atomically: a temporary file in the same directory, then ``os.replace``.

        Same directory means same filesystem, so the rename is atomic and a reader (or a
        crash) never sees a half-written photo. Saving identical content again only touches
        the file: re-uploading the same photo stays cheap, and `media-gc` (which spares young
        files) cannot take it away before the upload's transaction commits.
        """
        target = self._file(key)
        if target.is_file() and target.stat().st_size == len(data):
            if target.read_bytes() == data:
                os.utime(target)
                return
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as tmp:
                tmp.write(data)
                tmp.flush()
                os.fsync(tmp.fileno())  # the bytes must be on disk before the rename
            # mkstemp creates 0600 files; a web server serving the directory needs to read them.
            os.chmod(tmp_name, 0o644)
            os.replace(tmp_name, target)
        except BaseException:
            Path(tmp_name).unlink(missing_ok=True)
            raise

    def open(self, key: str) -> bytes:
        """Return the stored bytes; FileNotFoundError if the key is not stored (a folder is
        not a stored file either, as in an object store)."""
        try:
            return self._file(key).read_bytes()
        except IsADirectoryError as error:
            raise FileNotFoundError(key) from error

    def exists(self, key: str) -> bool:
        return self._file(key).is_file()

    def delete(self, key: str) -> None:
        """Remove the file. Empty directories are left alone: removing them could race
        with a concurrent ``save`` that has just created the directory."""
        self._file(key).unlink(missing_ok=True)

    def keys(self) -> Iterator[str]:
        """Yield stored keys directory by directory, skipping in-flight temporary files."""
        if not self.root.is_dir():
            return
        for dirpath, dirnames, filenames in os.walk(self.root):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            rel = Path(dirpath).relative_to(self.root)
            for name in sorted(filenames):
                if not name.startswith("."):
                    yield (rel / name).as_posix()

    def entries(self) -> Iterator[Entry]:
        for key in self.keys():
            try:
                yield Entry(key, self._file(key).stat().st_mtime)
            except FileNotFoundError:  # deleted since it was listed
                continue

    def path(self, key: str) -> Path:
        """The file's path (it may not exist; check :meth:`exists` first)."""
        return self._file(key)

    def probe(self) -> None:
        """A file saved, read back and deleted: a full disk or a folder that cannot be written
        is this host's own trouble, which only a write shows."""
        key = f"readyz-{uuid.uuid4().hex}"
        try:
            self.save(key, b"ok")
            if self.open(key) != b"ok":
                raise StorageError(f"{self.root} gave back other bytes than it was given")
        finally:
            self.delete(key)


class S3Storage:
    """:class:`Storage` on an S3-compatible object store: one bucket, keys under an optional
    prefix. A PUT is atomic by nature (readers see the old object or the new one); errors of
    the store other than a missing key are raised as :class:`StorageError`."""

    def __init__(self, client: Any, bucket: str, prefix: str = "") -> None:
        self.client = client  # a boto3 S3 client (thread-safe, made once per app)
        self.bucket = bucket
        prefix = prefix.strip("/")
        self.prefix = f"{prefix}/" if prefix else ""

    def __repr__(self) -> str:
        return f"S3Storage({self.bucket!r}, prefix={self.prefix!r})"

    def _object(self, key: str) -> str:
        return self.prefix + validate_key(key)

    def save(self, key: str, data: bytes) -> None:
        """Always written, also when the same bytes are stored: the object's time is renewed,
        as `LocalStorage.save` touches its file, so `media-gc` spares a re-upload."""
        name = self._object(key)
        try:
            self.client.put_object(Bucket=self.bucket, Key=name, Body=data)
        except (BotoCoreError, ClientError) as error:
            raise StorageError(f"Could not store {key}: {error}") from error

    def open(self, key: str) -> bytes:
        name = self._object(key)
        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=name)
            return bytes(answer["Body"].read())
        except ClientError as error:
            if _code(error) in MISSING:
                raise FileNotFoundError(key) from error
            raise StorageError(f"Could not read {key}: {error}") from error
        except BotoCoreError as error:
            raise StorageError(f"Could not read {key}: {error}") from error

    def exists(self, key: str) -> bool:
        name = self._object(key)
        try:
            self.client.head_object(Bucket=self.bucket, Key=name)
        except ClientError as error:
            if _code(error) in MISSING:
                return False
            raise StorageError(f"Could not look up {key}: {error}") from error
        except BotoCoreError as error:
            raise StorageError(f"Could not look up {key}: {error}") from error
        return True

    def delete(self, key: str) -> None:
        """S3 answers a deletion of a missing key as a success, as this interface wants."""
        name = self._object(key)
        try:
            self.client.delete_object(Bucket=self.bucket, Key=name)
        except (BotoCoreError, ClientError) as error:
            raise StorageError(f"Could not delete {key}: {error}") from error

    def keys(self) -> Iterator[str]:
        for entry in self.entries():
            yield entry.key

    def entries(self) -> Iterator[Entry]:
        """The bucket's objects under the prefix, a page (up to 1,000) per request."""
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=self.prefix
        )
        try:
            for page in pages:
                for item in page.get("Contents", ()):
                    yield Entry(item["Key"][len(self.prefix) :], item["LastModified"].timestamp())
        except (BotoCoreError, ClientError) as error:
            raise StorageError(f"Could not list the bucket {self.bucket}: {error}") from error

    def path(self, key: str) -> None:
        """Objects have no local path: they are read with :meth:`open`."""
        validate_key(key)
        return None

    def probe(self) -> None:
        """The bucket answers these credentials (HEAD bucket). Nothing is written: a probe
        every few seconds from every host would cost requests and, in a versioned bucket,
        leave a version behind each time."""
        try:
            self.client.head_bucket(Bucket=self.bucket)
        except (BotoCoreError, ClientError) as error:
            raise StorageError(f"The bucket {self.bucket} does not answer: {error}") from error


def _code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))
