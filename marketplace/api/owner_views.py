"""An MSME owner's operations (/api/v1/my/...): the business, its products and photos, its
nominations, the interests in its products and the buying requests sent to it.

Each operation does what the owner's page does, through the same loader (another owner's
record is 404, and nothing changes) and the same service (its rules, its audit entries, the
notices it sends). Writes need a token that may write; the pages' limits per person hold.
"""

from __future__ import annotations

import dataclasses
import secrets
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask import request
from flask_sqlalchemy.pagination import Pagination

from marketplace.accounts.current import me
from marketplace.accounts.models import Role
from marketplace.api import owner_schemas as schemas
from marketplace.api import private_payloads as payloads
from marketplace.api import private_schemas as shared
from marketplace.api.auth import TokenBlueprint, account_key, english, perform, refuse, went_through
from marketplace.api.conversations import conversation_out, own_conversation
from marketplace.businesses import queries as business_queries
from marketplace.businesses.identity import identity_of, pending_change
from marketplace.businesses.models import Business, ExportExperience
from marketplace.businesses.ownership import get_own_business, own_business_or_none
from marketplace.businesses.services import ProfileData, update_business
from marketplace.businesses.texts import TranslationData as BusinessTranslation
from marketplace.channels import curation
from marketplace.channels import queries as channel_queries
from marketplace.channels.models import Channel, Nomination
from marketplace.db import db, write_now
from marketplace.errors import ServiceError
from marketplace.extensions import limiter
from marketplace.interests import limits, transitions
from marketplace.interests import queries as interest_queries
from marketplace.interests import services as interest_services
from marketplace.interests.access import Side
from marketplace.interests.models import Interest, InterestStatus
from marketplace.media.backend import current_storage
from marketplace.media.images import ImageError, ProcessedImage, image_keys, store_image
from marketplace.media.transaction_files import discard_after_commit, track_new_files
from marketplace.money import RUPIAH
from marketplace.products import queries as product_queries
from marketplace.products.models import Product
from marketplace.products.ownership import get_own_photo, get_own_product
from marketplace.products.photos import NewPhoto, add_photos, check_room, delete_photo
from marketplace.products.services import (
    ProductData,
    TranslationData,
    archive_product,
    create_product,
    submit_product,
    update_product,
)
from marketplace.rfq import queries as rfq_queries
from marketplace.rfq import services as rfq
from marketplace.rfq.models import BuyingRequest, RequestRecipient
from marketplace.urls import public_url
from marketplace.web import writes_late

bp = TokenBlueprint(
    "api_owner",
    __name__,
    url_prefix="/api/v1/my",
    roles=(Role.MSME,),
    description="An MSME owner's business, products, photos, nominations, interests and the "
    "buying requests sent to the business (a token of the owner).",
)

PER_PAGE = 20
MAX_NAME = 80


def paged(query: sa.Select[Any], args: dict[str, Any]) -> Pagination:
    return db.paginate(
        query,
        page=int(args.get("page") or 1),
        per_page=int(args.get("per_page") or PER_PAGE),
        error_out=False,
        count=True,
    )


def next_url(found: Pagination, args: dict[str, Any], endpoint: str, **values: Any) -> str | None:
    if not found.has_next:
        return None
    kept = {name: value for name, value in args.items() if name != "page"}
    return public_url(endpoint, **values, **kept, page=found.page + 1)


# ---------------------------------------------------------------------------------------------
# The business


def _own_business_with_details() -> Business:
    business = get_own_business()
    return (
        db.session.scalar(
            business_queries.with_details(sa.select(Business).where(Business.id == business.id))
        )
        or business
    )


@bp.get("/business")
@bp.response(200, schemas.BusinessOut)
def business() -> dict[str, Any]:
    """Your business profile, with what the office still needs before it can verify it."""
    return payloads.business_out(_own_business_with_details())


PROFILE_FIELDS = [item.name for item in dataclasses.fields(ProfileData)]


def _profile(business: Business, edit: dict[str, Any]) -> ProfileData:
    """The profile as it is (the identity waiting for review, if any, as the page shows it),
    with the fields the request gives."""
    values: dict[str, Any] = {name: getattr(business, name) for name in PROFILE_FIELDS}
    change = pending_change(business)
    if change is not None:
        values.update(identity_of(change))
    for name, value in edit.items():
        key = "subsector_code" if name == "subsector" else name
        if key in values:
            values[key] = value
    values["export_markets"] = tuple(values["export_markets"] or ())
    values["export_experience"] = ExportExperience(values["export_experience"])
    values["description"] = values["description"] or ""
    values["name"] = values["name"] or ""
    return ProfileData(**values)


