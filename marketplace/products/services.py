"""Product listing rules: the export facts, translations, and the review life cycle.

    draft -> pending_review -> published | rejected(reason)
    published -(owner edits name, text or photos)-> pending_review
    published -(officer)-> rejected(reason)
    any status -> archived -> published (if it was published) or draft

`published_at` is set while a product is published and kept while it is archived from
published, so restoring knows where to go back to. Every change of status is audited.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

from marketplace.accounts.models import User
from marketplace.businesses.models import Business, BusinessCertification
from marketplace.db import db, lock, utcnow
from marketplace.errors import ServiceError
from marketplace.i18n import CONTENT_LOCALES
from marketplace.ledger.audit import AuditAction, record_audit
from marketplace.periods import bandung_time
from marketplace.products import events
from marketplace.products.models import Product, ProductStatus, ProductTranslation
from marketplace.products.snapshot import needs_review, take_snapshot
from marketplace.reference.loader import units
from marketplace.reference.models import Subsector
from marketplace.slugs import add_with_slug

HS_CODE = re.compile(r"\d{6,10}")
TRANSLATION_LOCALES = tuple(code for code in CONTENT_LOCALES if code != "en")
REQUIRED_TRANSLATION = "id"
MAX_PRICE_IDR = 10**13


class ProductError(ServiceError):
    """A rule about a product listing was not met."""


class ProductStateError(ProductError):
    """The action is not allowed in the product's current status."""


@dataclass(frozen=True)
class TranslationData:
    name: str
    description: str = ""
    materials: str = ""
    story: str = ""

    @property
    def any_text(self) -> bool:
        return any(part.strip() for part in (self.description, self.materials, self.story))


@dataclass(frozen=True)
class ProductData:
    name: str
    description: str = ""
    subsector_code: str | None = None
    hs_code: str | None = None
    price_idr: int | None = None
    unit: str = "piece"
    moq: int | None = None
    lead_time_days: int | None = None
    monthly_capacity: int | None = None
    materials: str | None = None
    dimensions: str | None = None
    weight_grams: int | None = None
    story: str | None = None
    certification_ids: tuple[int, ...] = ()
    translations: Mapping[str, TranslationData] = field(default_factory=dict)


def _positive(value: int | None, message: LazyString, minimum: int = 1) -> None:
    if value is not None and value < minimum:
        raise ProductError(message)


def _check(business: Business, data: ProductData) -> list[BusinessCertification]:
    if not data.name.strip():
        raise ProductError(_l("The product needs a name in English."))
    if data.hs_code is not None and not HS_CODE.fullmatch(data.hs_code):
        raise ProductError(_l("The HS code has 6 to 10 digits."))
    if data.price_idr is not None and not 0 < data.price_idr < MAX_PRICE_IDR:
        raise ProductError(_l("The price is a positive whole number of rupiah."))
    if data.unit not in units():
        raise ProductError(_l("Choose a unit from the list."))
    _positive(data.moq, _l("The minimum order is at least 1."))
    _positive(data.lead_time_days, _l("The lead time cannot be negative."), minimum=0)
    _positive(data.monthly_capacity, _l("The monthly capacity is at least 1."))
    _positive(data.weight_grams, _l("The weight is at least 1 gram."))
    if data.subsector_code and db.session.get(Subsector, data.subsector_code) is None:
        raise ProductError(_l("Choose a creative subsector from the list."))
    for locale, text in data.translations.items():
        if locale not in TRANSLATION_LOCALES:
            raise ProductError(_l("Translations are possible in the listed languages only."))
        if text.any_text and not text.name.strip():
            raise ProductError(
                _l("Give the name in %(language)s too.", language=CONTENT_LOCALES[locale])
            )
    ids = set(data.certification_ids)
    certifications = [c for c in business.certifications if c.id in ids]
    if len(certifications) != len(ids):
        raise ProductError(_l("Choose certifications of your own business only."))
    return certifications


