"""Where the public pages spend their time: a profile and a statement count per page.

    python -m bench.profile_pages --size 10000 --reuse
    python -m bench.profile_pages --size 10000 --reuse --pages catalog,product --repeat 200

The catalog of `--size` products is the one `bench.load` measures (same folder, same paths;
generated unless --reuse finds it). Each page is requested through the test client as an
anonymous browser in production settings, warmed up, then `--repeat` times under pyinstrument.
For each page it prints the mean time of a request, the SQL statements one request runs, the
functions with the most time of their own (the flat view, where waste shows) and the top of
the call tree. With --time-only there is no profiler: the median time of a request, for
comparing two versions of the code in turns on a busy machine.
"""

from __future__ import annotations

import argparse
import os
import secrets
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from flask import Flask
from pyinstrument import Profiler
from pyinstrument.frame import Frame
from sqlalchemy import event

from bench.load import PAGES, USER_AGENT, prepare


@contextmanager
def _statements(app: Flask) -> Iterator[list[str]]:
    from marketplace.db import db

    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def _self_times(frame: Frame, totals: Counter[str]) -> None:
    if frame.total_self_time > 0:
        where = f"{frame.function} ({frame.file_path_short}:{frame.line_no})"
        totals[where] += frame.total_self_time
    for child in frame.children:
        _self_times(child, totals)


def profile_page(app: Flask, path: str, repeat: int, lines: int, profile: bool = True) -> None:
    client = app.test_client()
    headers = {"User-Agent": USER_AGENT}
    for _ in range(5):  # warm-up: templates compiled, per-process caches filled
        response = client.get(path, headers=headers)
        assert response.status_code == 200, f"{path} answered {response.status_code}"
    with _statements(app) as statements:
        client.get(path, headers=headers)
    if not profile:
        samples = []
        for _ in range(repeat):
            started = time.perf_counter()
            client.get(path, headers=headers)
            samples.append(time.perf_counter() - started)
        median = sorted(samples)[len(samples) // 2] * 1000
        print(f"{path}: median {median:.2f} ms, {len(statements)} statements", flush=True)
        return
    profiler = Profiler(interval=0.0005)
    started = time.perf_counter()
    profiler.start()
    for _ in range(repeat):
        client.get(path, headers=headers)
    profiler.stop()
    elapsed = (time.perf_counter() - started) / repeat
    print(f"\n## {path}: {elapsed * 1000:.2f} ms a request, {len(statements)} statements")
    for statement in statements:
        print("   ", " ".join(statement.split())[:110])
    session = profiler.last_session
    root = session.root_frame() if session else None
    if root is None:
        return
    totals: Counter[str] = Counter()
    _self_times(root, totals)
    whole = sum(totals.values()) or 1.0
    print(f"\n  own time, top {lines}:")
    for where, seconds in totals.most_common(lines):
        print(f"  {seconds / whole:6.1%}  {where}")
    text = profiler.output_text(unicode=False, color=False, show_all=False, short_mode=True)
    tree = [line for line in text.splitlines() if line.strip()][: lines * 4]
    print("\n  call tree:")
    print("\n".join(tree))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--url", default="postgresql+psycopg://postgres@127.0.0.1:5432/load")
    parser.add_argument("--dir", default=str(Path(tempfile.gettempdir()) / "marketplace-bench"))
    parser.add_argument("--reuse", action="store_true", help="use an existing catalog")
    parser.add_argument("--pages", default="home,catalog,product,msme,search-common")
    parser.add_argument("--repeat", type=int, default=100)
    parser.add_argument("--lines", type=int, default=25)
    parser.add_argument(
        "--time-only", action="store_true", help="no profiler: the median time of a request"
    )
    args = parser.parse_args(argv)
    pages = [page for page in args.pages.split(",") if page]
    unknown = set(pages) - set(PAGES) | ({"catalog-next"} & set(pages))  # found when served
    if unknown:
        parser.error(f"unknown pages: {', '.join(sorted(unknown))}")
    Path(args.dir).mkdir(parents=True, exist_ok=True)
    url, paths = prepare(args.db, args.size, args)
    # The settings `bench.load` serves with: production, a fresh secret.
    os.environ["APP_ENV"] = "production"
    os.environ["SECRET_KEY"] = secrets.token_urlsafe(48)
    os.environ["INSTANCE_PATH"] = tempfile.mkdtemp(prefix="bench-profile-")
    os.environ["MEDIA_ROOT"] = str(Path(os.environ["INSTANCE_PATH"]) / "media")
    os.environ["BASE_URL"] = "http://localhost"
    os.environ["TRUSTED_HOSTS"] = "localhost"
    from bench.run import _app

    app = _app(url)
    for page in pages:
        profile_page(app, paths[page], args.repeat, args.lines, profile=not args.time_only)


if __name__ == "__main__":
    main()
