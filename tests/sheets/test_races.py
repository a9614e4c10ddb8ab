"""Confirmations of one upload at the same moment, through the whole stack: the upload's row lock
(PostgreSQL) or the single writer (SQLite) decides them one after the other, so the products are
made once and nobody gets an error page."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from tests.concurrency import form_post, run_together
from tests.sheets.helpers import csv_bytes, preview_path, product_row, table, upload
from tests.sheets.test_views import count_products, owner_of

# Real commits: requests race in threads, each on its own connection.
pytestmark = pytest.mark.committing

TIMES = 5


def test_five_confirmations_at_once_import_once(app: Flask, login_as: Any) -> None:
    owner = owner_of(app)
    client = login_as(owner)
    rows = [product_row(n) for n in range(2, 22)]
    preview = preview_path(upload(client, csv_bytes(table(app, rows))))
    posts = [form_post(login_as(owner), f"{preview}/import", {}, preview) for _ in range(TIMES)]
    assert run_together(posts) == [302] * TIMES
    assert count_products(app, owner) == 20
