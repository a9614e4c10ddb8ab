"""The project's base form: Flask-WTF's form, with WTForms' own messages in the reader's language.

WTForms writes its default messages ("This field is required.", "Not a valid integer value.")
through the form's translations, in its `wtforms` gettext domain. It ships catalogs for many
languages but not for Indonesian, so ours lives in translations/id/LC_MESSAGES/wtforms.po and is
looked up first; WTForms' catalogs answer for the other languages. Everything else (CSRF, reading
the request) is Flask-WTF's, unchanged.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from babel.support import NullTranslations, Translations
from flask import current_app, has_request_context
from flask_babel import get_locale
from flask_wtf import FlaskForm
from wtforms.i18n import messages_path

TRANSLATIONS = Path(__file__).resolve().parent / "translations"
DOMAIN = "wtforms"


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


class Form(FlaskForm):
    """Every form of the project: Flask-WTF's behaviour, WTForms' messages translated."""

    class Meta(FlaskForm.Meta):
        def get_translations(self, form: Any) -> Any:
            # Flask-WTF's switch keeps its meaning: off means WTForms' untranslated defaults.
            if not current_app.config.get("WTF_I18N_ENABLED", True):
                return super().get_translations(form)
            return translations
