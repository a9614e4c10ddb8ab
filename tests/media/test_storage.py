"""The storage backends, LocalStorage and S3Storage (against a real object store): round trips,
overwrites, missing keys, keys that cannot escape, listings with their times; what only the
disk does (atomic renames, temporary files) and only the object store does (prefixes, errors
of a store that does not answer); store_image's all-or-nothing saving on top of both."""

from __future__ import annotations

import io
import os
import socket
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from marketplace.media.backend import s3_client
from marketplace.media.images import ProcessedImage, image_keys, store_image
from marketplace.media.storage import (
    Entry,
    LocalStorage,
    S3Storage,
    Storage,
    StorageError,
    validate_key,
)
from tests.objectstore import ObjectStore


def jpeg(size: tuple[int, int], seed: int = 1) -> bytes:
    image = Image.blend(
        Image.linear_gradient("L").resize(size).convert("RGB"),
        Image.effect_noise(size, 40 + seed).convert("RGB"),
        0.3,
    )
    buffer = io.BytesIO()
    image.save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.fixture(scope="module")
def client(object_store: ObjectStore) -> Any:
    return object_store.client()


def in_bucket(request: pytest.FixtureRequest, prefix: str = "") -> S3Storage:
    """An S3Storage on this process's bucket, under a prefix of this test's own (emptied at
    its end), so that each test starts from an empty store."""
    store: ObjectStore = request.getfixturevalue("object_store")
    bucket: str = request.getfixturevalue("bucket")
    prefix = prefix or f"test-{uuid.uuid4().hex}"
    request.addfinalizer(lambda: store.empty(bucket, prefix.strip("/") + "/"))
    return S3Storage(request.getfixturevalue("client"), bucket, prefix)


@pytest.fixture(params=["local", "s3"])
def storage(request: pytest.FixtureRequest, tmp_path: Path) -> Storage:
    """The test runs on each backend: a folder that does not exist yet (created on demand),
    and an empty place in the object store."""
    if request.param == "local":
        return LocalStorage(tmp_path / "media")
    return in_bucket(request)


def test_round_trip_and_listing(storage: Storage, tmp_path: Path) -> None:
    assert list(storage.keys()) == []
    assert not storage.exists("img/ab/x.webp")

    storage.save("img/ab/x.webp", b"one")
    storage.save("img/cd/y.webp", b"two")
    storage.save("top.txt", b"three")

    assert storage.open("img/ab/x.webp") == b"one"
    assert storage.exists("img/cd/y.webp")
    assert sorted(storage.keys()) == ["img/ab/x.webp", "img/cd/y.webp", "top.txt"]
    assert isinstance(storage, Storage)
    if isinstance(storage, LocalStorage):
        assert storage.path("img/ab/x.webp") == tmp_path / "media" / "img" / "ab" / "x.webp"
    else:
        assert storage.path("img/ab/x.webp") is None  # read through open(), never a path


def test_missing_keys(storage: Storage) -> None:
    storage.save("img/ab/x.webp", b"one")
    assert not storage.exists("img/ab/y.webp")
    assert not storage.exists("img/ab")  # a "folder" is no file
    for key in ("img/ab/y.webp", "img/ab", "never"):
        with pytest.raises(FileNotFoundError):
            storage.open(key)


def test_saving_again_overwrites(storage: Storage) -> None:
    storage.save("img/k.webp", b"old")
    storage.save("img/k.webp", b"new content")
    storage.save("img/k.webp", b"new content")
    assert storage.open("img/k.webp") == b"new content"
    assert list(storage.keys()) == ["img/k.webp"]


def test_entries_give_each_key_with_its_time(storage: Storage) -> None:
    before = time.time()
    storage.save("img/a.webp", b"a")
    storage.save("scans/b.pdf", b"b")
    entries = sorted(storage.entries())
    assert [entry.key for entry in entries] == ["img/a.webp", "scans/b.pdf"]
    for entry in entries:
        assert isinstance(entry, Entry)
        # An object's time has whole seconds: it may read up to a second before `before`.
        assert before - 2 <= entry.modified <= time.time() + 2