def check_product(business: Business, data: ProductData) -> None:
    """Raise ProductError where `data` breaks a rule of a listing: what creating or updating
    it would refuse (a sheet of products is checked row by row with this before it is
    imported)."""
    _check(business, data)


def _apply(
    product: Product, data: ProductData, certifications: list[BusinessCertification]
) -> None:
    product.name = data.name.strip()
    product.description = data.description.strip()
    product.subsector_code = data.subsector_code or None
    product.hs_code = data.hs_code or None
    product.price_idr = data.price_idr
    product.unit = data.unit
    product.moq = data.moq
    product.lead_time_days = data.lead_time_days
    product.monthly_capacity = data.monthly_capacity
    product.materials = (data.materials or "").strip() or None
    product.dimensions = (data.dimensions or "").strip() or None
    product.weight_grams = data.weight_grams
    product.story = (data.story or "").strip() or None
    product.certifications = certifications
    existing = {t.locale: t for t in product.translations}
    for locale in TRANSLATION_LOCALES:
        text = data.translations.get(locale)
        row = existing.get(locale)
        if text is None or not text.name.strip():
            if row is not None:
                product.translations.remove(row)
        else:
            if row is None:
                row = ProductTranslation(locale=locale)
                product.translations.append(row)
            row.name, row.description = text.name.strip(), text.description.strip()
            row.materials = text.materials.strip() or None
            row.story = text.story.strip() or None


def _change_status(
    product: Product,
    actor: User | None,
    action: AuditAction,
    status: ProductStatus,
    reason: str | None = None,
) -> None:
    before = {"status": product.status.value}
    product.status = status
    product.status_reason = reason
    db.session.flush()
    record_audit(actor, action, "product", product.id, before, {"status": status.value}, reason)


def require_editable(product: Product) -> None:
    if product.status == ProductStatus.ARCHIVED:
        raise ProductStateError(_l("Restore the product before you change it."))


def create_product(
    business: Business, actor: User, data: ProductData, submission_key: str | None = None
) -> Product:
    """A new draft; the form's `submission_key` makes a repeated post (a double click, a form
    sent again) answer with the draft the first one made. The business's row is locked first,
    so two posts of one key at once are decided one after the other."""
    certifications = _check(business, data)
    key = (submission_key or "").strip()[:64] or None
    if key is not None:
        lock(business)
        made = db.session.scalar(
            sa.select(Product).where(
                Product.submission_key == key, Product.business_id == business.id
            )
        )
        if made is not None:
            return made
    # By id, not relationship: the business's product list must not hold a row that is not
    # in the session yet (it is added inside a savepoint, see add_with_slug).
    product = Product(business_id=business.id, status=ProductStatus.DRAFT, submission_key=key)
    _apply(product, data, certifications)
    add_with_slug(product, Product.slug, data.name, fallback="product")
    record_audit(
        actor, AuditAction.PRODUCT_CREATED, "product", product.id, None, {"status": "draft"}
    )
    return product


def return_to_review_if_changed(product: Product, actor: User) -> bool:
    """A published product whose name, texts or photos changed waits for the office again."""
    db.session.flush()
    if product.status != ProductStatus.PUBLISHED or not needs_review(product):
        return False
    product.submitted_at = utcnow()
    product.published_at = None
    _change_status(
        product, actor, AuditAction.PRODUCT_RETURNED_TO_REVIEW, ProductStatus.PENDING_REVIEW
    )
    return True


def update_product(product: Product, actor: User, data: ProductData) -> bool:
    """Save the edit; returns True when it sent a published product back to review.

    The slug is not changed: printed QR tags carry it.
    """
    lock(product)
    require_editable(product)
    certifications = _check(product.business, data)
    _apply(product, data, certifications)
    return return_to_review_if_changed(product, actor)


