"""Request ids and the log lines: what is written to the standard error, read back and parsed."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from flask import Flask, g
from werkzeug.test import Client

import config
from marketplace import create_app
from marketplace.accounts.models import Role
from marketplace.db import db
from marketplace.jobs.worker import Worker
from marketplace.logs import AccessLog, init_logging
from tests.conftest import post_form
from tests.factories import make_user

NEW_ID = re.compile(r"[0-9a-f]{32}")


@pytest.mark.parametrize(
    "sent",
    ["abcdefgh", "lb-7f3a:01.2_x", "A" * 128, "0123456789abcdef0123456789abcdef"],
)
def test_a_well_formed_incoming_request_id_is_kept_and_echoed(app: Flask, sent: str) -> None:
    with app.test_client().get("/healthz", headers={"X-Request-ID": sent}) as response:
        assert response.headers["X-Request-ID"] == sent


@pytest.mark.parametrize(
    "sent",
    ["", "short", "A" * 129, "has space in it", "<script>alert(1)</script>", "é" * 10, "a/b/c/d/e"],
)
def test_any_other_incoming_request_id_is_replaced_by_a_new_one(app: Flask, sent: str) -> None:
    with app.test_client().get("/healthz", headers={"X-Request-ID": sent}) as response:
        assert NEW_ID.fullmatch(response.headers["X-Request-ID"])


def test_each_request_gets_its_own_id(app: Flask) -> None:
    client = app.test_client()
    ids = set()
    for _ in range(3):
        with client.get("/healthz") as response:
            ids.add(response.headers["X-Request-ID"])
    assert len(ids) == 3


def test_pages_sent_before_flask_carry_their_own_request_id(app: Flask, storefront: None) -> None:
    """A visitor's page kept whole is sent by the page cache before Flask: with a new id each
    time, never the one of the answer it was kept from."""
    client = app.test_client()
    ids = []
    for _ in range(2):
        with client.get("/partners") as response:
            assert response.status_code == 200
            ids.append(response.headers.getlist("X-Request-ID"))
    assert all(len(found) == 1 for found in ids)
    assert ids[0] != ids[1]


@pytest.fixture
def json_app(app: Flask) -> Iterator[Flask]:
    """The app logging JSON lines; the suite's own logging is put back afterwards."""
    logged = create_app({**app.config, "LOG_FORMAT": "json", "LOG_LEVEL": "INFO"})

    @logged.get("/boom")
    def boom() -> str:
        raise RuntimeError("the reactor melted")

    yield logged
    init_logging(app)
    with logged.app_context():
        db.engine.dispose()


