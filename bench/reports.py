"""Outcome-report latency over 100,000 products and 1,000,000 interests, on SQLite or PostgreSQL.

    python -m bench.reports --db sqlite
    python -m bench.reports --db postgresql \\
        --url postgresql+psycopg://postgres@127.0.0.1:5432/office_reports_bench

The database (SQLite: a file under --dir; PostgreSQL: the --url database, dropped and created)
is migrated and filled by `bench.report_data`. Then every report is timed after a warm-up:

- "queries": `build_report` (every aggregate query of the report and the assembling of rows);
- "page": the whole GET through the application as an officer (HTML with SVG charts, or CSV).

Each over two periods: the last 12 months, and all 24 months of generated activity. The goal
is at most 2 seconds for every report page. With --reuse an existing database is measured again.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from flask_login import FlaskLoginClient

from bench.report_data import EPOCH, MONTHS, Counts, generate
from marketplace.periods import Period, add_months

GOAL_SECONDS = 2.0


@dataclass
class Timing:
    label: str
    samples: list[float] = field(default_factory=list)

    @property
    def p50(self) -> float:
        return statistics.median(self.samples) * 1000

    @property
    def worst(self) -> float:
        return max(self.samples) * 1000


def _app(url: str) -> Flask:
    os.environ.setdefault("INSTANCE_PATH", tempfile.mkdtemp(prefix="bench-instance-"))
    os.environ.setdefault("SECRET_KEY", "benchmark-only-secret")
    from marketplace import create_app

    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False, "SERVER_NAME": None}
    )
    app.test_client_class = FlaskLoginClient
    return app


def _database(args: argparse.Namespace) -> tuple[str, bool]:
    """The database's URL, and whether it must be filled."""
    if args.db == "sqlite":
        path = Path(args.dir) / f"reports-{args.products}-{args.interests}.db"
        if args.reuse and path.exists():
            return f"sqlite:///{path}", False
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}", True
    url = sa.make_url(args.url)
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.scalar(
            sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": url.database}
        )
        if not (exists and args.reuse):
            if exists:
                connection.exec_driver_sql(f'DROP DATABASE "{url.database}" WITH (FORCE)')
            connection.exec_driver_sql(f'CREATE DATABASE "{url.database}"')
    admin.dispose()
    return url.render_as_string(hide_password=False), not (exists and args.reuse)


def _periods() -> dict[str, Period]:
    last = (EPOCH - timedelta(seconds=1)).date()
    return {
        "12 months": Period(add_months(last, -11), last),
        f"{MONTHS} months": Period(add_months(last, 1 - MONTHS), last),
    }


def _time(action: Callable[[], object], repeat: int) -> list[float]:
    action()  # warm-up: page cache, prepared plans
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        samples.append(time.perf_counter() - start)
    return samples


def measure(app: Flask, repeat: int) -> list[Timing]:
    from marketplace.accounts.models import Role, User
    from marketplace.db import db
    from marketplace.office.report_queries import Grouping
    from marketplace.office.reports import build_report
    from marketplace.reference.models import PartnerCity

    with app.app_context():
        officer = db.session.scalar(sa.select(User).where(User.role == Role.OFFICER))
        if officer is None:
            officer = User(
                email="officer@reports.bench",
                name="Bench Officer",
                password_hash="bench-no-login",
                role=Role.OFFICER,
            )
            db.session.add(officer)
            db.session.commit()
        db.session.refresh(officer)
        db.session.expunge(officer)
        city_id = db.session.scalar(
            sa.select(PartnerCity.id).where(PartnerCity.name == "Braunschweig")
        )
    client = app.test_client(user=officer)
    timings = []
    for period_label, period in _periods().items():
        dates = {"from": period.first.isoformat(), "to": period.last.isoformat()}
        for grouping in Grouping:

            def queries(grouping: Grouping = grouping, period: Period = period) -> object:
                with app.app_context():
                    return build_report(period, grouping)

            timings.append(
                Timing(f"{grouping.value}, {period_label}, queries", _time(queries, repeat))
            )
            for suffix, kind in (("", "page"), (".csv", "CSV")):
                url = f"/office/reports{suffix}?" + urlencode({"by": grouping.value, **dates})
                timings.append(
                    Timing(
                        f"{grouping.value}, {period_label}, {kind}",
                        _time(_get(client, url), repeat),
                    )
                )
        summary = f"/office/reports/partners/{city_id}/summary?" + urlencode(dates)
        timings.append(
            Timing(
                f"partnership summary, {period_label}, page", _time(_get(client, summary), repeat)
            )
        )
    return timings


def _get(client: FlaskClient, url: str) -> Callable[[], object]:
    def run() -> object:
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
        return response.get_data()

    return run


def print_report(
    db_name: str, counts: Counts | None, generated: float | None, timings: list[Timing]
) -> None:
    print(f"\n### {db_name}")
    if counts is not None and generated is not None:
        print(f"generated in {generated:.0f} s: {vars(counts)}")
    print("| report | runs | p50 ms | worst ms | within 2 s |")
    print("|---|---:|---:|---:|:-:|")
    for timing in timings:
        ok = "yes" if timing.worst <= GOAL_SECONDS * 1000 else "**no**"
        runs = len(timing.samples)
        print(f"| {timing.label} | {runs} | {timing.p50:.0f} | {timing.worst:.0f} | {ok} |")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--interests", type=int, default=1_000_000)
    parser.add_argument(
        "--url", default="postgresql+psycopg://postgres@127.0.0.1:5432/office_reports_bench"
    )
    parser.add_argument("--dir", default=str(Path(tempfile.gettempdir()) / "marketplace-bench"))
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--reuse", action="store_true", help="measure an existing database again")
    args = parser.parse_args(argv)
    Path(args.dir).mkdir(parents=True, exist_ok=True)
    from flask_migrate import upgrade

    from marketplace.db import db

    url, fresh = _database(args)
    app = _app(url)
    counts, generated = None, None
    with app.app_context():
        if fresh:
            upgrade()
            start = time.perf_counter()
            counts = generate(args.products, args.interests)
            generated = time.perf_counter() - start
        db.session.remove()
    timings = measure(app, args.repeat)
    with app.app_context():
        db.engine.dispose()
    print_report(
        f"{args.db}, {args.products:,} products, {args.interests:,} interests",
        counts,
        generated,
        timings,
    )


if __name__ == "__main__":
    main()
