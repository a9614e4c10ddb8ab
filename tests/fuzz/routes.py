"""The routes as the property tests walk them: who acts on each, and its URL filled in.

Who may open which route is decided in tests/test_route_guards.py; each route here is sent by
someone who gets past its guard, so the generated values reach the view, not the login page.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator, Mapping

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.routing import Rule

from tests.conftest import csrf_token
from tests.fuzz.world import ACTORS, ANONYMOUS, World
from tests.test_route_guards import LOGOUT, SKIP, allowed_roles

ARGUMENT = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")
MAX_PAGES_PER_RULE = 8


def may_open(world: World, actor: str, endpoint: str) -> bool:
    return world.role(actor) in allowed_roles(endpoint)


def acting(world: World, endpoint: str) -> str:
    """The first of ACTORS the route's guard lets through: anonymous for public pages (logging
    in and registering are for them), else the usual member of the first role allowed."""
    return next(actor for actor in ACTORS if may_open(world, actor, endpoint))


def arguments(rule: Rule) -> list[tuple[str, str]]:
    """(converter, name) of each argument of the rule, in the order they appear."""
    return [(m.group(1) or "default", m.group(2)) for m in ARGUMENT.finditer(rule.rule)]


def fill(rule: Rule, segments: Mapping[str, str]) -> str:
    """The rule's path with each argument replaced by its (already encoded) segment."""
    return ARGUMENT.sub(lambda m: segments[m.group(2)], rule.rule)


def real_paths(rule: Rule, world: World) -> list[str]:
    """The rule's URL for each combination of real argument values (at most a few)."""
    names = [name for _converter, name in arguments(rule)]
    pools = [world.values.get(name, []) for name in names]
    combos = itertools.islice(itertools.product(*pools), MAX_PAGES_PER_RULE)
    return [fill(rule, dict(zip(names, combo, strict=True))) for combo in combos]


def walked_rules(app: Flask, method: str) -> Iterator[Rule]:
    # Logging out ends the session of the client that does it: walk it last.
    rules = sorted(app.url_map.iter_rules(), key=lambda r: (r.endpoint == LOGOUT, r.rule))
    for rule in rules:
        if rule.endpoint not in SKIP and method in (rule.methods or set()):
            yield rule


class Actors:
    """One client per person of the world, each with the CSRF token of its session."""

    def __init__(self, app: Flask, world: World) -> None:
        self.clients: dict[str, FlaskClient] = {ANONYMOUS: app.test_client()}
        for actor, user in world.users.items():
            self.clients[actor] = app.test_client(user=user)
        self._tokens: dict[str, str] = {}

    def client(self, actor: str) -> FlaskClient:
        return self.clients[actor]

    def token(self, actor: str) -> str:
        if actor not in self._tokens:
            self._tokens[actor] = csrf_token(self.clients[actor], "/")
        return self._tokens[actor]

    def forget_token(self, actor: str) -> None:
        """After a redirect (a login, a logout) the session may hold a new token."""
        self._tokens.pop(actor, None)
