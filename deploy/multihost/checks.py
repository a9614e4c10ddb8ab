"""Point 3 of issue 17: what one host does, every host sees (sessions, limits, cached pages,
photos, jobs). Each check returns a `Result` with its figures."""

from __future__ import annotations

import io
import random
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import psycopg
import redis
from PIL import Image

from deploy.multihost import infra
from deploy.multihost.client import Client, csrf_token
from deploy.multihost.mailbox import Mailbox

DEMO_OWNER = "bamboo@demo.example"  # README, "Demo logins"
DEMO_PASSWORD = "bandung-demo-2026"
SECRET = re.compile(r"bem_[A-Za-z0-9_-]{43}")
SUBMISSION_KEY = re.compile(r'name="submission_key"[^>]*value="([^"]*)"')
LOGIN_LIMIT = 4  # LOGIN_LIMIT_PER_ADDRESS for the run: "4 per minute"


@dataclass
class Result:
    point: str  # the point: "3" or "4"
    name: str
    passed: bool | None  # None: not run (what it needs is not on this branch)
    figures: str
    seconds: float = 0.0

    @property
    def verdict(self) -> str:
        return {True: "PASS", False: "FAIL", None: "SKIP"}[self.passed]


@dataclass
class Rehearsal:
    """What the checks share: the stack, the hosts, HAProxy, and the owner's token."""

    stack: infra.Stack
    hosts: dict[str, infra.Host]
    haproxy: infra.HAProxy
    database_url: str
    redis: infra.Process
    mailbox: Mailbox | None = None
    token: str = ""
    slug: str = ""
    notes: list[str] = field(default_factory=list)

    def direct(self, name: str, **kwargs: Any) -> Client:
        """A client talking to one host, bypassing HAProxy."""
        return Client(infra.HOSTS[name], infra.APP_PORT, **kwargs)

    def balanced(self, **kwargs: Any) -> Client:
        return Client("127.0.0.1", self.haproxy.port, **kwargs)

    def sql(self, statement: str, *params: Any) -> list[tuple[Any, ...]]:
        dsn = self.database_url.replace("postgresql+psycopg://", "postgresql://")
        with psycopg.connect(dsn, connect_timeout=5) as connection:
            return connection.execute(statement, params).fetchall()

    def redis_keys(self, pattern: str) -> int:
        client = redis.Redis(host=infra.GATEWAY, port=infra.REDIS_PORT, socket_timeout=2)
        return sum(1 for _ in client.scan_iter(match=pattern, count=1000))


def timed(run: Callable[[Rehearsal], Result]) -> Callable[[Rehearsal], Result]:
    def wrapper(rehearsal: Rehearsal) -> Result:
        start = time.monotonic()
        try:
            result = run(rehearsal)
        except Exception as error:  # a check that breaks is a failed check, the rest still run
            result = Result("?", run.__name__, False, f"stopped: {type(error).__name__}: {error}")
        result.seconds = time.monotonic() - start
        return result

    wrapper.__name__ = run.__name__
    return wrapper


@timed
def sessions(r: Rehearsal) -> Result:
    """Log in through host A; the session opens pages on B and C; a token made with that
    session (form shown by B, sent to C) works on every host."""
    visitor = r.direct("a")
    login = visitor.get("/auth/login")
    answer = visitor.form(
        "/auth/login",
        {"csrf_token": csrf_token(login), "email": DEMO_OWNER, "password": DEMO_PASSWORD},
    )
    if answer.status != 302:
        return Result("3", "session across hosts", False, f"login on A answered {answer.status}")
    settings = {
        name: visitor.at(address, infra.APP_PORT).get("/auth/settings").status
        for name, address in infra.HOSTS.items()
    }
    page = visitor.at(infra.HOSTS["b"], infra.APP_PORT).get("/auth/tokens/")
    key = SUBMISSION_KEY.search(page.text)
    made = visitor.at(infra.HOSTS["c"], infra.APP_PORT).form(
        "/auth/tokens/",
        {
            "csrf_token": csrf_token(page),
            "submission_key": key.group(1) if key else "",
            "name": "multihost rehearsal",
            "scope": "write",
            "expires": "30",
        },
    )
    secret = SECRET.search(made.text)
    if secret is None:
        refused = f"settings {settings}; the token form on C answered {made.status}, no token"
        return Result("3", "session across hosts", False, refused)
    r.token = secret.group(0)
    api = {
        name: r.direct(name, token=r.token).get("/api/v1/my/products").status
        for name in infra.HOSTS
    }
    passed = set(settings.values()) == {200} and set(api.values()) == {200}
    figures = (
        f"logged in on A; account settings: {_by_host(settings)}; token form shown by B, "
        f"sent to C; token on the API: {_by_host(api)}"
    )
    return Result("3", "session across hosts", passed, figures)


