"""Timing the statements of the search and catalog pages, as the views issue them."""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from bench.mix import PAGE, CatalogCase, SearchCase, row_at
from marketplace.catalog.queries import (
    CatalogFilters,
    SortOrder,
    card_options,
    catalog_count,
    catalog_page,
    filter_conditions,
    sorted_ids,
)
from marketplace.catalog.views import CATALOG_COUNT_CAP
from marketplace.db import db, utcnow
from marketplace.products.models import Product
from marketplace.search.queries import search_products
from marketplace.search.suggestions import suggest
from marketplace.search.text import query_terms


@dataclass
class Report:
    db: str
    size: int
    generated_in: float | None = None
    counts: dict[str, Any] = field(default_factory=dict)
    search_sql: list[tuple[str, float]] = field(default_factory=list)
    search_queries: list[tuple[str, float]] = field(default_factory=list)
    search_pages: list[float] = field(default_factory=list)
    catalog_queries: list[tuple[str, float]] = field(default_factory=list)
    catalog_pages: list[float] = field(default_factory=list)
    offset_vs_keyset: dict[str, float] = field(default_factory=dict)


def _timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    elapsed = time.perf_counter() - start
    db.session.rollback()  # each page runs in a transaction of its own
    return elapsed


def _search(case: SearchCase) -> Callable[[], object]:
    """As the page does it: the results, the suggestion for typos, and the corrected results
    when the words found nothing."""

    def run() -> object:
        terms = query_terms(case.q)
        if not terms:
            return None
        where = filter_conditions(case.filters, utcnow().date())
        rows = db.session.execute(
            search_products(terms, where, limit=PAGE + 1).options(*card_options())
        ).all()
        suggestion = suggest(db.session.connection(), terms)
        if not rows and suggestion is not None:
            rows = db.session.execute(
                search_products(suggestion.terms, where, limit=PAGE + 1).options(*card_options())
            ).all()
        return rows

    return run


def _search_sql(case: SearchCase) -> Callable[[], object]:
    """The ranked search statement alone (top page, with the count), as rows: no objects."""

    def run() -> object:
        terms = query_terms(case.q)
        if not terms:
            return None
        where = filter_conditions(case.filters, utcnow().date())
        return db.session.connection().execute(search_products(terms, where, limit=PAGE)).all()

    return run


def _catalog(case: CatalogCase) -> Callable[[], object]:
    def run() -> object:
        today = utcnow().date()
        rows = db.session.execute(
            catalog_page(case.filters, case.order, today, after=case.after, limit=PAGE + 1)
        ).all()
        count = catalog_count(case.filters, today, cap=CATALOG_COUNT_CAP)
        return rows, db.session.scalar(count)

    return run


def _measure(
    cases: list[tuple[str, Callable[[], object]]], repeat: int, seed: int
) -> list[tuple[str, float]]:
    for _, action in cases:  # warm-up
        _timed(action)
    runs = cases * repeat
    random.Random(seed).shuffle(runs)
    return [(kind, _timed(action)) for kind, action in runs]


def measure_search_sql(cases: list[SearchCase], repeat: int, seed: int) -> list[tuple[str, float]]:
    return _measure([(case.kind, _search_sql(case)) for case in cases], repeat, seed)


def measure_search_queries(
    cases: list[SearchCase], repeat: int, seed: int
) -> list[tuple[str, float]]:
    return _measure([(case.kind, _search(case)) for case in cases], repeat, seed)


def measure_catalog_queries(
    cases: list[CatalogCase], repeat: int, seed: int
) -> list[tuple[str, float]]:
    return _measure([(case.kind.split()[0], _catalog(case)) for case in cases], repeat, seed)


def deep_page_timings(runs: int = 5) -> dict[str, float]:
    """Median ms of the newest-first page 90% down the catalog: OFFSET against keyset."""
    filters, order, today = CatalogFilters(), SortOrder.NEWEST, utcnow().date()
    after = row_at(filters, order, today, 0.9)
    depth = (db.session.scalar(catalog_count(filters, today, cap=10**12)) or 0) * 9 // 10
    ids, sort = sorted_ids(filters, order, today)

    def offset() -> object:
        page = ids.order_by(*sort.order_by()).offset(depth).limit(PAGE).subquery()
        return db.session.execute(
            sa.select(Product).join(page, page.c.id == Product.id).options(*card_options())
        ).all()

    def keyset() -> object:
        return db.session.execute(
            catalog_page(filters, order, today, after=after, limit=PAGE)
        ).all()

    def first() -> object:
        return db.session.execute(catalog_page(filters, order, today, limit=PAGE)).all()

    return {
        name: statistics.median(_timed(action) for _ in range(runs)) * 1000
        for name, action in (("offset", offset), ("keyset", keyset), ("first", first))
    }