def missing_for_review(product: Product) -> list[LazyString]:
    """What the office needs to review a listing, by field label."""
    missing: list[LazyString] = []
    texts = {t.locale: t for t in product.translations}
    indonesian = texts.get(REQUIRED_TRANSLATION)
    checks = [
        (product.name.strip(), _l("name in English")),
        ((product.description or "").strip(), _l("description in English")),
        (indonesian and indonesian.name.strip(), _l("name in Bahasa Indonesia")),
        (indonesian and indonesian.description.strip(), _l("description in Bahasa Indonesia")),
        (product.subsector_code, _l("creative subsector")),
        (product.hs_code, _l("HS code")),
        (product.price_idr, _l("price")),
        (product.unit, _l("unit")),
        (product.moq, _l("minimum order quantity")),
        (product.lead_time_days is not None, _l("lead time")),
        (product.images, _l("at least one photo")),
    ]
    for present, label in checks:
        if not present:
            missing.append(label)
    return missing


def _require_complete(product: Product) -> None:
    missing = missing_for_review(product)
    if missing:
        raise ProductError(
            _l("Please complete: %(fields)s.", fields=", ".join(str(m) for m in missing))
        )


def submit_product(product: Product, actor: User) -> None:
    lock(product)  # a double click submits once
    if product.status not in (ProductStatus.DRAFT, ProductStatus.REJECTED):
        raise ProductStateError(_l("This product cannot be submitted for review in its status."))
    _require_complete(product)
    product.submitted_at = utcnow()
    _change_status(product, actor, AuditAction.PRODUCT_SUBMITTED, ProductStatus.PENDING_REVIEW)


def approve_product(product: Product, officer: User) -> None:
    """Publishing keeps a snapshot of what was approved, to show later what changed."""
    if product.status != ProductStatus.PENDING_REVIEW:
        raise ProductStateError(_l("Only a product waiting for review can be approved."))
    _require_complete(product)
    product.approved_snapshot = take_snapshot(product)
    product.published_at = utcnow()
    _change_status(product, officer, AuditAction.PRODUCT_APPROVED, ProductStatus.PUBLISHED)


def reject_product(product: Product, officer: User, reason: str) -> None:
    if product.status not in (ProductStatus.PENDING_REVIEW, ProductStatus.PUBLISHED):
        raise ProductStateError(_l("Only a product under review or published can be rejected."))
    reason = reason.strip()
    if not reason:
        raise ProductError(_l("Please give the reason, so the owner knows what to fix."))
    product.published_at = None
    _change_status(product, officer, AuditAction.PRODUCT_REJECTED, ProductStatus.REJECTED, reason)


def archive_product(product: Product, actor: User) -> None:
    lock(product)
    if product.status == ProductStatus.ARCHIVED:
        raise ProductStateError(_l("This product is already archived."))
    _change_status(product, actor, AuditAction.PRODUCT_ARCHIVED, ProductStatus.ARCHIVED)


def restore_product(product: Product, actor: User) -> None:
    """Back to published if it was archived from published (archived products cannot be
    edited, so it is what the office approved), else back to a draft."""
    lock(product)
    if product.status != ProductStatus.ARCHIVED:
        raise ProductStateError(_l("Only an archived product can be restored."))
    target = ProductStatus.PUBLISHED if product.published_at else ProductStatus.DRAFT
    _change_status(product, actor, AuditAction.PRODUCT_RESTORED, target)


def record_view(
    product_id: int, channel_id: int | None = None, *, at: datetime | None = None
) -> None:
    """One atomic increment, so concurrent views are all counted; updated_at is left as is.

    The count for the office's reports of the day of `at` (now by default) goes up with it
    (`events.product_viewed`), credited to `channel_id` (the channel the visit came through) or
    to a direct visit. A product deleted since the view counts nothing. The page counts its
    views through `counting` (the recorder "product-view").
    """
    result = db.session.execute(
        sa.update(Product)
        .where(Product.id == product_id)
        .values(view_count=Product.view_count + 1, updated_at=Product.updated_at)
    )
    if not getattr(result, "rowcount", 1):
        return
    day = bandung_time(at).date() if at is not None else None
    events.product_viewed.send(product_id, channel_id=channel_id, day=day)