@timed
def rate_limit(r: Rehearsal) -> Result:
    """Failed logins from one address, spread over A, B, C in turn, each for another e-mail
    (so only the per-address limit counts): refused from the (LIMIT+1)th on, whichever host."""
    address = f"203.0.113.{secrets.randbelow(200) + 20}"
    statuses = []
    for attempt in range(LOGIN_LIMIT + 3):
        name = "abc"[attempt % 3]
        visitor = r.direct(name, forwarded_for=address)
        page = visitor.get("/auth/login")
        answer = visitor.form(
            "/auth/login",
            {
                "csrf_token": csrf_token(page),
                "email": f"nobody{attempt}@example.org",
                "password": "wrong password",
            },
        )
        statuses.append(f"{name.upper()}:{answer.status}")
    codes = [int(s.split(":")[1]) for s in statuses]
    passed = 429 not in codes[:LOGIN_LIMIT] and set(codes[LOGIN_LIMIT:]) == {429}
    figures = (
        f"limit {LOGIN_LIMIT} failed logins per minute per address; attempts in turn: "
        f"{' '.join(statuses)} (a limit kept per host would refuse only the "
        f"{3 * LOGIN_LIMIT + 1}th)"
    )
    return Result("3", "rate limit across hosts", passed, figures)


@timed
def page_cache(r: Rehearsal) -> Result:
    """The MSME's public page, kept by every host; its description edited through host A: every
    host shows the new text, within how long."""
    owner = r.direct("a", token=r.token)
    business = owner.get("/api/v1/my/business").json()
    r.slug = business["slug"]
    path = f"/msmes/{r.slug}"
    marker = f"rehearsal-{secrets.token_hex(4)}"
    before = {}
    for name in infra.HOSTS:
        for _ in range(2):  # the second is answered from the cache
            page = r.direct(name).get(path)
        before[name] = page.status if marker not in page.text else "already"
    kept = r.redis_keys("marketplace:*")
    description = (business.get("description") or "") + f" {marker}"
    edit = owner.send_json("PATCH", "/api/v1/my/business", {"description": description})
    edited = time.monotonic()
    seen: dict[str, float | None] = {name: None for name in infra.HOSTS}
    while time.monotonic() - edited < 10 and None in seen.values():
        for name in infra.HOSTS:
            if seen[name] is None and marker in r.direct(name).get(path).text:
                seen[name] = time.monotonic() - edited
        time.sleep(0.05)
    passed = (
        edit.status == 200
        and set(before.values()) == {200}
        and all(s is not None and s <= 5 for s in seen.values())
    )
    shown = {k: "never" if v is None else f"{v:.2f} s" for k, v in seen.items()}
    figures = (
        f"{path} kept by A, B, C ({kept} entries in Redis); edit through A answered "
        f"{edit.status}; new text shown after: {_by_host(shown)}"
    )
    return Result("3", "cached page changes on every host", passed, figures)


def _by_host(values: dict[str, Any]) -> str:
    return ", ".join(f"{name.upper()} {value}" for name, value in values.items())


def _photo(seed: int) -> bytes:
    """A JPEG no other run has sent (its pixels are random), so no host or cache holds it."""
    chooser = random.Random(seed)
    image = Image.new("RGB", (1200, 900), (chooser.randrange(256), 90, 60))
    for _ in range(200):
        x, y = chooser.randrange(1150), chooser.randrange(850)
        image.paste((chooser.randrange(256), chooser.randrange(256), 0), (x, y, x + 50, y + 50))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


