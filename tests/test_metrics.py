"""/metrics: what it counts, read back in Prometheus' text format, and who may read it."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from prometheus_client.parser import text_string_to_metric_families

from config import ROOT
from marketplace import create_app
from marketplace.db import db
from marketplace.extensions import limiter
from marketplace.jobs.models import Job, JobStatus

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def scrape(client: FlaskClient, **kwargs: Any) -> Samples:
    with client.get("/metrics", **kwargs) as response:
        assert response.status_code == 200
        assert response.mimetype == "text/plain"
        text = response.get_data(as_text=True)
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def get(client: FlaskClient, path: str, **kwargs: Any) -> int:
    """A GET whose response is closed, as a server closes it (the counts are made then)."""
    with client.get(path, **kwargs) as response:
        return response.status_code


def test_requests_are_counted_and_timed_by_endpoint_never_by_path(client: FlaskClient) -> None:
    before = scrape(client)
    assert get(client, "/healthz") == 200
    assert get(client, "/products/no-such-thing-at-all") == 404
    assert get(client, "/no/such/address") == 404
    after = scrape(client)

    total = "marketplace_http_requests_total"
    healthz = {"endpoint": "main.healthz", "method": "GET", "status": "200"}
    product = {"endpoint": "products.page", "method": "GET", "status": "404"}
    nowhere = {"endpoint": "none", "method": "GET", "status": "404"}
    for labels in (healthz, product, nowhere):
        assert value(after, total, **labels) - value(before, total, **labels) == 1, labels
    count = "marketplace_http_request_duration_seconds_count"
    assert (
        value(after, count, endpoint="main.healthz") - value(before, count, endpoint="main.healthz")
        == 1
    )
    assert not any("no-such-thing" in str(key) or "/no/such" in str(key) for key in after)


def test_the_endpoints_counted_are_names_never_addresses(client: FlaskClient) -> None:
    get(client, "/healthz")
    get(client, "/catalog?q=secret")
    seen = {
        dict(labels)["endpoint"]
        for (name, labels) in scrape(client)
        if name == "marketplace_http_requests_total"
    }
    assert {"main.healthz", "catalog.index"} <= seen
    assert not any("/" in endpoint or "?" in endpoint for endpoint in seen)


def test_page_cache_hits_and_misses_are_counted(client: FlaskClient, storefront: None) -> None:
    before = scrape(client)
    for _ in range(3):
        assert get(client, "/partners") == 200
    assert get(client, "/catalog") == 200
    after = scrape(client)

    def delta(cache: str, result: str) -> float:
        name = "marketplace_cache_lookups_total"
        return value(after, name, cache=cache, result=result) - value(
            before, name, cache=cache, result=result
        )

    # Without a cookie: the first visit is made (a miss before Flask and in it), the next two
    # are sent before Flask.
    assert delta("fast_page", "miss") == 2
    assert delta("fast_page", "hit") == 2
    assert delta("page", "miss") == 2
    assert delta("page", "hit") == 0
    assert delta("fragment", "miss") + delta("fragment", "hit") > 0


def test_a_request_with_a_cookie_is_looked_up_in_flask(
    client: FlaskClient, storefront: None
) -> None:
    """Not before Flask (its session could change the page): a kept page is a hit in Flask."""
    client.set_cookie("something", "else")
    before = scrape(client)
    for _ in range(2):
        assert get(client, "/partners") == 200
    after = scrape(client)
    name = "marketplace_cache_lookups_total"
    hits = value(after, name, cache="page", result="hit") - value(
        before, name, cache="page", result="hit"
    )
    fast = value(after, name, cache="fast_page", result="miss") - value(
        before, name, cache="fast_page", result="miss"
    )
    assert (hits, fast) == (1, 0)


@pytest.fixture
def low_api_limit(app: Flask) -> Iterator[None]:
    saved = app.config["API_RATE_LIMIT"]
    app.config["API_RATE_LIMIT"] = "2 per minute"
    yield
    app.config["API_RATE_LIMIT"] = saved
    limiter.reset()


def test_rate_limit_refusals_are_counted(client: FlaskClient, low_api_limit: None) -> None:
    name = "marketplace_rate_limit_refusals_total"
    before = scrape(client)
    statuses = [get(client, "/api/v1/channels") for _ in range(4)]
    after = scrape(client)
    assert statuses == [200, 200, 429, 429]
    endpoints = {dict(labels)["endpoint"] for (n, labels) in after if n == name}
    refused = sum(
        value(after, name, endpoint=e) - value(before, name, endpoint=e) for e in endpoints
    )
    assert refused == 2
    # /metrics itself is never limited.
    for _ in range(5):
        scrape(client)


def test_metrics_are_not_kept_limited_or_given_a_cookie(client: FlaskClient) -> None:
    with client.get("/metrics") as response:
        assert response.status_code == 200
        assert "Set-Cookie" not in response.headers
        assert response.cache_control.no_store
        assert "ETag" not in response.headers


@pytest.mark.parametrize("address", ["127.0.0.1", "10.4.5.6", "192.168.1.20", "172.16.0.9", "::1"])
def test_loopback_and_private_addresses_may_read_without_a_token(
    client: FlaskClient, address: str
) -> None:
    assert get(client, "/metrics", environ_base={"REMOTE_ADDR": address}) == 200


@pytest.mark.parametrize("address", ["203.0.113.7", "8.8.8.8", "2001:db8::1", "not-an-address"])
def test_public_addresses_get_404(client: FlaskClient, address: str) -> None:
    assert get(client, "/metrics", environ_base={"REMOTE_ADDR": address}) == 404


def test_behind_a_trusted_proxy_the_forwarded_address_decides(app: Flask) -> None:
    proxied = create_app({**app.config, "TRUSTED_PROXIES": 1})
    client = proxied.test_client()
    loopback = {"REMOTE_ADDR": "127.0.0.1"}
    outside = {"X-Forwarded-For": "203.0.113.7"}
    inside = {"X-Forwarded-For": "10.0.0.8"}
    assert get(client, "/metrics", environ_base=loopback, headers=outside) == 404
    assert get(client, "/metrics", environ_base=loopback, headers=inside) == 200
    with proxied.app_context():
        db.engine.dispose()


def test_with_a_token_only_the_bearer_of_it_may_read(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "METRICS_TOKEN", "s3cret-scrape-token")
    good = {"Authorization": "Bearer s3cret-scrape-token"}
    assert get(client, "/metrics") == 404
    assert get(client, "/metrics", headers={"Authorization": "Bearer wrong"}) == 404
    assert get(client, "/metrics", headers={"Authorization": "Basic s3cret-scrape-token"}) == 404
    assert get(client, "/metrics", headers=good) == 200
    assert get(client, "/metrics", headers=good, environ_base={"REMOTE_ADDR": "203.0.113.7"}) == 200


def test_jobs_are_counted_by_status_with_the_age_of_the_oldest_queued(
    app: Flask, client: FlaskClient
) -> None:
    now = datetime.now(UTC)
    rows = [
        (JobStatus.QUEUED, now - timedelta(minutes=5)),
        (JobStatus.QUEUED, now - timedelta(minutes=1)),
        (JobStatus.QUEUED, now + timedelta(hours=1)),  # not due: has not waited
        (JobStatus.RUNNING, now),
        (JobStatus.DEAD, now - timedelta(days=1)),
    ]
    with app.app_context():
        for status, run_at in rows:
            db.session.add(
                Job(name="send-outbox", payload={}, status=status, run_at=run_at, max_attempts=5)
            )
        db.session.commit()
    expected = {"queued": 3.0, "running": 1.0, "done": 0.0, "dead": 1.0}
    samples = scrape(client)
    counted = {
        dict(labels)["status"]: number
        for (name, labels), number in samples.items()
        if name == "marketplace_jobs"
    }
    assert counted == expected
    age = value(samples, "marketplace_jobs_oldest_queued_age_seconds")
    assert 5 * 60 <= age < 5 * 60 + 120


SCRIPT = textwrap.dedent(
    """
    import sys
    from marketplace import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x" * 40})
    client = app.test_client()
    for _ in range(int(sys.argv[1])):
        with client.get("/healthz") as response:
            assert response.status_code == 200
    if sys.argv[2] == "scrape":
        with client.get("/metrics") as response:
            sys.stdout.write(response.get_data(as_text=True))
    """
)


def _run(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PROMETHEUS_MULTIPROC_DIR": str(folder),
        "INSTANCE_PATH": str(folder.parent / "instance"),
        "LOG_LEVEL": "WARNING",
    }
    return subprocess.run(
        [sys.executable, "-c", SCRIPT, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )


def test_several_processes_add_up_in_multiprocess_mode(tmp_path: Path) -> None:
    """Two workers count 2 and 3 requests; a third process's /metrics reads 5 (and its own)."""
    folder = tmp_path / "metrics"
    folder.mkdir()
    _run(folder, "2", "quiet")
    _run(folder, "3", "quiet")
    text = _run(folder, "1", "scrape").stdout
    samples = {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }
    labels = {"endpoint": "main.healthz", "method": "GET", "status": "200"}
    assert value(samples, "marketplace_http_requests_total", **labels) == 6


def test_child_exit_forgets_a_dead_worker(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from marketplace.metrics import child_exit

    folder = tmp_path / "metrics"
    folder.mkdir()
    dead = folder / "gauge_livesum_4242.db"
    other = folder / "gauge_livesum_4343.db"
    dead.write_bytes(b"")
    other.write_bytes(b"")
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(folder))
    child_exit(SimpleNamespace(), SimpleNamespace(pid=4242))
    assert not dead.exists() and other.exists()
    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR")
    child_exit(SimpleNamespace(), SimpleNamespace(pid=4343))  # no folder: nothing to do
    assert other.exists()
