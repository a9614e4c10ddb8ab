"""The files of deploy/: gunicorn's configuration loads as gunicorn loads it, and the example of
the production settings names exactly what the app and the services read."""

from __future__ import annotations

import configparser
import re
import types
from pathlib import Path
from typing import Any

import pytest
from gunicorn.app.base import Application

from config import load_config

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
GUNICORN_CONF = DEPLOY / "gunicorn.conf.py"
ENV_EXAMPLE = DEPLOY / "marketplace.env.example"


class _Host(Application):
    """gunicorn's own loading of a configuration file, without a command line."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.namespace: dict[str, Any] = {}
        super().__init__()

    def load_config(self) -> None:
        self.namespace = self.load_config_from_file(str(self.path))

    def load(self) -> None:
        return None


class _Recording(dict[str, str]):
    """An environment that remembers every name asked of it."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.asked: set[str] = set()

    def get(self, key: str, default: Any = None) -> Any:
        self.asked.add(key)
        return super().get(key, default)

    def __getitem__(self, key: str) -> str:
        self.asked.add(key)
        return super().__getitem__(key)

    def __contains__(self, key: object) -> bool:
        self.asked.add(str(key))
        return super().__contains__(key)


def _example_names() -> list[str]:
    return re.findall(r"^#?([A-Z][A-Z0-9_]*)=", ENV_EXAMPLE.read_text(), re.MULTILINE)


def _read_by_config(tmp_path: Path) -> set[str]:
    env = _Recording(
        {"APP_ENV": "production", "SECRET_KEY": "s" * 48, "INSTANCE_PATH": str(tmp_path)}
    )
    load_config(env)
    return env.asked


def _read_by_gunicorn_conf() -> set[str]:
    return set(re.findall(r'os\.environ\.get\("([A-Z0-9_]+)"', GUNICORN_CONF.read_text()))


def test_gunicorn_conf_loads_with_its_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in _read_by_gunicorn_conf():
        monkeypatch.delenv(name, raising=False)
    cfg = _Host(GUNICORN_CONF).cfg
    assert cfg.bind == ["127.0.0.1:8000"]
    assert cfg.workers >= 1
    assert cfg.threads == 4
    assert cfg.worker_class_str == "gthread"
    assert cfg.graceful_timeout == 30
    assert cfg.max_requests == 5000
    assert 0 < cfg.max_requests_jitter < cfg.max_requests
    assert cfg.accesslog is None
    assert cfg.forwarded_allow_ips == ["127.0.0.1", "::1"]


def test_gunicorn_conf_takes_the_host_settings_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    monkeypatch.setenv("GUNICORN_THREADS", "8")
    monkeypatch.setenv("GUNICORN_BIND", "127.0.0.1:9001")
    monkeypatch.setenv("GUNICORN_GRACEFUL_TIMEOUT", "20")
    monkeypatch.setenv("GUNICORN_MAX_REQUESTS", "1000")
    monkeypatch.setenv("FORWARDED_ALLOW_IPS", "10.0.1.2")
    cfg = _Host(GUNICORN_CONF).cfg
    assert (cfg.workers, cfg.threads, cfg.bind) == (3, 8, ["127.0.0.1:9001"])
    assert (cfg.graceful_timeout, cfg.max_requests, cfg.max_requests_jitter) == (20, 1000, 100)
    assert cfg.forwarded_allow_ips == ["10.0.1.2"]


def test_gunicorn_conf_sets_only_settings_gunicorn_knows() -> None:
    """gunicorn ignores an unknown name without a word: a misspelt setting would do nothing."""
    host = _Host(GUNICORN_CONF)
    names = {
        name
        for name, value in host.namespace.items()
        if not name.startswith("_")
        and name.islower()
        and not isinstance(value, types.ModuleType | type)
        and name not in {"annotations", "os"}
    }
    assert names - set(host.cfg.settings) == set()
    assert "child_exit" in names


def test_child_exit_hook_runs_for_a_worker_that_ended() -> None:
    cfg = _Host(GUNICORN_CONF).cfg
    worker = types.SimpleNamespace(pid=999_999, age=1)
    # With marketplace.metrics it marks the worker's metrics dead; without it, it does nothing.
    assert cfg.child_exit(types.SimpleNamespace(), worker) is None


def test_every_setting_in_the_example_is_read(tmp_path: Path) -> None:
    names = _example_names()
    assert len(names) == len(set(names)), "a setting is listed twice"
    read = _read_by_config(tmp_path) | _read_by_gunicorn_conf()
    unread = set(names) - read
    assert unread == set(), f"in deploy/marketplace.env.example but read by nobody: {unread}"


def test_every_setting_config_reads_is_in_the_example(tmp_path: Path) -> None:
    missing = (_read_by_config(tmp_path) | _read_by_gunicorn_conf()) - set(_example_names())
    assert missing == set(), f"add to deploy/marketplace.env.example: {sorted(missing)}"


def test_systemd_units_run_the_documented_commands_with_the_settings_file() -> None:
    units = {}
    for name in ("marketplace-web", "marketplace-worker"):
        unit = configparser.ConfigParser(strict=False, interpolation=None)
        unit.optionxform = str  # type: ignore[assignment,method-assign]
        unit.read(DEPLOY / "systemd" / f"{name}.service")
        units[name] = unit["Service"]
    web, worker = units["marketplace-web"], units["marketplace-worker"]
    assert web["EnvironmentFile"] == worker["EnvironmentFile"]
    assert web["ExecStart"].endswith("gunicorn --config deploy/gunicorn.conf.py wsgi:app")
    assert worker["ExecStart"].endswith("flask --app wsgi worker")
    assert web["WorkingDirectory"] == worker["WorkingDirectory"]
    assert "PROMETHEUS_MULTIPROC_DIR" in web["ExecStartPre"]
