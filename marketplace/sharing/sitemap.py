"""The sitemap: every public page in every language, for search engines (sitemaps.org 0.9).

`/sitemap.xml` is an index of files: `pages.xml` (home, catalog, channels, partners) and numbered
files of each kind of thing with a public page (products, MSMEs, channels). Each page appears
once per language, its `<url>` listing the page in every language and x-default as
`xhtml:link` alternates (the sitemap protocol's hreflang), the same links the page carries.

File n of a kind holds the public things whose id lies in ((n-1)·S, n·S], S = SITEMAP_PAGE_SIZE:
a range of the primary key, read by keyset (`id > a AND id <= b ORDER BY id`, never OFFSET), so
a file costs the same at the end of a 100k catalog as at its start, and its address keeps naming
the same things as the catalog grows (a new product lands in the last file). One GROUP BY over
the public ids finds the files that are not empty and each file's lastmod. A file holds at most
`MAX_PER_FILE` things (7 URLs each): under the protocol's 50,000 URLs and 50 MB even with the
longest slugs. Rows stream from the database and the XML streams to the client: no file is held
whole. Who is public comes from the features' own queries (`visible_products`,
`visible_businesses`, `visible_channels`), never from a rule written again here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from markupsafe import escape

from marketplace.businesses.models import Business
from marketplace.businesses.queries import visible_businesses
from marketplace.channels.models import Channel, Nomination
from marketplace.channels.queries import visible_channels
from marketplace.db import db
from marketplace.i18n import UI_LOCALES, language_links
from marketplace.inputs import DB_INT_MAX
from marketplace.products.models import Product
from marketplace.products.queries import visible_products
from marketplace.urls import public_url

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"
MAX_URLS = 50_000  # the protocol's cap per file
# Seven URLs a thing; with 180-character slugs one URL takes about 2.3 kB, so 3,000 things
# stay below 50 MB as well as below 50,000 URLs.
MAX_PER_FILE = min(3_000, MAX_URLS // len(UI_LOCALES))
STREAM_BATCH = 500  # rows fetched from the database at a time


def _latest(first: Any, second: Any) -> Any:
    """The later of two timestamps (GREATEST on PostgreSQL, max(a, b) on SQLite), one way."""
    return sa.case((first >= second, first), else_=second)


def _product_rows() -> sa.Select[int, str, datetime]:
    # The page shows the business too: it changes when either does.
    lastmod = _latest(Product.updated_at, Business.updated_at)
    return visible_products().with_only_columns(Product.id, Product.slug, lastmod.label("lastmod"))


def _business_rows() -> sa.Select[int, str, datetime]:
    return visible_businesses().with_only_columns(
        Business.id, Business.slug, Business.updated_at.label("lastmod")
    )


def _channel_rows() -> sa.Select[int, str, datetime]:
    # The page is mostly its line-up: a decision on a nomination changes it.
    decided = (
        sa.select(sa.func.max(Nomination.updated_at))
        .where(Nomination.channel_id == Channel.id)
        .scalar_subquery()
    )
    lastmod = _latest(Channel.updated_at, sa.func.coalesce(decided, Channel.updated_at))
    return visible_channels().with_only_columns(Channel.id, Channel.slug, lastmod.label("lastmod"))


@dataclass(frozen=True)
class Kind:
    """Things with a public page each: `rows` selects (id, slug, lastmod) of the public ones."""

    name: str  # in the files' addresses: /sitemaps/<name>-<n>.xml
    endpoint: str  # the page of one thing, by slug
    rows: Callable[[], sa.Select[int, str, datetime]]


KINDS = {
    kind.name: kind
    for kind in (
        Kind("products", "products.page", _product_rows),
        Kind("msmes", "businesses.public_page", _business_rows),
        Kind("channels", "channels.show", _channel_rows),
    )
}
# The site's own pages, each with the kind whose newest change dates it (or none).
PAGES = (
    ("main.home", "products"),
    ("catalog.index", "products"),
    ("channels.index", "channels"),
    ("main.partners", None),
)


@dataclass(frozen=True)
class FileStamp:
    """What a numbered file holds, in a few numbers: it changes whenever the file does."""

    number: int
    count: int
    lastmod: datetime | None
    id_sum: int

    @property
    def etag(self) -> str:
        last = self.lastmod.isoformat() if self.lastmod else "-"
        return f"{self.number}-{self.count}-{self.id_sum}-{last}"


def page_size(configured: int) -> int:
    return max(1, min(int(configured), MAX_PER_FILE))


def _figures(rows: Any) -> list[sa.ColumnElement[Any]]:
    return [
        sa.func.count().label("things"),
        sa.func.max(rows.c.lastmod).label("lastmod"),
        sa.func.sum(rows.c.id).label("id_sum"),
    ]


def _stamp(number: int, row: Any) -> FileStamp:
    return FileStamp(number, int(row.things), row.lastmod, int(row.id_sum or 0))


def file_stamps(kind: Kind, size: int) -> list[FileStamp]:
    """The kind's files that hold something, in order: one GROUP BY over the public ids."""
    rows = kind.rows().subquery()
    number = ((rows.c.id - 1) // size + 1).label("number")
    query = sa.select(number, *_figures(rows)).group_by(number).order_by(number)
    return [_stamp(int(row.number), row) for row in db.session.execute(query)]


def _in_file(rows: Any, number: int, size: int) -> sa.ColumnElement[bool]:
    # Both bounds within the id column's range: PostgreSQL refuses a larger integer.
    return sa.and_(rows.c.id > (number - 1) * size, rows.c.id <= min(number * size, DB_INT_MAX))


def file_stamp(kind: Kind, number: int, size: int) -> FileStamp | None:
    """What file `number` holds; None when it holds nothing (or lies past any id)."""
    if number < 1 or (number - 1) * size >= DB_INT_MAX:
        return None
    rows = kind.rows().subquery()
    row = db.session.execute(sa.select(*_figures(rows)).where(_in_file(rows, number, size))).one()
    return _stamp(number, row) if row.things else None


def newest_change(kind: Kind) -> datetime | None:
    rows = kind.rows().subquery()
    return db.session.scalar(sa.select(sa.func.max(rows.c.lastmod)))


def w3c(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def _url_entries(base: str, lastmod: datetime | None) -> str:
    """The page at `base` once per language, each entry naming all the languages."""
    links = language_links(base)
    alternates = "".join(
        f'<xhtml:link rel="alternate" hreflang="{tag}" href="{escape(href)}"/>'
        for tag, href in links
    )
    stamp = f"<lastmod>{w3c(lastmod)}</lastmod>" if lastmod else ""
    return "".join(
        f"<url><loc>{escape(href)}</loc>{stamp}{alternates}</url>\n"
        for tag, href in links
        if tag != "x-default"
    )


URLSET_OPEN = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    f'<urlset xmlns="{SITEMAP_NS}" xmlns:xhtml="{XHTML_NS}">\n'
)
URLSET_CLOSE = "</urlset>\n"


def stream_file(kind: Kind, number: int, size: int) -> Iterator[str]:
    """The XML of one numbered file, a thing at a time, read by keyset over the id range."""
    yield URLSET_OPEN
    rows = kind.rows().subquery()
    query = sa.select(rows.c.slug, rows.c.lastmod).where(_in_file(rows, number, size))
    result = db.session.execute(
        query.order_by(rows.c.id), execution_options={"yield_per": STREAM_BATCH}
    )
    try:
        for slug, lastmod in result:
            yield _url_entries(public_url(kind.endpoint, slug=slug), lastmod)
    finally:
        # A client that leaves mid-file closes the generator: release the server-side cursor.
        result.close()
    yield URLSET_CLOSE


def pages_file() -> str:
    newest = {name: newest_change(KINDS[name]) for name in {k for _e, k in PAGES if k}}
    entries = [
        _url_entries(public_url(endpoint), newest[kind] if kind else None)
        for endpoint, kind in PAGES
    ]
    return URLSET_OPEN + "".join(entries) + URLSET_CLOSE


def index_file(size: int) -> tuple[str, datetime | None]:
    """The sitemap index, and the newest change of anything it lists."""
    entries: list[tuple[str, datetime | None]] = [(public_url("sharing.sitemap_pages"), None)]
    for kind in KINDS.values():
        for stamp in file_stamps(kind, size):
            address = public_url("sharing.sitemap_file", kind=kind.name, number=stamp.number)
            entries.append((address, stamp.lastmod))
    dated = [lastmod for _address, lastmod in entries if lastmod]
    body = "".join(
        f"<sitemap><loc>{escape(address)}</loc>"
        + (f"<lastmod>{w3c(lastmod)}</lastmod>" if lastmod else "")
        + "</sitemap>\n"
        for address, lastmod in entries
    )
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<sitemapindex xmlns="{SITEMAP_NS}">\n{body}</sitemapindex>\n'
    )
    return xml, max(dated, default=None)
