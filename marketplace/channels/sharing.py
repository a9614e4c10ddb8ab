"""What a shared link to a channel's page shows (the rules: `marketplace.link_preview`)."""

from __future__ import annotations

from collections.abc import Sequence

from flask_babel import gettext as _

from marketplace.channels.models import Channel, Nomination
from marketplace.link_preview import OG_LOCALES, Share, page_locale, shared_url, summary
from marketplace.products.sharing import first_cover


def share_channel(channel: Channel, lineup: Sequence[Nomination]) -> Share:
    """`lineup` is the channel's public line-up: the preview shows its first product's cover."""
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
        url=shared_url("channels.show", locale, slug=channel.slug),
        locale=OG_LOCALES[locale],
        image=first_cover([nomination.product for nomination in lineup], locale),
    )
