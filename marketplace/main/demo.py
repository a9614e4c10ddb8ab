"""The demo content behind `flask seed-demo`: staff, a buyer from Braunschweig, verified Bandung
MSMEs with published, photographed products, the channels' line-ups (`demo_lineups`) and the
office's exchange rates for the channels' currencies, so that every page has something real to
show.

The content itself is data, in `demo_content.toml` next to this module. Creating it is
idempotent: accounts are looked up by e-mail, businesses and products by slug, and what exists
is left exactly as it is (a demo someone has clicked through keeps its changes). Photos are
generated from a seed derived from the product's slug, so they are the same files every time.
"""

from __future__ import annotations

import tomllib
import zlib
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Any

import sqlalchemy as sa

from marketplace.accounts.models import BuyerProfile, BuyerType, Role, User
from marketplace.accounts.passwords import hash_password
from marketplace.announcements.models import Announcement
from marketplace.announcements.queries import Audience
from marketplace.announcements.services import (
    AnnouncementData,
    create_announcement,
    send_announcement,
)
from marketplace.businesses.models import (
    Business,
    BusinessCertification,
    BusinessStatus,
    BusinessTranslation,
    ExportExperience,
)
from marketplace.channels.models import Channel, channel_coordinator
from marketplace.db import db, utcnow
from marketplace.ledger.models import ExchangeRate
from marketplace.main.demo_interests import create_demo_interests
from marketplace.main.demo_lineups import create_demo_lineups
from marketplace.main.demo_matching import create_demo_matching
from marketplace.main.demo_texts import Texts, business_texts, product_texts
from marketplace.media.images import make_placeholder_photo, store_image
from marketplace.media.storage import Storage
from marketplace.periods import bandung_today
from marketplace.products.models import Product, ProductImage, ProductStatus, ProductTranslation
from marketplace.reference.models import PartnerCity, Subsector
from marketplace.rfq import services as rfq
from marketplace.rfq.models import BuyingRequest

# One password for every demo account, printed with the logins; never use it for real data.
DEMO_PASSWORD = "bandung-demo-2026"


class DemoContentError(Exception):
    """The database contradicts the demo content (a demo e-mail registered with another role,
    no reference data); the message is for the person running the command."""


@dataclass(frozen=True)
class DemoAccount:
    role: Role
    email: str
    name: str
    locale: str = "en"
    channels: tuple[str, ...] = ()  # a coordinator's channels, by slug


@dataclass(frozen=True)
class DemoBuyer:
    account: DemoAccount
    company: str
    buyer_type: BuyerType
    city: str
    country_code: str
    partner_city: str
    preferred_currency: str
    subsectors: list[str]


@dataclass(frozen=True)
class DemoCertificate:
    code: str
    number: str
    issuer: str
    expires_on: date | None = None


@dataclass(frozen=True)
class DemoProduct:
    slug: str
    name: str
    description: str
    hs_code: str
    price_idr: int
    unit: str
    moq: int
    lead_time_days: int
    monthly_capacity: int
    materials: str
    story: str
    dimensions: str
    weight_grams: int
    photos: list[str]  # label drawn on each generated photo (also its alt text), cover first
    translations: Texts  # locale -> {"name", "description", "materials", "story"}
    certifications: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class DemoBusiness:
    owner: DemoAccount
    name: str
    slug: str
    nib: str
    subsector_code: str
    district: str
    description: str
    year_founded: int
    employees: int
    monthly_capacity: str
    export_experience: ExportExperience
    export_markets: list[str]  # country codes
    website: str
    instagram: str
    contact_phone: str
    address: str
    certificates: list[DemoCertificate]
    products: list[DemoProduct]
    translations: Texts  # locale -> {"description", "monthly_capacity"}


@dataclass(frozen=True)
class DemoRate:
    currency: str
    idr_per_unit: Decimal
    effective_on: date


@dataclass(frozen=True)
class DemoContent:
    staff: list[DemoAccount]
    buyer: DemoBuyer
    businesses: list[DemoBusiness]
    rates: list[DemoRate] = field(default_factory=list)
    announcement: DemoAnnouncement | None = None


