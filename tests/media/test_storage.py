"""LocalStorage (round trips, atomic and idempotent saves, keys that cannot escape) and
store_image's all-or-nothing saving on top of it."""

from __future__ import annotations

import io
import os
import time
from pathlib import Path

import pytest
from PIL import Image

from marketplace.media.images import ProcessedImage, image_keys, store_image
from marketplace.media.storage import LocalStorage, Storage, validate_key


def jpeg(size: tuple[int, int], seed: int = 1) -> bytes:
    image = Image.blend(
        Image.linear_gradient("L").resize(size).convert("RGB"),
        Image.effect_noise(size, 40 + seed).convert("RGB"),
        0.3,
    )
    buffer = io.BytesIO()
    image.save(buffer, "JPEG")
    return buffer.getvalue()


def test_round_trip_and_listing(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path / "media")  # does not exist yet: created on demand
    assert list(storage.keys()) == []
    assert not storage.exists("img/ab/x.webp")

    storage.save("img/ab/x.webp", b"one")
    storage.save("img/cd/y.webp", b"two")
    storage.save("top.txt", b"three")

    assert storage.open("img/ab/x.webp") == b"one"
    assert storage.exists("img/cd/y.webp")
    assert sorted(storage.keys()) == ["img/ab/x.webp", "img/cd/y.webp", "top.txt"]
    assert storage.path("img/ab/x.webp") == tmp_path / "media" / "img" / "ab" / "x.webp"
    assert isinstance(storage, Storage)


def test_delete_is_quiet_for_missing_keys(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path)
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
def test_unsafe_keys_are_rejected(tmp_path: Path, key: str) -> None:
    storage = LocalStorage(tmp_path / "root")
    with pytest.raises(ValueError):
        validate_key(key)
    for call in (storage.exists, storage.open, storage.delete, storage.path):
        with pytest.raises(ValueError):
            call(key)
    with pytest.raises(ValueError):
        storage.save(key, b"x")
    assert not (tmp_path / "x").exists()
    assert not (tmp_path / "root").exists()


def test_valid_keys_pass() -> None:
    for key in ("a", "img/ab/" + "ab" * 32 + "-800.webp", "x/y-z_w.v"):
        assert validate_key(key) == key


# --- storing -----------------------------------------------------------------------------


class FailingStorage(LocalStorage):
    """A disk that fails on the n-th save (a test double of the storage backend)."""

    def __init__(self, root: Path, fail_on: int) -> None:
        super().__init__(root)
        self.fail_on = fail_on
        self.saves = 0

    def save(self, key: str, data: bytes) -> None:
        self.saves += 1
        if self.saves == self.fail_on:
            raise OSError("disk full")
        super().save(key, data)


def test_store_image_saves_every_file(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path)
    processed = store_image(storage, jpeg((2000, 1500)))
    assert isinstance(processed, ProcessedImage)
    assert sorted(storage.keys()) == sorted(image_keys(processed.digest))
    for variant in processed.variants.values():
        assert Image.open(io.BytesIO(storage.open(variant.key))).size == (
            variant.width,
            variant.height,
        )


def test_store_image_rolls_back_when_storage_fails(tmp_path: Path) -> None:
    storage = FailingStorage(tmp_path, fail_on=3)
    with pytest.raises(OSError, match="disk full"):
        store_image(storage, jpeg((2000, 1500)))
    assert storage.saves == 3
    assert list(storage.keys()) == []


def test_rollback_keeps_files_that_existed_before(tmp_path: Path) -> None:
    data = jpeg((2000, 1500))
    first = store_image(LocalStorage(tmp_path), data)  # e.g. another product's photo
    other = jpeg((900, 600), seed=7)
    with pytest.raises(OSError):
        store_image(FailingStorage(tmp_path, fail_on=2), other)
    with pytest.raises(OSError):
        store_image(FailingStorage(tmp_path, fail_on=3), data)  # same photo again
    assert sorted(LocalStorage(tmp_path).keys()) == sorted(image_keys(first.digest))
