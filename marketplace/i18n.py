"""Languages: which locale a request is served in, and the language switch's choices."""

from __future__ import annotations

from flask import current_app, has_request_context, request, session
from flask_login import current_user

# Indonesian and English are complete; the others are partner-city languages that product
# translations and printed catalogs use.
UI_LOCALES = {"en": "English", "id": "Bahasa Indonesia"}
CONTENT_LOCALES = {
    "en": "English",
    "id": "Bahasa Indonesia",
    "de": "Deutsch",
    "fr": "Français",
    "ko": "한국어",
    "ms": "Bahasa Melayu",
    "zh": "中文",
}


def select_locale() -> str:
    """A signed-in person's saved choice, then this browser's choice, then Accept-Language."""
    if not has_request_context():
        # Commands and services run outside a request: the default language, unless forced.
        return str(current_app.config.get("BABEL_DEFAULT_LOCALE", "en"))
    if current_user.is_authenticated and current_user.locale in UI_LOCALES:
        return str(current_user.locale)
    chosen = session.get("locale")
    if chosen in UI_LOCALES:
        return str(chosen)
    return request.accept_languages.best_match(list(UI_LOCALES)) or "en"
