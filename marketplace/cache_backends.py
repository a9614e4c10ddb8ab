"""Where the page cache (`page_cache`) and the pieces (`fragments`) are kept: in this process
(Flask-Caching's SimpleCache) by default, in Redis when PAGE_CACHE_URL names one.

A cache only saves work: when Redis cannot answer (down, unreachable, too slow), a page is made
as if nothing were kept, never failed. `ForgivingRedisCache` turns Redis errors into misses,
logs the first of them, and leaves Redis alone for RETRY_SECONDS before asking it again; it
waits TIMEOUT_SECONDS at most for an answer.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from flask import Flask
from flask_caching.backends.rediscache import RedisCache
from redis.exceptions import RedisError

TIMEOUT_SECONDS = 0.5
RETRY_SECONDS = 5.0
KEY_PREFIX = "marketplace:"

log = logging.getLogger(__name__)


class ForgivingRedisCache(RedisCache):
    """Flask-Caching's RedisCache, where an error is a miss for the page (see the module)."""

    _unusable_until = 0.0

    @classmethod
    def factory(
        cls, app: Flask, config: dict[str, Any], args: list[Any], kwargs: dict[str, Any]
    ) -> RedisCache:
        limits = {"socket_timeout": TIMEOUT_SECONDS, "socket_connect_timeout": TIMEOUT_SECONDS}
        config = {**config, "CACHE_OPTIONS": {**limits, **(config.get("CACHE_OPTIONS") or {})}}
        return super().factory(app, config, args, kwargs)

    def _usable(self) -> bool:
        return time.monotonic() >= self._unusable_until

    def _failed(self, error: Exception) -> None:
        if self._usable():
            log.warning(
                "The cache in Redis cannot answer (%s): pages are made without it for %s s",
                error,
                RETRY_SECONDS,
            )
        self._unusable_until = time.monotonic() + RETRY_SECONDS

    def _ask(self, missed: Any, operation: Callable[..., Any], *args: Any) -> Any:
        """`operation(*args)`, or `missed` when Redis is left alone or cannot answer."""
        if not self._usable():
            return missed
        try:
            return operation(*args)
        except RedisError as error:
            self._failed(error)
            return missed

    def get(self, key: str) -> Any:
        return self._ask(None, super().get, key)

    def get_many(self, *keys: str) -> list[Any]:
        return list(self._ask([None] * len(keys), super().get_many, *keys))

    def set(self, key: str, value: Any, timeout: int | timedelta | None = None) -> Any:
        return self._ask(False, super().set, key, value, timeout)

    def set_many(
        self, mapping: dict[str, Any], timeout: int | timedelta | None = None
    ) -> list[Any]:
        return list(self._ask([], super().set_many, mapping, timeout))

    def clear(self) -> bool:
        """Asked even while Redis is left alone: an emptying must not be skipped silently."""
        try:
            return bool(super().clear())
        except RedisError as error:
            self._failed(error)
            return False


def cache_settings(app: Flask, entries: int) -> dict[str, Any]:
    """Flask-Caching's settings for a cache of at most `entries` (in this process) kept for
    PAGE_CACHE_SECONDS at most, in Redis when PAGE_CACHE_URL names one."""
    settings: dict[str, Any] = {
        "CACHE_DEFAULT_TIMEOUT": app.config.get("PAGE_CACHE_SECONDS", 300),
        "CACHE_KEY_PREFIX": KEY_PREFIX,
    }
    url = app.config.get("PAGE_CACHE_URL", "")
    if url:
        return settings | {
            "CACHE_TYPE": f"{__name__}.{ForgivingRedisCache.__name__}",
            "CACHE_REDIS_URL": url,
        }
    return settings | {"CACHE_TYPE": "SimpleCache", "CACHE_THRESHOLD": entries}
