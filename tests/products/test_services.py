"""Product listing rules and the review life cycle, called directly."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import Flask

from marketplace.accounts.models import Role
from marketplace.businesses.models import BusinessStatus
from marketplace.db import db
from marketplace.ledger.models import AuditEntry
from marketplace.products.models import Product, ProductStatus
from marketplace.products.photos import (
    NewPhoto,
    add_photos,
    delete_photo,
    make_cover,
    move_photo,
    ordered,
    set_alt_text,
)
from marketplace.products.queries import visible_products
from marketplace.products.services import (
    ProductData,
    ProductError,
    ProductStateError,
    TranslationData,
    approve_product,
    archive_product,
    create_product,
    missing_for_review,
    record_view,
    reject_product,
    restore_product,
    submit_product,
    update_product,
)
from marketplace.products.snapshot import changes, take_snapshot
from tests.factories import fake_digest, make_business, make_certification, make_product, make_user

FULL = ProductData(
    name="Rattan basket",
    description="Hand-woven rattan basket, 30 cm.",
    subsector_code="kriya",
    hs_code="460211",
    price_idr=185_000,
    unit="piece",
    moq=50,
    lead_time_days=14,
    monthly_capacity=400,
    materials="rattan",
    story="Woven in Cibiru by a family of weavers.",
    translations={"id": TranslationData("Keranjang rotan", "Keranjang rotan anyaman tangan.")},
)


def photo(n: int) -> NewPhoto:
    return NewPhoto(fake_digest(f"photo-{n}"), 1600, 1200)


def statuses(product: Product) -> list[tuple[str, str]]:
    rows = db.session.execute(
        sa.select(AuditEntry.action, AuditEntry.after)
        .where(AuditEntry.subject_type == "product", AuditEntry.subject_id == product.id)
        .order_by(AuditEntry.id)
    )
    return [(action, after["status"]) for action, after in rows]


def test_create_product_keeps_export_facts_and_translations(ctx: Flask) -> None:
    business = make_business()
    certification = make_certification(business, "svlk")
    data = ProductData(**{**FULL.__dict__, "certification_ids": (certification.id,)})
    product = create_product(business, business.owner, data)
    assert product.status == ProductStatus.DRAFT
    assert product.slug == "rattan-basket"
    assert (product.hs_code, product.price_idr, product.moq) == ("460211", 185_000, 50)
    assert [(t.locale, t.name) for t in product.translations] == [("id", "Keranjang rotan")]
    assert product.certifications == [certification]
    assert statuses(product) == [("product.created", "draft")]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"hs_code": "12345"}, "6 to 10 digits"),
        ({"hs_code": "12345678901"}, "6 to 10 digits"),
        ({"price_idr": 0}, "positive"),
        ({"price_idr": -5}, "positive"),
        ({"unit": "barrel"}, "unit"),
        ({"moq": 0}, "minimum order"),
        ({"lead_time_days": -1}, "lead time"),
        ({"subsector_code": "nope"}, "subsector"),
        ({"name": " "}, "name"),
        ({"translations": {"xx": TranslationData("a")}}, "languages"),
        ({"translations": {"de": TranslationData("", "Korb")}}, "name in Deutsch"),
    ],
)
def test_bad_product_values_are_refused(
    ctx: Flask, change: dict[str, object], message: str
) -> None:
    business = make_business()
    with pytest.raises(ProductError, match=message):
        create_product(business, business.owner, ProductData(**{**FULL.__dict__, **change}))
    assert db.session.scalar(sa.select(sa.func.count(Product.id))) == 0


def test_certifications_of_another_business_are_refused(ctx: Flask) -> None:
    business = make_business()
    foreign = make_certification(make_business(name="Other"), "halal")
    data = ProductData(**{**FULL.__dict__, "certification_ids": (foreign.id,)})
    with pytest.raises(ProductError, match="your own business"):
        create_product(business, business.owner, data)


def test_submit_needs_texts_facts_and_a_photo(ctx: Flask) -> None:
    business = make_business()
    product = create_product(business, business.owner, ProductData(name="Only a name"))
    assert [str(m) for m in missing_for_review(product)] == [
        "description in English",
        "name in Bahasa Indonesia",
        "description in Bahasa Indonesia",
        "creative subsector",
        "HS code",
        "price",
        "minimum order quantity",
        "lead time",
        "at least one photo",
    ]
    update_product(product, business.owner, FULL)
    with pytest.raises(ProductError, match="at least one photo"):
        submit_product(product, business.owner)
    add_photos(product, business.owner, [photo(1)])
    submit_product(product, business.owner)
    assert product.status == ProductStatus.PENDING_REVIEW


def test_review_life_cycle_and_audit(ctx: Flask) -> None:
    business = make_business(status=BusinessStatus.PENDING)
    officer = make_user(Role.OFFICER)
    product = make_product(business, status=ProductStatus.DRAFT)
    submit_product(product, business.owner)
    reject_product(product, officer, "The photos are blurry.")
    assert (product.status, product.status_reason) == (
        ProductStatus.REJECTED,
        "The photos are blurry.",
    )
    submit_product(product, business.owner)
    approve_product(product, officer)
    assert product.status == ProductStatus.PUBLISHED
    assert product.published_at is not None
    assert product.approved_snapshot == take_snapshot(product)
    # Published, but its business is not verified yet: not visible.
    assert db.session.scalars(visible_products()).all() == []
    business.status = BusinessStatus.VERIFIED
    assert db.session.scalars(visible_products()).all() == [product]
    reject_product(product, officer, "Not handmade after all.")
    assert product.published_at is None
    assert statuses(product) == [
        ("product.submitted", "pending_review"),
        ("product.rejected", "rejected"),
        ("product.submitted", "pending_review"),
        ("product.approved", "published"),
        ("product.rejected", "rejected"),
    ]


@pytest.mark.parametrize(
    ("status", "action"),
    [
        (ProductStatus.DRAFT, "approve"),
        (ProductStatus.PUBLISHED, "approve"),
        (ProductStatus.DRAFT, "reject"),
        (ProductStatus.PENDING_REVIEW, "submit"),
        (ProductStatus.PUBLISHED, "submit"),
        (ProductStatus.ARCHIVED, "submit"),
        (ProductStatus.ARCHIVED, "archive"),
        (ProductStatus.PUBLISHED, "restore"),
        (ProductStatus.ARCHIVED, "edit"),
        (ProductStatus.ARCHIVED, "photo"),
    ],
)
def test_illegal_transitions_raise(ctx: Flask, status: ProductStatus, action: str) -> None:
    business = make_business()
    officer = make_user(Role.OFFICER)
    product = make_product(business, status=status)
    owner = business.owner
    calls = {
        "approve": lambda: approve_product(product, officer),
        "reject": lambda: reject_product(product, officer, "no"),
        "submit": lambda: submit_product(product, owner),
        "archive": lambda: archive_product(product, owner),
        "restore": lambda: restore_product(product, owner),
        "edit": lambda: update_product(product, owner, FULL),
        "photo": lambda: add_photos(product, owner, [photo(9)]),
    }
    with pytest.raises(ProductStateError):
        calls[action]()
    assert product.status == status


def test_editing_text_of_a_published_product_sends_it_back_to_review(ctx: Flask) -> None:
    business = make_business()
    product = make_product(business)
    data = ProductData(
        name=product.name,
        description=product.description,
        subsector_code="fesyen",
        hs_code="621410",
        price_idr=500_000,  # a new price alone does not need the office
        unit="piece",
        moq=20,
        lead_time_days=21,
        monthly_capacity=200,
        translations={"id": TranslationData("Selendang sutra batik", "Batik tulis.")},
    )
    assert update_product(product, business.owner, data) is False
    assert product.status == ProductStatus.PUBLISHED
    renamed = ProductData(**{**data.__dict__, "name": "Batik silk scarf, indigo"})
    assert update_product(product, business.owner, renamed) is True
    assert product.status == ProductStatus.PENDING_REVIEW
    assert product.published_at is None
    diff = changes(product.approved_snapshot, take_snapshot(product))
    assert [(c.field, c.before, c.after) for c in diff] == [
        ("name", "Batik silk scarf", "Batik silk scarf, indigo"),
        ("price_idr", "450000", "500000"),
    ]


@pytest.mark.parametrize("change", ["add", "delete", "cover", "move", "alt"])
def test_changing_photos_of_a_published_product_sends_it_back_to_review(
    ctx: Flask, change: str
) -> None:
    business = make_business()
    product = make_product(business, photos=2)
    owner = business.owner
    first, second = ordered(product)
    if change == "add":
        add_photos(product, owner, [photo(5)])
    elif change == "delete":
        delete_photo(product, owner, second)
    elif change == "cover":
        make_cover(product, owner, second)
    elif change == "move":
        move_photo(product, owner, first, +1)
    else:
        set_alt_text(product, owner, first, "Scarf folded on a table")
    assert product.status == ProductStatus.PENDING_REVIEW
    assert statuses(product)[-1] == ("product.returned_to_review", "pending_review")
    assert changes(product.approved_snapshot, take_snapshot(product))


def test_photo_order_cover_and_limit(ctx: Flask) -> None:
    business = make_business()
    product = make_product(business, status=ProductStatus.DRAFT, photos=0)
    owner = business.owner
    added = add_photos(product, owner, [photo(n) for n in range(3)] + [photo(0)])
    assert len(added) == 3  # the repeated photo is skipped
    a, b, c = ordered(product)
    make_cover(product, owner, c)
    assert ordered(product) == [c, a, b]
    move_photo(product, owner, a, +1)
    assert ordered(product) == [c, b, a]
    move_photo(product, owner, c, -1)  # already first: nothing changes
    assert [i.position for i in ordered(product)] == [0, 1, 2]
    add_photos(product, owner, [photo(n) for n in range(3, 8)])
    assert len(product.images) == 8
    with pytest.raises(ProductError, match="at most 8 photos; you can add 0 more"):
        add_photos(product, owner, [photo(8)])
    delete_photo(product, owner, b)
    assert [i.position for i in ordered(product)] == list(range(7))
    with pytest.raises(ProductError, match="at most 200"):
        set_alt_text(product, owner, a, "x" * 201)


def test_archive_and_restore_return_to_where_the_product_was(ctx: Flask) -> None:
    business = make_business()
    published = make_product(business)
    draft = make_product(business, name="Draft bag", status=ProductStatus.DRAFT)
    for product in (published, draft):
        archive_product(product, business.owner)
        assert product.status == ProductStatus.ARCHIVED
        restore_product(product, business.owner)
    assert published.status == ProductStatus.PUBLISHED
    assert draft.status == ProductStatus.DRAFT
    assert statuses(published) == [
        ("product.archived", "archived"),
        ("product.restored", "published"),
    ]


def test_record_view_increments_in_the_database(ctx: Flask) -> None:
    product = make_product(make_business())
    before = product.updated_at
    record_view(product.id)
    record_view(product.id)
    db.session.refresh(product)
    assert product.view_count == 2
    assert product.updated_at == before
