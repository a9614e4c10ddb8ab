"""No form yields a 500: every form the pages show is posted with generated values in every field.

The pages are read as each person of the seeded world sees them, with real objects in their
URLs, so each form is found where a person finds it (the decision forms with their `seen`
token, the interest form with its submission key) and posted as that person, with a valid CSRF
token. Each field gets its own value: the page's own, one of its options, or something hostile
(NUL bytes, numbers past 64 bits, dates at the edges of the calendar, long or odd text). A post
that succeeded may have changed the world, so it is built again before the next form.

Every POST route must be reached this way: a route whose form no page shows fails the test.
"""

from __future__ import annotations

import io
import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
from flask import Flask
from hypothesis import example, given
from hypothesis import strategies as st
from werkzeug.exceptions import HTTPException
from werkzeug.routing import MapAdapter, RequestRedirect, Rule

from marketplace.db import db
from tests.conftest import _empty_all_tables
from tests.factories import seed_reference
from tests.fuzz.pages import PageForm, page_forms
from tests.fuzz.routes import Actors, may_open, real_paths, walked_rules
from tests.fuzz.values import field_values, same_examples, uploads
from tests.fuzz.world import ACTORS, World, build_world
from tests.test_route_guards import is_token_only

# Forms that no page shows: the answer to posting another form (with the page's own values).
SHOWN_AFTER = {"office.bulk_approve_confirm": "office.bulk_approve"}


@dataclass(frozen=True)
class Sighting:
    """Where a form was seen: by whom, on which page (the rule and which of its real URLs), and
    for a form shown after a post, the endpoint of the form posted to get there."""

    actor: str
    page: Rule
    variant: int
    after: str | None = None


def is_page(rule: Rule) -> bool:
    """Whether the route answers with a page that may hold forms (not a file, not JSON)."""
    files = rule.rule.startswith(("/api/", "/media/", "/static/"))
    return not files and PurePosixPath(rule.rule).suffix not in (".pdf", ".csv", ".xlsx", ".json")


def posted_endpoint(adapter: MapAdapter, page: str, form: PageForm) -> tuple[str, str] | None:
    """(endpoint, URL) the form posts to, or None for a form that does not post to a route."""
    if form.method != "POST":
        return None
    url = urljoin(page, form.action)
    try:
        endpoint, _ = adapter.match(urlsplit(url).path, method="POST")
    except (HTTPException, RequestRedirect):
        return None
    return str(endpoint), url


def forms_on(adapter: MapAdapter, path: str, html: str) -> Iterator[tuple[str, str, PageForm]]:
    """(endpoint, URL, form) of each form of the page that posts to a route."""
    for form in page_forms(html):
        target = posted_endpoint(adapter, path, form)
        if target is not None:
            yield target[0], target[1], form


def _shape(form: PageForm) -> tuple[Any, ...]:
    """What makes two forms of one route different: their fields and options. The prefix that
    tells apart the forms of one page (`photo3-alt_text`, `photo4-alt_text`) does not."""
    fields = form.fields.values()
    return tuple(sorted((f.name.rsplit("-", 1)[-1], tuple(f.options)) for f in fields))


def _own_values(form: PageForm) -> dict[str, str]:
    """What the page would send as it is (no file chosen)."""
    return {name: f.value for name, f in form.fields.items() if f.kind != "file"}


def _first_choices(form: PageForm) -> dict[str, str]:
    """The page's values, with the first box ticked where none is (a selection to confirm)."""
    values = _own_values(form)
    for name, field in form.fields.items():
        if field.kind in ("checkbox", "radio") and not field.value and field.options:
            values[name] = field.options[0]
    return values


VISIBLE = frozenset({"text", "textarea", "email", "password", "search", "tel", "url", "select"})
NUMBER, DATE = frozenset({"number"}), frozenset({"date"})


def _with(form: PageForm, value: str, kinds: frozenset[str]) -> dict[str, Any] | None:
    """The page's own values, with `value` in every field of `kinds` (None: the form has none)."""
    values: dict[str, Any] = _own_values(form)
    hit = [name for name, field in form.fields.items() if field.kind in kinds]
    values.update(dict.fromkeys(hit, value))
    return values if hit else None


def _explicit(form: PageForm) -> list[dict[str, Any]]:
    """The inputs that gave 500s before, each alone in an otherwise untouched form."""
    cases = [
        _own_values(form),
        _with(form, "a\x00b", VISIBLE | NUMBER | DATE),
        _with(form, str(2**64), NUMBER),
        _with(form, "0001-01-01", DATE),
        _with(form, "9999-12-31", DATE),
    ]
    return [case for case in cases if case is not None]


def _form_values(form: PageForm) -> st.SearchStrategy[dict[str, Any]]:
    fields: dict[str, st.SearchStrategy[Any]] = {}
    for field in form.fields.values():
        if field.name == "csrf_token":
            continue  # the session's token is added to every post
        if field.name.endswith("-csrf_token"):
            fields[field.name] = st.just(field.value)  # a prefixed form's own token
        elif field.kind == "file":
            fields[field.name] = uploads()
        else:
            fields[field.name] = field_values(field.value, field.options)
    return st.fixed_dictionaries(fields)


