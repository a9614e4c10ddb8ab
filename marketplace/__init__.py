"""The Bandung export marketplace: `create_app()` wires settings, extensions and blueprints."""

from __future__ import annotations

from typing import Any

from flask import Flask

from config import ROOT, load_config


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

    register_extensions(app)
    register_blueprints(app)
    register_hooks(app)
    register_commands(app)
    return app


def register_extensions(app: Flask) -> None:
    from marketplace import models  # noqa: F401  (every model must be known to the metadata)
    from marketplace.accounts.login import init_login
    from marketplace.db import tune_sqlite
    from marketplace.extensions import babel, csrf, db, limiter, migrate
    from marketplace.i18n import select_locale

    db.init_app(app)
    with app.app_context():
        tune_sqlite(db.engine)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    babel.init_app(
        app,
        locale_selector=select_locale,
        default_translation_directories=str(ROOT / "marketplace" / "translations"),
    )
    limiter.init_app(app)
    init_login(app)


def register_blueprints(app: Flask) -> None:
    from marketplace.accounts.views import bp as accounts_bp
    from marketplace.main.views import bp as main_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(accounts_bp)


def register_hooks(app: Flask) -> None:
    from marketplace.errors import register_error_handlers
    from marketplace.templating import init_templating
    from marketplace.web import init_request_hooks

    register_error_handlers(app)
    init_templating(app)
    init_request_hooks(app)


def register_commands(app: Flask) -> None:
    from marketplace.accounts.cli import create_user
    from marketplace.main.cli import seed_demo
    from marketplace.notifications.cli import outbox, send_outbox

    for command in (create_user, seed_demo, outbox, send_outbox):
        app.cli.add_command(command)
