"""Settings read from the environment: one REDIS_URL for everything shared between hosts."""

from __future__ import annotations

from pathlib import Path

import pytest

import config


@pytest.fixture
def base(tmp_path: Path) -> dict[str, str]:
    return {"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "k" * 40}


def test_without_redis_a_laptop_needs_no_server(base: dict[str, str], tmp_path: Path) -> None:
    settings = config.load_config(base)
    assert settings["REDIS_URL"] == ""
    assert settings["PAGE_CACHE_URL"] == ""
    assert settings["RATELIMIT_STORAGE_URI"] == f"sqlite:///{tmp_path.resolve()}/ratelimits.sqlite"


def test_redis_url_is_the_default_of_the_page_cache_and_the_rate_limits(
    base: dict[str, str],
) -> None:
    settings = config.load_config({**base, "REDIS_URL": "redis://cache.internal:6379/2"})
    assert settings["REDIS_URL"] == "redis://cache.internal:6379/2"
    assert settings["PAGE_CACHE_URL"] == "redis://cache.internal:6379/2"
    assert settings["RATELIMIT_STORAGE_URI"] == "redis://cache.internal:6379/2"


def test_a_setting_of_its_own_wins_over_redis_url(base: dict[str, str]) -> None:
    settings = config.load_config(
        {
            **base,
            "REDIS_URL": "redis://shared:6379/0",
            "PAGE_CACHE_URL": "redis://pages:6379/1",
            "RATELIMIT_STORAGE_URI": "memory://",
        }
    )
    assert settings["PAGE_CACHE_URL"] == "redis://pages:6379/1"
    assert settings["RATELIMIT_STORAGE_URI"] == "memory://"
    only_limits = config.load_config(
        {**base, "REDIS_URL": "redis://shared:6379/0", "RATELIMIT_STORAGE_URI": "memory://"}
    )
    assert only_limits["PAGE_CACHE_URL"] == "redis://shared:6379/0"


def test_metrics_settings(base: dict[str, str], tmp_path: Path) -> None:
    settings = config.load_config(base)
    assert (settings["METRICS_TOKEN"], settings["PROMETHEUS_MULTIPROC_DIR"]) == ("", "")
    folder = tmp_path / "prometheus"
    folder.mkdir()
    chosen = config.load_config(
        {**base, "METRICS_TOKEN": "t" * 20, "PROMETHEUS_MULTIPROC_DIR": str(folder)}
    )
    assert chosen["METRICS_TOKEN"] == "t" * 20
    assert chosen["PROMETHEUS_MULTIPROC_DIR"] == str(folder)
    with pytest.raises(config.ConfigError, match="PROMETHEUS_MULTIPROC_DIR"):
        config.load_config({**base, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "missing")})