def test_delete_is_quiet_for_missing_keys(storage: Storage) -> None:
    storage.save("a/b.bin", b"x")
    storage.delete("a/b.bin")
    storage.delete("a/b.bin")
    storage.delete("never/was.bin")
    assert not storage.exists("a/b.bin")
    assert list(storage.keys()) == []
    with pytest.raises(FileNotFoundError):
        storage.open("a/b.bin")


def test_save_replaces_and_leaves_no_temporary_files(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path)
    storage.save("img/k.webp", b"old")
    storage.save("img/k.webp", b"new content")
    assert storage.open("img/k.webp") == b"new content"
    assert os.listdir(tmp_path / "img") == ["k.webp"]
    # Readable by a web server that serves the directory, not just by its owner.
    assert (tmp_path / "img" / "k.webp").stat().st_mode & 0o044 == 0o044


def test_saving_identical_content_keeps_the_file_and_makes_it_young(tmp_path: Path) -> None:
    """Not rewritten, but touched: `media-gc` spares young files, and a re-upload of an old
    orphan must not be collected before its transaction commits."""
    storage = LocalStorage(tmp_path)
    storage.save("img/k.webp", b"same")
    path = tmp_path / "img" / "k.webp"
    day_ago = time.time() - 86_400
    os.utime(path, (day_ago, day_ago))
    before = path.stat()
    storage.save("img/k.webp", b"same")
    after = path.stat()
    assert before.st_ino == after.st_ino
    assert after.st_mtime > day_ago + 3600


def test_failed_save_keeps_nothing_half_written(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path)
    (tmp_path / "img" / "taken").mkdir(parents=True)  # a directory where the file should go
    with pytest.raises(OSError):
        storage.save("img/taken", b"data")
    assert os.listdir(tmp_path / "img") == ["taken"]  # the temporary file was removed
    assert list(storage.keys()) == []


def test_keys_skip_in_flight_temporary_files(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path)
    storage.save("img/a.webp", b"a")
    (tmp_path / "img" / ".a.webp.xyz.tmp").write_bytes(b"partial")
    assert list(storage.keys()) == ["img/a.webp"]


@pytest.mark.parametrize(
    "key",
    [
        "",
        "../x",
        "img/../../x",
        "/etc/passwd",
        "a//b",
        "a/",
        "./a",
        "a/./b",
        "a\\b",
        "..\\x",
        "a/b..c",
        ".hidden",
        "img/.a.webp.tmp",
        "a\x00b",
    ],
)
@pytest.mark.parametrize("backend", ["local", "s3"])
def test_unsafe_keys_are_rejected(
    request: pytest.FixtureRequest, tmp_path: Path, backend: str, key: str
) -> None:
    storage: Storage
    storage = LocalStorage(tmp_path / "root") if backend == "local" else in_bucket(request)
    with pytest.raises(ValueError):
        validate_key(key)
    for call in (storage.exists, storage.open, storage.delete, storage.path):
        with pytest.raises(ValueError):
            call(key)
    with pytest.raises(ValueError):
        storage.save(key, b"x")
    assert not (tmp_path / "x").exists()
    assert not (tmp_path / "root").exists()
    assert list(storage.keys()) == []


def test_valid_keys_pass() -> None:
    for key in ("a", "img/ab/" + "ab" * 32 + "-800.webp", "x/y-z_w.v"):
        assert validate_key(key) == key


# --- storing -----------------------------------------------------------------------------


class FailingStorage:
    """A store that fails on the n-th save (a test double around a real backend)."""

    def __init__(self, storage: Storage, fail_on: int) -> None:
        self.storage = storage
        self.fail_on = fail_on
        self.saves = 0

    def save(self, key: str, data: bytes) -> None:
        self.saves += 1
        if self.saves == self.fail_on:
            raise OSError("disk full")
        self.storage.save(key, data)

    def open(self, key: str) -> bytes:
        return self.storage.open(key)

    def exists(self, key: str) -> bool:
        return self.storage.exists(key)

    def delete(self, key: str) -> None:
        self.storage.delete(key)

    def keys(self) -> Iterator[str]:
        return self.storage.keys()

    def entries(self) -> Iterator[Entry]:
        return self.storage.entries()

    def path(self, key: str) -> Path | None:
        return self.storage.path(key)