@bp.patch("/business")
@bp.arguments(schemas.BusinessEdit)
@bp.response(200, schemas.BusinessOut)
def edit_business(edit: dict[str, Any]) -> dict[str, Any]:
    """Change the fields of the profile page; those left out keep their values."""
    business = get_own_business()
    texts = edit.pop("translations", None)
    translations = (
        {locale: BusinessTranslation(**text) for locale, text in texts.items()}
        if texts is not None
        else None
    )
    data = _profile(business, edit)
    perform(lambda: update_business(business, me(), data, translations))
    return payloads.business_out(_own_business_with_details())


# ---------------------------------------------------------------------------------------------
# Products


@bp.get("/products")
@bp.response(200, schemas.OwnProductList)
def products() -> dict[str, Any]:
    """Every product of your business, in every status, the newest first."""
    business = own_business_or_none()
    if business is None:
        return {"items": []}
    found = db.session.scalars(
        product_queries.with_details(
            sa.select(Product)
            .where(Product.business_id == business.id)
            .order_by(Product.created_at.desc(), Product.id.desc())
        )
    ).all()
    return {"items": [payloads.product_out(product) for product in found]}


@bp.get("/products/<int:product_id>")
@bp.response(200, schemas.ProductOut)
def product(product_id: int) -> dict[str, Any]:
    """One of your products, in any status, with its photos and texts."""
    return payloads.product_out(get_own_product(product_id))


def _texts(given: dict[str, dict[str, str]]) -> dict[str, TranslationData]:
    return {
        locale: TranslationData(
            name=text.get("name", ""),
            description=text.get("description", ""),
            materials=text.get("materials", ""),
            story=text.get("story", ""),
        )
        for locale, text in given.items()
    }


def _product_values(product: Product) -> dict[str, Any]:
    return {
        "name": product.name,
        "description": product.description,
        "subsector_code": product.subsector_code,
        "hs_code": product.hs_code,
        "price_idr": product.price_idr,
        "unit": product.unit,
        "moq": product.moq,
        "lead_time_days": product.lead_time_days,
        "monthly_capacity": product.monthly_capacity,
        "materials": product.materials,
        "dimensions": product.dimensions,
        "weight_grams": product.weight_grams,
        "story": product.story,
        "certification_ids": tuple(c.id for c in product.certifications),
        "translations": {
            t.locale: TranslationData(t.name, t.description, t.materials or "", t.story or "")
            for t in product.translations
        },
    }


def _product_data(values: dict[str, Any], given: dict[str, Any]) -> ProductData:
    for name, value in given.items():
        if name == "subsector":
            values["subsector_code"] = value
        elif name == "translations":
            values["translations"] = _texts(value)
        elif name == "certification_ids":
            values["certification_ids"] = tuple(dict.fromkeys(value))
        else:
            values[name] = value
    values["description"] = values.get("description") or ""
    return ProductData(**values)


@bp.post("/products")
@bp.arguments(schemas.ProductCreate)
@bp.response(201, schemas.ProductOut)
def create(given: dict[str, Any]) -> dict[str, Any]:
    """A new draft, as the "new product" page makes it; then add its photos and submit it.
    Sent again with the same `submission_key`, it answers with the draft made the first time."""
    business = own_business_or_none()
    if business is None:
        refuse(422, "Create your business profile first (on the pages).")
    key = given.pop("submission_key", None) or secrets.token_urlsafe(24)
    data = _product_data({"unit": "piece"}, given)
    made = perform(lambda: create_product(business, me(), data, submission_key=key))
    return payloads.product_out(get_own_product(made.id))


@bp.patch("/products/<int:product_id>")
@bp.arguments(schemas.ProductEdit)
@bp.response(200, schemas.ProductOut)
def edit_product(given: dict[str, Any], product_id: int) -> dict[str, Any]:
    """Change the listing's fields; those left out keep their values."""
    product = get_own_product(product_id)
    data = _product_data(_product_values(product), given)
    perform(lambda: update_product(product, me(), data))
    return payloads.product_out(get_own_product(product_id))


@bp.post("/products/<int:product_id>/submit")
@bp.response(200, schemas.ProductOut)
def submit(product_id: int) -> dict[str, Any]:
    """Send a complete draft (or a rejected product) to the office's review."""
    product = get_own_product(product_id)
    perform(lambda: submit_product(product, me()))
    return payloads.product_out(get_own_product(product_id))


@bp.post("/products/<int:product_id>/archive")
@bp.response(200, schemas.ProductOut)
def archive(product_id: int) -> dict[str, Any]:
    """Take the product off the marketplace (it can be restored on the pages)."""
    product = get_own_product(product_id)
    perform(lambda: archive_product(product, me()))
    return payloads.product_out(get_own_product(product_id))


