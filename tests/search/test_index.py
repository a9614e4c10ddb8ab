"""The index follows every change in the same transaction, before and after the commit."""

from __future__ import annotations

import random

import pytest
import sqlalchemy as sa
from flask import Flask

from marketplace.businesses.models import Business, BusinessStatus
from marketplace.db import db
from marketplace.interests.models import Interest, InterestStatus
from marketplace.products.models import Product, ProductStatus, ProductTranslation
from marketplace.search.index import rebuild_index
from marketplace.search.popularity import POPULARITY
from marketplace.search.queries import search_products
from marketplace.search.text import query_terms
from tests.catalog.helpers import count_statements
from tests.factories import add_interests, make_business, product


def _found(query: str) -> list[str]:
    rows = db.session.execute(search_products(query_terms(query), limit=20)).all()
    return sorted(found.slug for found, _score, _matches in rows)


def _product(slug: str) -> Product:
    return db.session.scalars(sa.select(Product).where(Product.slug == slug)).one()


def _make(app: Flask) -> str:
    with app.app_context():
        made = product(
            "Teak bowl",
            business=make_business(name="Jati Kriya"),
            description="Turned by hand.",
            translations={"de": ("Teakschale", "Von Hand gedrechselt.")},
        )
        db.session.commit()
        return made.slug


def test_a_new_name_is_found_before_and_after_commit(app: Flask) -> None:
    slug = _make(app)
    with app.app_context():
        _product(slug).name = "Mahogany dish"
        assert _found("mahogany") == [slug]  # same session, not committed: autoflush
        assert _found("bowl") == []
        db.session.commit()
    with app.app_context():
        assert _found("mahogany") == [slug]
        assert _found("bowl") == []


def test_a_rolled_back_change_leaves_the_index_as_it_was(app: Flask) -> None:
    slug = _make(app)
    with app.app_context():
        _product(slug).name = "Mahogany dish"
        assert _found("mahogany") == [slug]
        db.session.rollback()
    with app.app_context():
        assert _found("mahogany") == []
        assert _found("bowl") == [slug]


def test_translations_added_edited_and_removed(app: Flask) -> None:
    slug = _make(app)
    with app.app_context():
        item = _product(slug)
        item.translations.append(ProductTranslation(locale="ko", name="티크 그릇", description=""))
        assert _found("그릇") == [slug]
        german = next(t for t in item.translations if t.locale == "de")
        german.description = "Handgefertigt in Bandung."
        assert _found("handgefertigt") == [slug]
        assert _found("gedrechselt") == []
        item.translations.remove(german)
        assert _found("teakschale") == []
        db.session.commit()
    with app.app_context():
        assert _found("그릇") == [slug]
        assert _found("teakschale") == []


def test_a_business_renamed_suspended_and_verified_again(app: Flask) -> None:
    slug = _make(app)
    with app.app_context():
        business = _product(slug).business
        business.name = "Jati Kriya Lembang"
        assert _found("lembang") == [slug]
        db.session.commit()
    with app.app_context():
        business = db.session.scalars(sa.select(Business)).one()
        business.status = BusinessStatus.SUSPENDED
        assert _found("lembang") == []
        db.session.commit()
    with app.app_context():
        assert _found("teak") == []
        db.session.scalars(sa.select(Business)).one().status = BusinessStatus.VERIFIED
        db.session.commit()
    with app.app_context():
        assert _found("lembang teak") == [slug]


def test_archived_rejected_and_deleted_products_are_gone(app: Flask) -> None:
    slug = _make(app)
    with app.app_context():
        _product(slug).status = ProductStatus.ARCHIVED
        db.session.commit()
    with app.app_context():
        assert _found("teak") == []
        _product(slug).status = ProductStatus.PUBLISHED
        db.session.commit()
    with app.app_context():
        assert _found("teak") == [slug]
        db.session.delete(_product(slug))
        db.session.commit()
    with app.app_context():
        assert _found("teak") == []


def test_a_product_published_later_is_found(app: Flask) -> None:
    with app.app_context():
        slug = product("Rattan stool", status=ProductStatus.PENDING_REVIEW).slug
        db.session.commit()
    with app.app_context():
        assert _found("stool") == []
        _product(slug).status = ProductStatus.PUBLISHED
        db.session.commit()
    with app.app_context():
        assert _found("stool") == [slug]


def test_a_view_count_does_not_rewrite_the_index(app: Flask) -> None:
    slug = _make(app)
    with app.app_context():
        item = _product(slug)
        with count_statements() as statements:
            item.view_count += 1
            db.session.commit()
    assert statements
    assert not any("search_products" in statement for statement in statements)


@pytest.mark.committing  # the rebuild runs on a connection of its own
def test_rebuild_writes_every_visible_product(app: Flask) -> None:
    slug = _make(app)
    with app.app_context():
        product("Draft stool", status=ProductStatus.DRAFT)
        db.session.commit()
        with db.engine.begin() as connection:
            assert rebuild_index(connection) == 1
        assert _found("teak") == [slug]
        assert _found("stool") == []


def _interests(slug: str) -> int | None:
    return db.session.scalar(
        sa.select(POPULARITY.c.interests).where(POPULARITY.c.product_id == _product(slug).id)
    )


def test_interest_counts_follow_new_interests_and_spam(app: Flask) -> None:
    slug = _make(app)
    with app.app_context():
        assert _interests(slug) == 0
        add_interests(_product(slug), 2)
        assert _interests(slug) == 2  # same transaction
        db.session.commit()
    with app.app_context():
        first = db.session.scalars(sa.select(Interest).order_by(Interest.id)).first()
        assert first is not None
        first.status = InterestStatus.SPAM
        db.session.commit()
    with app.app_context():
        assert _interests(slug) == 1
        _product(slug).status = ProductStatus.ARCHIVED
        db.session.commit()
    with app.app_context():
        assert _interests(slug) is None  # only visible products are ranked


@pytest.mark.committing  # the command rebuilds on a connection of its own
def test_reindex_command(app: Flask) -> None:
    slug = _make(app)
    with app.app_context():
        product("Draft stool", status=ProductStatus.DRAFT)
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["search-reindex"])
    assert result.exit_code == 0
    assert "Indexed 1 visible products." in result.output
    with app.app_context():
        assert _found("teak") == [slug]


def _long_text(seed: int, words: int) -> str:
    """Words no two products share, which compress poorly: a long document."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    pick = random.Random(seed)
    return " ".join("".join(pick.choices(letters, k=9)) for _ in range(words))


def test_a_long_document_is_found_and_kept_in_its_row(app: Flask) -> None:
    """A document of about 5 KB: found by its last word; on PostgreSQL it stays in its row of
    the index (nothing in the TOAST table), so matching and ranking read one row."""
    with app.app_context():
        body = _long_text(7, 360)
        made = product("Sketchbook", description=body)
        db.session.commit()
        assert _found(body.rsplit(" ", 1)[1]) == [made.slug]
        if db.engine.dialect.name != "postgresql":
            return
        size = db.session.scalar(
            sa.text("SELECT pg_column_size(document) FROM search_products WHERE product_id = :id"),
            {"id": made.id},
        )
        assert size is not None and size > 4000
        toast = db.session.scalar(
            sa.text(
                "SELECT reltoastrelid::regclass::text FROM pg_class"
                " WHERE relname = 'search_products'"
            )
        )
        assert db.session.scalar(sa.text(f"SELECT count(*) FROM {toast}")) == 0
