"""Forms of the owner's product pages: the listing with its translations, and the photos."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf.file import MultipleFileField
from wtforms import (
    Field,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import AnyOf, DataRequired, Length, NumberRange, Optional, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from marketplace.forms import Form, LanguageField, with_language_fields
from marketplace.i18n import CONTENT_LOCALES
from marketplace.products.models import Product
from marketplace.products.photos import MAX_ALT
from marketplace.products.services import (
    MAX_PRICE_IDR,
    TRANSLATION_LOCALES,
    ProductData,
    TranslationData,
)

_GROUPED = re.compile(r"\d{1,3}(?:[., ]\d{3})+")
PHOTO_TYPES = "image/jpeg,image/png,image/webp"


def strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def hs_digits(value: Any) -> Any:
    """HS codes are often written with dots (4202.22.00); only the digits count."""
    if isinstance(value, str):
        return "".join(ch for ch in value if not ch.isspace() and ch != ".")
    return value


class RupiahField(StringField):
    """Whole rupiah, typed as people write it: 150000, 150.000, 150,000 or Rp 150.000."""

    data: int | None

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.data = None
        raw = str(valuelist[0]).strip() if valuelist else ""
        if not raw:
            return
        cleaned = re.sub(r"^rp\.?\s*", "", raw, flags=re.IGNORECASE)
        if _GROUPED.fullmatch(cleaned):
            cleaned = re.sub(r"[., ]", "", cleaned)
        if not cleaned.isdigit():
            raise ValueError(_l("Enter the price in whole rupiah, e.g. 150000."))
        self.data = int(cleaned)

    def _value(self) -> str:
        if self.raw_data:
            return str(self.raw_data[0])
        return "" if self.data is None else str(self.data)


class CheckboxListField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


# Every text field per content language, each input marked with its `lang`.
PRODUCT_TEXTS = (
    LanguageField("name", StringField, 160, lambda lang: _l("Name (%(language)s)", language=lang)),
    LanguageField(
        "description",
        TextAreaField,
        5000,
        lambda lang: _l("Description (%(language)s)", language=lang),
    ),
    LanguageField(
        "materials", StringField, 255, lambda lang: _l("Materials (%(language)s)", language=lang)
    ),
    LanguageField(
        "story",
        TextAreaField,
        5000,
        lambda lang: _l("The maker's story (%(language)s)", language=lang),
    ),
)


@with_language_fields(TRANSLATION_LOCALES, CONTENT_LOCALES, PRODUCT_TEXTS)
class ProductForm(Form):
    # Set on the "new product" page; the same key posted twice makes one draft.
    submission_key = HiddenField(validators=[Optional(), Length(max=64)])
    name = StringField(
        _l("Name (English)"),
        validators=[DataRequired(), Length(max=160)],
        filters=[strip],
        render_kw={"lang": "en"},
    )
    description = TextAreaField(
        _l("Description (English)"),
        validators=[Length(max=5000)],
        filters=[strip],
        render_kw={"lang": "en"},
    )
    subsector_code = SelectField(_l("Creative subsector"), choices=[])
    hs_code = StringField(
        _l("HS code"),
        validators=[
            Optional(),
            Regexp(r"^\d{6,10}$", message=_l("The HS code has 6 to 10 digits.")),
        ],
        filters=[hs_digits],
        render_kw={"inputmode": "numeric"},
    )
    price_idr = RupiahField(
        _l("Price in rupiah (IDR)"),
        validators=[
            Optional(),
            NumberRange(
                min=1,
                max=MAX_PRICE_IDR - 1,
                message=_l("The price is a positive whole number of rupiah."),
            ),
        ],
        render_kw={"inputmode": "numeric"},
    )
    unit = SelectField(_l("Price per"), choices=[])
    moq = IntegerField(
        _l("Minimum order quantity"),
        validators=[
            Optional(),
            NumberRange(min=1, max=10**9, message=_l("The minimum order is at least 1.")),
        ],
    )
    lead_time_days = IntegerField(
        _l("Lead time in days"),
        validators=[
            Optional(),
            NumberRange(min=0, max=730, message=_l("The lead time is 0 to 730 days.")),
        ],
    )
    monthly_capacity = IntegerField(
        _l("Monthly capacity (units)"),
        validators=[
            Optional(),
            NumberRange(min=1, max=10**9, message=_l("The monthly capacity is at least 1.")),
        ],
    )
    materials = StringField(
        _l("Materials"), validators=[Length(max=255)], filters=[strip], render_kw={"lang": "en"}
    )
    dimensions = StringField(_l("Dimensions"), validators=[Length(max=80)], filters=[strip])
    weight_grams = IntegerField(
        _l("Weight in grams"),
        validators=[
            Optional(),
            NumberRange(min=1, max=10**8, message=_l("The weight is at least 1 gram.")),
        ],
    )
    certification_ids = CheckboxListField(
        _l("Certifications that apply"), choices=[], coerce=int, validate_choice=True
    )
    story = TextAreaField(
        _l("The maker's story"),
        validators=[Length(max=5000)],
        filters=[strip],
        render_kw={"lang": "en"},
    )

    def translation_fields(self, code: str) -> tuple[Field, Field, Field, Field]:
        """Name, description, materials and story in the language `code`."""
        return (
            getattr(self, f"name_{code}"),
            getattr(self, f"description_{code}"),
            getattr(self, f"materials_{code}"),
            getattr(self, f"story_{code}"),
        )

    def language_open(self, code: str) -> bool:
        """Whether the language's fold starts open: it holds text or a mistake."""
        return any(f.data or f.errors for f in self.translation_fields(code))

    def to_data(self) -> ProductData:
        translations: dict[str, TranslationData] = {}
        for code in TRANSLATION_LOCALES:
            name, description, materials, story = self.translation_fields(code)
            if name.data or description.data or materials.data or story.data:
                translations[code] = TranslationData(
                    name.data or "",
                    description.data or "",
                    materials.data or "",
                    story.data or "",
                )
        return ProductData(
            name=self.name.data or "",
            description=self.description.data or "",
            subsector_code=self.subsector_code.data or None,
            hs_code=self.hs_code.data or None,
            price_idr=self.price_idr.data,
            unit=self.unit.data or "",
            moq=self.moq.data,
            lead_time_days=self.lead_time_days.data,
            monthly_capacity=self.monthly_capacity.data,
            materials=self.materials.data or None,
            dimensions=self.dimensions.data or None,
            weight_grams=self.weight_grams.data,
            story=self.story.data or None,
            certification_ids=tuple(self.certification_ids.data or ()),
            translations=translations,
        )


