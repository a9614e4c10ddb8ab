"""Keeping the search index in step with the products, in the same transaction.

The index holds visible products only (published, of a verified business), so a search never
ranks a row it would then have to throw away. After every flush, a session event looks at
what the flush wrote: a product whose searchable text or status changed, a translation added,
edited or removed, a business renamed, verified or suspended. The index rows of the products
concerned are rewritten through the same connection, so they commit or roll back with the
change itself, and a query later in the same transaction already sees the new words. This
works the same on both databases and sees what SQL triggers could not easily see (the
translations and the business name together).

The same rewrite keeps the trigram index of Chinese and Korean words (`substrings.py`) and
the vocabulary of typo suggestions (`vocabulary.py`): the words the rows held before are
counted down, those they hold now counted up. A product deleted through the session is taken
out of the index before its row goes (the database would otherwise drop its index row first,
through the foreign key or the trigger, and the vocabulary would never hear of it).

Changes made with bulk UPDATE, INSERT or DELETE statements bypass the session's unit of work
and therefore the index: call `reindex_products` after them, or `rebuild_index` (the
`flask search-reindex` command) to rebuild everything.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection, Iterator, Sequence
from types import ModuleType
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session, UOWTransaction, scoped_session

from marketplace.businesses.models import Business
from marketplace.products.models import Product, ProductTranslation
from marketplace.products.queries import visible_products
from marketplace.search import popularity, postgres_fts, sqlite_fts, vocabulary
from marketplace.search.documents import Document, build_document

BATCH = 500  # ids per statement: well below every database's limit on bound parameters
PRODUCT_FIELDS = ("name", "description", "materials", "story", "status", "business_id")
BUSINESS_FIELDS = ("name", "status")


def engine_for(dialect_name: str) -> ModuleType:
    """The module that speaks this database's full-text dialect."""
    return postgres_fts if dialect_name == "postgresql" else sqlite_fts


def _batches(ids: Collection[int]) -> Iterator[list[int]]:
    """Newest product first: SQLite's index rows are then written in ascending row id (minus
    the product id), the order FTS5 appends cheaply."""
    ordered = sorted(ids, reverse=True)
    for start in range(0, len(ordered), BATCH):
        yield ordered[start : start + BATCH]


def _documents(connection: sa.Connection, product_ids: Sequence[int]) -> list[Document]:
    """Documents of those of `product_ids` that are visible (two statements)."""
    rows = connection.execute(
        visible_products()
        .with_only_columns(
            Product.id,
            Product.name,
            Product.description,
            Product.materials,
            Product.story,
            Business.name,
        )
        .where(Product.id.in_(product_ids))
    ).all()
    if not rows:
        return []
    translations: dict[int, list[tuple[str, str | None]]] = defaultdict(list)
    translated_materials: dict[int, list[str | None]] = defaultdict(list)
    translated_stories: dict[int, list[str | None]] = defaultdict(list)
    for product_id, name, description, materials, story in connection.execute(
        sa.select(
            ProductTranslation.product_id,
            ProductTranslation.name,
            ProductTranslation.description,
            ProductTranslation.materials,
            ProductTranslation.story,
        )
        .where(ProductTranslation.product_id.in_([row[0] for row in rows]))
        .order_by(ProductTranslation.product_id, ProductTranslation.locale)
    ):
        translations[product_id].append((name, description))
        translated_materials[product_id].append(materials)
        translated_stories[product_id].append(story)
    return [
        build_document(
            product_id,
            name=name,
            description=description,
            materials=materials,
            story=story,
            business_name=business_name,
            translations=translations[product_id],
            translated_materials=translated_materials[product_id],
            translated_stories=translated_stories[product_id],
        )
        for product_id, name, description, materials, story, business_name in rows
    ]


def reindex_products(connection: sa.Connection, product_ids: Collection[int]) -> None:
    """Rewrite the index rows of `product_ids`: dropped, then written again if visible.

    Dropping first also clears a row left behind under a reused id by a raw DELETE.
    """
    engine = engine_for(connection.dialect.name)
    for batch in _batches(product_ids):
        before = engine.indexed_words(connection, batch)
        engine.delete(connection, batch)
        popularity.delete(connection, batch)
        documents = _documents(connection, batch)
        engine.insert(connection, documents)
        popularity.insert(connection, [document.product_id for document in documents])
        after = Counter(
            word
            for document in documents
            for word in document.distinct_words
            if engine.in_vocabulary(word)
        )
        vocabulary.update(connection, before, after)


