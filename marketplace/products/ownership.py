"""Loading the signed-in owner's products and photos: anything else answers 404."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort

from marketplace.accounts.current import me
from marketplace.businesses.models import Business
from marketplace.db import db
from marketplace.products import queries
from marketplace.products.models import Product, ProductImage


def get_own_product(product_id: int) -> Product:
    product = db.session.scalar(
        queries.with_details(
            sa.select(Product)
            .join(Product.business)
            .where(Product.id == product_id, Business.owner_id == me().id)
        )
    )
    if product is None:
        abort(404)
    return product


def get_own_photo(product_id: int, image_id: int) -> tuple[Product, ProductImage]:
    product = get_own_product(product_id)
    image = next((image for image in product.images if image.id == image_id), None)
    if image is None:
        abort(404)
    return product, image
