"""Public pages that belong to no single feature: the home page, the sister cities and what
their channels produced, the language switch, health."""

from __future__ import annotations

from dataclasses import dataclass

import redis
import sqlalchemy as sa
from flask import (
    Blueprint,
    Response,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from werkzeug.wrappers import Response as BaseResponse

from marketplace import fragments
from marketplace.accounts.services import set_locale
from marketplace.catalog.cards import card_pieces
from marketplace.channels import queries as channel_queries
from marketplace.channels.curation import is_past
from marketplace.db import db
from marketplace.i18n import UI_LOCALES
from marketplace.interests import queries as interest_queries
from marketplace.link_preview import share_page
from marketplace.main import queries
from marketplace.media.backend import current_storage
from marketplace.page_cache import public_page
from marketplace.periods import bandung_today
from marketplace.products.queries import newest_product_ids
from marketplace.reference.queries import partner_cities
from marketplace.security import is_safe_next

bp = Blueprint("main", __name__)


@bp.get("/")
@public_page
def home() -> str:
    """Current channels first; one whose dates are over is still listed, after them, marked
    as a past edition."""
    today = bandung_today()

    def sections() -> Markup:
        channels = db.session.scalars(queries.public_channels()).all()
        past = {channel.id for channel in channels if is_past(channel, today)}
        return Markup(
            fragments.macro("main/_home.html", "sections")(
                sorted(channels, key=lambda channel: channel.id in past),
                past,
                db.session.scalars(partner_cities()).all(),
                card_pieces(db.session.scalars(newest_product_ids(limit=8)).all()),
            )
        )

    return render_template(
        "main/home.html",
        sections=fragments.kept("home", [today], sections),
        share=share_page(
            _("Products of Bandung's creative MSMEs"),
            _(
                "Crafts, fashion, culinary and design from Bandung, shown through the city's"
                " promotion channels abroad. Find a product, express your interest and talk"
                " with the maker."
            ),
        ),
    )


@dataclass(frozen=True)
class PartnerFigures:
    shown: dict[int | None, tuple[int, int]]  # city: (MSMEs, products) in public channels
    interests: dict[int | None, int]


def _partner_figures() -> PartnerFigures:
    shown = db.session.execute(channel_queries.partner_figures())
    interests = db.session.execute(interest_queries.partner_interests())
    return PartnerFigures(
        shown={row[0]: (row[1], row[2]) for row in shown},
        interests={row[0]: row[1] for row in interests},
    )


@bp.get("/partners")
@public_page
def partners() -> str:
    """Each partnership with its channels and what they produced. The figures count every
    nomination and interest of the partner's channels: kept (`fragments`) until the data moves,
    for PAGE_CACHE_SECONDS at most (an interest does not move the version), so that a visit
    does not count them all again."""
    cities = db.session.scalars(channel_queries.partner_cities()).unique().all()
    figures = fragments.kept_value("partner-figures", [bandung_today()], _partner_figures)
    return render_template(
        "main/partners.html",
        cities=cities,
        shown=figures.shown,
        interests=figures.interests,
        public_statuses=channel_queries.PUBLIC_STATUSES,
        share=share_page(
            _("Bandung's sister cities"),
            _(
                "The partner cities abroad through which Bandung carries the products of its"
                " creative MSMEs, with the channels each partnership runs and what they show today."
            ),
        ),
    )


@bp.post("/language")
def language() -> BaseResponse:
    """A signed-in person's choice of language, saved with their account."""
    locale = request.form.get("locale", "")
    if locale in UI_LOCALES:
        session["locale"] = locale
        if current_user.is_authenticated:
            set_locale(current_user, locale)
            db.session.commit()
    return _back(request.form.get("next", ""))


@bp.get("/language")
def choose_language() -> BaseResponse:
    """A visitor's choice of language: kept in their session only (like the page they are on,
    it changes nothing saved), so the switch is a plain link-like form on shared pages."""
    locale = request.args.get("locale", "")
    if locale in UI_LOCALES:
        session["locale"] = locale
    response = _back(request.args.get("next", ""))
    response.cache_control.no_store = True
    return response


def _back(target: str) -> BaseResponse:
    return redirect(target if is_safe_next(target) else url_for("main.home"))


def _redis_urls() -> list[str]:
    """The Redis servers the settings name (page cache, rate limits), each once."""
    urls = [
        current_app.config.get("PAGE_CACHE_URL") or "",
        current_app.config.get("RATELIMIT_STORAGE_URI") or "",
    ]
    return list(dict.fromkeys(url for url in urls if url.startswith(("redis://", "rediss://"))))


def _redis_state() -> str:
    urls = _redis_urls()
    if not urls:
        return "not used"
    for url in urls:
        try:
            with redis.Redis.from_url(
                url, socket_timeout=0.5, socket_connect_timeout=0.5
            ) as client:  # closed at once: a balancer asks every few seconds
                client.ping()
        except (redis.RedisError, OSError, ValueError):
            return "unreachable"
    return "ok"


def _storage_state() -> str:
    """Whether the media store can be used now (see `Storage.probe`)."""
    try:
        current_storage().probe()
    except OSError:
        return "unreachable"
    return "ok"


@bp.get("/readyz")
def readyz() -> tuple[Response, int]:
    """Whether this host can serve: 503 (a load balancer sends it nothing) unless the database
    and the media store answer. Redis is checked and named too, but a Redis that does not
    answer leaves the host ready, "degraded": every host shares the one Redis, so turning this
    one away would send its visitors to hosts no better off, or, with all of them turned away,
    to nobody; and without Redis the app still serves (pages and pieces are made afresh, rate
    limits let requests through: RATELIMIT_SWALLOW_ERRORS)."""
    try:
        db.session.execute(sa.text("SELECT 1"))
        database = "ok"
    except sa.exc.SQLAlchemyError:
        db.session.rollback()
        database = "unreachable"
    checks = {"database": database, "redis": _redis_state(), "storage": _storage_state()}
    ready = checks["database"] == "ok" and checks["storage"] == "ok"
    degraded = checks["redis"] == "unreachable"
    status = "not ready" if not ready else "degraded" if degraded else "ready"
    response = jsonify(status=status, **checks)
    response.cache_control.no_store = True
    return response, 200 if ready else 503


@bp.get("/healthz")
def healthz() -> tuple[Response, int]:
    try:
        db.session.execute(sa.text("SELECT 1"))
        database = "ok"
    except sa.exc.SQLAlchemyError:
        db.session.rollback()
        database = "unreachable"
    status = 200 if database == "ok" else 503
    return jsonify(status="ok" if status == 200 else "degraded", database=database), status
