"""Search and catalog latency at several catalog sizes, on SQLite or PostgreSQL.

    python -m bench.run --db sqlite --sizes 1000,10000,100000
    python -m bench.run --db postgresql --sizes 1000,10000,100000 \\
        --url postgresql+psycopg://postgres@127.0.0.1:5432/marketplace_bench

For each size a database is created (SQLite: a file under --dir; PostgreSQL: a database named
<url's database>_<size>), migrated, filled by `bench.generate` and analysed. Then a fixed,
shuffled mix of searches and catalog pages is run, each several times after a warm-up:

- "ranked SQL" (search): the ranked search statement alone, rows read but no objects built;
- "queries": the statements a page issues (page, photos, businesses, translations, count),
  timed from the first statement to the last object loaded;
- "page": the whole GET through the application (routing, form, queries, template).

Latencies are reported as p50 and p95 in milliseconds. With --reuse, an existing database of
the same size is measured again without regenerating it.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask

from bench.mix import catalog_mix, search_mix
from bench.timing import (
    Report,
    measure_catalog_queries,
    measure_search_queries,
    measure_search_sql,
)


def _app(url: str) -> Flask:
    os.environ.setdefault("INSTANCE_PATH", tempfile.mkdtemp(prefix="bench-instance-"))
    os.environ.setdefault("SECRET_KEY", "benchmark-only-secret")
    from marketplace import create_app

    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "RATELIMIT_ENABLED": False,
            "SERVER_NAME": None,
        }
    )


def _sqlite_url(directory: Path, size: int, reuse: bool) -> tuple[str, bool]:
    path = directory / f"bench-{size}.db"
    if reuse and path.exists():
        return f"sqlite:///{path}", False
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return f"sqlite:///{path}", True


def _postgres_url(base: str, size: int, reuse: bool) -> tuple[str, bool]:
    url = sa.make_url(base)
    name = f"{url.database}_{size}"
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.scalar(
            sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
        )
        if exists and reuse:
            admin.dispose()
            return url.set(database=name).render_as_string(hide_password=False), False
        if exists:
            connection.exec_driver_sql(f'DROP DATABASE "{name}" WITH (FORCE)')
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False), True


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p50 = statistics.median(ordered)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return p50 * 1000, p95 * 1000


def _time_pages(app: Flask, urls: list[str], repeat: int, seed: int) -> list[float]:
    client = app.test_client()
    for url in urls:  # warm-up: caches, prepared plans, page cache
        assert client.get(url).status_code == 200, url
    runs = urls * repeat
    random.Random(seed).shuffle(runs)
    samples = []
    for url in runs:
        start = time.perf_counter()
        response = client.get(url)
        samples.append(time.perf_counter() - start)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
    return samples


def _line(label: str, samples: list[float]) -> str:
    p50, p95 = _percentiles(samples)
    return f"| {label} | {len(samples)} | {p50:.1f} | {p95:.1f} |"


def catalog_app(db: str, size: int, args: argparse.Namespace) -> tuple[Flask, bool]:
    """The app on the catalog of `size` products (`--dir`/`--url`, `--reuse`), and whether its
    database is new (then the caller migrates and generates)."""
    if db == "sqlite":
        url, fresh = _sqlite_url(Path(args.dir), size, args.reuse)
    else:
        url, fresh = _postgres_url(args.url, size, args.reuse)
    return _app(url), fresh


def run_size(db: str, size: int, args: argparse.Namespace) -> Report:
    from flask_migrate import upgrade

    from bench.generate import analyze, generate
    from marketplace.db import db as database

    app, fresh = catalog_app(db, size, args)
    report = Report(db=db, size=size)
    with app.app_context():
        if fresh:
            upgrade()
            start = time.perf_counter()
            counts = generate(size)
            report.generated_in = time.perf_counter() - start
            report.counts = vars(counts)
        else:
            analyze()
        searches = search_mix(size)
        catalog = catalog_mix(app)
        report.search_sql = measure_search_sql(searches, args.repeat, args.seed)
        report.search_queries = measure_search_queries(searches, args.repeat, args.seed)
        report.catalog_queries = measure_catalog_queries(catalog, args.repeat, args.seed)
        report.offset_vs_keyset = _offset_vs_keyset()
        database.session.remove()
    report.search_pages = _time_pages(app, [s.url for s in searches], args.repeat, args.seed)
    report.catalog_pages = _time_pages(app, [c.url for c in catalog], args.repeat, args.seed)
    with app.app_context():
        database.engine.dispose()
    return report


def _offset_vs_keyset() -> dict[str, float]:
    """One deep page (90% down the newest-first catalog) by OFFSET and by keyset, in ms."""
    from bench.timing import deep_page_timings

    return deep_page_timings()


def print_report(report: Report) -> None:
    print(f"\n### {report.db}, {report.size:,} products")
    if report.generated_in is not None:
        print(f"generated and indexed in {report.generated_in:.1f} s: {report.counts}")
    print("| measure | runs | p50 ms | p95 ms |")
    print("|---|---:|---:|---:|")
    print(_line("search, ranked SQL", [s for _, s in report.search_sql]))
    print(_line("search, queries", [s for _, s in report.search_queries]))
    print(_line("search, page", report.search_pages))
    print(_line("catalog, queries", [s for _, s in report.catalog_queries]))
    print(_line("catalog, page", report.catalog_pages))
    by_kind: dict[str, list[float]] = {}
    for kind, sample in report.search_sql:
        by_kind.setdefault(f"search {kind}, SQL", []).append(sample)
    for kind, sample in report.search_queries:
        by_kind.setdefault(f"search {kind}", []).append(sample)
    for kind, sample in report.catalog_queries:
        by_kind.setdefault(f"catalog {kind}", []).append(sample)
    for kind, samples in sorted(by_kind.items()):
        print(_line(f"  {kind}" if kind.endswith("SQL") else f"  {kind}, queries", samples))
    deep = report.offset_vs_keyset
    print(
        f"deep page (90%): OFFSET {deep['offset']:.1f} ms, keyset {deep['keyset']:.1f} ms, "
        f"first page {deep['first']:.1f} ms"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--url", default="postgresql+psycopg://postgres@127.0.0.1:5432/bench")
    parser.add_argument("--dir", default=str(Path(tempfile.gettempdir()) / "marketplace-bench"))
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--reuse", action="store_true", help="measure existing databases again")
    args = parser.parse_args(argv)
    Path(args.dir).mkdir(parents=True, exist_ok=True)
    sizes = [int(size.replace("_", "")) for size in args.sizes.split(",") if size]
    run: Callable[[int], Any] = lambda size: run_size(args.db, size, args)  # noqa: E731
    for size in sizes:
        print_report(run(size))


if __name__ == "__main__":
    main()