def forget_products(connection: sa.Connection, product_ids: Collection[int]) -> None:
    """Take these products out of the index (they are about to be deleted)."""
    engine = engine_for(connection.dialect.name)
    for batch in _batches(product_ids):
        before = engine.indexed_words(connection, batch)
        engine.delete(connection, batch)
        popularity.delete(connection, batch)
        vocabulary.update(connection, before, Counter())


def reindex_businesses(connection: sa.Connection, business_ids: Collection[int]) -> None:
    """Every product of these businesses (a new name, or a change of verification)."""
    product_ids: set[int] = set()
    for batch in _batches(business_ids):
        product_ids.update(
            connection.scalars(sa.select(Product.id).where(Product.business_id.in_(batch)))
        )
    reindex_products(connection, product_ids)


def rebuild_index(connection: sa.Connection) -> int:
    """Empty the index and write every visible product again; returns how many."""
    engine = engine_for(connection.dialect.name)
    engine.clear(connection)
    popularity.clear(connection)
    vocabulary.clear(connection)
    written = 0
    last_id: int | None = None
    while True:
        # Every product id, newest first, by primary key only (visibility is checked per
        # batch): a range of the key costs as much at the end of a million rows as at the start.
        ids_query = sa.select(Product.id).order_by(Product.id.desc()).limit(BATCH * 4)
        if last_id is not None:
            ids_query = ids_query.where(Product.id < last_id)
        ids = list(connection.scalars(ids_query))
        if not ids:
            break
        for batch in _batches(ids):
            documents = _documents(connection, batch)
            engine.insert(connection, documents)
            popularity.insert(connection, [document.product_id for document in documents])
            written += len(documents)
        last_id = ids[-1]
    counts = engine.word_counts(connection)
    vocabulary.fill(connection, [(word, n) for word, n in counts if engine.in_vocabulary(word)])
    engine.optimize(connection)
    return written


def _changed(obj: object, fields: Sequence[str]) -> bool:
    state = sa.inspect(obj)
    return any(state.attrs[field].history.has_changes() for field in fields)


def _translation_products(translation: ProductTranslation) -> set[int]:
    """The product(s) a translation belongs or belonged to, from loaded state only (a lazy
    load inside a flush is not allowed)."""
    state = sa.inspect(translation)
    ids = {value for value in state.attrs.product_id.history.sum() if value is not None}
    for product in state.attrs.product.history.sum():
        if product is not None and sa.inspect(product).identity:
            ids.add(sa.inspect(product).identity[0])
    return ids


def _after_flush(session: Session, _context: UOWTransaction) -> None:
    product_ids: set[int] = set()
    business_ids: set[int] = set()
    for obj in session.new:
        if isinstance(obj, Product):
            product_ids.add(obj.id)
        elif isinstance(obj, ProductTranslation):
            product_ids.update(_translation_products(obj))
    for obj in session.dirty:
        if isinstance(obj, Product) and _changed(obj, PRODUCT_FIELDS):
            product_ids.add(obj.id)
        elif isinstance(obj, ProductTranslation) and _changed(
            obj, ("name", "description", "materials", "story", "product_id", "product")
        ):
            product_ids.update(_translation_products(obj))
        elif isinstance(obj, Business) and _changed(obj, BUSINESS_FIELDS):
            business_ids.add(obj.id)
    for obj in session.deleted:
        if isinstance(obj, Product):
            product_ids.add(obj.id)
        elif isinstance(obj, ProductTranslation):
            product_ids.update(_translation_products(obj))
    if not (product_ids or business_ids):
        return
    connection = session.connection()
    reindex_products(connection, product_ids)
    reindex_businesses(connection, business_ids)


def _before_flush(session: Session, _context: UOWTransaction, _instances: object) -> None:
    """Products about to be deleted, alone or with their business, leave the index first."""
    product_ids: set[int] = set()
    business_ids: list[int] = []
    for obj in session.deleted:
        identity = sa.inspect(obj).identity
        if identity is None:
            continue
        if isinstance(obj, Product):
            product_ids.add(identity[0])
        elif isinstance(obj, Business):
            business_ids.append(identity[0])
    if not (product_ids or business_ids):
        return
    connection = session.connection()
    if business_ids:
        product_ids.update(
            connection.scalars(sa.select(Product.id).where(Product.business_id.in_(business_ids)))
        )
    forget_products(connection, product_ids)


def keep_index_in_sync(session: scoped_session[Any]) -> None:
    """Listen to the flushes of `session` (the application's scoped session); idempotent."""
    if not event.contains(session, "before_flush", _before_flush):
        event.listen(session, "before_flush", _before_flush)
    if not event.contains(session, "after_flush", _after_flush):
        event.listen(session, "after_flush", _after_flush)
