"""Account forms: what each page asks for, and the checks that give a field its own message."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    Field,
    HiddenField,
    PasswordField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.fields.choices import Choice
from wtforms.validators import EqualTo, InputRequired, Length, Optional, ValidationError

from marketplace.accounts.models import BuyerType, Role
from marketplace.accounts.services import (
    AccountError,
    BuyerDetails,
    check_email,
    check_password_rules,
    normalise_email,
)
from marketplace.forms import Form
from marketplace.i18n import UI_LOCALES
from marketplace.timezones import is_known_zone

# Partner cities' countries first in mind, then the markets Bandung's exporters sell to most.
COUNTRY_CODES = (
    "AE", "AT", "AU", "BE", "BN", "BR", "CA", "CH", "CN", "DE", "DK", "EC", "ES", "FI", "FR",
    "GB", "HK", "ID", "IE", "IN", "IT", "JP", "KR", "MX", "MY", "NL", "NO", "NZ", "PH", "PL",
    "PT", "QA", "SA", "SE", "SG", "TH", "TR", "TW", "US", "VN", "ZA",
)  # fmt: skip

BUYER_TYPE_LABELS = {
    BuyerType.IMPORTER: _l("Importer"),
    BuyerType.DISTRIBUTOR: _l("Distributor"),
    BuyerType.RETAILER: _l("Retailer"),
    BuyerType.SHOWROOM: _l("Showroom or gallery"),
    BuyerType.INDIVIDUAL: _l("Individual buyer"),
}

REQUIRED = _l("Please fill in this field.")
PASSWORDS_DIFFER = _l("The two passwords are not the same.")


def country_choices() -> list[SelectChoice]:
    """Country names in the page's language, sorted as a reader of that language expects."""
    locale = get_locale()
    names = locale.territories if locale else {}
    choices = [SelectChoice(code, str(names.get(code, code))) for code in COUNTRY_CODES]
    choices.sort(key=lambda choice: choice.label.casefold())
    return [SelectChoice("", str(_l("Choose a country"))), *choices]


def is_business_type(value: str | None) -> bool:
    """A chosen type other than a private buyer (an empty choice is no business yet)."""
    return bool(value) and value in set(BuyerType) and BuyerType(value).is_business


def buyer_type_choices(*, empty: bool) -> list[SelectChoice]:
    """The types in a select, a private buyer first; with `empty`, a "choose" entry first."""
    kinds = [BuyerType.INDIVIDUAL, *(k for k in BUYER_TYPE_LABELS if k is not BuyerType.INDIVIDUAL)]
    choices = [SelectChoice(kind.value, str(BUYER_TYPE_LABELS[kind])) for kind in kinds]
    return ([SelectChoice("", str(_l("Choose a type")))] if empty else []) + choices


def email_is_valid(form: Form, field: Field) -> None:
    try:
        field.data = check_email(field.data or "")
    except AccountError as error:
        raise ValidationError(str(error.message)) from error


