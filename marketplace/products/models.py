"""Export-ready product listings, their photos and their translations."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.businesses.models import Business
from marketplace.db import Base, created_at, intpk, str_enum, updated_at

if TYPE_CHECKING:
    from marketplace.businesses.models import BusinessCertification
    from marketplace.reference.models import Subsector


class ProductStatus(enum.StrEnum):
    DRAFT = "draft"
    PENDING_REVIEW = "pending_review"
    PUBLISHED = "published"
    REJECTED = "rejected"
    ARCHIVED = "archived"


product_certification = sa.Table(
    "product_certifications",
    Base.metadata,
    sa.Column("product_id", sa.ForeignKey("products.id", ondelete="CASCADE"), primary_key=True),
    sa.Column(
        "business_certification_id",
        sa.ForeignKey("business_certifications.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    # The products of a certificate: the catalog's count for a certification starts here.
    sa.Index("ix_product_certifications_certificate", "business_certification_id", "product_id"),
)


class Product(Base):
    __tablename__ = "products"
    __table_args__ = (
        sa.CheckConstraint("price_idr IS NULL OR price_idr > 0", name="price_positive"),
        sa.CheckConstraint("moq IS NULL OR moq > 0", name="moq_positive"),
        sa.CheckConstraint(
            "lead_time_days IS NULL OR lead_time_days >= 0", name="lead_time_not_negative"
        ),
        sa.CheckConstraint(
            "monthly_capacity IS NULL OR monthly_capacity > 0", name="capacity_positive"
        ),
        # An index, not a constraint: SQLite adds it without rebuilding the table (a rebuild
        # would drop the search index's trigger on products).
        sa.Index("ix_products_submission_key", "business_id", "submission_key", unique=True),
        sa.Index("ix_products_status_id", "status", "id"),
        # The catalog's sort orders (newest, price) walk these in order, page by page.
        sa.Index("ix_products_status_published_at", "status", "published_at", "id"),
        sa.Index("ix_products_status_price_idr", "status", "price_idr", "id"),
    )

    id: Mapped[intpk]
    business_id: Mapped[int] = mapped_column(sa.ForeignKey("businesses.id"), index=True)
    slug: Mapped[str] = mapped_column(sa.String(180), unique=True)
    # The canonical text is English; other languages live in ProductTranslation.
    name: Mapped[str] = mapped_column(sa.String(160))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    subsector_code: Mapped[str | None] = mapped_column(sa.ForeignKey("subsectors.code"), index=True)
    hs_code: Mapped[str | None] = mapped_column(sa.String(10))
    price_idr: Mapped[int | None] = mapped_column(sa.BigInteger)
    unit: Mapped[str] = mapped_column(sa.String(20), default="piece")
    moq: Mapped[int | None]
    lead_time_days: Mapped[int | None]
    monthly_capacity: Mapped[int | None]
    materials: Mapped[str | None] = mapped_column(sa.String(255))
    story: Mapped[str | None] = mapped_column(sa.Text)
    dimensions: Mapped[str | None] = mapped_column(sa.String(80))
    weight_grams: Mapped[int | None]
    status: Mapped[ProductStatus] = mapped_column(
        str_enum(ProductStatus, "status"), default=ProductStatus.DRAFT
    )
    status_reason: Mapped[str | None] = mapped_column(sa.Text)
    # What the officer approved last, so a re-review can show what changed since.
    approved_snapshot: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    submitted_at: Mapped[datetime | None]
    published_at: Mapped[datetime | None]
    view_count: Mapped[int] = mapped_column(default=0)
    # The "new product" form's one-time key: a double click or a resent form makes one draft.
    submission_key: Mapped[str | None] = mapped_column(sa.String(64))
    created_at: Mapped[created_at]
    updated_at: Mapped[updated_at]

    business: Mapped[Business] = relationship(back_populates="products")
    subsector: Mapped[Subsector | None] = relationship()
    images: Mapped[list[ProductImage]] = relationship(
        back_populates="product", cascade="all, delete-orphan", order_by="ProductImage.position"
    )
    translations: Mapped[list[ProductTranslation]] = relationship(
        back_populates="product", cascade="all, delete-orphan"
    )
    certifications: Mapped[list[BusinessCertification]] = relationship(
        secondary=product_certification
    )

    @hybrid_property
    def is_public(self) -> bool:
        """Only published products of verified businesses are shown to visitors and buyers:
        in the catalog, search, product pages, channel line-ups and their PDFs, storefronts, the
        sitemap and the API, and only they take a buyer's interest or a nomination.

        On an instance it reads `self.business` (loaded with the product, or found in the
        session). In a query it is a condition on both tables, so the query joins
        `Product.business` (as `products.queries.visible_products()` does) and no subquery is
        added per row; a query that forgets the join fails SQLAlchemy's cartesian-product check.
        """
        return self.status == ProductStatus.PUBLISHED and self.business.is_public

    @is_public.inplace.expression
    @classmethod
    def _is_public_condition(cls) -> sa.ColumnElement[bool]:
        return sa.and_(cls.status == ProductStatus.PUBLISHED, Business.is_public)

    def __repr__(self) -> str:
        return f"<Product {self.slug} {self.status}>"


class ProductImage(Base):
    __tablename__ = "product_images"
    __table_args__ = (sa.UniqueConstraint("product_id", "digest"),)

    id: Mapped[intpk]
    product_id: Mapped[int] = mapped_column(
        sa.ForeignKey("products.id", ondelete="CASCADE"), index=True
    )
    digest: Mapped[str] = mapped_column(sa.String(64), index=True)
    width: Mapped[int]
    height: Mapped[int]
    position: Mapped[int] = mapped_column(default=0)
    alt_text: Mapped[str] = mapped_column(sa.String(200), default="")
    created_at: Mapped[created_at]

    product: Mapped[Product] = relationship(back_populates="images")


class ProductTranslation(Base):
    """The product's texts in one language other than English; a text left empty is shown
    in English (see products.display)."""

    __tablename__ = "product_translations"
    __table_args__ = (sa.UniqueConstraint("product_id", "locale"),)

    id: Mapped[intpk]
    product_id: Mapped[int] = mapped_column(sa.ForeignKey("products.id", ondelete="CASCADE"))
    locale: Mapped[str] = mapped_column(sa.String(8))
    name: Mapped[str] = mapped_column(sa.String(160))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    materials: Mapped[str | None] = mapped_column(sa.String(255))
    story: Mapped[str | None] = mapped_column(sa.Text)

    product: Mapped[Product] = relationship(back_populates="translations")