@timed
def photo(r: Rehearsal) -> Result:
    """A photo uploaded through host A (the private API) is served by B and C, and is on no
    host's own disk."""
    owner = r.direct("a", token=r.token, timeout=60)
    draft = owner.send_json(
        "POST",
        "/api/v1/my/products",
        {"name": "Rehearsal photo lamp", "price_idr": 350000, "unit": "piece"},
    )
    if draft.status != 201:
        return Result("3", "photo across hosts", False, f"draft through A: {draft.status}")
    product = draft.json()["id"]
    upload = owner.upload(
        f"/api/v1/my/products/{product}/photos", "photos", "lamp.jpg", _photo(product), "image/jpeg"
    )
    if upload.status != 201 or not upload.json()["added"]:
        return Result("3", "photo across hosts", False, f"upload through A: {upload.status}")
    sources = upload.json()["added"][0]["sources"]
    paths = [urlsplit(source["url"]).path for source in sources]
    served = {}
    for name in ("b", "c"):
        answers = [r.direct(name).get(path) for path in paths]
        served[name] = sorted({f"{a.status} {a.headers.get('content-type', '')}" for a in answers})
    on_disk = sum(
        1
        for name in infra.HOSTS
        for path in (r.stack.folder / f"host-{name}" / "media").rglob("*")
        if path.is_file() and not path.name.startswith("readyz-")
    )
    passed = all(answer == ["200 image/webp"] for answer in served.values()) and on_disk == 0
    figures = (
        f"uploaded through A ({upload.status}, {len(paths)} sizes made); "
        f"served by B: {', '.join(served['b'])}; by C: {', '.join(served['c'])}; files on the "
        f"hosts' own disks: {on_disk}"
    )
    return Result("3", "photo across hosts", passed, figures)


def request_reset(client: Client, email: str) -> int:
    """The password-reset form (an action that writes an e-mail, delivered by a job)."""
    page = client.get("/auth/reset")
    return client.form("/auth/reset", {"csrf_token": csrf_token(page), "email": email}).status


def wait_for_mail(r: Rehearsal, recipient: str, since: float, seconds: float) -> float | None:
    """Seconds until the mailbox accepted a message to `recipient` sent after `since`; None
    if it did not."""
    assert r.mailbox is not None
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        if r.mailbox.to(recipient, since):
            return time.monotonic() - start
        time.sleep(0.05)
    return None


def mail_job(r: Rehearsal, recipient: str) -> tuple[str, int, str]:
    """The last message to `recipient`'s send-email job: status, attempts, sent or not."""
    rows = r.sql(
        "SELECT j.status, j.attempts, e.sent_at IS NOT NULL FROM outbox_emails e "
        "JOIN jobs j ON j.name = 'send-email' AND (j.payload->>'email_id')::int = e.id "
        "WHERE e.to_address = %s ORDER BY e.id DESC LIMIT 1",
        recipient,
    )
    if not rows:
        return "no job", 0, "no message"
    status, attempts, sent = rows[0]
    return str(status), int(attempts), "marked sent" if sent else "not marked sent"


@timed
def job_once(r: Rehearsal) -> Result:
    """A reset asked through host A: its e-mail is delivered once, by one of the three workers."""
    assert r.mailbox is not None
    recipient = "buyer@demo.example"
    since = time.monotonic()
    asked = request_reset(r.direct("a"), recipient)
    delivered = wait_for_mail(r, recipient, since, 20)
    time.sleep(3)  # time for a second worker to deliver it again, if it could
    copies = r.mailbox.to(recipient, since)
    status, attempts, sent = mail_job(r, recipient)
    senders = sorted({host_of(d.client) for d in copies})
    passed = (
        asked == 302 and len(copies) == 1 and (status, attempts, sent) == ("done", 1, "marked sent")
    )
    after = "never" if delivered is None else f"{delivered:.2f} s"
    figures = (
        f"reset asked through A ({asked}); delivered {len(copies)} time(s), after {after}, "
        f"by the worker on {', '.join(senders) or 'none'}; its job: {status}, {attempts} "
        f"attempt(s); the message {sent}"
    )
    return Result("3", "job queued through one host runs once", passed, figures)


def host_of(address: str) -> str:
    return next((n.upper() for n, a in infra.HOSTS.items() if a == address), address)
