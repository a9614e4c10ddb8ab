"""Settings for the marketplace, read from the environment with safe defaults for a laptop.

This is the only module that reads the environment. `load_config()` returns a plain dict that
`create_app()` applies; tests pass their own overrides on top of it.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent
INSTANCE = ROOT / "instance"

ENVIRONMENTS = ("development", "production", "test")
MIN_SECRET_KEY_BYTES = 32
# Names a laptop reaches its own server by; production trusts only what it is told.
LOCAL_HOSTS = ("127.0.0.1", "localhost")


class ConfigError(RuntimeError):
    """The environment does not describe a deployment that may start."""


def _flag(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "")
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}") from exc


def _float(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name, "")
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a number, not {raw!r}") from exc
    if not value > 0:
        raise ConfigError(f"{name} must be more than 0, not {raw!r}")
    return value


def _secret_key(env: Mapping[str, str], app_env: str, instance: Path) -> str:
    """Production must be given a key; a laptop gets one generated once into `instance/`."""
    key = env.get("SECRET_KEY", "")
    if app_env == "production" and len(key.encode()) < MIN_SECRET_KEY_BYTES:
        # Sessions, CSRF tokens and e-mail links are signed with it: a short key can be guessed.
        raise ConfigError(
            f"SECRET_KEY must be set to at least {MIN_SECRET_KEY_BYTES} bytes when "
            "APP_ENV=production (for example: python -c 'import secrets; "
            "print(secrets.token_urlsafe(48))')."
        )
    if key:
        return key
    path = instance / "secret_key"
    if path.exists():
        return path.read_text().strip()
    instance.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


def _base_url(env: Mapping[str, str]) -> str:
    """The address the public uses; every link in mail, tags, PDFs and the API starts with it."""
    url = (env.get("BASE_URL", "") or "http://127.0.0.1:8000").rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query:
        raise ConfigError(
            f"BASE_URL must be an http(s) address such as https://example.org, not {url!r}"
        )
    return url


def _trusted_hosts(env: Mapping[str, str], base_url: str, app_env: str) -> list[str]:
    """Host names requests may carry: BASE_URL's, those listed in TRUSTED_HOSTS (comma-separated;
    a leading dot admits subdomains) and, outside production, the laptop's own names."""
    hosts = [str(urlsplit(base_url).hostname)]
    hosts += [h.strip().lower() for h in env.get("TRUSTED_HOSTS", "").split(",") if h.strip()]
    if app_env != "production":
        hosts += LOCAL_HOSTS
    return list(dict.fromkeys(hosts))


LOG_FORMATS = ("json", "text")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


def _log_format(env: Mapping[str, str], app_env: str) -> str:
    value = env.get("LOG_FORMAT", "").strip().lower()
    if not value:
        return "json" if app_env == "production" else "text"
    if value not in LOG_FORMATS:
        raise ConfigError(f"LOG_FORMAT must be json or text, not {value!r}")
    return value


def _log_level(env: Mapping[str, str]) -> str:
    value = env.get("LOG_LEVEL", "").strip().upper() or "INFO"
    if value not in LOG_LEVELS:
        raise ConfigError(f"LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}, not {value!r}")
    return value


def prometheus_multiproc_dir(env: Mapping[str, str] | None = None) -> str:
    """The folder gunicorn's workers share their metrics in (empty: none); prometheus_client
    reads the same variable when it is imported."""
    env = os.environ if env is None else env
    value = env.get("PROMETHEUS_MULTIPROC_DIR", "").strip()
    if value and not Path(value).is_dir():
        raise ConfigError(
            f"PROMETHEUS_MULTIPROC_DIR must name an existing folder (emptied before the server "
            f"starts), not {value!r}"
        )
    return value