@dataclass(frozen=True)
class DemoAnnouncement:
    title_id: str
    body_id: str
    title_en: str
    body_en: str
    subsector_codes: list[str]


@dataclass(frozen=True)
class DemoLogin:
    role: Role
    email: str
    who: str


@dataclass
class DemoReport:
    """What one run created (all zero on a second run) and the logins to print."""

    accounts: int = 0
    businesses: int = 0
    products: int = 0
    photos: int = 0
    placed: int = 0  # products given a place in a channel's line-up
    rates: int = 0
    announcements: int = 0
    conversations: int = 0  # the demo buyer's interests
    matching: int = 0  # business-matching events created
    logins: list[DemoLogin] = field(default_factory=list)


@cache
def demo_content() -> DemoContent:
    """The parsed content file; unknown or missing keys fail loudly here, not half-way."""
    text = resources.files("marketplace.main").joinpath("demo_content.toml").read_text("utf-8")
    raw = tomllib.loads(text)
    buyer = raw["buyer"]
    return DemoContent(
        staff=[_account(item) for item in raw["staff"]],
        buyer=DemoBuyer(
            **{
                **buyer,
                "account": _account(buyer["account"]),
                "buyer_type": BuyerType(buyer["buyer_type"]),
            }
        ),
        businesses=[_business(item) for item in raw["businesses"]],
        rates=[
            DemoRate(item["currency"], Decimal(item["idr_per_unit"]), item["effective_on"])
            for item in raw.get("rates", [])
        ],
        announcement=DemoAnnouncement(**raw["announcement"]) if "announcement" in raw else None,
    )


def _account(item: dict[str, Any], role: Role | None = None) -> DemoAccount:
    return DemoAccount(
        **{**item, "role": role or Role(item["role"]), "channels": tuple(item.get("channels", ()))}
    )


def _business(item: dict[str, Any]) -> DemoBusiness:
    return DemoBusiness(
        **{
            **item,
            "owner": _account(item["owner"], Role.MSME),
            "export_experience": ExportExperience(item["export_experience"]),
            "certificates": [DemoCertificate(**c) for c in item["certificates"]],
            "products": [
                DemoProduct(**{**p, "translations": product_texts(p["slug"])})
                for p in item["products"]
            ],
            "translations": business_texts(item["slug"]),
        }
    )


@cache
def _demo_password_hash() -> str:
    # Hashing is deliberately slow: hash once, and only when an account is actually created.
    return hash_password(DEMO_PASSWORD)


def create_demo_content(storage: Storage) -> DemoReport:
    """Create whatever part of the demo content is missing; adds and flushes, never commits.

    Needs the reference data (subsectors, certifications, partner cities) loaded first.
    Photo files are written to `storage` before the caller commits; they are named by content,
    so a rolled-back run leaves files that the next run reuses rather than duplicates.
    """
    content = demo_content()
    report = DemoReport()
    officer: User | None = None
    for account in content.staff:
        created = report.accounts
        user = _ensure_user(account, report)
        if account.role == Role.OFFICER:
            officer = user
        report.logins.append(DemoLogin(account.role, user.email, user.name))
        if account.channels and report.accounts > created:
            _assign_demo_channels(user, account.channels)

    buyer = _ensure_user(content.buyer.account, report)
    _ensure_buyer_profile(buyer, content.buyer)
    company = buyer.buyer_profile.company if buyer.buyer_profile else content.buyer.company
    report.logins.append(DemoLogin(Role.BUYER, buyer.email, f"{buyer.name} ({company})"))

    # Publication times interleave the businesses, so the newest products on the home page
    # come from every business rather than from the first one.
    now = utcnow()
    for index, spec in enumerate(content.businesses):
        owner = _ensure_user(spec.owner, report)
        business = _ensure_business(owner, spec, report)
        report.logins.append(DemoLogin(Role.MSME, owner.email, f"{owner.name} ({business.name})"))
        for rank, product in enumerate(spec.products):
            age = timedelta(hours=rank * len(content.businesses) + index)
            _ensure_product(business, product, storage, now - age, report)
    office_set = set(db.session.scalars(sa.select(ExchangeRate.currency).distinct()))
    for rate in content.rates:
        if rate.currency not in office_set:
            _ensure_rate(rate, report)
    db.session.flush()
    report.placed = create_demo_lineups()
    _ensure_demo_request(buyer)
    report.conversations = create_demo_interests(buyer, now)
    if content.announcement is not None and officer is not None:
        _ensure_announcement(content.announcement, officer, report)
    report.matching = create_demo_matching()
    return report


