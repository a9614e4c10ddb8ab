"""What a hostile or clumsy client sends: hypothesis strategies for URL parts and form fields.

Each strategy mixes three sources: the real value (a product the owner owns, the option the
page offers, the hidden token the page carries), so that a request gets past the 404 and the
form is really validated; values known to have broken web applications (NUL bytes, numbers
beyond 64 bits, dates at the edges of the calendar, very long or oddly encoded text); and
text hypothesis invents.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import quote, quote_from_bytes

from hypothesis import seed, settings
from hypothesis import strategies as st

# Every Unicode character a form can carry (lone surrogates cannot be encoded as UTF-8).
CHARACTERS = st.characters(exclude_categories=("Cs",))

NUMBERS = [
    "0",
    "-1",
    "1.5",
    "2147483647",
    "2147483648",
    "-2147483649",
    "9223372036854775807",
    "9223372036854775808",
    "18446744073709551616",
    "1" * 400,
    "1e309",
    "-1e309",
    "1e-400",
    "NaN",
    "sNaN",
    "inf",
    "١٢٣",
    "１２",
]
DATES = [
    "0001-01-01",
    "0000-00-00",
    "9999-12-31",
    "10000-01-01",
    "2026-02-30",
    "1899-12-31",
    "2026-13-01",
]
TEXTS = [
    "\x00",
    "a\x00b",
    "buyer\x00@example.com",
    "\x01\x1f\x7f",
    "x" * 5000,
    "𝕏" * 300,
    "\u202e\ufeff\u200b",
    "\r\n\r\n",
    "   ",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "%00",
    "../../etc/passwd",
    '=HYPERLINK("http://evil.example")',
    "@",
    "a@b",
]
NASTY = [*TEXTS, *NUMBERS, *DATES]

INTEGER_SEGMENTS = [
    "0",
    "2147483647",
    "2147483648",
    "4294967296",
    "9223372036854775807",
    "9223372036854775808",
    "18446744073709551616",
    "9" * 40,
    "0001",
]
SEGMENTS = ["a\x00b", "\x00", "..", ".", "a b", "%", "ü", "𝕏" * 50, "x" * 2000, "-1"]


def field_values(default: str = "", options: Sequence[str] = ()) -> st.SearchStrategy[str]:
    """A value for one form field: the page's own, one of its options, or something hostile."""
    choices: list[st.SearchStrategy[str]] = [
        st.sampled_from(NASTY),
        st.text(CHARACTERS, max_size=40),
        st.integers().map(str),
    ]
    known = [value for value in (default, *options) if value]
    if known:
        choices.insert(0, st.sampled_from(known))
    return st.one_of(*choices)


def path_segments(converter: str, real: Sequence[str] = ()) -> st.SearchStrategy[str]:
    """One URL path segment, already percent-encoded, for an argument of `converter`."""
    choices: list[st.SearchStrategy[str]] = []
    if real:
        choices.append(st.sampled_from(list(real)).map(lambda v: quote(v, safe="/")))
    if converter == "int":
        choices += [
            st.sampled_from(INTEGER_SEGMENTS),
            st.integers(min_value=0).map(str),
        ]
    choices += [
        st.sampled_from(SEGMENTS).map(lambda v: quote(v, safe="")),
        st.text(CHARACTERS, min_size=1, max_size=30).map(lambda v: quote(v, safe="")),
        # Bytes that are no UTF-8 at all, as a raw client may send them.
        st.binary(min_size=1, max_size=12).map(lambda b: quote_from_bytes(b, safe="")),
    ]
    if converter == "path":
        choices.append(st.sampled_from(["img/../../config.py", "img/%00/x.webp", "img//x"]))
    return st.one_of(*choices)


def query_strings(names: Sequence[str]) -> st.SearchStrategy[dict[str, str]]:
    """Some of `names` as query arguments, with hostile values."""
    return st.dictionaries(st.sampled_from(sorted(set(names))), field_values(), max_size=4)


def uploads() -> st.SearchStrategy[tuple[bytes, str]]:
    """A file as a browser sends it: bytes (rarely an image) and a file name."""
    return st.tuples(
        st.binary(max_size=256),
        st.sampled_from(["photo.jpg", "scan.pdf", "a\x00b.png", "../../x.webp", "", "𝕏.gif"]),
    )


def same_examples(name: str) -> Callable[[Any], Any]:
    """Each route or form gets examples of its own, the same on every run, while the profile
    is derandomized (the "suite" profile); a random profile draws new ones each time."""
    if settings.default.derandomize:
        return seed(zlib.crc32(name.encode()))
    return lambda test: test