def load_config(env: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Build the settings dict from `env` (the process environment by default)."""
    env = os.environ if env is None else env
    app_env = env.get("APP_ENV", "development").strip().lower() or "development"
    if app_env not in ENVIRONMENTS:
        raise ConfigError(f"APP_ENV must be one of {', '.join(ENVIRONMENTS)}, not {app_env!r}")
    instance = Path(env.get("INSTANCE_PATH", "") or INSTANCE)
    secure_cookies = _flag(env.get("SECURE_COOKIES"), app_env == "production")
    database_url = env.get("DATABASE_URL", "") or f"sqlite:///{instance / 'marketplace.db'}"
    base_url = _base_url(env)
    if database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url.removeprefix("postgresql://")
    # One Redis for everything shared between hosts; a setting of its own still wins.
    redis_url = env.get("REDIS_URL", "").strip()

    if bool(env.get("MEDIA_S3_ACCESS_KEY_ID")) != bool(env.get("MEDIA_S3_SECRET_ACCESS_KEY")):
        raise ConfigError(
            "MEDIA_S3_ACCESS_KEY_ID and MEDIA_S3_SECRET_ACCESS_KEY are set together, or neither "
            "(then the object store's credentials come from the machine's AWS settings)."
        )

    return {
        "APP_ENV": app_env,
        "INSTANCE_PATH": str(instance),
        "REDIS_URL": redis_url,
        # Logs (marketplace/logs.py): one JSON object a line in production, text on a laptop.
        "LOG_FORMAT": _log_format(env, app_env),
        "LOG_LEVEL": _log_level(env),
        # /metrics (marketplace/metrics.py): with a token, only a scraper that sends it; without,
        # only clients on loopback or private addresses.
        "METRICS_TOKEN": env.get("METRICS_TOKEN", ""),
        # Where gunicorn's workers keep their counts for one /metrics to add up (prometheus_client
        # reads the same variable when it is imported); empty: each process counts alone.
        "PROMETHEUS_MULTIPROC_DIR": prometheus_multiproc_dir(env),
        "SECRET_KEY": _secret_key(env, app_env, instance),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "BASE_URL": base_url,
        "TRUSTED_HOSTS": _trusted_hosts(env, base_url, app_env),
        # How many reverse proxies in front set X-Forwarded-For/-Proto (0: none, the client's own
        # address is the connection's). Never more than really sit in front.
        "TRUSTED_PROXIES": _int(env, "TRUSTED_PROXIES", 0),
        # Strict-Transport-Security max-age; sent only over HTTPS (production with secure cookies).
        "HSTS_SECONDS": _int(env, "HSTS_SECONDS", 31_536_000 if secure_cookies else 0),
        "MEDIA_ROOT": env.get("MEDIA_ROOT", "") or str(instance / "media"),
        # Media in an S3-compatible object store (several app hosts share it) when a bucket is
        # named; else on the local disk under MEDIA_ROOT. The endpoint is AWS's when empty.
        "MEDIA_S3_BUCKET": env.get("MEDIA_S3_BUCKET", "").strip(),
        "MEDIA_S3_ENDPOINT_URL": env.get("MEDIA_S3_ENDPOINT_URL", "").strip(),
        "MEDIA_S3_REGION": env.get("MEDIA_S3_REGION", "").strip() or "us-east-1",
        "MEDIA_S3_ACCESS_KEY_ID": env.get("MEDIA_S3_ACCESS_KEY_ID", ""),
        "MEDIA_S3_SECRET_ACCESS_KEY": env.get("MEDIA_S3_SECRET_ACCESS_KEY", ""),
        "MEDIA_S3_PREFIX": env.get("MEDIA_S3_PREFIX", "").strip(),
        "MAX_CONTENT_LENGTH": _int(env, "MAX_UPLOAD_MB", 90) * 1024 * 1024,
        # Cookies: never readable from scripts, not sent on cross-site posts, HTTPS-only in prod.
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": secure_cookies,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": secure_cookies,
        "REMEMBER_COOKIE_DURATION": 60 * 60 * 24 * 30,
        "PREFERRED_URL_SCHEME": "https" if app_env == "production" else "http",
        "WTF_CSRF_TIME_LIMIT": None,
        # Text is sent compressed (brotli, else gzip) to clients that accept it; images and PDFs
        # are compressed already. Streamed bodies (files) are left alone: static files are read
        # whole first (marketplace/caching.py).
        "COMPRESS_ALGORITHM": ["br", "gzip"],
        # Brotli's quality 1 makes a 30 KB catalog page 6.1 KB in 0.07 ms, quality 4 (the
        # default) 5.3 KB in 0.31 ms: both fit a connection's first flight of packets, so a
        # phone far away waits no longer, and the server does four times less (bench/RESULTS.md).
        # Pages kept whole are compressed once, harder (page_cache.BROTLI_QUALITY).
        "COMPRESS_BR_LEVEL": 1,
        "COMPRESS_STREAMS": False,
        "COMPRESS_MIMETYPES": [
            "text/html",
            "text/css",
            "text/plain",
            "text/xml",
            "text/javascript",
            "application/javascript",
            "application/json",
            "application/xml",
            "image/svg+xml",
        ],
        "WTF_CSRF_SSL_STRICT": secure_cookies,
        # Counters shared by every worker on this machine (marketplace/ratelimit_storage.py);
        # redis://... to share them between machines.
        "RATELIMIT_STORAGE_URI": env.get("RATELIMIT_STORAGE_URI", "")
        or redis_url
        or f"sqlite:///{instance.resolve() / 'ratelimits.sqlite'}",
        # A storage that cannot be reached lets requests through rather than failing them.
        "RATELIMIT_SWALLOW_ERRORS": True,
        # Failed logins from one network address, whatever the accounts (a fair's Wi-Fi is one
        # address for a whole crowd: keep it generous).
        "LOGIN_LIMIT_PER_ADDRESS": env.get("LOGIN_LIMIT_PER_ADDRESS", "") or "100 per hour",
        # Registration and reset mails from one network address.
        "MAIL_LIMIT_PER_ADDRESS": env.get("MAIL_LIMIT_PER_ADDRESS", "") or "30 per hour",
        "RATELIMIT_ENABLED": _flag(env.get("RATELIMIT_ENABLED"), True),
        "RATELIMIT_HEADERS_ENABLED": True,
        "BABEL_DEFAULT_LOCALE": "en",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Jakarta",
        "MAIL_SERVER": env.get("MAIL_SERVER", ""),
        "MAIL_PORT": _int(env, "MAIL_PORT", 587),
        "MAIL_USERNAME": env.get("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": env.get("MAIL_PASSWORD", ""),
        "MAIL_USE_TLS": _flag(env.get("MAIL_USE_TLS"), True),
        "MAIL_FROM": env.get("MAIL_FROM", "") or "Bandung Export Marketplace <noreply@localhost>",
        # Buying requests wait for an officer before they go out to the matching MSMEs.
        "BUYING_REQUESTS_SCREENED": _flag(env.get("BUYING_REQUESTS_SCREENED"), False),
        "TOKEN_MAX_AGE": _int(env, "TOKEN_MAX_AGE_HOURS", 48) * 3600,
        "RESET_TOKEN_MAX_AGE": _int(env, "RESET_TOKEN_MAX_AGE_MINUTES", 60) * 60,
        # The JSON API (flask-smorest): the OpenAPI document at /api/v1/openapi.json, no
        # documentation UI (it would load scripts from a CDN, which the CSP forbids).
        "API_TITLE": "Bandung Export Marketplace API",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.1.0",
        "OPENAPI_URL_PREFIX": "/api/v1",
        "OPENAPI_JSON_PATH": "openapi.json",
        "API_RATE_LIMIT": env.get("API_RATE_LIMIT", "") or "300 per minute",
        # Requests per personal access token (the private operations, /api/v1/my, /buyer,
        # /office), shared by all workers like every limit.
        "API_TOKEN_RATE_LIMIT": env.get("API_TOKEN_RATE_LIMIT", "") or "120 per minute",
        # Things (products, MSMEs, channels) per numbered sitemap file, seven URLs each; at most
        # 3,000 (the protocol's 50,000 URLs and 50 MB a file; see marketplace/sharing/sitemap.py).
        "SITEMAP_PAGE_SIZE": _int(env, "SITEMAP_PAGE_SIZE", 1000),
        # Whole pages for visitors who are not signed in (marketplace/page_cache.py): kept in
        # each process, or in Redis (redis://...) shared by every worker and host.
        "PAGE_CACHE_ENABLED": env.get("PAGE_CACHE", "on").strip().lower() != "off",
        "PAGE_CACHE_URL": env.get("PAGE_CACHE_URL", "") or redis_url,
        "PAGE_CACHE_SECONDS": _int(env, "PAGE_CACHE_SECONDS", 300),
        "PAGE_CACHE_ENTRIES": _int(env, "PAGE_CACHE_ENTRIES", 2000),
        # Pieces shared by many public pages, like product cards (marketplace/fragments.py).
        "FRAGMENT_CACHE_ENABLED": env.get("FRAGMENT_CACHE", "on").strip().lower() != "off",
        "FRAGMENT_CACHE_ENTRIES": _int(env, "FRAGMENT_CACHE_ENTRIES", 20000),
        # How long a process trusts the data versions it read (marketplace/versions.py): a
        # change made in one worker reaches the others' caches within this many seconds.
        "VERSIONS_CHECK_SECONDS": float(_int(env, "VERSIONS_CHECK_MS", 1000)) / 1000,
        # Counted views and scans wait in each worker's memory and are written in batches
        # (marketplace/counting): every so many seconds, or sooner once so many wait. 0 writes
        # them as soon as each response is made (the tests' setting: figures at once).
        "COUNTS_FLUSH_SECONDS": _int(env, "COUNTS_FLUSH_SECONDS", 2),
        "COUNTS_FLUSH_SIZE": _int(env, "COUNTS_FLUSH_SIZE", 500),
        # While the database refuses them, at most so many wait; past it the oldest are dropped.
        "COUNTS_BUFFER_MAX": _int(env, "COUNTS_BUFFER_MAX", 50_000),
        # Background jobs (marketplace/jobs, `flask worker`): seconds between looks at an empty
        # queue; a running job's lease (a worker that died is replaced once it passes; the
        # worker extends it every third of it); whether workers queue the schedule's ticks;
        # how long done jobs are kept.
        "JOB_POLL_SECONDS": _float(env, "JOB_POLL_SECONDS", 1.0),
        "JOB_LEASE_SECONDS": _float(env, "JOB_LEASE_SECONDS", 60.0),
        "JOB_SCHEDULE": _flag(env.get("JOB_SCHEDULE"), True),
        "JOB_KEEP_DONE_DAYS": _int(env, "JOB_KEEP_DONE_DAYS", 7),
    }