class RegisterForm(Form):
    role = RadioField(
        _l("I am a..."),
        choices=[
            SelectChoice(Role.MSME.value, _l("Bandung MSME owner")),
            SelectChoice(Role.BUYER.value, _l("Buyer abroad")),
        ],
        validators=[InputRequired(_l("Choose whether you are an MSME owner or a buyer."))],
    )
    name = StringField(_l("Your name"), validators=[InputRequired(REQUIRED), Length(max=120)])
    email = EmailField(
        _l("E-mail address"),
        validators=[InputRequired(REQUIRED), Length(max=254), email_is_valid],
    )
    password = PasswordField(_l("Password"), validators=[InputRequired(REQUIRED)])
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[InputRequired(REQUIRED), EqualTo("password", PASSWORDS_DIFFER)],
    )
    company = StringField(_l("Company"), validators=[Optional(), Length(max=160)])
    buyer_type = SelectField(_l("Type of buyer"), default="")
    city = StringField(_l("City"), validators=[Optional(), Length(max=120)])
    country = SelectField(_l("Country"), default="")
    partner_city = SelectField(_l("Partner city"), default="")
    submit = SubmitField(_l("Create account"))

    def __init__(self, *args: Any, partner_cities: list[SelectChoice], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.buyer_type.choices = buyer_type_choices(empty=True)
        self.country.choices = country_choices()
        self.partner_city.choices = [
            SelectChoice("", str(_l("None / not a partner city"))),
            *partner_cities,
        ]

    def validate_password(self, field: Field) -> None:
        try:
            check_password_rules(field.data or "", normalise_email(self.email.data or ""))
        except AccountError as error:
            raise ValidationError(str(error.message)) from error

    def validate(self, extra_validators: Any = None) -> bool:
        """Only what the person's role and type need: an MSME owner nothing more; a buyer the
        type and country; a business (every type but a private buyer) also its company."""
        valid = super().validate(extra_validators)
        if self.role.data == Role.BUYER.value:
            needed = [self.buyer_type, self.country]
            if is_business_type(self.buyer_type.data):
                needed.append(self.company)
            for field in needed:
                if not (field.data or "").strip():
                    field.errors = [*field.errors, str(_l("Buyers need to fill in this field."))]
                    valid = False
        return valid

    def buyer_details(self) -> BuyerDetails | None:
        if self.role.data != Role.BUYER.value:
            return None
        business = is_business_type(self.buyer_type.data)
        return BuyerDetails(
            company=(self.company.data or "") if business else "",
            buyer_type=BuyerType(self.buyer_type.data),
            city=(self.city.data or "") if business else "",
            country_code=self.country.data or "",
            partner_city_id=(
                int(self.partner_city.data) if business and self.partner_city.data else None
            ),
        )


class LoginForm(Form):
    email = EmailField(_l("E-mail address"), validators=[InputRequired(REQUIRED)])
    password = PasswordField(_l("Password"), validators=[InputRequired(REQUIRED)])
    remember = BooleanField(_l("Keep me logged in on this device"))
    submit = SubmitField(_l("Log in"))


class RequestResetForm(Form):
    email = EmailField(
        _l("E-mail address"),
        validators=[InputRequired(REQUIRED), Length(max=254), email_is_valid],
    )
    submit = SubmitField(_l("Send me a link"))


class ResetPasswordForm(Form):
    password = PasswordField(_l("New password"), validators=[InputRequired(REQUIRED)])
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[InputRequired(REQUIRED), EqualTo("password", PASSWORDS_DIFFER)],
    )
    submit = SubmitField(_l("Set the new password"))


class ZoneSelectField(SelectField):
    """A select whose zone may be offered twice (a partner city's near the top, and again in
    the list of all zones): only its first option is marked as chosen."""

    def iter_groups(self) -> Iterator[tuple[str | None, list[Choice]]]:
        chosen = False
        for group, choices in super().iter_groups():
            marked = []
            for choice in choices:
                selected = bool(choice.selected) and not chosen
                chosen = chosen or selected
                marked.append(choice._replace(selected=selected))
            yield group, marked


class SettingsForm(Form):
    name = StringField(_l("Your name"), validators=[InputRequired(REQUIRED), Length(max=120)])
    locale = SelectField(
        _l("Language"), choices=[SelectChoice(code, name) for code, name in UI_LOCALES.items()]
    )
    timezone = ZoneSelectField(_l("Time zone"), default="", validate_choice=False)
    submit = SubmitField(_l("Save settings"))

    def __init__(self, *args: Any, zones: list[SelectChoice], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.timezone.choices = zones

    def validate_timezone(self, field: Field) -> None:
        if field.data and not is_known_zone(field.data):
            raise ValidationError(_l("Choose a time zone from the list."))


class ChoosePasswordForm(Form):
    """The first password of an account opened by a mailed link (no current one to give)."""

    new_password = PasswordField(_l("Password"), validators=[InputRequired(REQUIRED)])
    confirm_password = PasswordField(
        _l("Repeat the password"),
        validators=[InputRequired(REQUIRED), EqualTo("new_password", PASSWORDS_DIFFER)],
    )
    next = HiddenField()
    submit = SubmitField(_l("Save the password"))


class ChangePasswordForm(Form):
    current_password = PasswordField(_l("Current password"), validators=[InputRequired(REQUIRED)])
    new_password = PasswordField(_l("New password"), validators=[InputRequired(REQUIRED)])
    confirm_password = PasswordField(
        _l("Repeat the new password"),
        validators=[InputRequired(REQUIRED), EqualTo("new_password", PASSWORDS_DIFFER)],
    )
    submit = SubmitField(_l("Change password"))
