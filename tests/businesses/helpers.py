"""Builders for storefront tests: reference data, businesses, products, media on disk.

Like the factories, they add and flush; the caller commits.
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from marketplace.accounts.models import Role, User
from marketplace.businesses.models import Business, BusinessCertification, BusinessStatus
from marketplace.channels.seed import load_reference_data
from marketplace.db import db, utcnow
from marketplace.products.models import (
    Product,
    ProductImage,
    ProductStatus,
    ProductTranslation,
)
from marketplace.products.snapshot import take_snapshot
from marketplace.slugs import unique_slug
from tests.conftest import csrf_token
from tests.factories import make_user

NIB = "9120001234567"


def seed_reference() -> None:
    load_reference_data()


def free_nib() -> str:
    """NIB for the first business, the next unused number for the others (NIBs are unique)."""
    held = set(db.session.scalars(sa.select(Business.nib).where(Business.nib.is_not(None))))
    number = int(NIB)
    while str(number) in held:
        number += 1
    return str(number)


def make_business(
    owner: User | None = None,
    *,
    name: str = "Batik Sekar Jagad",
    status: BusinessStatus = BusinessStatus.VERIFIED,
    **fields: Any,
) -> Business:
    """A complete business (everything verification needs), verified unless told otherwise."""
    owner = owner or make_user(Role.MSME)
    values: dict[str, Any] = {
        "nib": free_nib(),
        "subsector_code": "fesyen",
        "district": "Coblong",
        "description": "Hand-drawn batik from Coblong.",
        "contact_email": "hello@batik.example",
        "contact_phone": "+62 22 1234567",
        "whatsapp": "+62 812 0000 1111",
    }
    values.update(fields)
    business = Business(
        owner=owner,
        name=name,
        slug=unique_slug(Business.slug, name, "msme"),
        status=status,
        verified_at=utcnow() if status == BusinessStatus.VERIFIED else None,
        **values,
    )
    db.session.add(business)
    db.session.flush()
    return business


def make_certification(
    business: Business, code: str = "halal", **fields: Any
) -> BusinessCertification:
    certification = BusinessCertification(
        business=business, certification_code=code, number=fields.pop("number", "ID-123"), **fields
    )
    db.session.add(certification)
    db.session.flush()
    return certification


def fake_digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def make_product(
    business: Business,
    *,
    name: str = "Batik silk scarf",
    status: ProductStatus = ProductStatus.PUBLISHED,
    photos: int = 1,
    **fields: Any,
) -> Product:
    """A complete product with an Indonesian translation and `photos` photo rows (no files)."""
    values: dict[str, Any] = {
        "description": "Silk scarf, hand-drawn batik, 180 x 50 cm.",
        "subsector_code": "fesyen",
        "hs_code": "621410",
        "price_idr": 450_000,
        "unit": "piece",
        "moq": 20,
        "lead_time_days": 21,
        "monthly_capacity": 200,
    }
    values.update(fields)
    product = Product(
        business=business, name=name, slug=unique_slug(Product.slug, name, "product"), **values
    )
    product.translations.append(
        ProductTranslation(locale="id", name="Selendang sutra batik", description="Batik tulis.")
    )
    for n in range(photos):
        product.images.append(
            ProductImage(digest=fake_digest(f"{name}-{n}"), width=1200, height=900, position=n)
        )
    db.session.add(product)
    db.session.flush()
    product.status = status
    if status in (ProductStatus.PUBLISHED, ProductStatus.ARCHIVED):
        product.published_at = utcnow()
        product.approved_snapshot = take_snapshot(product)
    if status == ProductStatus.PENDING_REVIEW:
        product.submitted_at = utcnow()
    db.session.flush()
    return product


def media_files(app: Flask) -> list[Path]:
    """Every file under MEDIA_ROOT (temporary files included: nothing may be left behind)."""
    root = Path(app.config["MEDIA_ROOT"])
    if not root.exists():
        return []
    return sorted(Path(d) / f for d, _dirs, files in os.walk(root) for f in files)


def empty_media(app: Flask) -> None:
    shutil.rmtree(app.config["MEDIA_ROOT"], ignore_errors=True)


@pytest.fixture
def storefront(app: Flask) -> Iterator[None]:
    """Reference data seeded and an empty media folder, for every storefront test."""
    empty_media(app)
    with app.app_context():
        seed_reference()
        db.session.commit()
    yield
    empty_media(app)


def commit_and_detach(*objects: Any) -> None:
    """Commit, then keep `objects` readable outside the app context (e.g. users to log in as)."""
    db.session.commit()
    for obj in objects:
        db.session.refresh(obj)
        db.session.expunge(obj)


def post_files(
    client: FlaskClient,
    url: str,
    fields: dict[str, Any] | None = None,
    files: dict[str, list[tuple[bytes, str]]] | None = None,
    *,
    page: str | None = None,
    **kwargs: Any,
) -> Any:
    """POST a multipart form as a browser does: fields, the CSRF token, and named files.

    The body is encoded up front, so the test client keeps no temporary file open.
    """
    values: MultiDict[str, Any] = MultiDict(fields or {})
    values.add("csrf_token", csrf_token(client, page or url))
    for name, items in (files or {}).items():
        for data, filename in items:
            values.add(name, FileStorage(io.BytesIO(data), filename=filename))
    boundary, body = encode_multipart(values)
    return client.post(
        url, data=body, content_type=f"multipart/form-data; boundary={boundary}", **kwargs
    )


def fetch(client: FlaskClient, url: str) -> tuple[int, dict[str, str], bytes]:
    """GET a file and close the response (file responses hold an open file until closed)."""
    with client.get(url) as response:
        return response.status_code, dict(response.headers), response.get_data()
