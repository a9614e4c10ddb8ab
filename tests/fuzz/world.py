"""One of everything a route can name: the seeded world the property tests fill URLs from.

A route that loads an object (a product its owner owns, a nomination waiting for a decision)
must get a real one now and then, or every generated request would stop at the 404 and the
form behind it would never be validated. `build_world` adds one of each kind in each state a
page shows a different form for (a draft and an archived product, a suspended account, a
showroom nomination on its shelf...), commits, and returns the real values for every route
argument by its name (`product_id`, `slug`, ...) and the people to act as.

Reference data must be loaded first. Like the factories, the builders flush; `build_world`
commits once at the end.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from marketplace.accounts.models import BuyerType, Role, User, UserStatus
from marketplace.accounts.tokens import make_reset_token, make_verify_token
from marketplace.announcements.queries import Audience
from marketplace.announcements.services import (
    AnnouncementData,
    create_announcement,
    send_announcement,
)
from marketplace.businesses.identity import request_identity_change
from marketplace.businesses.models import BusinessStatus
from marketplace.channels.coordinators import assign_channels
from marketplace.channels.models import Nomination
from marketplace.db import db, utcnow
from marketplace.interests.escalations import open_escalation
from marketplace.interests.pending import (
    VisitorInterest,
    make_confirm_token,
    submit_pending_interest,
)
from marketplace.interests.services import post_message
from marketplace.interests.shortlist import add_to_shortlist
from marketplace.interests.stand_leads import LeadData, capture_lead, visitor_link_token
from marketplace.interests.transitions import report_spam
from marketplace.jobs.models import Job, JobStatus
from marketplace.matching import services as matching
from marketplace.media.backend import current_storage
from marketplace.media.images import (
    ProcessedImage,
    image_key,
    make_placeholder_photo,
    store_image,
)
from marketplace.products.models import Product, ProductImage, ProductStatus
from marketplace.rfq.models import RequestStatus
from marketplace.rfq.services import ask
from marketplace.sheets.reading import Sheet
from marketplace.sheets.services import keep_upload
from marketplace.stock.models import MovementKind
from marketplace.stock.periods import period_before
from marketplace.stock.sales import record_sale
from marketplace.stock.services import channel_today, record_shipment
from marketplace.stock.settlements import issue_statement
from marketplace.tokens.models import TokenScope
from marketplace.tokens.services import TOKEN_ROLES, create_token, revoke_token
from tests.channels.helpers import accept, nominate_all
from tests.factories import (
    NIB,
    harz_und_heide,
    make_business,
    make_buyer,
    make_certification,
    make_channel,
    make_product,
    make_user,
    move_stock,
    post_buying_request,
    send_quote,
    set_rate,
)
from tests.interests.helpers import express
from tests.matching.helpers import make_event

ANONYMOUS = "anonymous"
# The people the tests act as, by name; the first four are the usual members of each role.
ACTORS = (ANONYMOUS, "buyer", "msme", "officer", "admin", "newcomer", "starter")


@dataclass
class World:
    """The people to act as (detached, to log in with) and real values per route argument."""

    users: dict[str, User] = field(default_factory=dict)
    values: dict[str, list[str]] = field(default_factory=dict)
    # A write token of each person, for the private API (which takes no cookie session).
    tokens: dict[str, str] = field(default_factory=dict)

    def add(self, name: str, *values: object) -> None:
        self.values.setdefault(name, []).extend(str(v) for v in values)

    def role(self, actor: str) -> Any:
        return ANONYMOUS if actor == ANONYMOUS else self.users[actor].role


def build_world() -> World:
    world = World()
    owner = make_user(Role.MSME, name="Sari Owner")
    buyer = make_buyer()
    officer = make_user(Role.OFFICER, name="Dewi Officer")
    admin = make_user(Role.ADMIN, name="Adi Admin")
    newcomer = make_user(Role.BUYER, name="New Buyer", verified=False)
    starter = make_user(Role.MSME, name="Starting Owner")
    # An account the office may suspend without logging out anyone the tests act as.
    victim = make_user(Role.BUYER, name="Victim Buyer")
    suspended_user = make_user(Role.BUYER, status=UserStatus.SUSPENDED)

    business = make_business(owner, name="Batik Sekar Jagad")
    # A change of name waiting for the office: the office page shows its decision forms.
    request_identity_change(
        business, owner, {"name": "Batik Sekar Jagad Baru", "nib": NIB, "district": "Coblong"}
    )
    certification = make_certification(business)
    published = make_product(business, name="Batik silk scarf")
    shelved = make_product(business, name="Bamboo lamp")
    draft = make_product(business, name="Rattan basket", status=ProductStatus.DRAFT, photos=2)
    pending = make_product(business, name="Clay vase", status=ProductStatus.PENDING_REVIEW)
    archived = make_product(business, name="Wooden toy", status=ProductStatus.ARCHIVED)
    photo = _real_photo(published)
    make_business(starter, name="Kriya Starting", status=BusinessStatus.DRAFT)
    waiting = make_business(
        make_user(Role.MSME), name="Kriya Waiting", status=BusinessStatus.PENDING
    )
    suspended = make_business(
        make_user(Role.MSME), name="Kriya Suspended", status=BusinessStatus.SUSPENDED
    )

    fair = harz_und_heide(capacity=5)
    showroom = make_channel()
    nominated, accepted = nominate_all([published, shelved], fair)
    accept(officer, accepted)
    to_ship, on_shelf = nominate_all([shelved, published], showroom)
    for nomination in (to_ship, on_shelf):
        accept(officer, nomination)
    shipment = record_shipment(
        showroom, business, officer, channel_today(showroom), {on_shelf.id: 10}
    )
    move_stock(on_shelf, officer, MovementKind.RECEIVED, 10)
    set_rate("EUR", "17500", date(2026, 1, 1))
    sale = record_sale(on_shelf, officer, 2, Decimal("40"), channel_today(showroom))
    # The statement of the period before last: its page shows "Mark paid"; last period's is
    # not issued yet, so the showroom's settlements page shows "Issue the statement".
    last_period = period_before(showroom, channel_today(showroom))[0]
    before_last = period_before(showroom, last_period)[0]
    settlement = issue_statement(showroom, business, before_last, officer)
    # A coordinator of the showroom: the admin's page of their channels shows its form.
    coordinator = make_user(Role.COORDINATOR, name="Min-ji Coordinator")
    assign_channels(admin, coordinator, [showroom.id])

    interest = express(buyer, published)
    post_message(interest, owner, "Thank you, we can make 50 by March.")
    report, _ = report_spam(interest, buyer, "The seller asked me to pay outside the site.")
    # An interest left unanswered that reached the office: its page shows every step's form.
    forgotten = express(buyer, shelved)
    forgotten.escalated_at = utcnow()
    escalation = open_escalation(forgotten, forgotten.escalated_at)
    # A background job that failed its last attempt: the office's dead-letter list.
    failed_job = Job(
        name="send-email",
        payload={"email_id": 1},
        status=JobStatus.DEAD,
        attempts=8,
        max_attempts=8,
        last_error="SMTPServerDisconnected: Connection unexpectedly closed",
        finished_at=utcnow(),
    )
    db.session.add(failed_job)
    add_to_shortlist(published, buyer)
    # A visitor's interest waiting for its mailed link: the link's page shows its button.
    waiting_interest = submit_pending_interest(
        published,
        VisitorInterest(
            name="Min-jun Kim",
            email="minjun@example.kr",
            buyer_type=BuyerType.INDIVIDUAL,
            country_code="KR",
            message="Do you ship to Seoul?",
            quantity=2,
        ),
        locale="ko",
        submission_key="world-visitor-interest",
        channel_id=fair.id,
    )
    # A buying request the business quoted for, with a question; another waiting for the
    # office (where the office screens them, its page shows the screening form).
    buying_request = post_buying_request(buyer)
    quote = send_quote(buying_request, published)
    ask(quote, buyer, "Can you pack them in tens?")
    waiting_request = post_buying_request(buyer, title="Rattan baskets")
    waiting_request.status = RequestStatus.SCREENING
    db.session.flush()

    world.users = {
        "buyer": buyer,
        "msme": owner,
        "officer": officer,
        "admin": admin,
        "newcomer": newcomer,
        "starter": starter,
    }
    world.add("buyer_id", buyer.id)
    world.add("interest_id", interest.id)
    world.add("certification_id", certification.id)
    world.add("nomination_id", nominated.id, accepted.id, to_ship.id, on_shelf.id)
    world.add("product_id", draft.id, published.id, pending.id, shelved.id, archived.id)
    world.add("image_id", *(image.id for p in (draft, published) for image in p.images))
    world.add("report_id", report.id)
    world.add("escalation_id", escalation.id)
    db.session.flush()
    world.add("job_id", failed_job.id)
    world.add("user_id", victim.id, newcomer.id, suspended_user.id, coordinator.id)
    world.add("shipment_id", shipment.id)
    world.add("sale_id", sale.id)
    world.add("settlement_id", settlement.id)
    world.add("business_id", waiting.id, business.id, suspended.id)
    world.add("channel_id", fair.id, showroom.id)
    world.add("city_id", fair.partner_city_id)
    world.add("request_id", buying_request.id, waiting_request.id)
    world.add("quote_id", quote.id)
    world.add("slug", published.slug, fair.slug, business.slug)
    world.add("slug", "not-found")  # a kind of the API's errors (its page)
    world.add("product_slug", published.slug)
    world.add("token", make_reset_token(victim), make_verify_token(newcomer))
    world.add("token", make_confirm_token(waiting_interest))
    world.add("token", _qr_token(accepted))
    # A visitor met at the fair's stand: their own page (by the link in their mail) has a form.
    lead = LeadData("Anna Becker", "anna@example.de", None, "DE", "de", 2, "", True)
    stand_interest, _new = capture_lead(fair, officer, accepted.id, lead, "world-lead")
    assert stand_interest.visitor is not None
    world.add("token", visitor_link_token(stand_interest.visitor))
    world.add("key", image_key(photo.digest, 800), image_key(photo.digest, 0))
    # An announcement sent to the fashion MSMEs (the owner's among them), and a draft: the
    # office's page of the draft shows its send button, the owner's page the one they got.
    sent = create_announcement(officer, _announcement(Audience(subsector_codes=["fesyen"])))
    send_announcement(sent, officer)
    draft = create_announcement(officer, _announcement(Audience(districts=["Coblong"])))
    world.add("announcement_id", sent.id, draft.id)
    _matching(world, officer, owner, buyer)
    # A sheet of products the owner uploaded: its preview shows the import button.
    sheet = Sheet(["name"], [], [(2, {"name": "Bamboo lamp"}), (3, {"name": ""})])
    world.add("token", keep_upload(business, owner, "products.csv", sheet).token)
    _tokens(world)

    db.session.commit()
    for user in world.users.values():
        db.session.refresh(user)
        db.session.expunge(user)
    return world


def _tokens(world: World) -> None:
    """A write token of each person the API has operations for (the token page lists one to
    revoke), and a revoked one."""
    for actor, user in world.users.items():
        if user.role in TOKEN_ROLES:
            made = create_token(user, f"{actor} token", TokenScope.WRITE, 30)
            assert made.secret is not None
            world.tokens[actor] = made.secret
            world.add("token_id", made.token.id)
    spare = create_token(world.users["msme"], "Old script", TokenScope.READ, 90)
    revoke_token(spare.token, world.users["msme"])


def _announcement(audience: Audience) -> AnnouncementData:
    return AnnouncementData(
        "Pameran Harz und Heide 2027",
        "Daftarkan produk Anda.",
        "Harz und Heide 2027",
        "Nominate your products.",
        audience,
    )


def _matching(world: World, officer: User, owner: User, buyer: User) -> None:
    """A business-matching event with the owner, the buyer and another MSME registered and a
    meeting the buyer asked the owner for (its page shows the answer and cancel forms); and
    an event nobody registered for (its page shows the registration form)."""
    event = make_event(officer)
    fresh = make_event(officer)
    mine = matching.register(event, owner, "Batik scarves.", "Buyers in Malaysia.")
    theirs = matching.register(event, buyer, "", "Batik and crafts.")
    other_owner = make_user(Role.MSME, name="Other Owner")
    make_business(other_owner, name="Kriya Lain")
    other = matching.register(event, other_owner, "Rattan chairs.", "")
    meeting = matching.request_meeting(theirs, mine, matching.free_slots(event)[0].starts_at)
    world.add("event_id", event.id, fresh.id)
    world.add("participant_id", other.id, mine.id)
    world.add("meeting_id", meeting.id)


_stored: ProcessedImage | None = None


def _real_photo(product: Product) -> ProductImage:
    """A photo with its files on disk as the product's cover. The files are made once and
    reused while they are on disk: encoding them is the slowest part of building the world."""
    global _stored
    storage = current_storage()
    if _stored is None or not all(storage.exists(v.key) for v in _stored.variants.values()):
        _stored = store_image(storage, make_placeholder_photo(7, "Batik", (900, 600)))
    product.images.clear()
    db.session.flush()
    image = ProductImage(
        digest=_stored.digest, width=_stored.width, height=_stored.height, position=0
    )
    product.images.append(image)
    db.session.flush()
    return image


def _qr_token(nomination: Nomination) -> str:
    assert nomination.qr_token, "an accepted nomination has its QR token"
    return nomination.qr_token
