"""Forms of the owner's business pages: the profile and its certificates."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    Field,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TelField,
    TextAreaField,
)
from wtforms.validators import (
    URL,
    DataRequired,
    Email,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from marketplace.businesses.countries import is_country
from marketplace.businesses.models import Business, ExportExperience
from marketplace.businesses.services import DISTRICTS, CertificationData, ProfileData
from marketplace.businesses.texts import TRANSLATION_LOCALES, TranslationData, translation_values
from marketplace.db import db
from marketplace.forms import Form, LanguageField, with_language_fields
from marketplace.i18n import CONTENT_LOCALES
from marketplace.reference import choices
from marketplace.reference.models import Certification


def strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def digits_only(value: Any) -> Any:
    """People type an NIB with spaces or dots; only the digits count."""
    if isinstance(value, str):
        return "".join(ch for ch in value if not ch.isspace() and ch not in ".-")
    return value


def none_if_empty(value: str | None) -> str | None:
    return value.strip() or None if value else None


def without_empty(values: Any) -> Any:
    """An empty value in a list of choices is no choice."""
    return [value for value in values if value] if isinstance(values, list) else values


def not_in_future(form: Form, field: IntegerField) -> None:
    if field.data is not None and field.data > date.today().year:
        raise ValidationError(_l("The year cannot be in the future."))


WEBSITE_MESSAGE = _l("Enter a full address, e.g. https://example.com.")
# A scheme already written ("https:", "javascript:", "mailto:"): left for the validators.
SCHEME = re.compile(r"^[a-z][a-z0-9+.\-]*:", re.IGNORECASE)


WEB_SCHEME = re.compile(r"^https?://", re.IGNORECASE)
_url = URL(message=WEBSITE_MESSAGE)


def web_address(form: Form, field: StringField) -> None:
    """Only web addresses: a javascript: or data: link would run in visitors' browsers. One
    rule with one message, however many ways the address is wrong (two validators with the
    same words said it twice)."""
    if not WEB_SCHEME.match(field.data or ""):
        raise ValidationError(WEBSITE_MESSAGE)
    _url(form, field)


def with_scheme(value: Any) -> Any:
    """ "awikriya.co.id" and "www.awikriya.co.id/shop" as https:// addresses."""
    if isinstance(value, str) and value and not SCHEME.match(value):
        return f"https://{value}"
    return value


LOGO_TYPES = "image/jpeg,image/png,image/webp"
SCAN_TYPES = "image/jpeg,image/png,image/webp,application/pdf"


class CheckboxListField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


EXPORT_EXPERIENCE_CHOICES = [
    SelectChoice(ExportExperience.NONE.value, _l("None yet")),
    SelectChoice(ExportExperience.INDIRECT.value, _l("Indirect (through a trader or exporter)")),
    SelectChoice(ExportExperience.DIRECT.value, _l("Direct (we export ourselves)")),
]


# The profile's free text per content language, each input marked with its `lang`.
PROFILE_TEXTS = (
    LanguageField(
        "description",
        TextAreaField,
        5000,
        lambda lang: _l("About the business (%(language)s)", language=lang),
    ),
    LanguageField(
        "monthly_capacity",
        StringField,
        120,
        lambda lang: _l("Monthly production capacity (%(language)s)", language=lang),
    ),
)


