"""The catalogs are complete: every string a visitor or buyer can meet is translated in all
seven languages, and every string at all in Indonesian, faithfully.

English is the source. Indonesian is complete; German, French, Korean, Malay and Chinese carry
every visitor's string (`tests/i18n_scope.py` says which strings those are: all but the ones
only office and MSME pages use). A string added to a template, an e-mail or the Python code
without its translations fails here, named, instead of showing up in English on a Korean page.
The strings are extracted the same way `make messages` does (babel.cfg and the same keywords),
so this test and the catalogs agree on what a string is.

WTForms' own messages ("This field is required.") live in a second catalog, the `wtforms` domain,
checked against the wtforms.pot of the installed WTForms in every language: an upgrade that adds
a message fails here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from flask.testing import FlaskClient
from wtforms.i18n import messages_path

from tests.conftest import post_form
from tests.i18n_scope import PARTNER_LOCALES, STAFF_ONLY, is_visitors

ROOT = Path(__file__).resolve().parents[1]
TRANSLATIONS = ROOT / "marketplace" / "translations"
LANGUAGES = ("id", *PARTNER_LOCALES)
# Our strings (messages) and WTForms' validation messages (ours first, WTForms' own as fallback).
DOMAINS = ["messages", "wtforms"]
WTFORMS_POT = Path(messages_path()) / "wtforms.pot"

# Babel's defaults (_, gettext, ngettext, pgettext...) plus the lazy forms used for module-level
# strings: the keywords `make messages` passes to pybabel extract.
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None, "lazy_ngettext": (1, 2)}

# What must survive translation unchanged: printf placeholders (%(name)s, %d, %%),
# str.format fields, HTML tags and entities.
PRINTF = re.compile(r"%(?:\(\w+\))?[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa%]")
FORMAT_FIELD = re.compile(r"\{\w*(?:![rsa])?(?::[^{}]*)?\}")
MARKUP = re.compile(r"</?[a-zA-Z][^>]*>|&#?\w+;")
END_PUNCTUATION = ".:;,?!…"
# Chinese ends its sentences with full-width marks: the same punctuation for this test.
FULL_WIDTH = str.maketrans({"。": ".", "：": ":", "；": ";", "，": ",", "？": "?", "！": "!"})

Key = tuple[str | tuple[str, ...], str | None]


def _po_file(language: str, domain: str) -> Path:
    return TRANSLATIONS / language / "LC_MESSAGES" / f"{domain}.po"


def _read(path: Path, domain: str) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, domain=domain, abort_invalid=True)


@pytest.fixture(
    scope="module",
    params=[(language, domain) for language in LANGUAGES for domain in DOMAINS],
    ids=lambda param: f"{param[0]}-{param[1]}",
)
def catalog(request: pytest.FixtureRequest) -> Catalog:
    """Each catalog in turn: the checks below hold for all of them."""
    language, domain = request.param
    return _read(_po_file(language, domain), domain)


@pytest.fixture(scope="module")
def extracted() -> dict[Key, list[str]]:
    return _extracted()


def _messages(catalog: Catalog) -> Iterator[Message]:
    """Every message except the header entry."""
    return (message for message in catalog if message.id)


def _required(catalog: Catalog) -> Iterator[Message]:
    """What must be translated: everything in Indonesian and in WTForms' domain; the visitor's
    strings in the partner cities' languages."""
    if str(catalog.locale) == "id" or catalog.domain == "wtforms":
        return _messages(catalog)
    return (message for message in _messages(catalog) if is_visitors(message))


def _ids(message: Message) -> tuple[str, ...]:
    return _ids_of(message.id)


def _strings(message: Message) -> tuple[str, ...]:
    # read_mo gives the forms of a plural message as a list, read_po as a tuple.
    string = message.string
    return tuple(string) if isinstance(string, (tuple, list)) else (string or "",)


def _translated(message: Message) -> bool:
    return all(string.strip() for string in _strings(message))


