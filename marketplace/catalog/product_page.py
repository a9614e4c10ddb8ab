"""The public product page (/products/<slug>, blueprint `products`) and `render_product`, which
the owner's preview (`workspace`) and the office's review share: the product with its photos,
its texts in the reader's language, the channels that show it, and the maker's contact for
those who may see it (`interests.access.may_see_contact`). It composes products, channels and
interests, so it lives above them.
"""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_babel import get_locale

from marketplace.accounts.current import viewer
from marketplace.channels.models import Channel
from marketplace.channels.queries import accepted_channels
from marketplace.counting.visitors import count_visit, subject
from marketplace.db import db
from marketplace.interests.access import may_see_contact
from marketplace.page_cache import public_page, repeat_on_hit
from marketplace.products import display, queries
from marketplace.products.models import Product
from marketplace.products.photos import ordered
from marketplace.products.sharing import share_product
from marketplace.visits import current_visit_channel_id

public_bp = Blueprint("products", __name__)


def _channels(product: Product) -> list[Channel]:
    rows = db.session.execute(accepted_channels([product.id]))
    return [channel for _product_id, channel in rows]


def render_product(product: Product, template: str = "products/page.html", **extra: object) -> str:
    """The product page, shared by the public page, the owner's preview and the office."""
    person = viewer()
    main_text, other_texts = display.texts(product, str(get_locale() or "en"))
    return render_template(
        template,
        product=product,
        business=product.business,
        main_text=main_text,
        other_texts=other_texts,
        images=ordered(product),
        channels=_channels(product),
        show_contact=may_see_contact(product.business, person),
        **extra,
    )


@public_bp.get("/products/<slug>")
@public_page
def page(slug: str) -> str:
    """The public page; a view by anyone but the owner and the office counts, once per visitor,
    day and channel it came through (see `counting`), and counting never fails the page."""
    product = db.first_or_404(queries.public_product(slug))
    person = viewer()
    counts = person is None or not (person.is_staff or person.id == product.business.owner_id)
    product_id, channel_id = product.id, current_visit_channel_id()
    html = render_product(product, share=share_product(product))
    if counts:
        what = subject("product", product_id, channel_id)
        repeat_on_hit(count_visit, what, "product-view", product_id, channel_id)
    return html
