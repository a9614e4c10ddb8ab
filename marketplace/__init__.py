"""The Bandung export marketplace: `create_app()` wires settings, extensions and blueprints."""

from __future__ import annotations

from importlib import import_module
from typing import Any

from flask import Flask

from config import ROOT, load_config
from marketplace.logs import init_logging

# The features with background tasks (a `tasks` module each; see register_tasks).
TASK_FEATURES = (
    "businesses",
    "channels",
    "interests",
    "jobs",
    "mail",
    "media",
    "office",
    "privacy",
    "rfq",
)


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    settings = load_config()
    if overrides:
        settings.update(overrides)
    app = Flask(
        __name__,
        instance_path=settings["INSTANCE_PATH"],
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.update(settings)

    init_logging(app)
    register_extensions(app)
    register_blueprints(app)
    register_hooks(app)
    register_commands(app)
    register_observers(app)
    return app


def register_observers(app: Flask) -> None:
    """Request counts and the access line with its request id: last, as the outermost
    middlewares, so that they see every request, pages sent from the cache before Flask too."""
    from marketplace.jobs.metrics import JobsCollector
    from marketplace.logs import init_request_ids
    from marketplace.metrics import init_metrics

    init_metrics(app, [JobsCollector()])
    init_request_ids(app)


def track_stored_files() -> None:
    """The columns that name stored files, so media knows when a file is no longer used."""
    from marketplace.businesses.models import Business, BusinessCertification
    from marketplace.channels.models import CatalogFile
    from marketplace.media import references
    from marketplace.products.models import ProductImage

    references.track(
        digests=[ProductImage.digest],
        image_keys=[Business.logo_key],
        file_keys=[BusinessCertification.scan_key, CatalogFile.file_key],
    )


def watch_public_data() -> None:
    """The models whose changes move the versions of cached pages and reference lists."""
    from marketplace import versions
    from marketplace.businesses.models import Business, BusinessCertification, BusinessTranslation
    from marketplace.channels.models import Channel, Nomination
    from marketplace.ledger.models import ExchangeRate
    from marketplace.products.models import Product, ProductImage, ProductTranslation
    from marketplace.reference.models import Certification, PartnerCity, Subsector

    public: list[type] = [Product, ProductImage, ProductTranslation, Business, BusinessTranslation]
    public += [BusinessCertification, Nomination]
    reference: list[type] = [Channel, ExchangeRate, Subsector, Certification, PartnerCity]
    for model in public:
        versions.watch(model, versions.PUBLIC)
    for model in reference:
        versions.watch(model, versions.PUBLIC, versions.REFERENCE)


def register_recorders() -> None:
    """The functions that write what the pages count, by the names the pages give them."""
    from marketplace.channels.visits import register_recorders as register_channel_recorders
    from marketplace.counting import recorders
    from marketplace.products.services import record_view

    recorders.register("product-view", record_view)
    register_channel_recorders()


def register_tasks() -> None:
    """The features' background tasks, known to the worker by name (`marketplace.jobs`): each
    `tasks` module registers its own with `@task` when imported."""
    for feature in TASK_FEATURES:
        import_module(f"marketplace.{feature}.tasks")


def register_receivers() -> None:
    """Features tell the ones above them through named signals (see docs/architecture.md)."""
    from marketplace import versions
    from marketplace.extensions import db
    from marketplace.interests.events import watch_interests
    from marketplace.notifications import receivers as notifications
    from marketplace.office import receivers as office
    from marketplace.search import receivers as search

    watch_interests(db.session)
    versions.watch_session(db.session)
    watch_public_data()
    track_stored_files()
    register_recorders()
    register_tasks()
    notifications.connect()
    office.connect()
    search.connect()


def register_extensions(app: Flask) -> None:
    from marketplace import models  # noqa: F401  (every model must be known to the metadata)
    from marketplace.accounts.login import init_login
    from marketplace.accounts.zones import select_timezone
    from marketplace.channels.attribution import init_attribution
    from marketplace.db import engine_options, tune_sqlite
    from marketplace.extensions import babel, compress, csrf, db, limiter, migrate
    from marketplace.i18n import init_template_translations, select_locale
    from marketplace.inputs import init_inputs
    from marketplace.page_cache import reads_public_page
    from marketplace.search.index import keep_index_in_sync

    # First, so that its response hook runs last: it compresses what every other hook made.
    compress.init_app(app)
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(
        app.config["SQLALCHEMY_DATABASE_URI"], app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {})
    )
    db.init_app(app)
    keep_index_in_sync(db.session)
    register_receivers()
    with app.app_context():
        tune_sqlite(db.engine)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    init_inputs(app)  # before CSRF and the blueprints: ids in URLs, NUL in URLs
    csrf.init_app(app)
    babel.init_app(
        app,
        locale_selector=select_locale,
        timezone_selector=select_timezone,
        default_translation_directories=str(ROOT / "marketplace" / "translations"),
    )
    init_template_translations(app)
    init_attribution(app)  # the selectors above ask the channels for the visit's channel
    limiter.init_app(app)
    # No limit applies to reading a public page (they are served whole or from kept pieces):
    # Flask-Limiter is spared looking for one on every visit (3% of a catalog page).
    limiter.request_filter(reads_public_page)
    init_login(app)


