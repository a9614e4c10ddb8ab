"""Fixtures shared by the whole suite: one app per session, an isolated database for every test.

The schema is built by the real migrations. Each test runs inside one outer transaction on one
connection, rolled back when the test ends: every session (the test's own, each request's, each
command's) is joined to it with `join_transaction_mode="create_savepoint"`, so a view's commit
releases a savepoint and what a test creates is visible to its requests and back.

Tests that need real commits (a live server in another thread, requests racing in threads or
processes, backup and restore, a second connection) are marked `committing`: they commit for
real and the tables are emptied afterwards.
Set TEST_DATABASE_URL to run the suite on PostgreSQL, and TEST_REDIS_URL
(redis://127.0.0.1:6379/<n>) to keep the app's page cache, pieces and rate limits in Redis, as
several hosts do: each pytest-xdist worker then has a database of its own (n, n + 1, ...; 15 is
the `redis_app` fixture's), emptied when the session starts and after every test.
TEST_MEDIA_STORAGE=s3 keeps the media in a real object store (SeaweedFS, `tests.objectstore`)
instead of a local folder.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
import redis
import sqlalchemy as sa
from flask import Flask, current_app
from flask.testing import FlaskClient
from flask_login import FlaskLoginClient
from flask_migrate import upgrade

from marketplace import create_app, fragments, page_cache
from marketplace.catalog.choices import filter_choices
from marketplace.db import db
from marketplace.extensions import limiter
from marketplace.main import demo
from marketplace.media import images
from marketplace.media.backend import current_storage
from tests import objectstore
from tests.factories import seed_reference

CSRF_INPUT = re.compile(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"')

# Rate limits share one extension instance, which the last app built binds to its storage: an
# app a test builds with the default settings would bind it to the file in instance/, shared by
# every test worker (and by a second suite running at once), whose tests then reset one
# another's counters. Each process keeps its counters in its own memory instead.
os.environ.setdefault("RATELIMIT_STORAGE_URI", "memory://")
REDIS_APP_DB = 15  # the `redis_app` fixture's


def _worker_redis_url() -> str:
    """TEST_REDIS_URL with this worker's own database (gw0: the one named, gw1: the next...),
    or "" when the suite runs without Redis."""
    url = os.environ.get("TEST_REDIS_URL", "")
    if not url:
        return ""
    parts = urlsplit(url)
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    number = int(parts.path.strip("/") or 0) + int(worker.removeprefix("gw") or 0)
    if number >= REDIS_APP_DB:
        raise pytest.UsageError(
            f"TEST_REDIS_URL: worker {worker} would use Redis database {number}; databases "
            f"from {REDIS_APP_DB} on are not for it (name a lower one, or run fewer workers)"
        )
    return urlunsplit(parts._replace(path=f"/{number}"))


TEST_REDIS_URL = _worker_redis_url()
if TEST_REDIS_URL:
    # Every app a test builds counts its limits there too (they share one limiter).
    os.environ["RATELIMIT_STORAGE_URI"] = TEST_REDIS_URL


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """SQLite in a folder of this run, else TEST_DATABASE_URL; with several workers (`-n`),
    each worker has a database of its own (created beside the one named, on PostgreSQL)."""
    url = os.environ.get("TEST_DATABASE_URL", "")
    if not url:
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return url
    base = sa.make_url(url)
    own = base.set(database=f"{base.database}_{worker}")
    engine = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        exists = connection.scalar(
            sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": own.database}
        )
        if not exists:
            connection.exec_driver_sql(f'CREATE DATABASE "{own.database}"')
    engine.dispose()
    return own.render_as_string(hide_password=False)


def _run_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder every process of this run shares (pytest-xdist's workers each have their own
    temporary folder inside it)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def media_in_s3() -> bool:
    return os.environ.get("TEST_MEDIA_STORAGE", "") == "s3"


@pytest.fixture(scope="session")
def object_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[objectstore.ObjectStore]:
    """The run's S3-compatible object store; skipped without one, unless
    OBJECT_STORE_TESTS=required or TEST_MEDIA_STORAGE=s3, which make that a failure."""
    root = _run_folder(tmp_path_factory) / "objectstore"
    try:
        store = objectstore.acquire(root)
    except objectstore.ObjectStoreUnavailable as error:
        if objectstore.required() or media_in_s3():
            pytest.fail(f"an object store is required here, and none could be had: {error}")
        pytest.skip(f"object store not available, test skipped: {error}")
    yield store
    objectstore.release(root)


@pytest.fixture(scope="session")
def bucket(object_store: objectstore.ObjectStore) -> str:
    """This test process's own bucket (each pytest-xdist worker has one), empty to start."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    return object_store.make_bucket(f"media-{worker}")