def _file_name(name: str | None) -> str:
    name = name or "unnamed file"
    return name if len(name) <= MAX_NAME else name[: MAX_NAME - 1] + "…"


@bp.post("/products/<int:product_id>/photos")
@writes_late
@bp.arguments(schemas.PhotoFiles, location="files")
@bp.response(201, schemas.PhotoUploadOut)
def upload(_files: dict[str, Any], product_id: int) -> dict[str, Any]:
    """Add photos (multipart/form-data, each file in a field named `photos`): each file is
    checked by its content, resized and stripped of its metadata, as on the photo page. A
    refused file is named with the reason and stores nothing; the others are added."""
    product = get_own_product(product_id)
    uploads = [f for f in request.files.getlist("photos") if f and f.filename]
    if not uploads:
        refuse(400, "photos: Send one or more files.")
    try:
        check_room(product, len(uploads))
    except ServiceError as error:
        refuse(422, english(error.message))
    storage = current_storage()
    stored: list[ProcessedImage] = []
    refused: list[dict[str, str]] = []
    for upload_file in uploads:
        try:
            processed = store_image(storage, upload_file.read())
        except ImageError as error:
            refused.append(
                {"file": _file_name(upload_file.filename), "reason": english(error.message)}
            )
        else:
            track_new_files(*image_keys(processed.digest))
            stored.append(processed)
    added_ids: list[int] = []
    if stored:
        write_now()  # the files were processed outside the write lock
        owner, again = me(), get_own_product(product_id)
        photos = [NewPhoto(p.digest, p.width, p.height) for p in stored]
        added = perform(lambda: add_photos(again, owner, photos))
        added_ids = [image.id for image in added]
    now = get_own_product(product_id)
    shown = payloads.product_out(now)["photos"]
    return {
        "added": [photo for photo in shown if photo["id"] in added_ids],
        "refused": refused,
        "photos": shown,
    }


@bp.delete("/products/<int:product_id>/photos/<int:image_id>")
@bp.response(200, schemas.ProductOut)
def remove_photo(product_id: int, image_id: int) -> dict[str, Any]:
    """Delete one photo (its files go once nothing uses them)."""
    product, image = get_own_photo(product_id, image_id)
    perform(lambda: discard_after_commit(*image_keys(delete_photo(product, me(), image))))
    return payloads.product_out(get_own_product(product_id))


# ---------------------------------------------------------------------------------------------
# Nominations


def _own_nomination(nomination_id: int) -> Nomination:
    nomination = db.session.scalar(channel_queries.own_nomination(me().id, nomination_id))
    if nomination is None:
        refuse(404)
    return nomination


@bp.get("/nominations")
@bp.response(200, schemas.NominationList)
def nominations() -> dict[str, Any]:
    """Your nominations to the office's channels, the newest first, with its decisions."""
    found = db.session.scalars(channel_queries.nominations_of_owner(me().id)).all()
    return {"items": [payloads.nomination_out(n) for n in found]}


@bp.get("/nominations/<int:nomination_id>")
@bp.response(200, schemas.NominationOut)
def nomination(nomination_id: int) -> dict[str, Any]:
    """One of your nominations, with the office's decision and its reason."""
    return payloads.nomination_out(_own_nomination(nomination_id))


@bp.post("/nominations")
@bp.arguments(schemas.NominationCreate)
@bp.response(201, schemas.NominationOut)
def nominate(given: dict[str, Any]) -> dict[str, Any]:
    """Put one of your published products forward to a channel taking nominations (its slug:
    see /api/v1/channels)."""
    owner = me()
    found = db.session.scalar(channel_queries.own_product(owner.id, given["product_id"]))
    channel = db.session.scalar(sa.select(Channel).where(Channel.slug == given["channel"]))
    if found is None or channel is None:
        refuse(404)
    note = given.get("note", "")
    made = perform(lambda: curation.nominate(found, owner, channel, note))
    return payloads.nomination_out(_own_nomination(made.id))


@bp.post("/nominations/<int:nomination_id>/withdraw")
@bp.response(200, schemas.NominationOut)
def withdraw_nomination(nomination_id: int) -> dict[str, Any]:
    """Take the product back, until it has been shipped."""
    found = _own_nomination(nomination_id)
    perform(lambda: curation.withdraw(found, me()))
    return payloads.nomination_out(_own_nomination(nomination_id))


# ---------------------------------------------------------------------------------------------
# Interests in the business's products


