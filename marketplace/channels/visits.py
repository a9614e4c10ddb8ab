"""Counting what visitors open: shelf-tag scans and views of channel pages, catalogs and products.

Rows hold the channel, the product and the time, never anything about the person, so the
office's reports can count them by channel, partnership and day. The views name the recorders
registered here (`register_recorders`) in `counting.visitors.count_visit`, which calls them only
for a visitor's first opening of the day, never for known bots, and later, in a batch: a row is
a visitor, not a request, and its time is the moment of the view.

A printed tag outlives the line-up it was printed for. Its short address keeps working: while
the product is in the channel's line-up (the nomination is accepted, and the product has not
been returned from the showroom) a scan is counted and the visit is credited to the channel;
once the nomination is withdrawn or the product returned, the tag still leads to the product
if it is public, but nothing is counted for the channel, whose line-up no longer includes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from marketplace.channels.models import (
    Channel,
    ChannelView,
    Nomination,
    NominationStatus,
    Scan,
    ShelfStage,
    ViewKind,
)
from marketplace.channels.queries import on_show
from marketplace.counting import recorders
from marketplace.db import db
from marketplace.products.models import Product


@dataclass(frozen=True)
class TagVisit:
    nomination: Nomination
    channel: Channel
    product: Product
    # The product is at the channel, or was until its last pieces sold: scan and visit count.
    counts: bool


def find_tag(token: str) -> TagVisit | None:
    """What a tag's token leads to, or None when no tag was ever printed with it."""
    nomination = db.session.scalar(
        sa.select(Nomination)
        .where(Nomination.qr_token == token)
        .options(
            selectinload(Nomination.channel),
            selectinload(Nomination.product).selectinload(Product.business),
        )
    )
    if nomination is None:
        return None
    return TagVisit(
        nomination=nomination,
        channel=nomination.channel,
        product=nomination.product,
        counts=nomination.status == NominationStatus.ACCEPTED
        and nomination.stage not in (ShelfStage.RETURNED, ShelfStage.WRITTEN_OFF),
    )


def record_scan(nomination_id: int, *, at: datetime) -> None:
    """The recorder "scan": a scan of the nomination's tag (none if the nomination is gone)."""
    nomination = db.session.get(Nomination, nomination_id)
    if nomination is None:
        return
    db.session.add(
        Scan(
            nomination_id=nomination.id,
            channel_id=nomination.channel_id,
            product_id=nomination.product_id,
            scanned_at=at,
        )
    )
    db.session.flush()


def record_view(
    kind: ViewKind, channel_id: int, product_id: int | None = None, *, at: datetime
) -> None:
    channel = db.session.get(Channel, channel_id)
    if channel is None or (product_id is not None and db.session.get(Product, product_id) is None):
        return
    db.session.add(
        ChannelView(channel_id=channel.id, kind=kind, product_id=product_id, viewed_at=at)
    )
    db.session.flush()


def record_page_view(channel_id: int, *, at: datetime) -> None:
    record_view(ViewKind.PAGE, channel_id, at=at)


def record_catalog_view(channel_id: int, *, at: datetime) -> None:
    record_view(ViewKind.CATALOG, channel_id, at=at)


def record_product_view(channel_id: int, product_id: int, *, at: datetime) -> None:
    record_view(ViewKind.PRODUCT, channel_id, product_id, at=at)


def register_recorders() -> None:
    """The counts the channel pages and tags name in `count_visit`."""
    recorders.register("scan", record_scan)
    recorders.register("channel-page", record_page_view)
    recorders.register("channel-catalog", record_catalog_view)
    recorders.register("channel-product", record_product_view)


def in_lineup(channel: Channel, product_slug: str) -> Product | None:
    """A public product of the channel's line-up, by its slug."""
    return db.session.scalar(
        sa.select(Product)
        .join(Nomination, Nomination.product_id == Product.id)
        .join(Product.business)
        .where(
            Nomination.channel_id == channel.id,
            on_show(),
            Product.slug == product_slug,
            Product.is_public,
        )
    )
