"""Factories for tests: they build rows (and, for photos, files on disk), add and flush, and never
commit; the caller commits when it needs to.

Call them inside an application context (the `ctx` fixture, or `with app.app_context():`).
Channels and reference rows come from the seeded reference data (the `storefront` fixture).
"""

from __future__ import annotations

import hashlib
import io
import itertools
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from PIL import Image

from marketplace.accounts.models import BuyerProfile, BuyerType, Role, User
from marketplace.accounts.passwords import hash_password
from marketplace.businesses.models import Business, BusinessCertification, BusinessStatus
from marketplace.channels.models import (
    Channel,
    ChannelKind,
    ChannelStatus,
    Nomination,
    NominationStatus,
)
from marketplace.channels.seed import load_reference_data
from marketplace.db import db, utcnow
from marketplace.interests.models import Interest, InterestStatus
from marketplace.ledger.models import AbuseReport, AuditEntry, ExchangeRate
from marketplace.media.backend import current_storage
from marketplace.media.images import store_image
from marketplace.notifications.models import Notification
from marketplace.products.models import (
    Product,
    ProductImage,
    ProductStatus,
    ProductTranslation,
)
from marketplace.products.snapshot import take_snapshot
from marketplace.reference.models import PartnerCity
from marketplace.rfq import services as rfq_services
from marketplace.rfq.models import BuyingRequest, Quote
from marketplace.rfq.services import QuoteData, RequestData
from marketplace.slugs import unique_slug
from marketplace.stock import services as stock_services
from marketplace.stock.models import MovementKind, StockMovement
from tests.products.images import jpeg

NIB = "9120001234567"
PASSWORD = "correct horse battery staple"
_counter = itertools.count(1)

# Hashing is deliberately slow; tests share one hash of the common password.
_PASSWORD_HASH: str | None = None


def _password_hash(password: str) -> str:
    global _PASSWORD_HASH
    if password != PASSWORD:
        return hash_password(password)
    if _PASSWORD_HASH is None:
        _PASSWORD_HASH = hash_password(PASSWORD)
    return _PASSWORD_HASH


# --- people ----------------------------------------------------------------------------------


def make_user(
    role: Role = Role.BUYER,
    *,
    email: str | None = None,
    name: str | None = None,
    password: str = PASSWORD,
    verified: bool = True,
    **fields: Any,
) -> User:
    n = next(_counter)
    user = User(
        email=email or f"{role.value}{n}@example.com",
        name=name or f"{role.value.title()} {n}",
        password_hash=_password_hash(password),
        role=role,
        email_verified_at=utcnow() if verified else None,
        **fields,
    )
    db.session.add(user)
    db.session.flush()
    return user


# --- reference data, businesses, products ---------------------------------------------------


def seed_reference() -> None:
    """The reference data (subsectors, certifications, partner cities, their channels)."""
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
    if status in (ProductStatus.PUBLISHED, ProductStatus.ARCHIVED):
        values["published_at"] = utcnow()
    if status == ProductStatus.PENDING_REVIEW:
        values["submitted_at"] = utcnow()
    values.update(fields)
    product = Product(
        business=business,
        name=name,
        slug=unique_slug(Product.slug, name, "product"),
        status=status,
        **values,
    )
    product.translations.append(
        ProductTranslation(locale="id", name="Selendang sutra batik", description="Batik tulis.")
    )
    for n in range(photos):
        product.images.append(
            ProductImage(digest=fake_digest(f"{name}-{n}"), width=1200, height=900, position=n)
        )
    # One flush writes the product in its state (the search index follows each flush).
    db.session.add(product)
    db.session.flush()
    if status in (ProductStatus.PUBLISHED, ProductStatus.ARCHIVED):
        product.approved_snapshot = take_snapshot(product)
        db.session.flush()
    return product


# --- buyers and listings --------------------------------------------------------------------


def make_partner_city(name: str = "Braunschweig", country_code: str = "DE") -> PartnerCity:
    city = PartnerCity(
        name=name,
        country_code=country_code,
        country="Germany",
        since_year=1960,
        currency="EUR",
        locale="de",
    )
    db.session.add(city)
    db.session.flush()
    return city


