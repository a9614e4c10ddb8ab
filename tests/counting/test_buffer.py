"""Counts as a production worker keeps them: buffered in the process, written in batches.

Each test builds apps of its own on the suite's database, configured as production is (the
suite's app writes its counts as each request ends), and commits for real, as workers do.
"""

from __future__ import annotations

import csv
import io
import logging
import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask_login import FlaskLoginClient

from config import ROOT
from marketplace import create_app
from marketplace.channels.models import Channel
from marketplace.counting.buffer import Counts
from marketplace.counting.models import CountedVisit
from marketplace.db import db
from marketplace.office.models import Grouping
from marketplace.products.models import Product
from tests.businesses.helpers import commit_and_detach
from tests.counting.helpers import FAIR_WIFI, HOME, LAPTOP, figures, make_fair, visit
from tests.counting.test_visitors import BOTS
from tests.factories import make_officer

pytestmark = pytest.mark.committing  # as workers do: every app its own connections

WRITE = re.compile(r"^\s*(?:INSERT|UPDATE|DELETE)\b", re.IGNORECASE)
SHARED = (
    "APP_ENV",
    "TESTING",
    "SQLALCHEMY_DATABASE_URI",
    "INSTANCE_PATH",
    "MEDIA_ROOT",
    "SECRET_KEY",
    "RATELIMIT_STORAGE_URI",
    "SERVER_NAME",
    "PASSWORD_HASH_FAST",
)

Worker = Callable[..., Flask]


@pytest.fixture
def worker(app: Flask) -> Iterator[Worker]:
    """Another app on the suite's database that buffers its counts, as a production worker
    does (written every hour unless a test says otherwise: nothing is written behind its back);
    closed (its thread stopped, what waits written) when the test ends."""
    made: list[Flask] = []

    def make(**settings: Any) -> Flask:
        other = create_app(
            {
                **{key: app.config[key] for key in SHARED},
                "COUNTS_FLUSH_SECONDS": 3600,
                **settings,
            }
        )
        other.test_client_class = FlaskLoginClient
        made.append(other)
        return other

    yield make
    for other in made:
        counts(other).close()
        with other.app_context():
            db.engine.dispose()


def counts(app: Flask) -> Counts:
    found = app.extensions["counts"]
    assert isinstance(found, Counts)
    return found


def flush(app: Flask) -> None:
    with app.app_context():
        counts(app).flush()
        db.session.remove()


def marks(app: Flask) -> int:
    with app.app_context():
        return int(db.session.scalar(sa.select(sa.func.count()).select_from(CountedVisit)) or 0)


