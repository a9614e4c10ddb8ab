"""The channels' scheduled job (see `jobs.schedule`): printed catalogs built ahead."""

from __future__ import annotations

from marketplace.channels.catalog_files import public_channel_ids, refresh_catalog
from marketplace.db import db
from marketplace.jobs.registry import Payload, task


@task("refresh-catalog-pdfs")
def refresh_catalog_pdfs(_payload: Payload) -> None:
    """Each channel in a transaction of its own: one that fails does not undo the others."""
    channel_ids = public_channel_ids()
    db.session.rollback()
    for channel_id in channel_ids:
        refresh_catalog(channel_id)
        db.session.commit()