@with_language_fields(TRANSLATION_LOCALES, CONTENT_LOCALES, PROFILE_TEXTS)
class BusinessForm(Form):
    name = StringField(
        _l("Business name"), validators=[DataRequired(), Length(max=160)], filters=[strip]
    )
    nib = StringField(
        _l("NIB (Nomor Induk Berusaha)"),
        validators=[Optional(), Regexp(r"^\d{13}$", message=_l("The NIB has exactly 13 digits."))],
        filters=[digits_only],
    )
    subsector_code = SelectField(_l("Creative subsector"), choices=[], validate_choice=True)
    district = SelectField(
        _l("District (kecamatan)"),
        choices=[SelectChoice("", _l("Choose a district")), *(SelectChoice(d) for d in DISTRICTS)],
    )
    description = TextAreaField(
        _l("About the business"),
        validators=[Length(max=5000)],
        filters=[strip],
        render_kw={"lang": "en"},
    )
    year_founded = IntegerField(
        _l("Year founded"), validators=[Optional(), NumberRange(min=1800), not_in_future]
    )
    employees = IntegerField(
        _l("Number of employees"), validators=[Optional(), NumberRange(min=0, max=100_000)]
    )
    monthly_capacity = StringField(
        _l("Monthly production capacity"),
        validators=[Length(max=120)],
        filters=[strip],
        render_kw={"lang": "en"},
    )
    export_experience = SelectField(
        _l("Export experience"),
        choices=EXPORT_EXPERIENCE_CHOICES,
        default=ExportExperience.NONE.value,
    )
    export_markets = CheckboxListField(
        _l("Export markets"),
        choices=[],
        default=[],
        validate_choice=False,
        filters=[without_empty],
    )
    # Only on the form while the free text of before left something to choose again.
    export_markets_note = TextAreaField(
        _l("From your earlier text, not yet chosen"),
        validators=[Length(max=2000)],
        filters=[strip],
    )
    logo = FileField(_l("Logo"), render_kw={"accept": LOGO_TYPES})
    remove_logo = BooleanField(_l("Remove the current logo"))
    # Typed as text ("awikriya.co.id" is how people write it): a bare address gets https://.
    website = StringField(
        _l("Website"),
        validators=[Optional(), web_address, Length(max=255)],
        filters=[strip, with_scheme],
        render_kw={"inputmode": "url", "autocomplete": "url"},
    )
    instagram = StringField(_l("Instagram"), validators=[Length(max=120)], filters=[strip])
    contact_email = EmailField(
        _l("Contact e-mail"), validators=[Optional(), Email(), Length(max=254)], filters=[strip]
    )
    contact_phone = TelField(_l("Contact phone"), validators=[Length(max=40)], filters=[strip])
    whatsapp = TelField(_l("WhatsApp"), validators=[Length(max=40)], filters=[strip])
    address = StringField(_l("Address"), validators=[Length(max=255)], filters=[strip])

    def translation_fields(self, code: str) -> tuple[Field, Field]:
        """About the business and monthly capacity in the language `code`."""
        return getattr(self, f"description_{code}"), getattr(self, f"monthly_capacity_{code}")

    def validate_export_markets(self, field: CheckboxListField) -> None:
        if not all(isinstance(code, str) and is_country(code) for code in field.data or ()):
            raise ValidationError(_l("Choose the export markets from the list of countries."))

    def language_open(self, code: str) -> bool:
        return any(f.data or f.errors for f in self.translation_fields(code))

    def fill_translations(self, business: Business) -> None:
        """The written translations as the fields' first values (not on a posted form)."""
        for code, text in translation_values(business).items():
            for name, value in text.items():
                getattr(self, f"{name}_{code}").data = value

    def translations(self) -> dict[str, TranslationData]:
        texts = {}
        for code in TRANSLATION_LOCALES:
            description, capacity = self.translation_fields(code)
            texts[code] = TranslationData(description.data or "", capacity.data or "")
        return texts

    def to_data(self) -> ProfileData:
        return ProfileData(
            name=self.name.data or "",
            nib=self.nib.data or None,
            subsector_code=self.subsector_code.data or None,
            district=self.district.data or None,
            description=self.description.data or "",
            year_founded=self.year_founded.data,
            employees=self.employees.data,
            monthly_capacity=none_if_empty(self.monthly_capacity.data),
            export_experience=ExportExperience(self.export_experience.data),
            export_markets=tuple(self.export_markets.data or ()),
            export_markets_note=none_if_empty(self.export_markets_note.data),
            website=none_if_empty(self.website.data),
            instagram=none_if_empty(self.instagram.data),
            contact_email=none_if_empty(self.contact_email.data),
            contact_phone=none_if_empty(self.contact_phone.data),
            whatsapp=none_if_empty(self.whatsapp.data),
            address=none_if_empty(self.address.data),
        )


class CertificationForm(Form):
    certification_code = SelectField(_l("Certification"), choices=[], validate_choice=True)
    number = StringField(
        _l("Certificate number"), validators=[DataRequired(), Length(max=80)], filters=[strip]
    )
    issuer = StringField(_l("Issued by"), validators=[Length(max=120)], filters=[strip])
    expires_on = DateField(_l("Valid until"), validators=[Optional()])
    scan = FileField(_l("Scan of the certificate (image or PDF)"), render_kw={"accept": SCAN_TYPES})
    remove_scan = BooleanField(_l("Remove the current scan"))

    def to_data(self) -> CertificationData:
        return CertificationData(
            certification_code=self.certification_code.data or "",
            number=self.number.data or "",
            issuer=none_if_empty(self.issuer.data),
            expires_on=self.expires_on.data,
        )


def subsector_choices() -> list[SelectChoice]:
    """The subsectors (`reference.choices`) after an empty "choose" entry."""
    return [SelectChoice("", _l("Choose a subsector")), *choices.subsector_choices()]


def certification_choices() -> list[SelectChoice]:
    rows = db.session.scalars(sa.select(Certification).order_by(Certification.name))
    return [SelectChoice(c.code, c.name) for c in rows]