def _ids_of(msgid: str | tuple[str, ...] | list[str]) -> tuple[str, ...]:
    return tuple(msgid) if isinstance(msgid, (tuple, list)) else (msgid,)


def _label(message: Message) -> str:
    return " / ".join(_ids(message))


def _extracted() -> dict[Key, list[str]]:
    """Each message in the sources (as `make messages` extracts it) and where it occurs."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle, filename="babel.cfg")
    found: dict[Key, list[str]] = {}
    for filename, lineno, message, _comments, context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS
    ):
        key: Key = (message, context)
        found.setdefault(key, []).append(f"{filename}:{lineno}")
    return found


def test_indonesian_has_one_plural_form() -> None:
    for domain in DOMAINS:
        catalog = _read(_po_file("id", domain), domain)
        # Indonesian nouns do not inflect for number: "1 produk", "5 produk".
        assert catalog.num_plurals == 1
        assert catalog.plural_expr == "0"


def test_each_catalog_is_in_its_language_and_not_fuzzy(catalog: Catalog) -> None:
    assert str(catalog.locale) in LANGUAGES
    assert _po_file(str(catalog.locale), str(catalog.domain)).exists()
    assert not catalog.fuzzy


def test_every_required_message_is_translated_and_none_is_fuzzy(catalog: Catalog) -> None:
    untranslated = [
        _label(message)
        for message in _required(catalog)
        if not _translated(message)
        or (message.pluralizable and len(_strings(message)) != catalog.num_plurals)
    ]
    fuzzy = [_label(message) for message in _messages(catalog) if message.fuzzy]
    po = f"{catalog.locale}/{catalog.domain}.po"
    assert list(_messages(catalog)), f"the catalog {po} is empty"
    assert not untranslated, f"untranslated in {po}:\n" + "\n".join(untranslated)
    assert not fuzzy, f"fuzzy (needs checking) in {po}:\n" + "\n".join(fuzzy)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_string_in_the_sources_is_in_the_catalog(
    language: str, extracted: dict[Key, list[str]]
) -> None:
    """Indonesian: every string; the partner cities' languages: every string used outside the
    pages only staff and MSME owners see (tests/i18n_scope.py)."""
    assert len(extracted) > 100, "the extraction found almost nothing: check babel.cfg"
    catalog = _read(_po_file(language, "messages"), "messages")
    missing = []
    for (msgid, context), places in sorted(extracted.items(), key=lambda item: item[1][0]):
        paths = [place.rsplit(":", 1)[0] for place in places]
        if language != "id" and not is_visitors(Message(msgid, locations=[(p, 0) for p in paths])):
            continue
        found = catalog.get(msgid, context)
        if found is None or not _translated(found):
            missing.append(f"{' / '.join(_ids_of(msgid))}  ({', '.join(places[:3])})")
    assert not missing, (
        f"strings without a translation in {language} (run `make messages`, then translate them "
        f"in marketplace/translations/{language}/LC_MESSAGES/messages.po; "
        f"`python -m tests.i18n_scope {language}` lists them):\n" + "\n".join(missing)
    )


def test_staff_only_places_exist() -> None:
    """A renamed office template must not slip out of the rule unnoticed."""
    for pattern in STAFF_ONLY:
        assert list(ROOT.glob(pattern)), f"nothing matches {pattern!r} in tests/i18n_scope.py"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_of_the_installed_wtforms_is_in_the_catalog(language: str) -> None:
    template = _read(WTFORMS_POT, "wtforms")
    ours = _read(_po_file(language, "wtforms"), "wtforms")
    assert len(list(_messages(template))) > 30, f"almost nothing in {WTFORMS_POT}"
    differs = [
        _label(message)
        for message in _messages(template)
        if (found := ours.get(message.id, message.context)) is None
        or _ids(found) != _ids(message)
        or not _translated(found)
    ]
    assert not differs, (
        f"WTForms messages missing from {language}/wtforms.po, or with another plural "
        f"(update it from {WTFORMS_POT} and translate them):\n" + "\n".join(differs)
    )


@pytest.mark.parametrize(
    ("pattern", "what"),
    [(PRINTF, "placeholders"), (FORMAT_FIELD, "format fields"), (MARKUP, "markup")],
    ids=["printf", "format", "markup"],
)
def test_translations_keep_placeholders_and_markup(
    catalog: Catalog, pattern: re.Pattern[str], what: str
) -> None:
    broken = []
    for message in _messages(catalog):
        if not _translated(message):
            continue
        expected = sorted(set().union(*(pattern.findall(msgid) for msgid in _ids(message))))
        for string in _strings(message):
            if sorted(set(pattern.findall(string))) != expected:
                broken.append(f"{_label(message)!r} -> {string!r}")
    assert not broken, f"{what} differ between English and {catalog.locale}:\n" + "\n".join(broken)


def _ends_differ(english: str, string: str, strict: bool) -> bool:
    """Indonesian keeps the very mark English ends with. Other languages may end a greeting as
    their letters do ("Hello %(name)s," is "%(name)s，您好：") and may drop an ellipsis, but
    neither add nor drop the end of a sentence."""
    english, string = english.replace("...", "…"), string.replace("...", "…").translate(FULL_WIDTH)
    if strict:
        ends = {english[-1:], string[-1:]}
        return len(ends) > 1 and bool(ends & set(END_PUNCTUATION))
    english, string = english.rstrip("…"), string.rstrip("…")
    marks = set(END_PUNCTUATION)
    return (english[-1:] in marks) != (string[-1:] in marks)


def test_translations_keep_surrounding_spaces_and_final_punctuation(catalog: Catalog) -> None:
    broken = []
    strict = str(catalog.locale) == "id"
    for message in _messages(catalog):
        if not _translated(message):
            continue
        english = _ids(message)[-1]
        for string in _strings(message):
            spaces_differ = (english[:1].isspace(), english[-1:].isspace()) != (
                string[:1].isspace(),
                string[-1:].isspace(),
            )
            if spaces_differ or _ends_differ(english, string, strict):
                broken.append(f"{english!r} -> {string!r}")
    assert not broken, f"spaces or final punctuation differ in {catalog.locale}:\n" + "\n".join(
        broken
    )


def test_compiled_catalog_matches_the_po_file(catalog: Catalog) -> None:
    mo_file = _po_file(str(catalog.locale), str(catalog.domain)).with_suffix(".mo")
    assert mo_file.exists(), f"no compiled {mo_file.name}: run `make translations`"
    with mo_file.open("rb") as handle:
        compiled = read_mo(handle)
    stale = [
        _label(message)
        for message in _messages(catalog)
        if _translated(message)
        and (
            (entry := compiled.get(message.id, message.context)) is None
            or _strings(entry) != _strings(message)
        )
    ]
    message = f"{catalog.locale}/{mo_file.name} is out of date: run `make translations`:\n"
    assert not stale, message + "\n".join(stale)


def test_pages_are_indonesian_after_the_language_switch(client: FlaskClient) -> None:
    english_home = client.get("/").get_data(as_text=True)
    assert "for buyers in our sister cities</h1>" in english_home

    response = post_form(client, "/language", {"locale": "id", "next": "/"}, page="/")
    assert response.status_code == 302

    home = client.get("/").get_data(as_text=True)
    assert "<h1>Produk UMKM kreatif Bandung, untuk pembeli di kota-kota kembar kami</h1>" in home
    assert "Kanal promosi" in home
    assert "for buyers in our sister cities" not in home
    assert "Promotion channels" not in home

    login = client.get("/auth/login").get_data(as_text=True)
    assert "<h1>Masuk</h1>" in login
    assert "Kata sandi" in login
    assert "Lupa kata sandi?" in login
    assert "<h1>Log in</h1>" not in login
    assert "Forgot your password?" not in login
