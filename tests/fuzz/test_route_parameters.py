"""No URL yields a 500: every route, by every method it answers, with generated path arguments
and query strings (numbers past any integer column, NUL bytes, bytes that are no UTF-8, path
tricks), sent as a role that gets past the route's guard. Real ids from the seeded world are
among the values, so the views behind the 404 are reached too.

A value that names nothing is a 404 (or the page's own refusal); never a server error.
"""

from __future__ import annotations

from urllib.parse import quote

from flask import Flask
from hypothesis import example, given
from hypothesis import strategies as st
from werkzeug.routing import Rule

from tests.api.tokens import bearer
from tests.fuzz.pages import page_forms
from tests.fuzz.routes import Actors, acting, arguments, fill, real_paths, walked_rules
from tests.fuzz.values import path_segments, query_strings, same_examples
from tests.fuzz.world import World
from tests.test_route_guards import is_token_only

BEYOND_64_BITS = str(2**64)
# Numbers and dates in the query string that gave 500s before.
EDGES = {"page": str(2**63), "before": str(2**63), "from": "0001-01-01", "to": "9999-12-31"}
# Query arguments the views read besides their forms' fields.
QUERY_NAMES = [
    "page",
    "after",
    "before",
    "per_page",
    "next",
    "lang",
    "currency",
    "role",
    "purpose",
    "status",
    "channel",
    "product",
    "from",
    "to",
    "q",
]


def _hostile(rule: Rule) -> dict[str, str]:
    """Each argument as the requests that gave 500s before: 2**64 for ids, a NUL elsewhere."""
    return {name: BEYOND_64_BITS if conv == "int" else "a%00b" for conv, name in arguments(rule)}


def _real(rule: Rule, world: World) -> dict[str, str]:
    """Each argument as the first real value of its name (hostile where the world has none)."""
    real = {name: quote(world.values[name][0], safe="/") for name in world.values}
    return {name: real.get(name, hostile) for name, hostile in _hostile(rule).items()}


def _query_names(actors: Actors, actor: str, rule: Rule, world: World) -> list[str]:
    """QUERY_NAMES and the fields of the page's own filter forms (forms sent by GET)."""
    names = list(QUERY_NAMES)
    paths = real_paths(rule, world)
    if not paths or "GET" not in (rule.methods or set()):
        return names
    with actors.client(actor).get(paths[0]) as response:
        if response.mimetype == "text/html":
            for form in page_forms(response.get_data(as_text=True)):
                if form.method == "GET":
                    names += list(form.fields)
    return names


def _probe(actors: Actors, actor: str, method: str, rule: Rule, world: World) -> list[str]:
    """Send generated requests to one route; the descriptions of those that gave a 5xx."""
    failures: list[str] = []
    segments = st.fixed_dictionaries(
        {name: path_segments(conv, world.values.get(name, [])) for conv, name in arguments(rule)}
    )
    names = _query_names(actors, actor, rule, world)
    query = query_strings(names)

    @same_examples(f"{method} {rule.rule}")
    @given(segments=segments, query=query)
    @example(segments=_hostile(rule), query={})
    @example(segments=_real(rule, world), query=EDGES)
    @example(segments=_real(rule, world), query=dict.fromkeys(names, "a\x00b"))
    def probe(segments: dict[str, str], query: dict[str, str]) -> None:
        path = fill(rule, segments)
        client = actors.client(actor)
        # The private API answers a bearer token only: the person's own.
        headers = bearer(world.tokens[actor]) if is_token_only(rule.endpoint) else {}
        if method == "GET":
            response = client.get(path, query_string=query, headers=headers)
        else:
            data = {"csrf_token": actors.token(actor)}
            response = client.open(
                path, method=method, query_string=query, data=data, headers=headers
            )
            if 300 <= response.status_code < 400:
                actors.forget_token(actor)
        response.close()
        if response.status_code >= 500:
            failures.append(f"{method} {path} {query!r} as {actor}: {response.status_code}")

    probe()
    return failures


def _walk(app: Flask, world: World, method: str) -> tuple[int, list[str]]:
    actors = Actors(app, world)
    walked, failures = 0, []
    for rule in walked_rules(app, method):
        walked += 1
        failures += _probe(actors, acting(world, rule.endpoint), method, rule, world)
    return walked, failures


def test_no_get_route_gives_a_server_error(app: Flask, world: World) -> None:
    walked, failures = _walk(app, world, "GET")
    assert walked > 60
    assert not failures, f"{len(failures)} server errors:\n" + "\n".join(failures)


def test_no_post_route_gives_a_server_error(app: Flask, world: World) -> None:
    walked, failures = _walk(app, world, "POST")
    assert walked > 40
    assert not failures, f"{len(failures)} server errors:\n" + "\n".join(failures)


def test_no_patch_or_delete_route_gives_a_server_error(app: Flask, world: World) -> None:
    """The private API's PATCH and DELETE operations (its bodies are fuzzed in
    tests/api/test_tokens_fuzz.py)."""
    walked, failures = 0, []
    for method in ("PATCH", "DELETE"):
        count, found = _walk(app, world, method)
        walked, failures = walked + count, failures + found
    assert walked >= 3
    assert not failures, f"{len(failures)} server errors:\n" + "\n".join(failures)
