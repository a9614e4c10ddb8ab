"""A slow upload never holds the write lock: the photo is decoded, resized and stored first, and
only then does the request take a write transaction for its rows.

On SQLite the write lock is taken by `BEGIN IMMEDIATE`; on PostgreSQL the rows that matter are
locked with `SELECT ... FOR UPDATE`. The test records every statement the upload's request sends,
with the moment it was sent, and compares that with the moment the photo's files were written.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from marketplace.db import db
from marketplace.media.backend import current_storage
from tests.businesses.helpers import post_files
from tests.products.images import jpeg
from tests.products.test_races import _owner_with_product, _photo_count


@pytest.fixture
def statements(app: Flask) -> Iterator[list[tuple[float, str]]]:
    """(time, SQL) of every statement sent while the test runs."""
    seen: list[tuple[float, str]] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append((time.time(), statement))

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", record)
    yield seen
    sa.event.remove(engine, "before_cursor_execute", record)


def _takes_the_write_lock(statement: str) -> bool:
    text = " ".join(statement.split()).upper()
    return text.startswith("BEGIN IMMEDIATE") or "FOR UPDATE" in text


@pytest.mark.committing  # only a real transaction begins with BEGIN IMMEDIATE
def test_the_photo_is_processed_before_the_write_lock_is_taken(
    app: Flask, login_as: Any, statements: list[tuple[float, str]]
) -> None:
    owner, product_id = _owner_with_product(app, photos=0)
    client = login_as(owner)
    url = f"/my/products/{product_id}/photos"
    photo = jpeg((2400, 1800), seed=5)
    statements.clear()
    response = post_files(client, url, files={"photos": [(photo, "large.jpg")]}, page=url)
    assert response.status_code == 302
    assert _photo_count(app, product_id) == 1
    with app.app_context():
        files_written = max(entry.modified for entry in current_storage().entries())
    locks = [moment for moment, sql in statements if _takes_the_write_lock(sql)]
    assert locks, "the upload took no write lock at all"
    assert min(locks) >= files_written
