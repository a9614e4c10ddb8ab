"""The sitemap's cost at a catalog size: the index, each numbered file, a crawler's whole read,
and a crawler's revalidation (304), through the application on SQLite or PostgreSQL.

    python -m bench.sitemap --db sqlite --sizes 10000
    python -m bench.sitemap --db postgresql --sizes 10000,100000 --reuse

Databases are made (or reused) as `bench.run` makes them, filled by `bench.generate`.
"""

from __future__ import annotations

import argparse
import re
import statistics
import tempfile
import time
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from bench.run import catalog_app

LOC = re.compile(r"<loc>([^<]+)</loc>")


def _timed(client: FlaskClient, path: str, **headers: str) -> tuple[float, int, bytes]:
    start = time.perf_counter()
    response = client.get(path, headers=headers)
    body = response.data  # a streamed file is read to its end
    return time.perf_counter() - start, response.status_code, body


def _ms(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"{statistics.median(ordered) * 1000:.1f} / {p95 * 1000:.1f}"


def measure(app: Flask, repeat: int) -> list[str]:
    client = app.test_client()
    base = app.config["BASE_URL"]
    _seconds, status, index = _timed(client, "/sitemap.xml")
    assert status == 200
    files = [loc.removeprefix(base) for loc in LOC.findall(index.decode())]
    index_times, file_times, crawl_times, revalidate_times = [], [], [], []
    urls = size = 0
    etags: dict[str, str] = {}
    for run in range(repeat):
        crawl = 0.0
        seconds, status, _body = _timed(client, "/sitemap.xml")
        index_times.append(seconds)
        crawl += seconds
        for path in files:
            seconds, status, body = _timed(client, path)
            assert status == 200, path
            crawl += seconds
            if path != "/sitemaps/pages.xml":
                file_times.append(seconds)
            if run == 0:
                urls += body.count(b"<url>")
                size += len(body)
                etags[path] = client.get(path).headers["ETag"]
        crawl_times.append(crawl)
        start = time.perf_counter()
        for path, etag in etags.items():
            assert client.get(path, headers={"If-None-Match": etag}).status_code == 304
        revalidate_times.append(time.perf_counter() - start)
    return [
        f"files named by the index: {len(files)}, URLs: {urls:,}, bytes: {size:,}",
        "| measure | p50 / p95 ms |",
        "|---|---:|",
        f"| /sitemap.xml (index) | {_ms(index_times)} |",
        f"| one numbered file | {_ms(file_times)} |",
        f"| whole crawl (index and every file) | {_ms(crawl_times)} |",
        f"| revalidating every file (304) | {_ms(revalidate_times)} |",
    ]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--sizes", default="10000")
    parser.add_argument("--url", default="postgresql+psycopg://postgres@127.0.0.1:5432/bench")
    parser.add_argument("--dir", default=str(Path(tempfile.gettempdir()) / "marketplace-bench"))
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--reuse", action="store_true", help="measure existing databases again")
    args = parser.parse_args(argv)
    Path(args.dir).mkdir(parents=True, exist_ok=True)
    from flask_migrate import upgrade

    from bench.generate import generate
    from marketplace.db import db

    for size in [int(s.replace("_", "")) for s in args.sizes.split(",") if s]:
        app, fresh = catalog_app(args.db, size, args)
        with app.app_context():
            if fresh:
                upgrade()
                generate(size)
            db.session.remove()
        per_file = app.config["SITEMAP_PAGE_SIZE"]
        print(f"\n### {args.db}, {size:,} products (SITEMAP_PAGE_SIZE {per_file})")
        for line in measure(app, args.repeat):
            print(line)
        with app.app_context():
            db.engine.dispose()


if __name__ == "__main__":
    main()