@pytest.fixture(scope="session")
def app(
    database_url: str, tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[Flask]:
    instance = tmp_path_factory.mktemp("instance")
    shared: dict[str, Any] = {}
    if TEST_REDIS_URL:
        redis.Redis.from_url(TEST_REDIS_URL).flushdb()  # what an earlier run left
        shared = {"PAGE_CACHE_URL": TEST_REDIS_URL, "RATELIMIT_STORAGE_URI": TEST_REDIS_URL}
    media: dict[str, str] = {}
    if media_in_s3():
        store: objectstore.ObjectStore = request.getfixturevalue("object_store")
        media = store.settings(request.getfixturevalue("bucket"))
    app = create_app(
        {
            "APP_ENV": "test",
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "INSTANCE_PATH": str(instance),
            "MEDIA_ROOT": str(instance / "media"),
            "SECRET_KEY": "test-secret-key",
            "RATELIMIT_STORAGE_URI": "memory://",
            **shared,
            "SERVER_NAME": None,
            "PASSWORD_HASH_FAST": True,
            "VERSIONS_CHECK_SECONDS": 0,
            # Counts written as each request ends: a test reads its figures right after.
            "COUNTS_FLUSH_SECONDS": 0,
            **media,
        }
    )
    app.test_client_class = FlaskLoginClient
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            _drop_everything()
        upgrade()
    yield app
    with app.app_context():
        db.engine.dispose()


def _drop_everything() -> None:
    """PostgreSQL keeps the test database between runs: start each run from an empty schema."""
    with db.engine.begin() as connection:
        connection.exec_driver_sql("DROP SCHEMA public CASCADE")
        connection.exec_driver_sql("CREATE SCHEMA public")


def _empty_all_tables() -> None:
    tables = list(reversed(db.metadata.sorted_tables))
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            connection.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
        else:
            for table in tables:
                connection.execute(table.delete())
        # The search vocabulary refers to no row (products go with their index rows)
        connection.exec_driver_sql("DELETE FROM search_words")


@pytest.fixture(autouse=True)
def _isolation(request: pytest.FixtureRequest, app: Flask) -> Iterator[None]:
    if request.node.get_closest_marker("committing"):
        yield
        with app.app_context():
            db.session.remove()
            _empty_all_tables()
    else:
        with app.app_context():
            connection = db.engine.connect()
        outer = connection.begin()
        if connection.dialect.name == "postgresql":
            # A rollback gives no sequence its numbers back: every test numbers its rows from 1,
            # as after the emptying (and as SQLite does once the rows are gone).
            connection.exec_driver_sql(
                "SELECT setval(oid, 1, false) FROM pg_class"
                " WHERE relkind = 'S' AND relnamespace = 'public'::regnamespace"
            )
        # The application's own sessionmaker (its flush listeners keep the search index and the
        # reports in step), told to join the connection; Flask-SQLAlchemy's sessions pick an
        # engine themselves, so they are told to use their bind (in this app: a test may make
        # an app of its own).
        factory = db.session.session_factory
        options = dict(factory.kw)
        factory.configure(bind=connection, join_transaction_mode="create_savepoint")
        engine_for = factory.class_.get_bind

        def get_bind(session: Any, *args: Any, **kwargs: Any) -> Any:
            if current_app._get_current_object() is app:  # type: ignore[attr-defined]
                return session.bind
            return engine_for(session, *args, **kwargs)

        patch = pytest.MonkeyPatch()
        patch.setattr(factory.class_, "get_bind", get_bind)
        try:
            yield
        finally:
            for session in list(db.session.registry.registry.values()):
                session.close()
            db.session.registry.registry.clear()
            patch.undo()
            factory.kw = options
            outer.rollback()
            connection.close()
    limiter.reset()
    with app.app_context():
        page_cache.clear()
        fragments.clear()


@pytest.fixture(autouse=True)
def _fresh_reference_lists() -> None:
    """What a process keeps per data version starts empty in each test: a test's rollback (or
    the emptying after a committing one) takes the versions back without being a change."""
    filter_choices.cache_clear()


def _redis_is_running() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.2).close()
    except OSError:
        return False
    return True


@pytest.fixture
def redis_app(app: Flask) -> Iterator[Flask]:
    """The app with its page cache and pieces in Redis (database 15), emptied before and after;
    skipped where no Redis runs (the in-process caches are the default)."""
    if not _redis_is_running():
        pytest.skip("no Redis on 127.0.0.1:6379 (the in-process cache is the default)")
    shared = create_app({**app.config, "PAGE_CACHE_URL": "redis://127.0.0.1:6379/15"})
    with shared.app_context():
        page_cache.clear()
        fragments.clear()
    yield shared
    with shared.app_context():
        page_cache.clear()
        fragments.clear()
        db.engine.dispose()


