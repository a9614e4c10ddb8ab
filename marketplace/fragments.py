"""Pieces of public pages (a product's card, the catalog's filters) rendered once and reused on
every page that shows them, until the data behind them changes.

Where the page cache (`page_cache`) keeps a whole page for one address, a piece is kept under
what it is made of, so the catalog's first page, its tenth, a filtered page, a search and the
home page share the cards of the products they have in common, and a page not kept yet is
mostly assembled from pieces that are. The key is the piece's own (a product id, the filters
chosen), the data version (`versions.PUBLIC`: an edit, a decision or a new rate moves it, so a
changed piece is never found under its old key) and what the visit decided (language, currency,
time zone, channel: the page cache's `vary_on` finders). A piece holds public data only, so it
serves signed-in people too.

Kept in this process by default (Flask-Caching's SimpleCache, at most FRAGMENT_CACHE_ENTRIES
pieces), in Redis when PAGE_CACHE_URL names one. `FRAGMENT_CACHE=off` turns it off: every piece
is rendered on every page.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar, cast

import sqlalchemy as sa
from flask import Flask, current_app, render_template, request
from flask_sqlalchemy.pagination import Pagination
from markupsafe import Markup

from marketplace.cache_backends import cache_settings
from marketplace.extensions import fragment_cache
from marketplace.inputs import numbered_page
from marketplace.metrics import cache_lookups
from marketplace.page_cache import digest_key, visit_parts, visit_version

ENABLED = "FRAGMENT_CACHE_ENABLED"
V = TypeVar("V")


def _base(kind: str, parts: Sequence[object]) -> list[object] | None:
    """What every key of this kind of piece starts with, or None when nothing is to be kept."""
    if not current_app.config.get(ENABLED, True):
        return None
    version = visit_version()
    if version is None:
        return None
    return [kind, version, *visit_parts(), *parts]


def kept_many(
    kind: str,
    ids: Sequence[Hashable],
    parts: Sequence[object],
    render: Callable[[list[Any]], Mapping[Any, Markup]],
) -> list[Markup]:
    """The pieces of `ids` in their order: those kept are taken, the others rendered together by
    `render(missing ids)` and kept. An id that `render` leaves out (a product withdrawn since
    the page chose it) is left out of the result."""
    base = _base(kind, parts)
    if base is None:
        made = render(list(ids))
        return [made[i] for i in ids if i in made]
    prefix = digest_key("fragment", base)  # hashed once; each piece's id follows it
    keys = [f"{prefix}:{i}" for i in ids]
    found = fragment_cache.get_many(*keys)
    missing = [i for i, html in zip(ids, found, strict=True) if html is None]
    cache_lookups("fragment", hits=len(ids) - len(missing), misses=len(missing))
    made = render(missing) if missing else {}
    if made:
        fragment_cache.set_many(
            {key: str(made[i]) for key, i in zip(keys, ids, strict=True) if i in made}
        )
    pieces = []
    for i, html in zip(ids, found, strict=True):
        if html is not None:
            pieces.append(Markup(html))
        elif i in made:
            pieces.append(made[i])
    return pieces


def kept(kind: str, parts: Sequence[object], render: Callable[[], Markup]) -> Markup:
    """One piece: kept under `parts`, or rendered by `render()` and kept."""
    return Markup(kept_value(kind, parts, lambda: str(render())))


def kept_value(kind: str, parts: Sequence[object], compute: Callable[[], V]) -> V:
    """A value read from the public data (a count, say), kept like a piece: under `parts`, the
    data version and the visit; `compute()` when it is not kept. It must pickle (Redis)."""
    base = _base(kind, parts)
    if base is None:
        return compute()
    key = digest_key("fragment", base)
    found = fragment_cache.get(key)
    cache_lookups("fragment", hits=found is not None, misses=found is None)
    if found is not None:
        return cast(V, found)
    value = compute()
    fragment_cache.set(key, value)
    return value


@dataclass(frozen=True)
class Listing:
    """A page of a numbered listing as kept: its HTML, and where it stands among the pages (for
    the page's title and share links)."""

    html: Markup
    page: int
    pages: int
    total: int


def kept_listing(
    kind: str,
    parts: Sequence[object],
    query: Callable[[], sa.Select[Any]],
    per_page: int,
    render: Callable[[Pagination], str],
) -> Listing:
    """Page `?page=` of `query()` (see `inputs.numbered_page`, whose 404s it keeps) rendered by
    `render(page)`, kept under `parts` and the page asked for."""

    def compute() -> Listing:
        page = numbered_page(query(), per_page)
        return Listing(Markup(render(page)), page.page, page.pages, page.total or 0)

    return kept_value(kind, [*parts, request.args.get("page")], compute)


@dataclass(frozen=True)
class PageParts:
    """A page but its frame: its title, what it adds to the head (link preview, stylesheet) and
    its content. Kept whole (`kept_value`) where it is the same for everyone it is shown to, it
    is placed by `in_frame` in the frame made for each request."""

    title: str
    head: Markup
    body: Markup


def in_frame(parts: PageParts, layout: str = "base.html") -> str:
    """`parts` in the frame of this request (templates/page_parts.html), inside `layout`."""
    return render_template("page_parts.html", kept=parts, layout=layout)


def module(template: str) -> Any:
    """The macros of `template`, seeing what this request's templates see (the language,
    `url_for`, the context processors' values): for rendering pieces on their own."""
    context: dict[str, Any] = {}
    current_app.update_template_context(context)
    return current_app.jinja_env.get_template(template).make_module(context)


def macro(template: str, name: str) -> Callable[..., str]:
    """Macro `name` of `template` (see `module`)."""
    return cast(Callable[..., str], getattr(module(template), name))


def clear() -> None:
    fragment_cache.clear()


def init_fragments(app: Flask) -> None:
    entries = app.config.get("FRAGMENT_CACHE_ENTRIES", 20000)
    fragment_cache.init_app(app, config=cache_settings(app, entries))
