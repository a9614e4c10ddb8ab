"""Prometheus metrics at `GET /metrics` (text format, prometheus_client).

What is counted:
- `marketplace_http_requests_total{endpoint, method, status}` and the latency histogram
  `marketplace_http_request_duration_seconds{endpoint}`, by the URL rule's endpoint name
  (`catalog.index`), never the raw path; "none" for an address no rule matches. Counted by a
  WSGI middleware, so pages the page cache sends before Flask are counted under their endpoint.
- `marketplace_http_requests_in_progress`: requests being answered now.
- `marketplace_cache_lookups_total{cache, result}`: hits and misses of the whole-page cache
  (`page`: in Flask; `fast_page`: before Flask, for requests without a cookie) and of the pieces
  (`fragment`); a hit rate is `hit / (hit + miss)` per cache.
- `marketplace_rate_limit_refusals_total{endpoint}`: requests refused with 429.
- what the features above add at each scrape (`init_metrics(app, collectors)`): the jobs by
  status and the oldest due job's age (`jobs/metrics.py`).

Several gunicorn workers each count on their own: with `PROMETHEUS_MULTIPROC_DIR` set to an
empty folder before the server starts, they write their counts there and `/metrics` adds them
up (prometheus_client's multiprocess mode); gunicorn's `child_exit` hook must then call
`child_exit(server, worker)` from this module.

Only a scraper may read it: with `METRICS_TOKEN` set, a request with that bearer token; without,
a client on a loopback or private address (after the trusted proxies); anyone else gets 404.
Never kept by the page cache, never rate limited, no session cookie.
"""

from __future__ import annotations

import hmac
import ipaddress
import time
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from flask import Blueprint, Flask, Response, abort, current_app, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.metrics_core import Metric
from prometheus_client.registry import Collector
from werkzeug.exceptions import HTTPException
from werkzeug.wsgi import ClosingIterator

from config import prometheus_multiproc_dir
from marketplace.extensions import limiter

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
NO_ENDPOINT = "none"
# Private networks (RFC 1918, IPv6 unique local). Not `is_private`, which also admits the
# documentation ranges and other reserved blocks.
PRIVATE_NETWORKS = tuple(
    ipaddress.ip_network(net)
    for net in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7")
)

REQUESTS = Counter(
    "marketplace_http_requests",
    "Requests answered, by endpoint, method and status.",
    ["endpoint", "method", "status"],
)
LATENCY = Histogram(
    "marketplace_http_request_duration_seconds",
    "Time to answer a request, by endpoint.",
    ["endpoint"],
)
IN_PROGRESS = Gauge(
    "marketplace_http_requests_in_progress",
    "Requests being answered.",
    multiprocess_mode="livesum",
)
CACHE_LOOKUPS = Counter(
    "marketplace_cache_lookups",
    "Lookups in the page cache (page, fast_page) and the pieces' cache (fragment).",
    ["cache", "result"],
)
RATE_LIMITED = Counter(
    "marketplace_rate_limit_refusals",
    "Requests refused by a rate limit (429), by endpoint.",
    ["endpoint"],
)

bp = Blueprint("metrics", __name__)


def cache_lookups(cache: str, hits: int = 0, misses: int = 0) -> None:
    """Count `hits` and `misses` of `cache` ("page", "fast_page" or "fragment")."""
    if hits:
        CACHE_LOOKUPS.labels(cache, "hit").inc(hits)
    if misses:
        CACHE_LOOKUPS.labels(cache, "miss").inc(misses)


class CountRequests:
    """Counts and times every request by its endpoint (see the module)."""

    def __init__(self, app: Flask, wsgi_app: WSGIApplication) -> None:
        self.app = app
        self.wsgi_app = wsgi_app

    def endpoint(self, environ: WSGIEnvironment) -> str:
        handled = environ.get("werkzeug.request")
        rule = getattr(handled, "url_rule", None)
        if rule is not None:
            return str(rule.endpoint)
        if handled is not None and getattr(handled, "routing_exception", None) is not None:
            return NO_ENDPOINT
        try:  # answered before Flask (a kept page): match it as Flask would
            endpoint, _ = self.app.url_map.bind_to_environ(environ).match()
        except (HTTPException, ValueError):
            return NO_ENDPOINT
        return str(endpoint)

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        started = time.perf_counter()
        answer: dict[str, Any] = {}
        IN_PROGRESS.inc()

        def start(status: str, headers: list[tuple[str, str]], *args: Any) -> Any:
            answer["status"] = status
            return start_response(status, headers, *args)

        def done() -> None:
            IN_PROGRESS.dec()
            endpoint = self.endpoint(environ)
            method = str(environ.get("REQUEST_METHOD", ""))
            status = str(answer.get("status", "500")).split(" ", 1)[0]
            REQUESTS.labels(endpoint, method if method in METHODS else "other", status).inc()
            LATENCY.labels(endpoint).observe(time.perf_counter() - started)
            if status == "429":
                RATE_LIMITED.labels(endpoint).inc()

        try:
            body = self.wsgi_app(environ, start)
        except BaseException:
            IN_PROGRESS.dec()
            raise
        return ClosingIterator(body, done)


class _ThisProcess:
    """What this process counted (the default registry), when it counts alone."""

    def collect(self) -> Iterator[Metric]:
        yield from REGISTRY.collect()


def _scraper_allowed() -> bool:
    token = current_app.config.get("METRICS_TOKEN", "")
    if token:
        scheme, _, given = request.headers.get("Authorization", "").partition(" ")
        return scheme.lower() == "bearer" and hmac.compare_digest(
            given.strip().encode(), token.encode()
        )
    try:
        address = ipaddress.ip_address(request.remote_addr or "")
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_loopback or any(address in net for net in PRIVATE_NETWORKS)


@bp.get("/metrics")
@limiter.exempt
def scrape() -> Response:
    if not _scraper_allowed():
        abort(404)
    registry = CollectorRegistry(auto_describe=False)
    folder = current_app.config.get("PROMETHEUS_MULTIPROC_DIR", "")
    if folder:
        multiprocess.MultiProcessCollector(registry, path=folder)
    else:
        registry.register(_ThisProcess())
    for collector in current_app.extensions["metrics_collectors"]:
        registry.register(collector)
    response = Response(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)
    response.cache_control.no_store = True
    return response


def child_exit(_server: Any, worker: Any) -> None:
    """For gunicorn's `child_exit(server, worker)` hook: forget a dead worker's requests in
    progress."""
    folder = prometheus_multiproc_dir()
    if folder:
        multiprocess.mark_process_dead(worker.pid, folder)


def init_metrics(app: Flask, collectors: Iterable[Collector] = ()) -> None:
    """The /metrics page, with `collectors` read at each scrape, and the request counts (call
    before `logs.init_request_ids`, whose middleware goes around this one)."""
    app.extensions["metrics_collectors"] = list(collectors)
    app.register_blueprint(bp)
    app.wsgi_app = CountRequests(app, app.wsgi_app)  # type: ignore[method-assign]
