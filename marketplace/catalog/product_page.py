"""The public product page (/products/<slug>, blueprint `products`) and `render_product`, which
the owner's preview (`workspace`) and the office's review share: the product with its photos,
its texts in the reader's language, the channels that show it, and the maker's contact for
those who may see it (`interests.access.may_see_contact`). It composes products, channels and
interests, so it lives above them.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, render_template, request
from markupsafe import Markup

from marketplace import fragments
from marketplace.accounts.current import viewer
from marketplace.channels.models import Channel
from marketplace.channels.queries import accepted_channels
from marketplace.counting.visitors import count_visit, subject
from marketplace.db import db, found_or_404
from marketplace.i18n import page_locale
from marketplace.interests.access import may_see_contact
from marketplace.link_preview import Share
from marketplace.page_cache import public_page, repeat_on_hit
from marketplace.products import display, queries
from marketplace.products.models import Product
from marketplace.products.photos import ordered
from marketplace.products.sharing import share_product
from marketplace.visits import current_visit_channel_id

public_bp = Blueprint("products", __name__)


PARTS = "products/_product_parts.html"


@dataclass(frozen=True)
class ProductPieces:
    """What a product page shows of the product's data alone, rendered from
    products/_product_parts.html: the same for every reader of one language and currency, so
    the public page keeps it."""

    title: str
    heading: Markup
    gallery: Markup
    price: Markup
    facts: Markup
    details: Markup
    maker: Markup


@dataclass(frozen=True)
class KeptProduct:
    pieces: ProductPieces
    share: Share


@dataclass(frozen=True)
class VisitorPage:
    """A visitor's product page but its frame (`parts`: its title, link preview and content),
    the same for every visitor of one address, language and currency (the links to log in come
    back to the address), so it is kept under the address, and the page, asked again, reads
    nothing until the data changes; and the product's id, which the visit is counted for."""

    id: int
    parts: fragments.PageParts


def _channels(product: Product) -> list[Channel]:
    rows = db.session.execute(accepted_channels([product.id]))
    return [channel for _product_id, channel in rows]


def product_pieces(product: Product) -> ProductPieces:
    """The pieces of `product`, whose details (`queries.with_details`) are loaded."""
    main_text, other_texts = display.texts(product, page_locale())
    parts = fragments.module(PARTS)
    details = parts.details(product, main_text, other_texts, _channels(product))
    return ProductPieces(
        title=main_text.name,
        heading=Markup(parts.heading(main_text)),
        gallery=Markup(parts.gallery(ordered(product), main_text)),
        price=Markup(parts.price(product)),
        facts=Markup(parts.facts(product, product.business, main_text)),
        details=Markup(details),
        maker=Markup(parts.maker(product.business)),
    )


def render_product(
    product: Product,
    template: str = "products/page.html",
    pieces: ProductPieces | None = None,
    **extra: object,
) -> str:
    """The product page, shared by the public page, the owner's preview and the office."""
    pieces = pieces or product_pieces(product)
    return render_template(
        template,
        product=product,
        business=product.business,
        title=pieces.title,
        pieces=pieces,
        show_contact=may_see_contact(product.business, viewer()),
        **extra,
    )


def _kept_product(product: Product) -> KeptProduct:
    def make() -> KeptProduct:
        db.session.execute(queries.product_by_id(product.id)).all()  # its details, loaded
        return KeptProduct(product_pieces(product), share_product(product))

    return fragments.kept_value("product-page", [product.id], make)


@public_bp.get("/products/<slug>")
@public_page
def page(slug: str) -> str:
    """The public page; a view by anyone but the owner and the office counts, once per visitor,
    day and channel it came through (see `counting`), and counting never fails the page.

    The product and its business are read in one statement; its photos, texts, certificates
    and channels only when its pieces are not kept (`fragments`). A visitor's page reads
    nothing when its `VisitorPage` is kept."""
    person = viewer()
    channel_id = current_visit_channel_id()
    if person is None:

        def make() -> VisitorPage:
            product = found_or_404(queries.public_product_alone(), slug=slug)
            kept = _kept_product(product)
            head = render_template("sharing/_meta.html", share=kept.share)
            body = render_template(
                "products/_body.html", product=product, pieces=kept.pieces, show_contact=False
            )
            parts = fragments.PageParts(kept.pieces.title, Markup(head), Markup(body))
            return VisitorPage(product.id, parts)

        visitor = fragments.kept_value("product-visitor", [slug, request.query_string], make)
        html = fragments.in_frame(visitor.parts, "products/layout.html")
        product_id = visitor.id
    else:
        product = found_or_404(queries.public_product_alone(), slug=slug)
        kept = _kept_product(product)
        html = render_product(product, pieces=kept.pieces, share=kept.share)
        if person.is_staff or person.id == product.business.owner_id:
            return html
        product_id = product.id
    what = subject("product", product_id, channel_id)
    repeat_on_hit(count_visit, what, "product-view", product_id, channel_id)
    return html
