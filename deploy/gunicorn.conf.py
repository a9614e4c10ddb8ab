"""gunicorn's settings for an app host: `gunicorn --config deploy/gunicorn.conf.py wsgi:app`
(deploy/systemd/marketplace-web.service runs exactly that).

Only what a host may need to change is read from the environment (the EnvironmentFile of the
unit, see deploy/marketplace.env.example); the rest is fixed here for every host. How many
workers and threads a host needs: docs/capacity.md.
"""

from __future__ import annotations

import os
from typing import Any

# nginx on the same host reads each request whole and passes it on here (deploy/nginx.conf,
# deploy/nginx-app-host.conf): listen on the loopback address only, so that nobody else can
# write the X-Forwarded-For header the app trusts (TRUSTED_PROXIES).
bind = os.environ.get("GUNICORN_BIND", "") or "127.0.0.1:8000"
# Processes, each with its own pool of database connections (5, SQLAlchemy's default): one per
# core is enough, the threads cover the time spent waiting for PostgreSQL and Redis.
workers = int(os.environ.get("WEB_CONCURRENCY", "") or os.cpu_count() or 2)
threads = int(os.environ.get("GUNICORN_THREADS", "") or 4)
worker_class = "gthread"
# A request still running after this long is killed with its worker (a batch of large photos
# takes some seconds; nginx gives up after 120 s).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "") or 120)
# On TERM (systemctl stop or restart, a deploy), each worker stops taking requests and has
# this long to finish the ones it holds; the load balancer has stopped sending new ones first.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "") or 30)
keepalive = 5
# A worker is replaced after about this many requests, at a different moment in each worker
# (the jitter), so that memory a long-lived process gathers is given back and never all
# workers restart together.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "") or 5000)
max_requests_jitter = max(1, max_requests // 10)
# Where X-Forwarded-Proto is believed from (gunicorn's own setting): the local nginx only. The
# app reads the client's address and scheme itself, through TRUSTED_PROXIES.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "") or "127.0.0.1,::1"
# The app writes one JSON line per request itself (LOG_FORMAT), with its request id: gunicorn's
# access log would say the same thing again, without it.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "") or "info"
# The workers' heartbeat files in memory: a slow or full disk must not look like a hung worker.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
control_socket_disable = True
proc_name = "marketplace-web"


def child_exit(server: Any, worker: Any) -> None:
    """A worker is gone: its share of the Prometheus figures (PROMETHEUS_MULTIPROC_DIR) is
    marked dead, so that gauges of live workers only are added up."""
    try:
        from marketplace.metrics import child_exit as metrics_child_exit
    except ImportError:  # a version of the app without /metrics
        return
    metrics_child_exit(server, worker)
