"""The project's base form: Flask-WTF's form, with WTForms' own messages in the reader's language,
and the rules every form obeys about what a value may be.

WTForms writes its default messages ("This field is required.", "Not a valid integer value.")
through the form's translations, in its `wtforms` gettext domain. It ships catalogs for many
languages but not for Indonesian, so ours lives in translations/id/LC_MESSAGES/wtforms.po and is
looked up first; WTForms' catalogs answer for the other languages. Everything else (CSRF, reading
the request) is Flask-WTF's, unchanged.

Three rules, so that no input reaches the database that it cannot hold (see also
`marketplace.inputs` for URLs):
- No field may contain a NUL character: PostgreSQL text cannot store one. The field gets a
  message; its validators see the text without the NUL, so none of them sends it to the database.
- A date lies between EARLIEST_DATE and LATEST_DATE. The periods of reports and filters are
  computed from the dates given (the day after the last, the start of the first day in UTC),
  and dates at the edges of the calendar (0001-01-01, 9999-12-31) have neither. A date outside
  gets a message; validators may still compare it (not compute with it), and the view, seeing
  the form invalid, never uses it.
- A number is one a 64-bit integer column can hold, and a decimal is finite. Larger numbers
  fit no column, and WTForms' NumberRange cannot even compare one past 10**308 (it converts it
  to a float) nor a signalling NaN. Such a value is refused as WTForms refuses a number it
  cannot read: no data, and a message.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from babel.support import NullTranslations, Translations
from flask import current_app, has_request_context
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from wtforms import DateField, Field, StringField
from wtforms.i18n import messages_path
from wtforms.validators import Length

from marketplace.inputs import DB_BIGINT_MAX, NUL

TRANSLATIONS = Path(__file__).resolve().parent / "translations"
DOMAIN = "wtforms"
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2100, 12, 31)


@cache
def wtforms_catalog(locale: str) -> NullTranslations:
    """Our catalog for `locale`, falling back to WTForms' own, then to the English msgids.

    Loaded once per locale for the life of the process, like Flask-Babel's catalogs: the files
    only change with a deploy.
    """
    catalog = Translations.load(str(TRANSLATIONS), [locale], domain=DOMAIN)
    catalog.add_fallback(Translations.load(messages_path(), [locale], domain=DOMAIN))
    return catalog


class WTFormsTranslations:
    """The gettext pair WTForms calls, in the current request's locale.

    The strings come back raw: WTForms applies the %-formatting itself, with its own keys
    (`%(min)d`, `%(max)d`), so a formatting gettext such as Flask-Babel's would break them.
    Outside a request (commands, tests of a form alone) the English msgids are returned.
    """

    def _catalog(self) -> NullTranslations | None:
        if not has_request_context():
            return None
        locale = get_locale()
        return wtforms_catalog(str(locale)) if locale is not None else None

    def gettext(self, string: str) -> str:
        catalog = self._catalog()
        return string if catalog is None else catalog.gettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        catalog = self._catalog()
        if catalog is None:
            return singular if n == 1 else plural
        return catalog.ngettext(singular, plural, n)


translations = WTFormsTranslations()


def _without_nul(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace(NUL, "")
    if isinstance(value, list):
        return [_without_nul(item) for item in value]
    return value


def _holds_nul(field: Field) -> bool:
    return any(isinstance(raw, str) and NUL in raw for raw in field.raw_data or [])


def _wtforms_words(field: Field, message: str) -> str:
    """One of WTForms' own messages, in the reader's language from the `wtforms` domain (where
    our catalog has it), so it is not extracted into ours."""
    return str(field.gettext(message))


def _unstorable_number(field: Field) -> str | None:
    """WTForms' message for a number no column holds, or None for anything else."""
    data = field.data
    if isinstance(data, int) and not isinstance(data, bool):
        if data > DB_BIGINT_MAX:
            message = _wtforms_words(field, "Number must be at most %(max)s.")
            return message % {"max": DB_BIGINT_MAX}
        if data < -DB_BIGINT_MAX:
            message = _wtforms_words(field, "Number must be at least %(min)s.")
            return message % {"min": -DB_BIGINT_MAX}
    if isinstance(data, Decimal) and not data.is_finite():
        return _wtforms_words(field, "Not a valid decimal value.")
    if isinstance(data, float) and not math.isfinite(data):
        return _wtforms_words(field, "Not a valid float value.")
    return None


def _outside_dates(field: Field) -> bool:
    day = field.data if isinstance(field, DateField) else None
    return isinstance(day, date) and not EARLIEST_DATE <= day <= LATEST_DATE


class Form(FlaskForm):
    """Every form of the project: Flask-WTF's behaviour, WTForms' messages translated, and no
    value the database cannot hold or the marketplace cannot compute with."""

    class Meta(FlaskForm.Meta):
        def get_translations(self, form: Any) -> Any:
            # Flask-WTF's switch keeps its meaning: off means WTForms' untranslated defaults.
            if not current_app.config.get("WTF_I18N_ENABLED", True):
                return super().get_translations(form)
            return translations

    def process(
        self, formdata: Any = None, obj: Any = None, data: Any = None, **kwargs: Any
    ) -> None:
        """Refuse what was sent as WTForms refuses a value it cannot read: a message in the
        field's errors, so the form is invalid whatever its validators say."""
        super().process(formdata, obj, data=data, **kwargs)
        for field in self:
            if not field.raw_data:
                continue  # not sent: the value came from the object or the defaults
            if _holds_nul(field):
                field.data = _without_nul(field.data)
                field.process_errors.append(
                    _("This field contains a NUL character, which is not allowed.")
                )
            number_refused = _unstorable_number(field)
            if number_refused is not None:
                field.data = None
                field.process_errors.append(number_refused)
            if _outside_dates(field):
                # WTForms' own words for its DateRange validator, with the dates as typed.
                message = _wtforms_words(field, "Date must be between %(min)s and %(max)s.")
                field.process_errors.append(
                    message % {"min": EARLIEST_DATE.isoformat(), "max": LATEST_DATE.isoformat()}
                )


F = TypeVar("F", bound=Form)


@dataclass(frozen=True)
class LanguageField:
    """One free-text field an owner can write in each content language: the form gets
    `<name>_<code>` per language, its input marked with `lang`. `label` makes the label from the
    language's own name (a lambda around `_l(...)`, so the words stay in the catalogs)."""

    name: str
    field: type[StringField]
    max_length: int
    label: Callable[[str], Any]


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def with_language_fields(
    locales: Iterable[str], names: Mapping[str, str], fields: Sequence[LanguageField]
) -> Callable[[type[F]], type[F]]:
    """A class decorator adding every field of `fields` once per code of `locales`."""

    def decorate(cls: type[F]) -> type[F]:
        for code in locales:
            for spec in fields:
                setattr(
                    cls,
                    f"{spec.name}_{code}",
                    spec.field(
                        spec.label(names[code]),
                        validators=[Length(max=spec.max_length)],
                        filters=[_strip],
                        render_kw={"lang": code},
                    ),
                )
        return cls

    return decorate