def test_store_image_saves_every_file(storage: Storage) -> None:
    processed = store_image(storage, jpeg((2000, 1500)))
    assert isinstance(processed, ProcessedImage)
    assert sorted(storage.keys()) == sorted(image_keys(processed.digest))
    for variant in processed.variants.values():
        assert Image.open(io.BytesIO(storage.open(variant.key))).size == (
            variant.width,
            variant.height,
        )


def test_store_image_rolls_back_when_storage_fails(storage: Storage) -> None:
    failing = FailingStorage(storage, fail_on=3)
    with pytest.raises(OSError, match="disk full"):
        store_image(failing, jpeg((2000, 1500)))
    assert failing.saves == 3
    assert list(storage.keys()) == []


def test_rollback_keeps_files_that_existed_before(storage: Storage) -> None:
    data = jpeg((2000, 1500))
    first = store_image(storage, data)  # e.g. another product's photo
    other = jpeg((900, 600), seed=7)
    with pytest.raises(OSError):
        store_image(FailingStorage(storage, fail_on=2), other)
    with pytest.raises(OSError):
        store_image(FailingStorage(storage, fail_on=3), data)  # same photo again
    assert sorted(storage.keys()) == sorted(image_keys(first.digest))


# --- only the object store -----------------------------------------------------------------


def test_prefixes_keep_their_keys_apart(request: pytest.FixtureRequest, client: Any) -> None:
    one = in_bucket(request, f"/one-{uuid.uuid4().hex}/media/")  # slashes around it: trimmed
    two = in_bucket(request, f"two-{uuid.uuid4().hex}")
    one.save("img/a.webp", b"one")
    two.save("img/a.webp", b"two")
    two.save("img/b.webp", b"two b")
    assert list(one.keys()) == ["img/a.webp"]
    assert sorted(two.keys()) == ["img/a.webp", "img/b.webp"]
    assert one.open("img/a.webp") == b"one" and two.open("img/a.webp") == b"two"
    one.delete("img/a.webp")
    assert two.open("img/a.webp") == b"two"
    # The whole bucket, seen without a prefix, holds the keys under their full names.
    whole = S3Storage(client, one.bucket)
    assert two.prefix + "img/b.webp" in set(whole.keys())
    assert whole.open(two.prefix + "img/b.webp") == b"two b"


def test_a_listing_longer_than_a_page(request: pytest.FixtureRequest) -> None:
    """S3 answers at most 1,000 keys a request: the listing follows the pages."""
    storage = in_bucket(request)
    keys = sorted(f"img/{n:04d}.webp" for n in range(1003))
    for key in keys:
        storage.save(key, b"x")
    assert sorted(storage.keys()) == keys


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_a_store_that_does_not_answer_raises_storage_errors() -> None:
    """Not a missing file: an OSError that says the store failed (so /readyz and the media
    views tell them apart)."""
    endpoint = f"http://127.0.0.1:{_closed_port()}"
    client = s3_client(
        {
            "MEDIA_S3_ENDPOINT_URL": endpoint,
            "MEDIA_S3_ACCESS_KEY_ID": "key",
            "MEDIA_S3_SECRET_ACCESS_KEY": "secret",
        }
    )
    storage = S3Storage(client, "media")
    for call in (storage.open, storage.exists, storage.delete):
        with pytest.raises(StorageError):
            call("img/a.webp")
    with pytest.raises(StorageError):
        storage.save("img/a.webp", b"x")
    with pytest.raises(StorageError):
        list(storage.keys())


def test_refused_credentials_are_not_a_missing_file(object_store: ObjectStore, bucket: str) -> None:
    settings = {**object_store.settings(bucket), "MEDIA_S3_SECRET_ACCESS_KEY": "wrong"}
    storage = S3Storage(s3_client(settings), bucket)
    with pytest.raises(StorageError):
        storage.open("img/a.webp")
    with pytest.raises(StorageError):
        storage.save("img/a.webp", b"x")
