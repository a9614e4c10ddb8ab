"""The fixed mixes of searches and catalog pages the benchmark runs.

The search mix is what buyers type: very common words (the slow case of naive full-text
search), rare words, prefixes, several words, words of the German, Indonesian, French and
Korean translations, business names, searches with a filter, hostile input, words that
match nothing, typos (corrected from the vocabulary) and Korean and Chinese words inside
longer words (the trigram index), common and rare, of one to three characters. The catalog
mix is first pages in every sort order, pages deep in the catalog (90% down, by keyset
cursor) and every filter alone and combined.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlencode

import sqlalchemy as sa
from flask import Flask

from marketplace.businesses.models import Business, ExportExperience
from marketplace.catalog.pagination import KeyValue, encode_cursor
from marketplace.catalog.queries import (
    CatalogFilters,
    SortOrder,
    catalog_count,
    sorted_ids,
)
from marketplace.channels.models import Channel
from marketplace.db import db, utcnow
from marketplace.products.models import Product
from marketplace.products.queries import visible_products
from marketplace.reference.models import PartnerCity

PAGE = 24


@dataclass(frozen=True)
class SearchCase:
    kind: str
    q: str
    filters: CatalogFilters = field(default_factory=CatalogFilters)
    args: tuple[tuple[str, str], ...] = ()

    @property
    def url(self) -> str:
        return "/search?" + urlencode({"q": self.q, **dict(self.args)})


@dataclass(frozen=True)
class CatalogCase:
    kind: str
    order: SortOrder = SortOrder.NEWEST
    filters: CatalogFilters = field(default_factory=CatalogFilters)
    args: tuple[tuple[str, str], ...] = ()
    after: tuple[KeyValue, int] | None = None
    cursor: str | None = None

    @property
    def url(self) -> str:
        args = dict(self.args)
        if self.order is not SortOrder.NEWEST:
            args["sort"] = self.order.value
        if self.cursor:
            args["after"] = self.cursor
        return "/catalog?" + urlencode(args)


COMMON = ["bandung", "handmade", "made in bandung", "basket", "bamboo", "dibuat", "the", "batik"]
PREFIXES = ["bamb", "ker", "hand", "gefl", "대나", "tis", "ba", "ro"]
SEVERAL = [
    "bamboo basket",
    "woven rattan bag",
    "batik silk scarf",
    "keranjang rotan",
    "korb aus bambus",
    "panier en rotin",
    "대나무 바구니",
    "handmade teak side table",
]
FOREIGN = ["Bambus", "handgefertigt", "대나무", "바구니", "écharpe", "keranjang", "geflochten"]
HOSTILE = ['"', "' OR 1=1 --", "NEAR(", "a:b", "*", "x" * 10_000, "AND OR NOT"]
NOTHING = ["xylophonez", "quuxbaz"]
# Misspelt: a letter left out, added, replaced, two swapped; alone and beside a correct word.
TYPOS = ["angklng", "bambo", "batic", "keranjnag", "handmaed", "ceramc", "woven rattna", "scraf"]
# Korean and Chinese words inside longer ones: "나무" in 대나무/등나무, "바구니" in 대나무바구니,
# "万隆" (Bandung) in every Chinese description, one character, two, rare and common; and
# beside a Latin word, common ("bandung") or not.
SUBSTRINGS = [
    "나무",
    "바구니",
    "가방",
    "구니",
    "공방",
    "竹",
    "篮子",
    "万隆",
    "工匠",
    "椰子壳",
    "手工竹",
    "bamboo 바구니",
    "bandung 万隆",
]


def _sample_words(size: int) -> tuple[list[str], list[str]]:
    """Rare words (invented motif names) and business names taken from the generated rows."""
    ids = [max(1, size * n // 11) for n in range(1, 11)]
    rows = db.session.execute(
        visible_products()
        .with_only_columns(Product.name, Product.business_id)
        .where(Product.id.in_(ids))
    ).all()
    rare = [name.split()[-1] for name, _ in rows if name.split()[-1][:1].isupper()][:6]
    businesses = list(
        db.session.scalars(sa.select(Business.name).where(Business.id.in_([r[1] for r in rows])))
    )[:4]
    return rare or ["Sukasari"], businesses


def search_mix(size: int) -> list[SearchCase]:
    rare, businesses = _sample_words(size)
    cases = [SearchCase("common", q) for q in COMMON]
    cases += [SearchCase("rare", q) for q in rare]
    cases += [SearchCase("prefix", q) for q in PREFIXES]
    cases += [SearchCase("several", q) for q in SEVERAL]
    cases += [SearchCase("translation", q) for q in FOREIGN]
    cases += [SearchCase("business", q) for q in businesses]
    cases += [SearchCase("hostile", q) for q in HOSTILE]
    cases += [SearchCase("nothing", q) for q in NOTHING]
    cases += [SearchCase("typo", q) for q in TYPOS]
    cases += [SearchCase("substring", q) for q in SUBSTRINGS]
    channel = db.session.scalar(sa.select(Channel.slug).order_by(Channel.id))
    cases += [
        SearchCase(
            "filtered",
            "bamboo",
            CatalogFilters(channel=channel),
            (("channel", channel or ""),),
        ),
        SearchCase(
            "filtered", "basket", CatalogFilters(subsector="kriya"), (("subsector", "kriya"),)
        ),
        SearchCase(
            "filtered", "바구니", CatalogFilters(subsector="kriya"), (("subsector", "kriya"),)
        ),
        SearchCase(
            "filtered",
            "handmade",
            CatalogFilters(max_price=200_000, max_lead_days=30),
            (("max_price", "200000"), ("max_lead", "30")),
        ),
    ]
    return cases


def _deep(app: Flask, order: SortOrder) -> CatalogCase:
    """A page 90% of the way down, reached by a cursor as a reader paging on would hold it."""
    today, filters = utcnow().date(), CatalogFilters()
    row = row_at(filters, order, today, 0.9)
    if row is None:
        return CatalogCase(f"deep {order.value}", order, filters)
    value, product_id = row
    cursor = encode_cursor(app.config["SECRET_KEY"], order.value, value, product_id)
    return CatalogCase(
        f"deep {order.value}", order, filters, after=(value, product_id), cursor=cursor
    )


def row_at(
    filters: CatalogFilters, order: SortOrder, today: date, fraction: float
) -> tuple[KeyValue, int] | None:
    """(sort value, id) of the row `fraction` of the way down (found once, with OFFSET)."""
    ids, sort = sorted_ids(filters, order, today)
    total = db.session.scalar(catalog_count(filters, today, cap=10**12)) or 0
    row = db.session.execute(
        ids.order_by(*sort.order_by()).offset(max(0, int(total * fraction) - 1)).limit(1)
    ).first()
    return (row[1], row[0]) if row else None


def catalog_mix(app: Flask) -> list[CatalogCase]:
    channel = db.session.scalar(sa.select(Channel.slug).order_by(Channel.id)) or ""
    city = db.session.scalar(sa.select(PartnerCity.id).order_by(PartnerCity.id)) or 0
    cases = [CatalogCase(f"first {order.value}", order) for order in SortOrder]
    cases += [_deep(app, order) for order in SortOrder]
    filtered = [
        (CatalogFilters(subsector="kriya"), (("subsector", "kriya"),)),
        (CatalogFilters(channel=channel), (("channel", channel),)),
        (CatalogFilters(city=city), (("city", str(city)),)),
        (CatalogFilters(certification="halal"), (("cert", "halal"),)),
        (
            CatalogFilters(min_price=100_000, max_price=500_000),
            (("min_price", "100000"), ("max_price", "500000")),
        ),
        (CatalogFilters(max_moq=10), (("max_moq", "10"),)),
        (CatalogFilters(max_lead_days=14), (("max_lead", "14"),)),
        (CatalogFilters(export=ExportExperience.DIRECT), (("export", "direct"),)),
    ]
    combined = CatalogFilters(
        subsector="kriya", max_price=1_000_000, max_lead_days=30, export=ExportExperience.INDIRECT
    )
    combined_args = (
        ("subsector", "kriya"),
        ("max_price", "1000000"),
        ("max_lead", "30"),
        ("export", "indirect"),
    )
    cases += [CatalogCase("filtered", SortOrder.NEWEST, f, a) for f, a in filtered]
    cases += [
        CatalogCase("combined", SortOrder.PRICE_LOW, combined, combined_args),
        CatalogCase(
            "combined", SortOrder.INTEREST, CatalogFilters(channel=channel), (("channel", channel),)
        ),
    ]
    return cases
