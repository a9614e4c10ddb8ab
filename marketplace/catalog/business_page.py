"""The public page of a verified MSME (/msmes/<slug>, blueprint `businesses`): its profile in
the reader's language, its public products (a page at a time), and its contact for those who
may see it. It composes businesses, products and interests, so it lives above them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from flask import Blueprint, render_template, request
from flask_babel import gettext as _
from flask_sqlalchemy.pagination import Pagination
from markupsafe import Markup

from marketplace import fragments
from marketplace.accounts.current import viewer
from marketplace.businesses import queries
from marketplace.businesses.models import Business
from marketplace.businesses.texts import business_text
from marketplace.db import db, found_or_404
from marketplace.i18n import page_locale
from marketplace.inputs import LINEUP_PER_PAGE
from marketplace.interests.access import may_see_contact
from marketplace.link_preview import Share
from marketplace.page_cache import public_page as shared_page
from marketplace.products import queries as product_queries
from marketplace.products.sharing import share_business

public_bp = Blueprint("businesses", __name__)


def _title(name: str, listing: fragments.Listing) -> str:
    """The MSME page's title: the business, and past the first page which page of its products."""
    if listing.page > 1:
        return f"{name} · " + _("Page %(n)s of %(total)s", n=listing.page, total=listing.pages)
    return name


@dataclass(frozen=True)
class Shown:
    """What a visitor's MSME page needs of the business beyond its pieces (its name, in the
    title): kept under the slug, so that the page, asked again, reads nothing until the data
    changes. Signed-in people's pages also read the business itself (its contact, for some)."""

    id: int
    name: str


@public_bp.get("/msmes/<slug>")
@shared_page
def public_page(slug: str) -> str:
    """The products LINEUP_PER_PAGE at a time (`?page=`, see `numbered_page`), in as many
    statements for any page of any line-up. The business is read alone, for a visitor only when
    its `Shown` is not kept; its profile, the page of products and the link preview are pieces
    (`fragments`), read and rendered when they are not kept. A visitor's page is kept whole
    but its frame (`fragments.PageParts`), under the slug and the page asked for: the same for
    every visitor of one page of it, language and currency."""

    @cache
    def business() -> Business:
        return found_or_404(queries.public_business_alone(), slug=slug)

    @cache
    def shown() -> Shown:
        return fragments.kept_value(
            "msme-shown", [slug], lambda: Shown(business().id, business().name)
        )

    def profile() -> Markup:
        db.session.execute(queries.business_by_id(shown().id)).all()  # its details, loaded
        text = business_text(business(), page_locale())
        return Markup(fragments.macro("businesses/_profile.html", "profile")(business(), text))

    def render(page: Pagination) -> str:
        return fragments.macro("businesses/_products.html", "products_section")(business(), page)

    @cache
    def listing() -> fragments.Listing:
        return fragments.kept_listing(
            "msme-products",
            [shown().id],
            lambda: product_queries.products_of_business(shown().id),
            LINEUP_PER_PAGE,
            render,
        )

    def share() -> Share:
        cover = db.session.scalars(product_queries.business_cover(shown().id)).first()
        return share_business(business(), [cover] if cover else [], page=listing().page)

    def kept_profile() -> Markup:
        return fragments.kept("msme-profile", [shown().id], profile)

    def kept_share() -> Share:
        return fragments.kept_value("msme-share", [shown().id, listing().page], share)

    person = viewer()
    if person is not None:
        return render_template(
            "businesses/public.html",
            title=_title(business().name, listing()),
            business=business(),
            profile=kept_profile(),
            listing=listing(),
            show_contact=may_see_contact(business(), person),
            share=kept_share(),
        )

    def make() -> fragments.PageParts:
        head = render_template("sharing/_meta.html", share=kept_share())
        body = render_template(
            "businesses/_body.html", profile=kept_profile(), listing=listing(), show_contact=False
        )
        return fragments.PageParts(_title(shown().name, listing()), Markup(head), Markup(body))

    visitor = fragments.kept_value("msme-visitor", [slug, request.args.get("page")], make)
    return fragments.in_frame(visitor, "products/layout.html")
