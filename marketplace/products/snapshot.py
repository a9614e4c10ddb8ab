"""What the office approved, and what changed since.

When an officer approves a product, a snapshot of its text, export facts and photos is kept
on the product. A published product whose reviewed content (name, texts, translations,
photos) no longer matches that snapshot goes back to review, and the office sees the
difference field by field.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from marketplace.products.models import Product

# The parts whose change sends a published product back to review. Export facts (price,
# minimum order, lead time...) are the owner's to keep current without waiting for the office.
REVIEWED = ("name", "description", "story", "materials", "translations", "photos")


def take_snapshot(product: Product) -> dict[str, Any]:
    images = sorted(product.images, key=lambda image: (image.position, image.id or 0))
    return {
        "name": product.name,
        "description": product.description or "",
        "story": product.story or "",
        "materials": product.materials or "",
        "translations": {
            t.locale: {"name": t.name, "description": t.description or ""}
            for t in sorted(product.translations, key=lambda t: t.locale)
        },
        "photos": [{"digest": image.digest, "alt": image.alt_text or ""} for image in images],
        "facts": {
            "subsector": product.subsector_code,
            "hs_code": product.hs_code,
            "price_idr": product.price_idr,
            "unit": product.unit,
            "moq": product.moq,
            "lead_time_days": product.lead_time_days,
            "monthly_capacity": product.monthly_capacity,
            "dimensions": product.dimensions,
            "weight_grams": product.weight_grams,
            "certifications": sorted(c.certification_code for c in product.certifications),
        },
    }


def needs_review(product: Product) -> bool:
    """Whether the reviewed content differs from what the office approved last."""
    approved = product.approved_snapshot or {}
    current = take_snapshot(product)
    return any(current[part] != approved.get(part) for part in REVIEWED)


@dataclass(frozen=True)
class Change:
    field: str
    before: str
    after: str


def _flatten(snapshot: dict[str, Any]) -> dict[str, str]:
    flat: dict[str, str] = {}
    for part in ("name", "description", "story", "materials"):
        flat[part] = str(snapshot.get(part) or "")
    for locale, text in sorted(snapshot.get("translations", {}).items()):
        flat[f"name [{locale}]"] = text.get("name", "")
        flat[f"description [{locale}]"] = text.get("description", "")
    for n, photo in enumerate(snapshot.get("photos", []), start=1):
        alt = f" ({photo['alt']})" if photo.get("alt") else ""
        flat[f"photo {n}"] = f"{photo['digest'][:12]}{alt}"
    for name, value in snapshot.get("facts", {}).items():
        flat[name] = (
            ", ".join(value) if isinstance(value, list) else ("" if value is None else str(value))
        )
    return flat


def changes(before: dict[str, Any] | None, after: dict[str, Any]) -> list[Change]:
    """Every field whose value differs, in a stable order; absent fields read as empty."""
    old, new = _flatten(before or {}), _flatten(after)
    names = list(old) + [name for name in new if name not in old]
    return [
        Change(name, old.get(name, ""), new.get(name, ""))
        for name in names
        if old.get(name, "") != new.get(name, "")
    ]
