"""The catalog (/catalog) and full-text search (/search): public, read-only, shareable URLs.

Each page issues the same statements whatever its size or depth: one select for the page, one
per kind of related row (photos, business, translations), one count. The filters' choices are
read once per process and language (`choices.filter_choices`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, current_app, render_template, request, url_for
from flask_babel import gettext as _
from jinja2.filters import do_truncate
from markupsafe import Markup

from marketplace import fragments
from marketplace.catalog import queries
from marketplace.catalog.cards import card_pieces
from marketplace.catalog.choices import filter_choices
from marketplace.catalog.forms import (
    CATALOG_FIELDS,
    DEFAULT_PER_PAGE,
    CatalogForm,
    FilterForm,
    SearchForm,
    per_page,
)
from marketplace.catalog.pagination import decode_cursor, encode_cursor
from marketplace.catalog.queries import CatalogFilters, KeyValue, SortOrder
from marketplace.catalog.summary import ActiveFilter, active_filters
from marketplace.db import db, utcnow
from marketplace.fragments import PageParts
from marketplace.i18n import page_locale
from marketplace.link_preview import Share, share_page
from marketplace.page_cache import public_page
from marketplace.search.queries import CANDIDATE_CAP, search_ids
from marketplace.search.suggestions import Suggestion, suggest
from marketplace.search.text import Term, query_terms, typed

bp = Blueprint("catalog", __name__)
# Counting every match of a broad filter costs a scan of the catalog; beyond this many,
# "more than" says enough (the same cap as search results).
CATALOG_COUNT_CAP = CANDIDATE_CAP


def _secret() -> str:
    return str(current_app.config["SECRET_KEY"])


def _prepare(form: FilterForm) -> list[str]:
    """Offer the current choices, validate; the labels of the values that are left out."""
    form.set_choices(filter_choices(page_locale()))
    return form.check()


def _fields(form: FilterForm) -> Markup:
    """The filter panel's fields, a piece kept per language and values typed (rendering them
    is a third of a catalog page's time otherwise)."""
    parts = [type(form).__name__, *form.raw_values()]

    def render() -> Markup:
        return Markup(fragments.macro("catalog/_macros.html", "filter_fields")(form))

    return fragments.kept("filters", parts, render)


def _page(
    filters: CatalogFilters,
    order: SortOrder,
    today: date,
    after: tuple[KeyValue, int] | None,
    size: int,
) -> list[tuple[int, KeyValue]]:
    query = queries.catalog_keys(filters, order, today, after=after, limit=size + 1)
    return [(row.id, row.key) for row in db.session.execute(query)]


def _count(filters: CatalogFilters, today: date) -> int:
    return db.session.scalar(queries.catalog_count(filters, today, cap=CATALOG_COUNT_CAP)) or 0


def _page_args(form: FilterForm, size: int) -> dict[str, Any]:
    args: dict[str, Any] = dict(form.query_args())
    if size != DEFAULT_PER_PAGE:
        args["per_page"] = str(size)
    return args


@dataclass(frozen=True)
class _Asked:
    """What the catalog's filter panel makes of the address's arguments: the filters and order
    that passed, the labels of those left out, the links without each, the panel's fields."""

    filters: CatalogFilters
    order: SortOrder
    ignored: list[str]
    args: dict[str, Any]
    active: list[ActiveFilter]
    fields: Markup


def _asked(size: int) -> _Asked:
    """The catalog form built and checked, kept per language and arguments typed (`fragments`):
    every visitor of one filtered address is served what the first one's form made of it."""
    raw = [(name, tuple(request.args.getlist(name))) for name in CATALOG_FIELDS]

    def check() -> _Asked:
        form = CatalogForm(formdata=request.args)
        ignored = _prepare(form)
        args = _page_args(form, size)
        return _Asked(
            form.to_filters(),
            form.sort_order(),
            ignored,
            args,
            active_filters(form, ".index", args),
            _fields(form),
        )

    return fragments.kept_value("catalog-asked", [*raw, size], check)


def _kept_page(make: Callable[[date], PageParts]) -> str:
    """The page of this address, `make(today)` unless kept, in the frame of this request. A
    catalog or search page shows public data only, the same for everyone of one address,
    language and currency, signed in or not: asked again, only its frame is rendered."""
    today = utcnow().date()
    parts = fragments.kept_value(
        f"page:{request.endpoint}", [request.query_string, today], lambda: make(today)
    )
    return fragments.in_frame(parts)


def _page_parts(title: str, body: str, *, share: Share | None = None, **context: Any) -> PageParts:
    head = render_template("catalog/_head.html", share=share)
    return PageParts(title, Markup(head), Markup(render_template(body, **context)))


