"""Each several-word search of the mix alone: the ranked statement, median and slowest ms.

    python -m bench.several --url postgresql+psycopg://postgres@127.0.0.1:5432/bench_1000000
    python -m bench.several --url ... --repeat 7 "keranjang rotan" --explain

`bench.run` gives the p50 and p95 of the eight searches shuffled among the others; this says
which of them is slow. The database is one `bench.run` made (`--reuse` there measures it
again). With --explain, the statement of the last search is printed as SQL for `psql`'s
`EXPLAIN (ANALYZE, BUFFERS)`.
"""

from __future__ import annotations

import argparse
import statistics
import time

from bench.mix import PAGE, SEVERAL
from bench.run import _app, _percentiles
from marketplace.db import db
from marketplace.search.queries import search_products
from marketplace.search.text import query_terms


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("searches", nargs="*", help="searches (default: the mix's several words)")
    parser.add_argument("--url", required=True, help="a database bench.run made")
    parser.add_argument("--repeat", type=int, default=7, help="runs of each, after one warm-up")
    parser.add_argument("--explain", action="store_true", help="print the last one's SQL")
    args = parser.parse_args()
    app = _app(args.url)
    every: list[float] = []
    with app.app_context():
        connection = db.session.connection()
        statement = None
        for search in args.searches or SEVERAL:
            statement = search_products(query_terms(search), limit=PAGE)
            rows = connection.execute(statement).all()
            samples = []
            for _ in range(args.repeat):
                start = time.perf_counter()
                rows = connection.execute(statement).all()
                samples.append(time.perf_counter() - start)
            every += samples
            median, slowest = statistics.median(samples) * 1000, max(samples) * 1000
            print(f"| `{search}` | {len(rows)} | {median:.1f} | {slowest:.1f} |")
        p50, p95 = _percentiles(every)
        print(f"all: p50 {p50:.1f} ms, p95 {p95:.1f} ms ({len(every)} runs)")
        if args.explain and statement is not None:
            dialect = db.engine.dialect
            compiled = statement.compile(dialect=dialect, compile_kwargs={"literal_binds": True})
            print(str(compiled).replace("%%", "%") + ";")


if __name__ == "__main__":
    main()