class FormRun:
    """The world, its people, and the forms as the pages show them; the world is built again
    after a post that succeeded."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.adapter = app.url_map.bind("localhost")
        self.world = self._build()
        self.actors = Actors(app, self.world)
        self.dirty = False

    def _build(self) -> World:
        with self.app.app_context():
            db.session.remove()
            _empty_all_tables()
            seed_reference()
            db.session.commit()
            world = build_world()
            db.session.remove()
        return world

    def fresh(self) -> None:
        if self.dirty:
            self.world = self._build()
            self.actors = Actors(self.app, self.world)
            self.dirty = False

    def page(self, actor: str, path: str) -> str | None:
        with self.actors.client(actor).get(path) as response:
            if response.status_code != 200 or response.mimetype != "text/html":
                return None
            return response.get_data(as_text=True)

    def post(self, actor: str, url: str, values: dict[str, Any]) -> tuple[int, str]:
        data: dict[str, Any] = {"csrf_token": self.actors.token(actor)}
        for name, value in values.items():
            data[name] = (io.BytesIO(value[0]), value[1]) if isinstance(value, tuple) else value
        with self.actors.client(actor).post(url, data=data) as response:
            status, html = response.status_code, response.get_data(as_text=True)
        if 300 <= status < 400:
            self.actors.forget_token(actor)
            self.dirty = self.dirty or self._succeeded(actor)
        return status, html

    def _succeeded(self, actor: str) -> bool:
        """A redirect is how a form says it succeeded, unless all it flashed is an error: the
        world may have changed, and is built again before the next form."""
        with self.actors.client(actor).session_transaction() as session:
            categories = {category for category, _message in session.get("_flashes", [])}
        return categories != {"error"}

    def find_forms(self) -> dict[str, list[Sighting]]:
        """Every POST endpoint -> where its form was seen, one sighting per distinct form."""
        found: dict[str, list[Sighting]] = {}
        shapes: set[tuple[str, Any]] = set()
        for rule in walked_rules(self.app, "GET"):
            if not is_page(rule):
                continue
            actors = [a for a in ACTORS if may_open(self.world, a, rule.endpoint)]
            paths = list(enumerate(real_paths(rule, self.world)))
            for actor, (variant, path) in itertools.product(actors, paths):
                html = self.page(actor, path)
                for endpoint, _url, form in forms_on(self.adapter, path, html or ""):
                    if (endpoint, _shape(form)) not in shapes:
                        shapes.add((endpoint, _shape(form)))
                        found.setdefault(endpoint, []).append(Sighting(actor, rule, variant))
        for endpoint, before in SHOWN_AFTER.items():
            found[endpoint] = [
                Sighting(s.actor, s.page, s.variant, after=before) for s in found.get(before, [])
            ]
        return found

    def form(self, endpoint: str, sighting: Sighting) -> tuple[str, PageForm] | None:
        """The form as its page shows it now (hidden values are fresh after a rebuild)."""
        path = real_paths(sighting.page, self.world)[sighting.variant]
        html = self.page(sighting.actor, path) or ""
        wanted = sighting.after or endpoint
        for found, url, form in forms_on(self.adapter, path, html):
            if found != wanted:
                continue
            if sighting.after is None:
                return url, form
            _status, html = self.post(sighting.actor, url, _first_choices(form))
            return next(
                ((u, f) for e, u, f in forms_on(self.adapter, url, html) if e == endpoint), None
            )
        return None

    def fuzz(self, endpoint: str, sighting: Sighting) -> list[str]:
        """Post generated values into the form; the requests that gave a 5xx."""
        self.fresh()
        shown = self.form(endpoint, sighting)
        if shown is None:
            return [f"{endpoint}: the form is not on its page in a world built again"]
        url, form = shown
        failures: list[str] = []

        @same_examples(f"{endpoint} {sighting.actor}")
        @given(values=_form_values(form))
        def post(values: dict[str, Any]) -> None:
            status, _html = self.post(sighting.actor, url, values)
            if status >= 500:
                failures.append(f"POST {url} {values!r} as {sighting.actor}: {status}")

        for case in _explicit(form):
            post = example(values=case)(post)
        post()
        return failures


@pytest.fixture
def run(app: Flask, storefront: None) -> FormRun:
    return FormRun(app)


@pytest.mark.committing  # the world is emptied and built again on connections of their own
def test_no_form_gives_a_server_error(app: Flask, run: FormRun) -> None:
    sightings = run.find_forms()
    # The private API takes JSON with a bearer token, no form: tests/api/test_tokens_fuzz.py.
    posted = {
        rule.endpoint for rule in walked_rules(app, "POST") if not is_token_only(rule.endpoint)
    }
    missing = sorted(posted - set(sightings))
    assert not missing, f"POST routes whose form no page shows: {missing}"

    failures: list[str] = []
    for endpoint, seen in sorted(sightings.items()):
        for sighting in seen:
            failures += run.fuzz(endpoint, sighting)
    assert not failures, f"{len(failures)} server errors:\n" + "\n".join(failures)
