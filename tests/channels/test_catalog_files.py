"""Printed catalogs built ahead by the worker: the page serves the stored catalog while the data
and the day it was built from are current, and builds one there and then otherwise (never an
older catalog, never none); a rebuild replaces the file and deletes the old one."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa
from flask import Flask
from pypdf import PdfReader

from marketplace.channels.catalog_files import refresh_catalog
from marketplace.channels.models import CatalogFile
from marketplace.db import begin_write, db
from marketplace.jobs.models import Job, JobStatus
from marketplace.jobs.queue import enqueue
from marketplace.jobs.worker import Worker
from marketplace.media.backend import current_storage
from marketplace.media.cli import remove_orphans
from marketplace.products.models import Product
from tests.channels.helpers import accept, nominate_all
from tests.factories import harz_und_heide, make_business, make_officer, make_product

pytestmark = pytest.mark.committing
PAGE = "/channels/harz-und-heide/catalog.pdf"


def _lineup(app: Flask) -> tuple[int, int]:
    with app.app_context():
        channel = harz_und_heide(capacity=None)
        business = make_business(name="Kriya Awi")
        products = [make_product(business, name=f"Bamboo lamp {n}") for n in range(2)]
        officer = make_officer()
        for nomination in nominate_all(products, channel):
            accept(officer, nomination)
        db.session.commit()
        ids = channel.id, products[0].id
        db.session.remove()
        return ids


def _kept(app: Flask, channel_id: int) -> tuple[str, str, bytes] | None:
    with app.app_context():
        kept = db.session.get(CatalogFile, channel_id)
        found = None
        if kept is not None:
            found = kept.version, kept.file_key, current_storage().open(kept.file_key)
        db.session.remove()
        return found


def _text(data: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_the_worker_builds_the_catalog_ahead_and_the_page_serves_it_while_current(
    app: Flask,
) -> None:
    channel_id, product_id = _lineup(app)
    client = app.test_client()
    assert _kept(app, channel_id) is None
    built_now = client.get(PAGE)
    assert built_now.status_code == 200 and "Bamboo lamp 1" in _text(built_now.data)

    with app.app_context():
        begin_write()
        enqueue("refresh-catalog-pdfs")
        db.session.commit()
        db.session.remove()
    assert Worker(app, burst=True, schedule=False).run() == 1
    kept = _kept(app, channel_id)
    assert kept is not None
    version, key, stored = kept
    assert "Bamboo lamp 1" in _text(stored)
    # Served as stored (a build stamps its own creation time: these are the stored bytes).
    assert client.get(PAGE).data == stored

    # Nothing changed: running the job again builds nothing.
    with app.app_context():
        assert refresh_catalog(channel_id) is False
        db.session.rollback()
        db.session.remove()
    assert _kept(app, channel_id) == kept

    # A product changes: the stored catalog is no longer current, the page builds one now.
    with app.app_context():
        begin_write()
        db.session.get_one(Product, product_id).name = "Bamboo pendant lamp"
        db.session.commit()
        db.session.remove()
    fresh = client.get(PAGE).data
    assert fresh != stored and "Bamboo pendant lamp" in _text(fresh)

    # The next run replaces it; the old file goes once the new row is committed.
    with app.app_context():
        assert refresh_catalog(channel_id) is True
        db.session.commit()
        db.session.remove()
    new_version, new_key, new_stored = _kept(app, channel_id) or ("", "", b"")
    assert new_version != version and new_key != key
    assert "Bamboo pendant lamp" in _text(new_stored)
    assert client.get(PAGE).data == new_stored
    with app.app_context():
        assert not current_storage().exists(key)
        # The file a row names is no orphan.
        assert new_key not in remove_orphans(0).removed
        assert current_storage().exists(new_key)
        job = db.session.scalars(sa.select(Job)).one()
        assert job.status == JobStatus.DONE
        db.session.remove()