def register_blueprints(app: Flask) -> None:
    from marketplace.accounts.views import bp as accounts_bp
    from marketplace.announcements.views import bp as announcements_bp
    from marketplace.announcements.views import my_bp as my_announcements_bp
    from marketplace.api.auth import declare_bearer
    from marketplace.api.base import init_api
    from marketplace.api.buyer_views import bp as api_buyer_bp
    from marketplace.api.embed import bp as embed_bp
    from marketplace.api.office_views import bp as api_office_bp
    from marketplace.api.owner_views import bp as api_owner_bp
    from marketplace.api.reference import bp as api_reference_bp
    from marketplace.api.views import bp as api_bp
    from marketplace.businesses.views import bp as my_business_bp
    from marketplace.catalog.business_page import public_bp as businesses_bp
    from marketplace.catalog.product_page import public_bp as products_bp
    from marketplace.catalog.views import bp as catalog_bp
    from marketplace.channels.nomination_views import bp as nominations_bp
    from marketplace.channels.views import bp as channels_bp
    from marketplace.main.views import bp as main_bp
    from marketplace.matching.office_views import bp as matching_office_bp
    from marketplace.matching.views import bp as matching_bp
    from marketplace.media.views import bp as media_bp
    from marketplace.office import settlement_views  # noqa: F401  (routes of channel_admin)
    from marketplace.office.curation_views import bp as channel_admin_bp
    from marketplace.office.views import bp as office_bp
    from marketplace.privacy.views import bp as privacy_bp
    from marketplace.products.photo_views import bp as product_photos_bp
    from marketplace.products.views import bp as my_products_bp
    from marketplace.rfq.answer_views import bp as request_answers_bp
    from marketplace.rfq.views import bp as buying_requests_bp
    from marketplace.sharing.views import bp as sharing_bp
    from marketplace.sheets.views import bp as sheets_bp
    from marketplace.stand.lead_views import bp as stand_leads_bp
    from marketplace.stand.views import bp as stand_bp
    from marketplace.tokens.views import bp as api_tokens_bp
    from marketplace.workspace.views import bp as workspace_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(accounts_bp)
    register_buyer_side(app)
    for bp in (
        businesses_bp,
        my_business_bp,
        workspace_bp,
        products_bp,
        catalog_bp,
        my_products_bp,
        product_photos_bp,
        media_bp,
        office_bp,
        channels_bp,
        channel_admin_bp,
        nominations_bp,
        sharing_bp,
        stand_bp,
        stand_leads_bp,
        privacy_bp,
        buying_requests_bp,
        request_answers_bp,
        announcements_bp,
        my_announcements_bp,
        matching_bp,
        matching_office_bp,
        api_reference_bp,
        embed_bp,
        sheets_bp,
        api_tokens_bp,
    ):
        app.register_blueprint(bp)
    declare_bearer(init_api(app, api_bp, api_owner_bp, api_buyer_bp, api_office_bp))


def register_buyer_side(app: Flask) -> None:
    """Interests and conversations (a visitor's too), the shortlist, notifications, the
    buyer's profile."""
    from marketplace.accounts.buyer_views import bp as buyer_bp
    from marketplace.interests.quick_views import bp as quick_interest_bp
    from marketplace.interests.shortlist_views import bp as shortlist_bp
    from marketplace.interests.thread_views import bp as conversations_bp
    from marketplace.interests.views import bp as interests_bp
    from marketplace.notifications.views import bp as notifications_bp

    for bp in (
        interests_bp,
        quick_interest_bp,
        conversations_bp,
        shortlist_bp,
        notifications_bp,
        buyer_bp,
    ):
        app.register_blueprint(bp)


def register_hooks(app: Flask) -> None:
    from flask_babel import get_timezone

    from marketplace.caching import init_caching
    from marketplace.counting.buffer import init_counting
    from marketplace.counting.visitors import count_visit, count_visit_of
    from marketplace.errors import register_error_handlers
    from marketplace.fragments import init_fragments
    from marketplace.i18n import page_locale
    from marketplace.notifications.views import init_nav_counts
    from marketplace.page_cache import (
        init_fast_pages,
        init_page_cache,
        repeat_without_request,
        vary_on,
    )
    from marketplace.products.prices import viewer_currency
    from marketplace.templating import init_templating
    from marketplace.visits import current_visit_channel_id
    from marketplace.web import init_request_hooks

    register_error_handlers(app)
    init_templating(app)
    init_fast_pages(app)  # before init_request_hooks, which wraps it in the host check
    init_request_hooks(app)
    init_caching(app)
    init_page_cache(app)  # after init_caching: its response hook runs before caching's
    init_fragments(app)
    # What a visit decided that changes a page (see page_cache): language, currency, time zone
    # and the channel the visit came through.
    vary_on(app, page_locale, viewer_currency, get_timezone, current_visit_channel_id)
    repeat_without_request(app, count_visit, count_visit_of)
    init_counting(app)
    init_nav_counts(app)


def register_commands(app: Flask) -> None:
    from marketplace.accounts.cli import create_user
    from marketplace.backup.cli import backup_command, restore_command
    from marketplace.businesses.cli import remind_certificates_command
    from marketplace.interests.cli import purge_pending_command, remind_unanswered_command
    from marketplace.jobs.cli import worker_command
    from marketplace.mail.cli import outbox, send_outbox
    from marketplace.main.cli import seed_demo
    from marketplace.media.cli import media_gc
    from marketplace.office.cli import rebuild_reports
    from marketplace.privacy.cli import purge_stand_visitors_command
    from marketplace.rfq.cli import close_buying_requests_command
    from marketplace.search.cli import search_reindex

    for command in (create_user, seed_demo, outbox, send_outbox, media_gc, search_reindex):
        app.cli.add_command(command)
    app.cli.add_command(remind_unanswered_command)
    app.cli.add_command(remind_certificates_command)
    app.cli.add_command(close_buying_requests_command)
    app.cli.add_command(purge_pending_command)
    app.cli.add_command(purge_stand_visitors_command)
    app.cli.add_command(rebuild_reports)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(worker_command)