def _lines(text: str) -> list[dict[str, Any]]:
    """Every line of the standard error, each of which must be one JSON object."""
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_json_lines_carry_time_level_logger_message_and_request_id(
    json_app: Flask, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    client = json_app.test_client()
    with client.get(
        "/healthz?email=someone%40example.org&token=secret",
        headers={"X-Request-ID": "balancer-0001"},
        environ_base={"REMOTE_ADDR": "10.1.2.3"},
    ) as response:
        assert response.status_code == 200
    lines = _lines(capsys.readouterr().err)
    access = [line for line in lines if line["logger"] == "marketplace.access"]
    assert len(access) == 1
    line = access[0]
    assert line["level"] == "INFO"
    assert line["request_id"] == "balancer-0001"
    assert line["method"] == "GET"
    assert line["path"] == "/healthz"
    assert line["status"] == 200
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert line["remote_addr"] == "10.1.2.3"
    assert "someone" not in line["message"] and "secret" not in json.dumps(lines)
    moment = datetime.fromisoformat(line["time"])
    assert moment.utcoffset() is not None and moment.utcoffset().total_seconds() == 0
    assert abs((datetime.now(UTC) - moment).total_seconds()) < 600


def test_an_unexpected_error_is_one_json_line_with_its_traceback_and_request_id(
    json_app: Flask, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    with json_app.test_client().get("/boom") as response:
        assert response.status_code == 500
        request_id = response.headers["X-Request-ID"]
    lines = _lines(capsys.readouterr().err)
    errors = [line for line in lines if line["level"] == "ERROR"]
    assert len(errors) == 1
    error = errors[0]
    assert error["logger"] == "marketplace"
    assert error["request_id"] == request_id
    assert "Traceback (most recent call last)" in error["exc_info"]
    assert "RuntimeError: the reactor melted" in error["exc_info"]
    access = [line for line in lines if line["logger"] == "marketplace.access"]
    assert [(a["path"], a["status"], a["request_id"]) for a in access] == [
        ("/boom", 500, request_id)
    ]


def test_a_job_logs_with_the_request_id_it_was_given(
    json_app: Flask, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    with json_app.app_context():
        g.request_id = "queued-by-0123456789"
        logging.getLogger("marketplace.jobs").warning("sent %d mails", 3)
    logging.getLogger("marketplace.jobs").warning("outside any job")
    lines = _lines(capsys.readouterr().err)
    assert [(line["message"], line["request_id"]) for line in lines] == [
        ("sent 3 mails", "queued-by-0123456789"),
        ("outside any job", None),
    ]


def test_the_log_level_leaves_out_what_is_below_it(
    app: Flask, capsys: pytest.CaptureFixture[str]
) -> None:
    quiet = create_app({**app.config, "LOG_FORMAT": "json", "LOG_LEVEL": "WARNING"})
    try:
        capsys.readouterr()
        with quiet.test_client().get("/healthz") as response:
            assert response.status_code == 200
        logging.getLogger("marketplace.test").warning("kept")
        lines = _lines(capsys.readouterr().err)
        assert [line["message"] for line in lines] == ["kept"]
    finally:
        init_logging(app)
        with quiet.app_context():
            db.engine.dispose()


def test_text_lines_on_a_laptop(
    app: Flask, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # An app built by an earlier test (a production one) may have left JSON lines in place.
    monkeypatch.setitem(app.config, "LOG_FORMAT", "text")
    init_logging(app)
    capsys.readouterr()
    with app.test_client().get("/healthz", headers={"X-Request-ID": "text-line-01"}) as response:
        assert response.status_code == 200
    err = capsys.readouterr().err
    assert re.search(
        r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} INFO marketplace\.access \[text-line-01\] "
        r"GET /healthz 200 [\d.]+ ms 127\.0\.0\.1$",
        err,
        re.MULTILINE,
    ), err


def test_log_settings_and_their_defaults(tmp_path: Any) -> None:
    base = {"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "k" * 40}
    assert config.load_config(base)["LOG_FORMAT"] == "text"
    production = config.load_config({**base, "APP_ENV": "production"})
    assert production["LOG_FORMAT"] == "json"
    assert production["LOG_LEVEL"] == "INFO"
    chosen = config.load_config(
        {**base, "APP_ENV": "production", "LOG_FORMAT": "Text", "LOG_LEVEL": "debug"}
    )
    assert (chosen["LOG_FORMAT"], chosen["LOG_LEVEL"]) == ("text", "DEBUG")
    with pytest.raises(config.ConfigError, match="LOG_FORMAT"):
        config.load_config({**base, "LOG_FORMAT": "xml"})
    with pytest.raises(config.ConfigError, match="LOG_LEVEL"):
        config.load_config({**base, "LOG_LEVEL": "chatty"})


def test_lines_logged_before_flask_makes_a_request_carry_its_id(
    json_app: Flask, capsys: pytest.CaptureFixture[str]
) -> None:
    """The page cache's work before Flask (an app context, no request) logs with the id too."""

    def before_flask(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        with json_app.app_context():
            logging.getLogger("marketplace.page_cache").warning("looked up early")
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]

    capsys.readouterr()
    client = Client(AccessLog(before_flask))
    with client.get("/", headers={"X-Request-ID": "early-line-42"}) as response:
        assert response.headers["X-Request-ID"] == "early-line-42"
    lines = _lines(capsys.readouterr().err)
    assert [(line["logger"], line["request_id"]) for line in lines] == [
        ("marketplace.page_cache", "early-line-42"),
        ("marketplace.access", "early-line-42"),
    ]


# The JSON app has an engine of its own: its user, mail and job are committed for real.
@pytest.mark.committing
def test_the_request_id_follows_a_mail_from_the_request_to_the_worker_that_sends_it(
    json_app: Flask, capsys: pytest.CaptureFixture[str]
) -> None:
    """A password reset asked through the load balancer (its X-Request-ID) queues the mail; the
    worker's line for the job that delivers it carries the same id."""
    with json_app.app_context():
        make_user(Role.MSME, email="owner@example.org")
        db.session.commit()
    client = json_app.test_client()
    response = post_form(
        client,
        "/auth/reset",
        {"email": "owner@example.org"},
        headers={"X-Request-ID": "balancer-reset-42"},
    )
    assert response.status_code == 302
    capsys.readouterr()
    assert Worker(json_app, burst=True, schedule=False).run() == 1
    lines = _lines(capsys.readouterr().err)
    jobs = [line for line in lines if line["message"].startswith("job send-email #")]
    assert len(jobs) == 1
    assert jobs[0]["request_id"] == "balancer-reset-42"
    assert ": done (" in jobs[0]["message"]