@bp.get("/interests")
@bp.arguments(schemas.InboxArgs, location="query")
@bp.response(200, shared.InterestList)
def interests(args: dict[str, Any]) -> dict[str, Any]:
    """Buyers' interests in your products, the most recently active first."""
    business = own_business_or_none()
    if business is None:
        return {"items": [], "next": None, "count": 0}
    status = InterestStatus(args["status"]) if args.get("status") else None
    found = paged(interest_queries.business_inbox(business.id, status), args)
    owner = me()
    return {
        "items": [payloads.interest_out(i, owner, owner_side=True) for i in found.items],
        "next": next_url(found, args, ".interests"),
        "count": found.total or 0,
    }


@bp.get("/interests/<int:interest_id>")
@bp.response(200, shared.InterestOut)
def interest(interest_id: int) -> dict[str, Any]:
    """One conversation with its messages (reading it here does not mark it read)."""
    return conversation_out(interest_id, Side.OWNER)


@bp.post("/interests/<int:interest_id>/messages")
@limiter.limit(limits.MESSAGE_LIMIT, key_func=account_key, deduct_when=went_through)
@bp.arguments(shared.MessageCreate)
@bp.response(201, shared.InterestOut)
def post_message(given: dict[str, Any], interest_id: int) -> dict[str, Any]:
    """Write to the buyer; the first answer makes a new interest "replied"."""
    found = own_conversation(interest_id, Side.OWNER)
    perform(lambda: interest_services.post_message(found, me(), given["body"]))
    return conversation_out(interest_id, Side.OWNER)


def _step(interest_: Interest, given: dict[str, Any]) -> None:
    owner, status = me(), given["status"]
    if status == InterestStatus.REPLIED.value:
        transitions.mark_replied(interest_, owner)
    elif status == InterestStatus.NEGOTIATING.value:
        transitions.start_negotiating(interest_, owner)
    elif status == InterestStatus.WON.value:
        value: Decimal = given["won_value"]
        transitions.record_won(
            interest_,
            owner,
            given["won_quantity"],
            value,
            given.get("won_currency") or RUPIAH,
            given.get("won_rate"),
        )
    else:
        transitions.record_lost(interest_, owner, given.get("lost_reason") or "")


@bp.post("/interests/<int:interest_id>/status")
@bp.arguments(schemas.StatusChange)
@bp.response(200, shared.InterestOut)
def change_status(given: dict[str, Any], interest_id: int) -> dict[str, Any]:
    """Move the interest on, as the conversation page's buttons do (`next_steps` lists the
    statuses it may move to now); the buyer is told."""
    found = own_conversation(interest_id, Side.OWNER)
    perform(lambda: _step(found, given))
    return conversation_out(interest_id, Side.OWNER)


# ---------------------------------------------------------------------------------------------
# Buying requests sent to the business


def _sent_to(business: Business, request_id: int) -> tuple[BuyingRequest, RequestRecipient]:
    found = db.session.get(BuyingRequest, request_id)
    recipient = db.session.get(RequestRecipient, (request_id, business.id))
    if found is None or recipient is None:
        refuse(404)
    return found, recipient


def _request_answer(business: Business, request_id: int) -> dict[str, Any]:
    found, recipient = _sent_to(business, request_id)
    own = [quote for quote in found.quotes if quote.business_id == business.id]
    return payloads.request_out(found, own, recipient=recipient)


@bp.get("/requests")
@bp.response(200, shared.RequestList)
def requests() -> dict[str, Any]:
    """The buying requests sent to your business, open ones first, each with your quote."""
    business = own_business_or_none()
    if business is None:
        return {"items": []}
    rows = db.session.execute(rfq_queries.requests_for_business(business.id)).all()
    return {
        "items": [
            payloads.request_out(row[0], [row[1]] if row[1] is not None else []) for row in rows
        ]
    }


@bp.get("/requests/<int:request_id>")
@bp.response(200, shared.RequestOut)
def buying_request(request_id: int) -> dict[str, Any]:
    """A request sent to your business, with your quote and the buyer's questions."""
    return _request_answer(get_own_business(), request_id)


@bp.post("/requests/<int:request_id>/quote")
@bp.arguments(schemas.QuoteCreate)
@bp.response(200, shared.RequestOut)
def quote(given: dict[str, Any], request_id: int) -> dict[str, Any]:
    """Send your quote, or change its terms while the request takes quotes."""
    business = get_own_business()
    found, _recipient = _sent_to(business, request_id)
    data = rfq.QuoteData(
        product_id=given["product_id"],
        unit_price_idr=given["unit_price_idr"],
        lead_time_days=given["lead_time_days"],
        moq=given.get("moq"),
        message=given.get("message", ""),
    )
    perform(lambda: rfq.submit_quote(found, business, me(), data))
    return _request_answer(get_own_business(), request_id)
