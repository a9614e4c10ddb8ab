"""Languages: which of the seven a request is served in, and the links to the others.

The interface speaks English and Indonesian to everyone, and the partner cities' languages to
visitors and buyers: German (Braunschweig), French (Namur), Korean (Seoul, Suwon), Malay
(Petaling Jaya) and Chinese, Simplified (Hangzhou, Liuzhou, Yingkou). Office and MSME pages
may show English where a string has no translation in the chosen language.

A request's language, first that applies:
1. the saved choice of a signed-in person;
2. the visitor's own choice in the switch (kept in the session);
3. Accept-Language, when it names one of the seven;
4. the channel's language: `?lang=` in the address (printed into a tag's or a catalog's links,
   and kept in shared links), then the language of the channel whose page this is, then that
   of the channel a visit came through (a scanned tag, or a product followed from a channel's
   page);
5. English.
A language in a link counts as the channel's, not as the visitor's choice: a German visitor who
scans a tag printed for Seoul reads German.
"""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlencode

import flask_babel
from babel.support import NullTranslations
from flask import Flask, current_app, g, has_request_context, request, session
from flask_login import current_user

# Each language in its own name, as the switch lists them.
UI_LOCALES = {
    "en": "English",
    "id": "Bahasa Indonesia",
    "de": "Deutsch",
    "fr": "Français",
    "ko": "한국어",
    "ms": "Bahasa Melayu",
    "zh": "中文（简体）",
}
# Product texts can be written in the same seven.
CONTENT_LOCALES = UI_LOCALES
# BCP 47 tags for `lang` and `hreflang` where the code alone is not precise.
HTML_LANG = {"zh": "zh-Hans"}

CHOSEN_KEY = "locale"  # the visitor's choice in the switch
CHANNEL_LOCALE_KEY = "content_locale"  # the language of the channel a visit came through
PAGE_CHANNEL_KEY = "page_channel_locale"  # on `g`: the language of the channel this page shows
VISIT_LOCALE = "marketplace.visit_locale"  # in `app.extensions`: finds the visit's language
LANG_ARG = "lang"

# Pages anyone may open, which exist in every language (hreflang alternates).
PUBLIC_ENDPOINT_PREFIXES = ("main.home", "catalog.", "products.", "businesses.", "channels.")


def html_lang(code: str) -> str:
    return HTML_LANG.get(code, code)


def page_locale() -> str:
    """The language this page (or e-mail) is written in, as a code."""
    return str(flask_babel.get_locale() or "en")


def channel_locale() -> str | None:
    """The channel's language for this request: `?lang=`, then the visit's channel's."""
    printed = request.args.get(LANG_ARG, "")
    if printed in UI_LOCALES:
        return printed
    page = g.get(PAGE_CHANNEL_KEY)
    if page in UI_LOCALES:
        return str(page)
    find = current_app.extensions.get(VISIT_LOCALE)
    return find() if find is not None else None


def init_visit_locale(app: Flask, find: Callable[[], str | None]) -> None:
    """Let `channel_locale` ask `find` for the language of the channel this visit came through
    (the channels know it; they sit above this module)."""
    app.extensions[VISIT_LOCALE] = find


def use_channel_language(locale: str) -> None:
    """This page shows one channel: serve it in the channel's language when neither the
    person's choice nor their browser names one of ours (step 4). Call it before rendering."""
    g.setdefault(PAGE_CHANNEL_KEY, locale)
    flask_babel.refresh()  # a language chosen earlier in this request is chosen again


def babel_context() -> SimpleNamespace | None:
    """Flask-Babel's record of this request's choices (`babel_locale`, `babel_tzinfo`), which
    `flask_babel.refresh` and `force_locale` replace; None outside an app context."""
    return g.get("_flask_babel") if g else None


def translations() -> NullTranslations:
    """This request's catalog of translations, found once per language the request is in.

    Flask-Babel looks the catalog up again at every string (the context, the domain, the
    locale's name, its cache: about 10 µs, and a page asks for some 30 strings). Its context
    on `g` holds the locale object it chose; the catalog is kept beside it and found again
    while that object stands (`flask_babel.refresh` and `force_locale` replace it)."""
    context = babel_context()
    if context is not None:
        kept = getattr(context, "kept_catalog", None)
        if kept is not None and kept[0] is getattr(context, "babel_locale", None):
            return kept[1]
    found = flask_babel.get_translations()
    context = babel_context()
    locale = getattr(context, "babel_locale", None)
    if context is not None and locale is not None:
        context.kept_catalog = (locale, found)
    return found


def init_template_translations(app: Flask) -> None:
    """Templates translate through `translations` (Flask-Babel installs the same callables,
    each looking the catalog up again)."""

    def ngettext(singular: str, plural: str, n: int) -> Any:
        return translations().ungettext(singular, plural, n)

    def pgettext(context: str, message: str) -> Any:
        return translations().upgettext(context, message)

    def npgettext(context: str, singular: str, plural: str, n: int) -> Any:
        return translations().unpgettext(context, singular, plural, n)

    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda message: translations().ugettext(message),
        ngettext=ngettext,
        newstyle=True,
        pgettext=pgettext,
        npgettext=npgettext,
    )


def select_locale() -> str:
    if not has_request_context():
        # Commands and services run outside a request: the default language, unless forced.
        return str(current_app.config.get("BABEL_DEFAULT_LOCALE", "en"))
    if current_user.is_authenticated and current_user.locale in UI_LOCALES:
        return str(current_user.locale)
    chosen = session.get(CHOSEN_KEY)
    if chosen in UI_LOCALES:
        return str(chosen)
    accepted = request.accept_languages.best_match(list(UI_LOCALES))
    if accepted:
        return str(accepted)
    return channel_locale() or "en"


def alternates() -> list[tuple[str, str]]:
    """(hreflang, absolute address) of this public page in every language, then x-default;
    none for pages that are not public or not a GET."""
    from marketplace.urls import public_url

    endpoint = request.endpoint or ""
    if request.method != "GET" or not endpoint.startswith(PUBLIC_ENDPOINT_PREFIXES):
        return []
    if endpoint in ("channels.tag", "channels.catalog", "channels.product"):
        return []  # redirects and files, not pages
    args = {k: v for k, v in request.args.items() if k != LANG_ARG}
    return language_links(public_url(endpoint, **(request.view_args or {})), args)


def language_links(base: str, args: dict[str, str] | None = None) -> list[tuple[str, str]]:
    """(hreflang, address) of the page at `base` in each language, then x-default (the address
    without a language); the pages' alternates and the sitemap both say it so."""
    default = urlencode(args or {})
    start = f"{base}?{default}&" if default else f"{base}?"
    links = [(html_lang(code), f"{start}{LANG_ARG}={code}") for code in UI_LOCALES]
    links.append(("x-default", f"{base}?{default}" if default else base))
    return links


def fallback_notice(wanted: str) -> str:
    """What a page says above a text shown in English because the owner has not written it in
    the reader's language `wanted` yet; in the page's language, which is the reader's."""
    from babel import Locale
    from flask_babel import gettext

    try:
        language = Locale.parse(wanted).get_display_name(wanted) or wanted
    except (ValueError, LookupError):
        language = wanted
    return gettext("Shown in English: no %(language)s text yet.", language=language)
