"""Every test here starts with the reference data seeded and an empty media folder; `saved` is a
marketplace backed up and then changed."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from tests.backup.helpers import (
    World,
    backup,
    change_everything,
    database_rows,
    make_world,
    media_bytes,
)


@pytest.fixture(autouse=True)
def _storefront(storefront: None) -> None:
    return None


@dataclass
class Saved:
    """An archive, and the rows and files it was made from (the database has changed since)."""

    archive: Path
    rows: dict[str, list[tuple[Any, ...]]]
    files: dict[str, bytes]
    world: World


@pytest.fixture
def saved(app: Flask, tmp_path: Path) -> Saved:
    world = make_world(app)
    rows, files = database_rows(app), media_bytes(app)
    archive = tmp_path / "backup.tar.gz"
    result = backup(app, "--output", str(archive))
    assert result.exit_code == 0, result.output
    change_everything(app, world)
    return Saved(archive, rows, files, world)
