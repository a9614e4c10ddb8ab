"""Alembic environment: runs migrations against the app's database with the app's metadata."""

import logging
from logging.config import fileConfig

import sqlalchemy as sa
from alembic import context
from flask import current_app

from marketplace.db import UTCDateTime

config = context.config
# The app configures logging itself (marketplace/logs.py); alembic.ini's is for a bare run.
if not logging.getLogger().handlers:
    fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")

target_db = current_app.extensions["migrate"].db
config.set_main_option(
    "sqlalchemy.url",
    target_db.engine.url.render_as_string(hide_password=False).replace("%", "%%"),
)

# Search indexes are maintained by hand-written migrations (FTS5 virtual tables and their
# shadow tables on SQLite); autogenerate must neither create nor drop them.
MANAGED_ELSEWHERE_PREFIXES = ("search_",)


def include_name(name, type_, parent_names):
    if type_ == "table" and name and name.startswith(MANAGED_ELSEWHERE_PREFIXES):
        return False
    return True


def render_item(type_, obj, autogen_context):
    """Write the plain column type into migrations, so they never import app code."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def run_migrations_offline():
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_db.metadata,
        literal_binds=True,
        include_name=include_name,
        render_item=render_item,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    def process_revision_directives(context, revision, directives):
        if getattr(config.cmd_opts, "autogenerate", False):
            script = directives[0]
            if script.upgrade_ops.is_empty():
                directives[:] = []
                logger.info("No changes in schema detected.")

    conf_args = dict(current_app.extensions["migrate"].configure_args)
    conf_args.setdefault("process_revision_directives", process_revision_directives)

    connectable = target_db.engine
    with connectable.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # Batch mode rebuilds a table (copy, drop, rename); with foreign keys enforced, the
            # drop fails as soon as other tables refer to its rows. The pragma only takes effect
            # outside a transaction, so it goes to the driver's connection before BEGIN; the
            # references are checked once the migrations are done.
            connection.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")
        context.configure(
            connection=connection,
            target_metadata=target_db.metadata,
            include_name=include_name,
            render_item=render_item,
            **conf_args,
        )
        try:
            with context.begin_transaction():
                context.run_migrations()
                if sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise RuntimeError(f"migrations left rows pointing nowhere: {broken[:10]}")
        finally:
            if sqlite:
                # The migrations are committed (Alembic commits each one on SQLite); the check
                # began a transaction of its own, inside which the pragma would do nothing and
                # the connection would go back to the pool with its foreign keys off.
                connection.rollback()
                connection.connection.driver_connection.execute("PRAGMA foreign_keys=ON")


__all__ = ["sa"]

if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
