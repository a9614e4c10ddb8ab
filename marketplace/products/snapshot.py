"""What the office approved, and what changed since.

When an officer approves a product, a snapshot of its text, export facts and photos is kept
on the product. A published product whose reviewed content (name, texts, translations,
photos) no longer matches that snapshot goes back to review, and the office sees the
difference field by field.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

from marketplace.i18n import CONTENT_LOCALES
from marketplace.products.models import Product

# The parts whose change sends a published product back to review. Export facts (price,
# minimum order, lead time...) are the owner's to keep current without waiting for the office.
REVIEWED = ("name", "description", "story", "materials", "translations", "photos")

# What the office reads for each field: the product form's own labels (the same messages, so
# they share one translation).
FIELD_LABELS: dict[str, LazyString] = {
    "name": _l("Name (English)"),
    "description": _l("Description (English)"),
    "story": _l("The maker's story"),
    "materials": _l("Materials"),
    "subsector": _l("Creative subsector"),
    "hs_code": _l("HS code"),
    "price_idr": _l("Price in rupiah (IDR)"),
    "unit": _l("Price per"),
    "moq": _l("Minimum order quantity"),
    "lead_time_days": _l("Lead time in days"),
    "monthly_capacity": _l("Monthly capacity (units)"),
    "dimensions": _l("Dimensions"),
    "weight_grams": _l("Weight in grams"),
    "certifications": _l("Certifications that apply"),
}


def _translation(
    name: str, description: str | None, materials: str | None, story: str | None
) -> dict[str, str]:
    # Materials and story only when written: a snapshot approved before translations held
    # them still equals the product's as long as none is written.
    text = {"name": name, "description": description or ""}
    if materials:
        text["materials"] = materials
    if story:
        text["story"] = story
    return text


def take_snapshot(product: Product) -> dict[str, Any]:
    images = sorted(product.images, key=lambda image: (image.position, image.id or 0))
    return {
        "name": product.name,
        "description": product.description or "",
        "story": product.story or "",
        "materials": product.materials or "",
        "translations": {
            t.locale: _translation(t.name, t.description, t.materials, t.story)
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
    field: str  # the stored name ("price_idr", "name [de]", "photo 2")
    label: str  # what the office reads ("Price in rupiah (IDR)", "Name (Deutsch)", "Photo 2")
    before: str
    after: str


@dataclass(frozen=True)
class _Field:
    label: str
    value: str


def _flatten(snapshot: dict[str, Any]) -> dict[str, _Field]:
    """Each field of a snapshot by its stored name, with the form's label in the reader's
    language."""
    flat: dict[str, _Field] = {}
    for part in ("name", "description", "story", "materials"):
        flat[part] = _Field(str(FIELD_LABELS[part]), str(snapshot.get(part) or ""))
    for locale, text in sorted(snapshot.get("translations", {}).items()):
        language = CONTENT_LOCALES.get(locale, locale)
        flat[f"name [{locale}]"] = _Field(
            _("Name (%(language)s)", language=language), text.get("name", "")
        )
        flat[f"description [{locale}]"] = _Field(
            _("Description (%(language)s)", language=language), text.get("description", "")
        )
        flat[f"materials [{locale}]"] = _Field(
            _("Materials (%(language)s)", language=language), text.get("materials", "")
        )
        flat[f"story [{locale}]"] = _Field(
            _("The maker's story (%(language)s)", language=language), text.get("story", "")
        )
    for n, photo in enumerate(snapshot.get("photos", []), start=1):
        alt = f" ({photo['alt']})" if photo.get("alt") else ""
        flat[f"photo {n}"] = _Field(_("Photo %(n)s", n=n), f"{photo['digest'][:12]}{alt}")
    for name, value in snapshot.get("facts", {}).items():
        words = FIELD_LABELS.get(name)
        flat[name] = _Field(
            str(words) if words is not None else name,
            ", ".join(value) if isinstance(value, list) else ("" if value is None else str(value)),
        )
    return flat


def changes(before: dict[str, Any] | None, after: dict[str, Any]) -> list[Change]:
    """Every field whose value differs, in a stable order; absent fields read as empty."""
    old, new = _flatten(before or {}), _flatten(after)
    names = list(old) + [name for name in new if name not in old]
    empty = _Field("", "")
    result = []
    for name in names:
        was, now = old.get(name, empty), new.get(name, empty)
        if was.value != now.value:
            result.append(Change(name, now.label or was.label, was.value, now.value))
    return result