def _ensure_demo_request(buyer: User) -> None:
    """The demo buyer's request for woven bamboo baskets, sent to the matching MSMEs, with the
    quote of the first of them (once: a buyer with a request is left alone)."""
    if db.session.scalar(sa.select(BuyingRequest.id).where(BuyingRequest.buyer_id == buyer.id)):
        return
    request = rfq.post_request(
        buyer,
        rfq.RequestData(
            title="Woven bamboo baskets for a home store",
            details="Storage baskets with lids, about 30 x 30 x 25 cm, natural colour, "
            "packed flat in tens.",
            subsector_code="kriya",
            hs_code="4602",
            quantity=400,
            unit="piece",
            target_price=Decimal("9.50"),
            currency="EUR",
            incoterm="FCA",
            destination="Braunschweig",
            deadline=bandung_today() + timedelta(days=21),
        ),
        submission_key="demo-buying-request",
    )
    for recipient in request.recipients[:1]:
        product = db.session.get_one(Product, recipient.product_id)
        rfq.submit_quote(
            request,
            recipient.business,
            recipient.business.owner,
            rfq.QuoteData(
                product_id=product.id,
                unit_price_idr=(product.price_idr or 150_000) * 9 // 10,
                lead_time_days=30,
                moq=100,
                message="We can make 400 baskets in four weeks, packed flat in tens.",
            ),
        )


def _ensure_announcement(spec: DemoAnnouncement, officer: User, report: DemoReport) -> None:
    """The office's announcement, sent, unless one with its title was written before."""
    known = db.session.scalar(
        sa.select(Announcement.id).where(Announcement.title_en == spec.title_en)
    )
    if known is not None:
        return
    data = AnnouncementData(
        spec.title_id,
        spec.body_id,
        spec.title_en,
        spec.body_en,
        Audience(subsector_codes=tuple(spec.subsector_codes)),
    )
    send_announcement(create_announcement(officer, data), officer)
    report.announcements += 1


def _ensure_rate(spec: DemoRate, report: DemoReport) -> None:
    """The demo's rate, unless it is there already (the caller leaves out currencies the
    office had set rates for before the demo)."""
    known = db.session.scalar(
        sa.select(ExchangeRate.id).where(
            ExchangeRate.currency == spec.currency, ExchangeRate.effective_on == spec.effective_on
        )
    )
    if known is None:
        db.session.add(
            ExchangeRate(
                currency=spec.currency,
                idr_per_unit=spec.idr_per_unit,
                effective_on=spec.effective_on,
            )
        )
        report.rates += 1


def _ensure_user(account: DemoAccount, report: DemoReport) -> User:
    user = db.session.scalar(sa.select(User).where(User.email == account.email))
    if user is None:
        user = User(
            email=account.email,
            name=account.name,
            role=account.role,
            locale=account.locale,
            password_hash=_demo_password_hash(),
            email_verified_at=utcnow(),
        )
        db.session.add(user)
        report.accounts += 1
    elif user.role != account.role:
        raise DemoContentError(
            f"{account.email} already exists with the role {user.role.value}, "
            f"not {account.role.value}."
        )
    return user


def _assign_demo_channels(user: User, slugs: tuple[str, ...]) -> None:
    """A new demo coordinator's channels (an admin's later changes are never undone: this
    runs only when the account is created)."""
    db.session.flush()
    channel_ids = db.session.scalars(sa.select(Channel.id).where(Channel.slug.in_(slugs)))
    db.session.execute(
        sa.insert(channel_coordinator),
        [{"channel_id": channel_id, "user_id": user.id} for channel_id in channel_ids],
    )