def product_form_values(product: Product) -> dict[str, Any]:
    """Initial values that are not plain attributes of the product."""
    values: dict[str, Any] = {"certification_ids": [c.id for c in product.certifications]}
    for t in product.translations:
        values[f"name_{t.locale}"] = t.name
        values[f"description_{t.locale}"] = t.description
        values[f"materials_{t.locale}"] = t.materials or ""
        values[f"story_{t.locale}"] = t.story or ""
    return values


def set_choices(
    form: ProductForm,
    subsectors: Sequence[SelectChoice],
    units: Sequence[str],
    certifications: Sequence[tuple[int, str]],
) -> None:
    form.subsector_code.choices = list(subsectors)
    form.unit.choices = [SelectChoice(unit) for unit in units]
    form.certification_ids.choices = [
        SelectChoice(str(id_), label) for id_, label in certifications
    ]


class PhotoUploadForm(Form):
    photos = MultipleFileField(
        _l("Add photos (JPEG, PNG or WebP, up to 10 MB each)"),
        render_kw={"accept": PHOTO_TYPES},
    )


class AltTextForm(Form):
    alt_text = StringField(
        _l("Alt text (what the photo shows)"), validators=[Length(max=MAX_ALT)], filters=[strip]
    )


class MoveForm(Form):
    direction = HiddenField(validators=[AnyOf(["up", "down"])])
