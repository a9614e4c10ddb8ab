"""A form's error is said once: every form the pages show (the MSME's business and product forms,
buyer registration, the interest forms, the office's forms...) is posted with bad input (every
field empty, words where numbers go, impossible dates, text far too long), and no message of
the page that answers (field errors, the summary above the form, flashed messages) appears
twice in it.

The forms are found as the form fuzzer finds them (`tests.fuzz`): as each person of the seeded
world sees them, with real objects in their URLs.
"""

from __future__ import annotations

import html as html_lib
import re
from collections import Counter
from typing import Any

import pytest
from flask import Flask

from tests.fuzz.pages import PageForm
from tests.fuzz.test_forms import FormRun, Sighting, _own_values

# Where a page says what went wrong: beside a field, above a form, in a flashed message.
FIELD_ERRORS = re.compile(r'<p class="error"[^>]*>(.*?)</p>', re.S)
SUMMARIES = re.compile(
    r'<p class="flash flash-\w+"[^>]*>(.*?)</p>|<div class="form-errors"[^>]*>(.*?)</div>', re.S
)
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\u00c0-\uffff])")
TEXT_KINDS = frozenset({"text", "textarea", "email", "password", "search", "tel", "url"})


def visible_text(fragment: str) -> str:
    text = re.sub(r"<[^>]+>", " ", fragment)
    return " ".join(html_lib.unescape(text).split())


def _sentences(fragment: str) -> list[str]:
    return [s for s in SENTENCE_END.split(visible_text(fragment)) if s]


def said_twice(page: str) -> list[str]:
    """The messages the page says twice: twice beside one field (two validators in the same
    words), or above the form (or flashed) and again beside a field, or flashed twice. Two
    fields may each have the same message: each is said once for its field."""
    repeated: set[str] = set()
    beside: set[str] = set()
    for match in FIELD_ERRORS.finditer(page):
        counts = Counter(_sentences(match.group(1)))
        repeated |= {sentence for sentence, n in counts.items() if n > 1}
        beside |= set(counts)
    above = Counter(
        sentence
        for match in SUMMARIES.finditer(page)
        for sentence in _sentences(match.group(1) or match.group(2) or "")
    )
    repeated |= {sentence for sentence, n in above.items() if n > 1 or sentence in beside}
    return sorted(repeated)


def _bad_inputs(form: PageForm) -> list[dict[str, Any]]:
    """The page's own values with, in turn: every field emptied; words in numbers and dates
    and an unknown option in every list; text far too long everywhere; a script's address (no
    web address, no e-mail address, no name) in every text field."""
    own = _own_values(form)
    kept = {name: value for name, value in own.items() if name.endswith("csrf_token")}
    hidden = {n: v for n, v in own.items() if form.fields[n].kind == "hidden"}
    empty = {**hidden, **kept}
    wrong: dict[str, Any] = dict(own)
    long: dict[str, Any] = dict(own)
    odd: dict[str, Any] = dict(own)
    for name, field in form.fields.items():
        if field.kind in ("number", "date"):
            wrong[name] = "abc"
        elif field.kind == "select":
            wrong[name] = "no-such-choice"
        if field.kind in TEXT_KINDS:
            long[name] = "Lorem ipsum " * 2000
            odd[name] = "javascript:alert(1)"
    return [empty, wrong, long, odd]


def _forms_said_twice(run: FormRun, endpoint: str, sighting: Sighting) -> list[str]:
    found: list[str] = []
    for values in range(4):
        run.fresh()
        shown = run.form(endpoint, sighting)
        if shown is None:
            return found
        url, form = shown
        status, page = run.post(sighting.actor, url, _bad_inputs(form)[values])
        if 300 <= status < 400:  # refused with a flash, or accepted: the page it goes to
            target = run.actors.client(sighting.actor).get(url.split("?")[0], follow_redirects=True)
            page = target.get_data(as_text=True) if target.mimetype == "text/html" else ""
        for message in said_twice(page):
            found.append(f"{endpoint} as {sighting.actor} (input {values}): {message!r}")
    return found


def test_said_twice_finds_a_repeated_message() -> None:
    page = (
        '<main><div class="form-errors" role="alert"><p>Please correct the marked fields.</p>'
        '<ul><li>Enter the rate.</li></ul></div><p class="error">Enter the rate.</p></main>'
    )
    assert said_twice(page) == ["Enter the rate."]
    assert said_twice('<p class="error">Too long. Too long.</p>') == ["Too long."]
    two_fields = '<p class="error">Please fill in this field.</p>' * 2
    assert said_twice(two_fields + '<p class="error">Too long. Enter a number.</p>') == []


@pytest.fixture
def run(app: Flask, storefront: None) -> FormRun:
    return FormRun(app)


@pytest.mark.committing  # the world is emptied and built again on connections of their own
def test_no_form_says_an_error_twice(app: Flask, run: FormRun) -> None:
    sightings = run.find_forms()
    assert {"my_business.edit", "my_products.new", "accounts.register", "interests.new"} <= set(
        sightings
    )
    found: list[str] = []
    for endpoint, seen in sorted(sightings.items()):
        for sighting in seen:
            found += _forms_said_twice(run, endpoint, sighting)
    assert not found, "\n".join(found)
