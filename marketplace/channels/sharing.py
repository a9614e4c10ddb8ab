"""What a shared link to a channel's page shows (the rules: `marketplace.link_preview`)."""

from __future__ import annotations

from collections.abc import Sequence

from flask_babel import gettext as _

from marketplace.channels.models import Channel, Nomination
from marketplace.link_preview import (
    OG_LOCALES,
    Share,
    page_arg,
    page_locale,
    shared_url,
    summary,
)
from marketplace.products.sharing import first_cover


def share_channel(channel: Channel, lineup: Sequence[Nomination], page: int = 1) -> Share:
    """`lineup` is the channel's public line-up, or its first nomination whose product has a
    photo (`queries.lineup_cover`): the preview shows that product's cover. The address is that
    of the page of the line-up shown (`?page=` from the second on)."""
    locale = page_locale()
    description = channel.description.strip() or _(
        "Products of Bandung's creative MSMEs at %(channel)s in %(city)s.",
        channel=channel.name,
        city=channel.city,
    )
    return Share(
        og_type="website",
        title=channel.name,
        description=summary(description),
        url=shared_url("channels.show", locale, slug=channel.slug, **page_arg(page)),
        locale=OG_LOCALES[locale],
        image=first_cover([nomination.product for nomination in lineup], locale),
    )