def empty_media(app: Flask) -> None:
    """Remove every stored file of `app`'s media store (the folder, or the bucket's keys)."""
    if not app.config.get("MEDIA_S3_BUCKET"):
        shutil.rmtree(app.config["MEDIA_ROOT"], ignore_errors=True)
        return
    with app.app_context():
        storage = current_storage()
        for key in list(storage.keys()):
            storage.delete(key)


@pytest.fixture(params=["local", "s3"])
def media_backend(request: pytest.FixtureRequest, app: Flask) -> Iterator[str]:
    """The test runs twice: with the app's media on the local disk, then in the object store
    (its settings changed for the test, and put back after)."""
    before = {name: app.config.get(name) for name in app.config if name.startswith("MEDIA_S3_")}
    if request.param == "s3":
        store: objectstore.ObjectStore = request.getfixturevalue("object_store")
        app.config.update(store.settings(request.getfixturevalue("bucket")))
    else:
        app.config["MEDIA_S3_BUCKET"] = ""
    empty_media(app)
    yield request.param
    empty_media(app)
    app.config.update(before)


@pytest.fixture
def local_media(app: Flask) -> Iterator[None]:
    """The app's media on the local disk for this test, whatever the run's setting (a test of
    what only a disk does)."""
    bucket = app.config.get("MEDIA_S3_BUCKET", "")
    app.config["MEDIA_S3_BUCKET"] = ""
    empty_media(app)
    yield
    empty_media(app)
    app.config["MEDIA_S3_BUCKET"] = bucket


@pytest.fixture
def storefront(app: Flask) -> Iterator[None]:
    """Reference data seeded and an empty media store, for every storefront test."""
    empty_media(app)
    with app.app_context():
        seed_reference()
        db.session.commit()
    yield
    empty_media(app)


_DEMO_PHOTOS: dict[tuple[Any, ...], bytes] = {}
_DEMO_PROCESSED: dict[tuple[Any, ...], tuple[images.ProcessedImage, dict[str, bytes]]] = {}


@pytest.fixture
def demo_images_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """`flask seed-demo` draws and encodes the same photos on every run (the same arguments
    give the same bytes); the tests that seed the demo share them, made once per session.
    The files are still written, the rows still made: only the pixel work is remembered."""
    draw, process = demo.make_placeholder_photo, images.process_image

    def placeholder(seed: int, text: str, *args: Any) -> bytes:
        key = (seed, text, *args)
        if key not in _DEMO_PHOTOS:
            _DEMO_PHOTOS[key] = draw(seed, text, *args)
        return _DEMO_PHOTOS[key]

    def processed(data: bytes, **limits: int) -> tuple[images.ProcessedImage, dict[str, bytes]]:
        key = (data, *sorted(limits.items()))
        if key not in _DEMO_PROCESSED:
            _DEMO_PROCESSED[key] = process(data, **limits)
        description, files = _DEMO_PROCESSED[key]
        return description, dict(files)

    monkeypatch.setattr(demo, "make_placeholder_photo", placeholder)
    monkeypatch.setattr(images, "process_image", processed)


@pytest.fixture
def ctx(app: Flask) -> Iterator[Flask]:
    """An application context for tests that call services and queries directly."""
    with app.app_context():
        yield app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def login_as(app: Flask) -> Any:
    """A client whose session belongs to `user`, the same cookie a real login sets."""

    def make(user: Any) -> FlaskClient:
        return app.test_client(user=user)

    return make


LOGIN_PAGE = "/auth/login"


def csrf_token(client: FlaskClient, page: str = "/") -> str:
    """Read the CSRF token from a page's form, as a browser would submit it.

    The pages visitors share (home, catalog, products...) hold no token: for a visitor who is
    not signed in, a page without one means the token of the first form they open, the login
    page's (the token is the session's, whichever form shows it)."""
    html = client.get(page, follow_redirects=True).get_data(as_text=True)
    match = CSRF_INPUT.search(html)
    if match is None and page != LOGIN_PAGE:
        return csrf_token(client, LOGIN_PAGE)
    assert match, f"no CSRF token on {page}"
    return match.group(1)


def post_form(
    client: FlaskClient,
    url: str,
    data: dict[str, Any] | None = None,
    *,
    page: str | None = None,
    **kwargs: Any,
) -> Any:
    """POST a form with the CSRF token taken from `page` (the form's own page by default)."""
    payload = dict(data or {})
    payload["csrf_token"] = csrf_token(client, page or url)
    return client.post(url, data=payload, **kwargs)