def make_buyer(company: str = "Harz Handel GmbH", locale: str = "en", **fields: Any) -> User:
    buyer = make_user(Role.BUYER, locale=locale, **fields)
    buyer.buyer_profile = BuyerProfile(
        company=company, buyer_type=BuyerType.RETAILER, city="Braunschweig", country_code="DE"
    )
    db.session.flush()
    return buyer


def make_listing(name: str = "Batik silk scarf", owner_locale: str = "en") -> Product:
    """A published product of a verified business whose owner reads `owner_locale`."""
    owner = make_user(Role.MSME, locale=owner_locale)
    business = make_business(owner, name=f"Maker of {name}")
    return make_product(business, name=name)


# --- channels, rates, photos on disk ---------------------------------------------------------


def seeded_channel(slug: str, capacity: int | None, **fields: Any) -> Channel:
    channel = db.session.scalar(sa.select(Channel).where(Channel.slug == slug))
    assert channel is not None, "load the reference data first"
    channel.capacity = capacity
    channel.status = ChannelStatus.OPEN
    for name, value in fields.items():
        setattr(channel, name, value)
    db.session.flush()
    return channel


def harz_und_heide(capacity: int | None = 3, **fields: Any) -> Channel:
    """The seeded Harz und Heide channel (reference data must be loaded), opened with `capacity`."""
    return seeded_channel("harz-und-heide", capacity, **fields)


def little_bandung(capacity: int | None = None, **fields: Any) -> Channel:
    """The seeded Little Bandung showroom in Seoul (Korean, won), opened with `capacity`."""
    return seeded_channel("little-bandung", capacity, **fields)


def make_channel(
    name: str = "Little Bandung Paris",
    *,
    kind: ChannelKind = ChannelKind.SHOWROOM,
    status: ChannelStatus = ChannelStatus.OPEN,
    partner_city: PartnerCity | None = None,
    **fields: Any,
) -> Channel:
    values: dict[str, Any] = {
        "city": "Paris",
        "country_code": "FR",
        "locale": "fr",
        "currency": "EUR",
        "description": "A product wall in a café.",
    }
    values.update(fields)
    channel = Channel(
        slug=unique_slug(Channel.slug, name, "channel"),
        name=name,
        kind=kind,
        status=status,
        partner_city=partner_city,
        **values,
    )
    db.session.add(channel)
    db.session.flush()
    return channel


def make_officer(name: str | None = None) -> User:
    return make_user(Role.OFFICER, name=name)


def owner_with_products(
    count: int, business: Business | None = None, **fields: Any
) -> list[Product]:
    """`count` published products of one verified business."""
    business = business or make_business(name=f"Kriya {count}")
    return [make_product(business, name=f"Bamboo lamp {n}", **fields) for n in range(1, count + 1)]


def set_rate(currency: str, idr_per_unit: str, effective_on: date) -> ExchangeRate:
    rate = ExchangeRate(
        currency=currency, idr_per_unit=Decimal(idr_per_unit), effective_on=effective_on
    )
    db.session.add(rate)
    db.session.flush()
    return rate


def add_translation(product: Product, locale: str, name: str, description: str = "") -> None:
    product.translations.append(
        ProductTranslation(locale=locale, name=name, description=description)
    )
    db.session.flush()


def real_photo(product: Product, seed: int = 1) -> ProductImage:
    """Store a real photo (files on disk) as the product's cover, replacing fake photo rows."""
    pixels = Image.linear_gradient("L").resize((900, 600)).convert("RGB")
    noise = Image.effect_noise((900, 600), 20 + seed).convert("RGB")
    out = io.BytesIO()
    Image.blend(pixels, noise, 0.3).save(out, "JPEG", quality=85)
    return _cover_from(product, out.getvalue())


# --- catalog and search: products with exactly the words given -------------------------------


def product(
    name: str,
    *,
    business: Business | None = None,
    description: str = "",
    translations: dict[str, tuple[str, str]] | None = None,
    **fields: Any,
) -> Product:
    """A published product of a verified business, with exactly the translations given (the
    storefront helper's Indonesian one is replaced, so no words are shared by accident)."""
    owner = business or make_business(name=f"Maker of {name}")
    made = make_product(owner, name=name, description=description, photos=0, **fields)
    made.translations.clear()
    db.session.flush()
    for locale, (text, body) in (translations or {}).items():
        made.translations.append(ProductTranslation(locale=locale, name=text, description=body))
    db.session.flush()
    return made