def _catalog(today: date) -> PageParts:
    size = per_page(request.args.get("per_page"))
    asked = _asked(size)
    filters, order, args = asked.filters, asked.order, asked.args
    sort = queries.catalog_sort(order)
    after = decode_cursor(_secret(), order.value, request.args.get("after"), kind=sort.kind)
    rows = fragments.kept_value(
        "catalog-page",
        [filters, order, today, after, size],
        lambda: _page(filters, order, today, after, size),
    )
    total = fragments.kept_value("catalog-count", [filters, today], lambda: _count(filters, today))
    next_url = None
    if len(rows) > size:
        last, value = rows[size - 1]
        cursor = encode_cursor(_secret(), order.value, value, last)
        next_url = url_for(".index", **args, after=cursor)
    share = share_page(
        _("Catalog"),
        _(
            "Export-ready products of Bandung's creative MSMEs, with prices, minimum order,"
            " lead time and certifications."
        ),
        keep_args=True,
    )
    return _page_parts(
        _("Catalog"),
        "catalog/_catalog.html",
        share=share,
        fields=asked.fields,
        ignored=asked.ignored,
        cards=card_pieces([row[0] for row in rows[:size]]),
        active=asked.active,
        clear_url=url_for(".index"),
        total=min(total, CATALOG_COUNT_CAP),
        more_than_cap=total > CATALOG_COUNT_CAP,
        next_url=next_url,
        first_url=url_for(".index", **args) if after else None,
    )


@bp.get("/catalog")
@public_page
def index() -> str:
    return _kept_page(_catalog)


def _search_scope(terms: Sequence[Term]) -> str:
    """A cursor belongs to the words it was made for."""
    return "search:" + hashlib.sha256(typed(terms).encode()).hexdigest()[:16]


def _search_rows(
    terms: Sequence[Term], where: Sequence[sa.ColumnElement[bool]], size: int
) -> tuple[list[sa.Row[int, int, int]], tuple[int, int] | None]:
    """A page of results for `terms` (the cursor counts only if it was made for them)."""
    cursor = decode_cursor(_secret(), _search_scope(terms), request.args.get("after"))
    after = (cursor[0], cursor[1]) if cursor and isinstance(cursor[0], int) else None
    rows = db.session.execute(search_ids(terms, where, after=after, limit=size + 1)).all()
    return list(rows), after


@dataclass(frozen=True)
class _Found:
    """What a search found: (id, score, matches) rows, the cursor it started after, and the
    corrected words (`corrected` when the rows are theirs)."""

    rows: list[tuple[int, int, int]]
    after: tuple[int, int] | None
    suggestion: Suggestion | None
    corrected: bool


def _find(terms: Sequence[Term], filters: CatalogFilters, today: date, size: int) -> _Found:
    where = queries.filter_conditions(filters, today)
    rows, after = _search_rows(terms, where, size)
    suggestion = suggest(db.session.connection(), terms)
    corrected = False
    if not rows and after is None and suggestion is not None:
        # Nothing for the words as typed: the results of the corrected words, said so.
        rows, after = _search_rows(suggestion.terms, where, size)
        corrected = bool(rows)
        suggestion = suggestion if corrected else None
    found = [(row[0], row[1], row[2]) for row in rows]
    return _Found(found, after, suggestion, corrected)


def _search_title(query: str | None) -> str:
    if not query:
        return _("Search")
    return _("Search: %(q)s", q=do_truncate(current_app.jinja_env, query, 60))


def _search(today: date) -> PageParts:
    form = SearchForm(formdata=request.args)
    ignored = _prepare(form)
    terms = query_terms(form.q.data)
    size = per_page(request.args.get("per_page"))
    args = _page_args(form, size)
    title = _search_title(form.q.data)
    folded: dict[str, Any] = {
        "form": form,
        "ignored": ignored,
        "fields": _fields(form),
        "active": active_filters(form, ".search", args),
        "clear_url": url_for(".search", q=form.q.data or ""),
    }
    if not terms:
        return _page_parts(title, "catalog/_search.html", terms=terms, cards=[], **folded)
    filters = form.to_filters()
    found = fragments.kept_value(
        "search",
        [terms, filters, today, request.args.get("after"), size],
        lambda: _find(terms, filters, today, size),
    )
    rows, after, suggestion, corrected = found.rows, found.after, found.suggestion, found.corrected
    shown = suggestion.terms if corrected and suggestion else terms
    next_url = None
    if len(rows) > size:
        last, score, _matches = rows[size - 1]
        cursor = encode_cursor(_secret(), _search_scope(shown), score, last)
        next_url = url_for(".search", **args, after=cursor)
    total = rows[0][2] if rows else 0  # every row carries the count of all candidates
    return _page_parts(
        title,
        "catalog/_search.html",
        terms=shown,
        cards=card_pieces([row[0] for row in rows[:size]], shown),
        **folded,
        total=min(total, CANDIDATE_CAP),
        more_than_cap=total > CANDIDATE_CAP,
        next_url=next_url,
        first_url=url_for(".search", **args) if after else None,
        suggestion=suggestion,
        suggestion_url=url_for(".search", **{**args, "q": suggestion.query})
        if suggestion
        else None,
        corrected=corrected,
    )


@bp.get("/search")
@public_page
def search() -> str:
    return _kept_page(_search)
