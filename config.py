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

ROOT = Path(__file__).resolve().parent
INSTANCE = ROOT / "instance"

ENVIRONMENTS = ("development", "production", "test")


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


def _secret_key(env: Mapping[str, str], app_env: str, instance: Path) -> str:
    """Production must be given a key; a laptop gets one generated once into `instance/`."""
    key = env.get("SECRET_KEY", "")
    if key:
        return key
    if app_env == "production":
        raise ConfigError("SECRET_KEY must be set when APP_ENV=production.")
    path = instance / "secret_key"
    if path.exists():
        return path.read_text().strip()
    instance.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


def load_config(env: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Build the settings dict from `env` (the process environment by default)."""
    env = os.environ if env is None else env
    app_env = env.get("APP_ENV", "development").strip().lower() or "development"
    if app_env not in ENVIRONMENTS:
        raise ConfigError(f"APP_ENV must be one of {', '.join(ENVIRONMENTS)}, not {app_env!r}")
    instance = Path(env.get("INSTANCE_PATH", "") or INSTANCE)
    secure_cookies = _flag(env.get("SECURE_COOKIES"), app_env == "production")
    database_url = env.get("DATABASE_URL", "") or f"sqlite:///{instance / 'marketplace.db'}"
    if database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url.removeprefix("postgresql://")

    return {
        "APP_ENV": app_env,
        "INSTANCE_PATH": str(instance),
        "SECRET_KEY": _secret_key(env, app_env, instance),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "BASE_URL": env.get("BASE_URL", "") or "http://127.0.0.1:8000",
        "MEDIA_ROOT": env.get("MEDIA_ROOT", "") or str(instance / "media"),
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
        "WTF_CSRF_SSL_STRICT": secure_cookies,
        "RATELIMIT_STORAGE_URI": env.get("RATELIMIT_STORAGE_URI", "") or "memory://",
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
        "TOKEN_MAX_AGE": _int(env, "TOKEN_MAX_AGE_HOURS", 48) * 3600,
        "RESET_TOKEN_MAX_AGE": _int(env, "RESET_TOKEN_MAX_AGE_MINUTES", 60) * 60,
        # The JSON API (flask-smorest): the OpenAPI document at /api/v1/openapi.json, no
        # documentation UI (it would load scripts from a CDN, which the CSP forbids).
        "API_TITLE": "Bandung Export Marketplace API",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api/v1",
        "OPENAPI_JSON_PATH": "openapi.json",
        "API_RATE_LIMIT": env.get("API_RATE_LIMIT", "") or "300 per minute",
    }
