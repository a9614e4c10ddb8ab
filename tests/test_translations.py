"""The Indonesian catalogs are complete: every string in the sources is translated, faithfully.

Indonesian and English are complete from day one. A string added to a template, an e-mail or the
Python code without an Indonesian translation fails here, named, instead of showing up in English
on an Indonesian page. The strings are extracted the same way `make messages` does (babel.cfg and
the same keywords), so this test and the catalog agree on what a string is.

WTForms' own messages ("This field is required.") live in a second catalog, the `wtforms` domain,
checked against the wtforms.pot of the installed WTForms: an upgrade that adds a message fails here.
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

ROOT = Path(__file__).resolve().parents[1]
TRANSLATIONS = ROOT / "marketplace" / "translations"
# Our strings (messages) and WTForms' validation messages, which WTForms has no Indonesian for.
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

Key = tuple[str | tuple[str, ...], str | None]


def _po_file(domain: str) -> Path:
    return TRANSLATIONS / "id" / "LC_MESSAGES" / f"{domain}.po"


def _read(path: Path, domain: str) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, domain=domain, abort_invalid=True)


@pytest.fixture(scope="module", params=DOMAINS)
def catalog(request: pytest.FixtureRequest) -> Catalog:
    """Each Indonesian catalog in turn: the checks below hold for both."""
    domain: str = request.param
    return _read(_po_file(domain), domain)


@pytest.fixture(scope="module")
def messages_catalog() -> Catalog:
    return _read(_po_file("messages"), "messages")


@pytest.fixture(scope="module")
def wtforms_catalog() -> Catalog:
    return _read(_po_file("wtforms"), "wtforms")


def _messages(catalog: Catalog) -> Iterator[Message]:
    """Every message except the header entry."""
    return (message for message in catalog if message.id)


def _ids(message: Message) -> tuple[str, ...]:
    return _ids_of(message.id)


def _strings(message: Message) -> tuple[str, ...]:
    # read_mo gives the forms of a plural message as a list, read_po as a tuple.
    string = message.string
    return tuple(string) if isinstance(string, (tuple, list)) else (string or "",)


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


def test_catalog_is_indonesian_with_one_plural_form(catalog: Catalog) -> None:
    assert str(catalog.locale) == "id"
    # Indonesian nouns do not inflect for number: "1 produk", "5 produk".
    assert catalog.num_plurals == 1
    assert catalog.plural_expr == "0"
    assert not catalog.fuzzy


def test_every_message_is_translated_and_none_is_fuzzy(catalog: Catalog) -> None:
    untranslated = [
        _label(message)
        for message in _messages(catalog)
        if len(_strings(message)) != catalog.num_plurals
        or not all(string.strip() for string in _strings(message))
    ]
    fuzzy = [_label(message) for message in _messages(catalog) if message.fuzzy]
    po = f"id/{catalog.domain}.po"
    assert list(_messages(catalog)), f"the Indonesian catalog {po} is empty"
    assert not untranslated, f"untranslated in {po}:\n" + "\n".join(untranslated)
    assert not fuzzy, f"fuzzy (needs checking) in {po}:\n" + "\n".join(fuzzy)


def test_every_string_in_the_sources_is_in_the_catalog(messages_catalog: Catalog) -> None:
    extracted = _extracted()
    assert len(extracted) > 100, "the extraction found almost nothing: check babel.cfg"
    missing = [
        f"{' / '.join(_ids_of(msgid))}  ({', '.join(places[:3])})"
        for (msgid, context), places in sorted(extracted.items(), key=lambda item: item[1][0])
        if messages_catalog.get(msgid, context) is None
    ]
    assert not missing, (
        "strings without an Indonesian translation (run `make messages`, then translate them "
        "in marketplace/translations/id/LC_MESSAGES/messages.po):\n" + "\n".join(missing)
    )


def test_every_message_of_the_installed_wtforms_is_in_the_catalog(
    wtforms_catalog: Catalog,
) -> None:
    template = _read(WTFORMS_POT, "wtforms")
    assert len(list(_messages(template))) > 30, f"almost nothing in {WTFORMS_POT}"
    differs = [
        _label(message)
        for message in _messages(template)
        if (ours := wtforms_catalog.get(message.id, message.context)) is None
        or _ids(ours) != _ids(message)
    ]
    assert not differs, (
        "WTForms messages missing from id/wtforms.po, or with another plural "
        f"(copy them from {WTFORMS_POT} and translate them):\n" + "\n".join(differs)
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
        expected = sorted(set().union(*(pattern.findall(msgid) for msgid in _ids(message))))
        for string in _strings(message):
            if sorted(set(pattern.findall(string))) != expected:
                broken.append(f"{_label(message)!r} -> {string!r}")
    assert not broken, f"{what} differ between English and Indonesian:\n" + "\n".join(broken)


def test_translations_keep_surrounding_spaces_and_final_punctuation(catalog: Catalog) -> None:
    broken = []
    for message in _messages(catalog):
        english = _ids(message)[-1]
        for string in _strings(message):
            spaces_differ = (english[:1].isspace(), english[-1:].isspace()) != (
                string[:1].isspace(),
                string[-1:].isspace(),
            )
            ends = {english[-1:], string[-1:]}
            punctuation_differs = len(ends) > 1 and bool(ends & set(END_PUNCTUATION))
            if spaces_differ or punctuation_differs:
                broken.append(f"{english!r} -> {string!r}")
    assert not broken, "spaces or final punctuation differ:\n" + "\n".join(broken)


def test_compiled_catalog_matches_the_po_file(catalog: Catalog) -> None:
    mo_file = _po_file(str(catalog.domain)).with_suffix(".mo")
    assert mo_file.exists(), f"no compiled {mo_file.name}: run `make translations`"
    with mo_file.open("rb") as handle:
        compiled = read_mo(handle)
    stale = [
        _label(message)
        for message in _messages(catalog)
        if (entry := compiled.get(message.id, message.context)) is None
        or _strings(entry) != _strings(message)
    ]
    message = f"{mo_file.name} is out of date: run `make translations`:\n"
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