def _watch_writes(app: Flask) -> tuple[list[str], Callable[[], None]]:
    written: list[str] = []

    def watch(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if WRITE.match(statement):
            written.append(statement[:80])

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", watch)
    return written, lambda: sa.event.remove(engine, "before_cursor_execute", watch)


def test_a_page_view_writes_nothing_in_its_request(app: Flask, worker: Worker) -> None:
    fair = make_fair(app)
    production = worker()
    client = production.test_client()
    written, stop = _watch_writes(production)
    try:
        assert visit(client, f"/t/{fair.token}").status_code == 302
        assert visit(client, f"/products/{fair.product_slug}").status_code == 200
        assert visit(client, f"/channels/{fair.channel_slug}").status_code == 200
        assert visit(client, f"/channels/{fair.channel_slug}/catalog.pdf").status_code == 200
        path = f"/channels/{fair.channel_slug}/products/{fair.product_slug}"
        assert visit(client, path).status_code == 302
    finally:
        stop()
    assert written == []
    assert (marks(app), figures(app).scans, figures(app).product_views) == (0, 0, 0)
    assert counts(production).waiting() == 5

    flush(production)
    found = figures(app)
    assert marks(app) == 5 and counts(production).waiting() == 0
    assert (found.scans, found.product_views, found.dated_views) == (1, 1, 1)
    assert found.report_views == dict.fromkeys(Grouping, 1)  # credited to the tag's channel
    assert found.channel_views == 3


def test_a_visit_buffered_twice_and_written_by_two_workers_at_once_counts_once(
    app: Flask, worker: Worker
) -> None:
    fair = make_fair(app)
    workers = [worker(), worker()]
    for production in workers:
        for _ in range(3):  # the same visitor, three times in each worker's buffer
            visit(production.test_client(), f"/t/{fair.token}")
            visit(production.test_client(), f"/products/{fair.product_slug}")
        visit(production.test_client(), f"/products/{fair.product_slug}", agent=LAPTOP)
    assert [counts(production).waiting() for production in workers] == [7, 7]

    barrier = threading.Barrier(len(workers))

    def write(production: Flask) -> None:
        barrier.wait(timeout=30)
        flush(production)

    threads = [threading.Thread(target=write, args=(p,)) for p in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert [counts(production).waiting() for production in workers] == [0, 0]
    found = figures(app)
    assert (found.scans, found.product_views, found.dated_views) == (1, 2, 2)
    assert found.report_views[Grouping.CHANNEL] == 2
    assert marks(app) == 3


def test_bots_and_head_requests_are_never_buffered(app: Flask, worker: Worker) -> None:
    fair = make_fair(app)
    production = worker()
    client = production.test_client()
    for agent in BOTS:
        visit(client, f"/t/{fair.token}", agent=agent)
        visit(client, f"/products/{fair.product_slug}", agent=agent)
    visit(client, f"/t/{fair.token}", method="HEAD")
    visit(client, f"/products/{fair.product_slug}", method="HEAD")
    assert counts(production).waiting() == 0
    flush(production)
    assert (figures(app).scans, figures(app).product_views, marks(app)) == (0, 0, 0)


def _renamed(app: Flask, table: str, to: str) -> None:
    with app.app_context(), db.engine.begin() as connection:
        connection.exec_driver_sql(f"ALTER TABLE {table} RENAME TO {to}")


def test_a_write_the_database_refuses_keeps_the_whole_batch(
    app: Flask, worker: Worker, caplog: pytest.LogCaptureFixture
) -> None:
    """The marks cannot be written (here: their table is gone): nothing is counted, nothing
    is lost; the next write counts every visit once."""
    fair = make_fair(app)
    production = worker()
    visit(production.test_client(), f"/t/{fair.token}")
    visit(production.test_client(), f"/products/{fair.product_slug}")
    _renamed(app, "counted_visits", "counted_visits_away")
    try:
        with caplog.at_level(logging.ERROR):
            flush(production)
            flush(production)
    finally:
        _renamed(app, "counted_visits_away", "counted_visits")
    assert "Could not record 2 counts" in caplog.text
    assert counts(production).waiting() == 2
    assert (figures(app).scans, figures(app).product_views) == (0, 0)
    visit(production.test_client(), f"/t/{fair.token}")  # again, by the same visitor
    flush(production)
    assert counts(production).waiting() == 0
    assert (figures(app).scans, figures(app).product_views) == (1, 1)


def test_a_count_that_fails_alone_is_kept_and_the_others_are_written(
    app: Flask, worker: Worker, caplog: pytest.LogCaptureFixture
) -> None:
    fair = make_fair(app)
    production = worker()
    visit(production.test_client(), f"/t/{fair.token}")
    visit(production.test_client(), f"/products/{fair.product_slug}")
    _renamed(app, "scans", "scans_away")
    try:
        with caplog.at_level(logging.ERROR):
            flush(production)
    finally:
        _renamed(app, "scans_away", "scans")
    assert "Could not record scan:" in caplog.text
    assert counts(production).waiting() == 1
    assert (figures(app).scans, figures(app).product_views, marks(app)) == (0, 1, 1)
    flush(production)
    assert (figures(app).scans, figures(app).product_views, marks(app)) == (1, 1, 2)


def test_past_the_cap_the_oldest_waiting_counts_are_dropped(
    app: Flask, worker: Worker, caplog: pytest.LogCaptureFixture
) -> None:
    fair = make_fair(app)
    production = worker(COUNTS_BUFFER_MAX=3)
    with caplog.at_level(logging.ERROR):
        for address in ("192.0.2.1", "192.0.2.2", "192.0.2.3", "192.0.2.4", "192.0.2.5"):
            visit(production.test_client(), f"/products/{fair.product_slug}", address=address)
    assert counts(production).waiting() == 3
    assert "Dropped the 1 oldest counts" in caplog.text
    flush(production)
    assert figures(app).product_views == 3


def _eventually(check: Callable[[], bool], seconds: float = 20) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return check()


def test_the_thread_writes_every_interval(app: Flask, worker: Worker) -> None:
    fair = make_fair(app)
    production = worker(COUNTS_FLUSH_SECONDS=0.1)
    visit(production.test_client(), f"/products/{fair.product_slug}")
    visit(production.test_client(), f"/products/{fair.product_slug}", agent=LAPTOP)
    assert _eventually(lambda: figures(app).product_views == 2)
    assert counts(production).waiting() == 0


def test_a_full_buffer_wakes_the_thread(app: Flask, worker: Worker) -> None:
    fair = make_fair(app)
    production = worker(COUNTS_FLUSH_SIZE=3)  # and an hour between timed writes
    for address in (HOME, FAIR_WIFI):
        visit(production.test_client(), f"/products/{fair.product_slug}", address=address)
    time.sleep(0.3)
    assert figures(app).product_views == 0  # two wait: no write yet
    visit(production.test_client(), f"/products/{fair.product_slug}", agent=LAPTOP)
    assert _eventually(lambda: figures(app).product_views == 3)


def test_the_reports_and_the_dashboard_show_every_view_made_before_them(
    app: Flask, worker: Worker
) -> None:
    fair = make_fair(app)
    with app.app_context():
        channel = db.session.get_one(Channel, fair.channel_id)
        product = db.session.get_one(Product, fair.product_id)
        city_id, owner, officer = channel.partner_city_id, product.business.owner, make_officer()
        commit_and_detach(owner, officer)
    production = worker()
    phone = production.test_client()
    visit(phone, f"/t/{fair.token}")  # the product from the channel's tag: credited to it
    visit(phone, f"/products/{fair.product_slug}")
    visit(production.test_client(), f"/products/{fair.product_slug}", agent=LAPTOP)  # direct
    assert figures(app).product_views == 0  # waiting in the worker

    dashboard = production.test_client(user=owner).get("/my/business").get_data(as_text=True)
    assert "2 views ·" in dashboard
    other_phone = production.test_client()
    visit(other_phone, f"/t/{fair.token}", address=FAIR_WIFI)
    visit(other_phone, f"/products/{fair.product_slug}", address=FAIR_WIFI)
    office = production.test_client(user=officer)
    summary = office.get(f"/office/reports/partners/{city_id}/summary").get_data(as_text=True)
    shown = re.search(
        r'<th scope="row">Harz und Heide</th>\s*((?:<td[^>]*>[^<]*</td>){4})', summary
    )
    assert shown is not None, summary
    assert re.findall(r">([^<]*)</td>", shown.group(1))[2:] == ["2", "2"]  # scans, views
    rows = list(csv.reader(io.StringIO(office.get("/office/reports.csv?by=channel").text)))
    (channel_row,) = [row for row in rows if row[0] == "Harz und Heide"]
    assert [channel_row[rows[0].index(name)] for name in ("qr_scans", "product_views")] == [
        "2",
        "2",
    ]
    assert counts(production).waiting() == 0


def test_what_waits_is_written_when_the_process_exits(app: Flask) -> None:
    """A worker stopped (or restarted) between two writes: its last counts are not lost."""
    fair = make_fair(app)
    settings = {key: app.config[key] for key in SHARED}
    script = (
        "import sys\n"
        "from marketplace import create_app\n"
        f"app = create_app({{**{settings!r}, 'COUNTS_FLUSH_SECONDS': 3600}})\n"
        "client = app.test_client()\n"
        "headers = {'User-Agent': sys.argv[2]}\n"
        "assert client.get(sys.argv[1], headers=headers).status_code == 200\n"
        "assert app.extensions['counts'].waiting() == 1\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, f"/products/{fair.product_slug}", LAPTOP],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert figures(app).product_views == 1
