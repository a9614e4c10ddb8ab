"""/readyz says whether this host can serve: the database, Redis where a setting names it, and
the media store. /healthz only says the process answers."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import TEST_REDIS_URL, _redis_is_running


def test_on_a_laptop_the_database_and_the_media_folder_are_enough(client: FlaskClient) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json() == {
        "status": "ready",
        "database": "ok",
        # The suite's own Redis when it runs with one (TEST_REDIS_URL).
        "redis": "ok" if TEST_REDIS_URL else "not used",
        "storage": "ok",
    }
    assert "no-store" in response.headers["Cache-Control"]


@pytest.mark.skipif(not _redis_is_running(), reason="no Redis at 127.0.0.1:6379")
def test_a_redis_that_answers_is_ready(app: Flask, client: FlaskClient) -> None:
    before = app.config["PAGE_CACHE_URL"]
    app.config["PAGE_CACHE_URL"] = "redis://127.0.0.1:6379/15"
    try:
        assert client.get("/readyz").get_json()["redis"] == "ok"
    finally:
        app.config["PAGE_CACHE_URL"] = before


def test_a_redis_that_does_not_answer_leaves_the_host_ready_but_degraded(
    app: Flask, client: FlaskClient
) -> None:
    """Every host shares the one Redis: a host turned away for it would leave the balancer no
    better host, and the app serves without it (see main.views.readyz)."""
    before = app.config["PAGE_CACHE_URL"]
    app.config["PAGE_CACHE_URL"] = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    try:
        response = client.get("/readyz")
    finally:
        app.config["PAGE_CACHE_URL"] = before
    assert response.status_code == 200
    assert response.get_json()["redis"] == "unreachable"
    assert response.get_json()["status"] == "degraded"
    assert response.get_json()["database"] == "ok"
    assert client.get("/healthz").status_code == 200  # alive all the same


@pytest.mark.usefixtures("local_media")  # the object store's case: tests/media/test_object_store.py
def test_a_media_store_that_refuses_files_makes_the_host_not_ready(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    # A media root that is a file, not a folder: nothing can be stored under it (even by root).
    media = tmp_path / "media"
    media.write_text("not a folder")
    before = app.config["MEDIA_ROOT"]
    app.config["MEDIA_ROOT"] = str(media)
    try:
        response = client.get("/readyz")
    finally:
        app.config["MEDIA_ROOT"] = before
    assert response.status_code == 503 and response.get_json()["storage"] == "unreachable"