def _ensure_buyer_profile(user: User, spec: DemoBuyer) -> None:
    if user.buyer_profile is not None:
        return
    user.buyer_profile = BuyerProfile(
        company=spec.company,
        buyer_type=spec.buyer_type,
        city=spec.city,
        country_code=spec.country_code,
        partner_city=_one(PartnerCity, PartnerCity.name == spec.partner_city),
        preferred_currency=spec.preferred_currency,
        subsectors=list(
            db.session.scalars(sa.select(Subsector).where(Subsector.code.in_(spec.subsectors)))
        ),
    )


def _one(model: type[Any], condition: sa.ColumnElement[bool]) -> Any:
    row = db.session.scalar(sa.select(model).where(condition))
    if row is None:
        raise DemoContentError("Load the reference data before the demo content.")
    return row


def _ensure_business(owner: User, spec: DemoBusiness, report: DemoReport) -> Business:
    db.session.flush()  # the owner needs an id to be looked up by
    business = db.session.scalar(
        sa.select(Business).where(sa.or_(Business.slug == spec.slug, Business.owner_id == owner.id))
    )
    if business is not None:
        if business.owner_id != owner.id:
            raise DemoContentError(f"The business {spec.slug} belongs to another account.")
        return business

    verified_at = utcnow() - timedelta(days=30)
    business = Business(
        owner=owner,
        name=spec.name,
        slug=spec.slug,
        nib=spec.nib,
        subsector=_one(Subsector, Subsector.code == spec.subsector_code),
        district=spec.district,
        description=spec.description,
        year_founded=spec.year_founded,
        employees=spec.employees,
        monthly_capacity=spec.monthly_capacity,
        export_experience=spec.export_experience,
        export_markets=sorted(spec.export_markets),
        website=spec.website,
        instagram=spec.instagram,
        contact_email=owner.email,
        contact_phone=spec.contact_phone,
        whatsapp=spec.contact_phone,
        address=spec.address,
        status=BusinessStatus.VERIFIED,
        submitted_at=verified_at - timedelta(days=2),
        verified_at=verified_at,
        certifications=[
            BusinessCertification(
                certification_code=c.code,
                number=c.number,
                issuer=c.issuer,
                expires_on=c.expires_on,
            )
            for c in spec.certificates
        ],
        translations=[
            BusinessTranslation(locale=locale, **text) for locale, text in spec.translations.items()
        ],
    )
    db.session.add(business)
    report.businesses += 1
    return business


def _ensure_product(
    business: Business,
    spec: DemoProduct,
    storage: Storage,
    published_at: datetime,
    report: DemoReport,
) -> None:
    exists = db.session.scalar(sa.select(Product.id).where(Product.slug == spec.slug))
    if exists is not None:
        return
    certificates = {c.certification_code: c for c in business.certifications}
    product = Product(
        business=business,
        slug=spec.slug,
        name=spec.name,
        description=spec.description,
        subsector=business.subsector,
        hs_code=spec.hs_code,
        price_idr=spec.price_idr,
        unit=spec.unit,
        moq=spec.moq,
        lead_time_days=spec.lead_time_days,
        monthly_capacity=spec.monthly_capacity,
        materials=spec.materials,
        story=spec.story,
        dimensions=spec.dimensions,
        weight_grams=spec.weight_grams,
        status=ProductStatus.PUBLISHED,
        submitted_at=published_at - timedelta(days=1),
        published_at=published_at,
        translations=[
            ProductTranslation(locale=locale, **text) for locale, text in spec.translations.items()
        ],
        certifications=[certificates[code] for code in spec.certifications if code in certificates],
    )
    for position, label in enumerate(spec.photos):
        seed = zlib.crc32(f"{spec.slug}/{position}".encode())
        photo = store_image(storage, make_placeholder_photo(seed, label))
        product.images.append(
            ProductImage(
                digest=photo.digest,
                width=photo.width,
                height=photo.height,
                position=position,
                alt_text=label,
            )
        )
        report.photos += 1
    db.session.add(product)
    report.products += 1