def _added(row: Any) -> Any:
    db.session.add(row)
    db.session.flush()
    return row


def make_nomination(
    item: Product,
    into: Channel,
    status: NominationStatus = NominationStatus.ACCEPTED,
    **fields: Any,
) -> Nomination:
    """A nomination row, made directly (`tests.channels.helpers` goes through the services)."""
    nomination: Nomination = _added(Nomination(product=item, channel=into, status=status, **fields))
    return nomination


def accept(item: Product, into: Channel) -> Nomination:
    """An accepted nomination row, made directly (`tests.channels.helpers.accept` decides one
    through the curation service, as an officer)."""
    return make_nomination(item, into)


def make_interest(buyer: User, item: Product, **fields: Any) -> Interest:
    """An interest row, made directly (`tests.interests.helpers.express` goes through the
    service, with its message and notifications)."""
    interest: Interest = _added(Interest(buyer=buyer, product=item, **fields))
    return interest


def add_interests(item: Product, count: int, status: InterestStatus = InterestStatus.NEW) -> None:
    for _ in range(count):
        make_interest(make_user(Role.BUYER), item, status=status)


def make_notification(user: User, text: str = "A note", kind: str = "test") -> Notification:
    notification: Notification = _added(Notification(user_id=user.id, kind=kind, text=text))
    return notification


def make_abuse_report(
    reporter: User, subject_type: str, subject_id: int, reason: str = "Spam", **fields: Any
) -> AbuseReport:
    report: AbuseReport = _added(
        AbuseReport(
            reporter=reporter,
            subject_type=subject_type,
            subject_id=subject_id,
            reason=reason,
            **fields,
        )
    )
    return report


def make_audit_entry(
    actor: User | None, action: str, subject_type: str, subject_id: int | None = None, **fields: Any
) -> AuditEntry:
    """A row of the audit log written directly, as an older version may have left it (services
    write theirs through `record_audit`)."""
    entry: AuditEntry = _added(
        AuditEntry(
            actor_id=actor.id if actor is not None else None,
            action=action,
            subject_type=subject_type,
            subject_id=subject_id,
            **fields,
        )
    )
    return entry


def stored_cover(product: Product, size: tuple[int, int] = (2000, 1500)) -> ProductImage:
    """A real photo, files on disk, as the product's cover (in place of any photo rows)."""
    return _cover_from(product, jpeg(size, seed=product.id % 50))


def _cover_from(product: Product, data: bytes) -> ProductImage:
    """`data` stored for real (files on disk) as the product's only photo."""
    processed = store_image(current_storage(), data)
    product.images.clear()
    db.session.flush()
    image = ProductImage(
        digest=processed.digest, width=processed.width, height=processed.height, position=0
    )
    product.images.append(image)
    db.session.flush()
    return image


def move_stock(
    nomination: Nomination, actor: User, kind: MovementKind, quantity: int, **fields: Any
) -> StockMovement:
    """A stock movement recorded today at the nomination's channel, through the service."""
    day = fields.pop("moved_on", None) or stock_services.channel_today(nomination.channel)
    return stock_services.record_movement(nomination, actor, kind, quantity, day, **fields)


def buying_request_data(**fields: Any) -> RequestData:
    """A buyer's request for batik scarves (the factories' products), quotes for two weeks."""
    values: dict[str, Any] = {
        "title": "Batik silk scarves",
        "details": "Hand-drawn batik, 180 x 50 cm, in gift boxes.",
        "subsector_code": "fesyen",
        "quantity": 200,
        "unit": "piece",
        "currency": "EUR",
        "destination": "Braunschweig",
        "deadline": date.today() + timedelta(days=14),
    }
    values.update(fields)
    return RequestData(**values)


def post_buying_request(buyer: User, **fields: Any) -> BuyingRequest:
    return rfq_services.post_request(
        buyer, buying_request_data(**fields), submission_key=f"request-{next(_counter)}"
    )


def send_quote(request: BuyingRequest, product: Product, **fields: Any) -> Quote:
    values: dict[str, Any] = {
        "product_id": product.id,
        "unit_price_idr": 450_000,
        "lead_time_days": 30,
        "moq": 50,
        "message": "We can make these in six weeks.",
    }
    values.update(fields)
    business = product.business
    return rfq_services.submit_quote(request, business, business.owner, QuoteData(**values))
