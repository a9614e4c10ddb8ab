"""Large photo uploads beside other people's writes.

    python -m bench.slow_writes                  # SQLite, one round
    python -m bench.slow_writes --rounds 3
    python -m bench.slow_writes --db-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres

The rule under test: a slow write never breaks anyone else. Each round, the demo MSME owners
upload 8 photos of about 40 megapixels at once (JPEG and PNG, one per request, each to a product
of theirs with room), and as soon as the uploads are sent, 100 other writes run from several
threads: buyers logging in through the form (each a fresh session), the demo buyer writing in a
conversation, anonymous visitors reading product pages (each counts a view: a write).

Everything runs as deployed: a temporary instance folder with a SQLite database (or a throwaway
PostgreSQL database on the server of --db-url), migrated and seeded by the real commands, served
by `gunicorn --workers 4 --threads 4`; requests go through the real forms with CSRF tokens and
cookies. The figures: each upload's status and duration and the photos it added; for the other
writes, per kind, the count, failures (5xx, connection errors, timeouts, any other unexpected
answer) and p50 / p95 / max latency. Exits 1 if any other write failed or an upload did not add
its photo (then the others did not really run beside 8 uploads).

--app-dir serves another checkout with this virtualenv (for example the code before a change,
from `git archive`), to see the failure the rule is about.
"""

from __future__ import annotations

import argparse
import http.client
import io
import queue
import random
import re
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from PIL import Image, ImageChops

from bench.live import (
    DEMO_PASSWORD,
    ROOT,
    BenchError,
    Browser,
    Instance,
    csrf_token,
    free_port,
    gunicorn,
    instance,
    machine,
    multipart,
    percentile,
    postgres_database,
)

WORKERS, THREADS = 4, 4
UPLOADS = 8  # per round, at once
# Just under the 40-megapixel cap of marketplace/media/images.py, in a 3:2 camera shape.
PHOTO_SIZE = (7728, 5152)
MAX_PHOTOS = 8  # marketplace/products/photos.py
EXTRA_BUYERS = 3  # besides the demo buyer, so that logins are not all one account
UPLOAD_TIMEOUT = 600.0
OTHER_TIMEOUT = 30.0
KINDS = ("log in", "message", "product page")

_THREAD = re.compile(r"/interests/(\d+)")


# ---------------------------------------------------------------------------------------------
# Photos


def make_photo(seed: int, kind: str) -> bytes:
    """A ~40 MP photo that compresses like a real one: smooth gradients and a little noise.

    JPEG gets fine noise; PNG gets noise in 8-pixel blocks, which its filters compress, so the
    file stays well under the 10 MB cap. The seed turns the gradients, so no two are the same.
    """
    width, height = PHOTO_SIZE
    ramp = Image.linear_gradient("L")
    red = ramp.rotate(seed * 37 % 360).resize(PHOTO_SIZE, Image.Resampling.BILINEAR)
    green = ramp.rotate(90 + seed * 53 % 180).resize(PHOTO_SIZE, Image.Resampling.BILINEAR)
    blue = Image.radial_gradient("L").resize(PHOTO_SIZE, Image.Resampling.BILINEAR)
    if kind == "JPEG":
        noise = Image.effect_noise(PHOTO_SIZE, 8)
    else:
        noise = Image.effect_noise((width // 8, height // 8), 6).resize(
            PHOTO_SIZE, Image.Resampling.NEAREST
        )
    channels = [ImageChops.add(red, noise, 1, -128), green, ImageChops.add(blue, noise, 1, -128)]
    out = io.BytesIO()
    image = Image.merge("RGB", channels)
    if kind == "JPEG":
        image.save(out, "JPEG", quality=88)
    else:
        image.save(out, "PNG", compress_level=6)
    return out.getvalue()


# ---------------------------------------------------------------------------------------------
# The demo data the round works on


@dataclass(frozen=True)
class OwnProduct:
    id: int
    slug: str
    owner: str
    photos: int
    published: bool


def products(live: Instance) -> list[OwnProduct]:
    query = sa.text(
        "SELECT p.id, p.slug, u.email, p.status, "
        "(SELECT count(*) FROM product_images i WHERE i.product_id = p.id) "
        "FROM products p JOIN businesses b ON b.id = p.business_id "
        "JOIN users u ON u.id = b.owner_id ORDER BY p.id"
    )
    engine = live.engine()
    with engine.connect() as connection:
        rows = connection.execute(query).all()
    engine.dispose()
    return [OwnProduct(r[0], r[1], r[2], int(r[4]), r[3] == "published") for r in rows]


def with_room(catalog: list[OwnProduct], count: int) -> list[OwnProduct]:
    """`count` different products with room for a photo, those already back in review first.

    A new photo sends a published product back to the office's review (and its page to 404),
    so uploads go to products that are not public any more where they can, leaving published
    ones for the visitors' page views.
    """
    roomy = sorted(
        (p for p in catalog if p.photos < MAX_PHOTOS), key=lambda p: (p.published, p.photos)
    )
    if len(roomy) < count:
        raise BenchError(
            f"Only {len(roomy)} products still have room for a photo: use fewer --rounds."
        )
    return roomy[:count]


def open_conversation(port: int, product: OwnProduct) -> tuple[Browser, int]:
    """The demo buyer, logged in, with a conversation opened through the real interest form."""
    buyer = Browser(port)
    if buyer.log_in("buyer@demo.example").status != 302:
        raise BenchError("The demo buyer could not log in.")
    page = buyer.get(f"/products/{product.slug}/interest")
    key = re.search(r'name="submission_key"[^>]*value="([^"]+)"', page.text)
    if key is None:
        raise BenchError(f"No interest form for {product.slug} (status {page.status}).")
    sent = buyer.post(
        f"/products/{product.slug}/interest",
        {
            "csrf_token": csrf_token(page),
            "submission_key": key.group(1),
            "quantity": "50",
            "unit": "piece",
            "target_price": "12.50",
            "currency": "EUR",
            "incoterm": "FOB",
            "destination": "Hamburg",
            "message": "We would like 50 pieces for our shop in Braunschweig.",
        },
    )
    thread = _THREAD.search(sent.location)
    if sent.status != 302 or thread is None:
        raise BenchError(f"The interest form answered {sent.status}, not a conversation.")
    buyer.get(sent.location)  # reads the flashed message, as the browser would
    return buyer, int(thread.group(1))


# ---------------------------------------------------------------------------------------------
# One round


@dataclass
class Upload:
    product: OwnProduct
    kind: str
    megabytes: float
    status: int = 0
    error: str = ""
    seconds: float = 0.0
    sent_after: float = 0.0  # seconds from the round's start until the whole body was sent
    ended_at: float = 0.0


@dataclass
class Outcome:
    kind: str
    ok: bool
    seconds: float
    started_at: float  # seconds from the round's start
    ended_at: float
    problem: str = ""


def _upload(
    browser: Browser, upload: Upload, photo: bytes, sent: threading.Semaphore, t0: float
) -> None:
    """Send the whole request, tell the round it is on the server, then wait for the answer."""
    released = False
    try:
        page = browser.get(f"/my/products/{upload.product.id}/photos")
        extension, content_type = (
            ("jpg", "image/jpeg") if upload.kind == "JPEG" else ("png", "image/png")
        )
        body, form_type = multipart(
            {"csrf_token": csrf_token(page)},
            [("photos", f"bench.{extension}", content_type, photo)],
        )
        connection, started = browser.send(
            "POST",
            f"/my/products/{upload.product.id}/photos",
            body,
            {"Content-Type": form_type},
            timeout=UPLOAD_TIMEOUT,
        )
        upload.sent_after = time.perf_counter() - t0
        sent.release()
        released = True
        reply = browser.receive(connection, started)
        upload.status, upload.seconds = reply.status, reply.seconds
    except (OSError, http.client.HTTPException, BenchError) as error:
        upload.error = type(error).__name__
    finally:
        if not released:
            sent.release()
        upload.ended_at = time.perf_counter() - t0


def _classify(status: int, expected: int) -> str:
    if status == expected:
        return ""
    return f"{status} (server error)" if status >= 500 else f"{status} (expected {expected})"


Job = tuple[str, Callable[[], tuple[int, int, float]]]  # kind, and what returns
# (status, expected status, seconds of the request that writes)


def _other_writes(
    port: int,
    buyers: list[str],
    buyer: Browser,
    thread_id: int,
    pages: list[OwnProduct],
    count: int,
    rng: random.Random,
) -> list[Job]:
    """`count` writes, shuffled: 30% logins, 30% messages, 40% product page views."""

    def log_in() -> tuple[int, int, float]:
        visitor = Browser(port, timeout=OTHER_TIMEOUT)  # a fresh session each time
        form = visitor.get("/auth/login")
        if form.status != 200:
            return form.status, 200, form.seconds
        fields = {"csrf_token": csrf_token(form), "password": DEMO_PASSWORD}
        reply = visitor.post("/auth/login", {**fields, "email": rng.choice(buyers)})
        return reply.status, 302, reply.seconds

    def message() -> tuple[int, int, float]:
        tab = buyer.copy()
        tab.timeout = OTHER_TIMEOUT
        reply = tab.post(
            f"/interests/{thread_id}/messages",
            {"csrf_token": token, "body": "Could you send the price for 200 pieces?"},
        )
        return reply.status, 302, reply.seconds

    def view() -> tuple[int, int, float]:
        visitor = Browser(port, timeout=OTHER_TIMEOUT)  # anonymous: the view is counted
        reply = visitor.get(f"/products/{rng.choice(pages).slug}")
        return reply.status, 200, reply.seconds

    token = csrf_token(buyer.get(f"/interests/{thread_id}"))
    logins = messages = count * 3 // 10
    jobs: list[Job] = [("log in", log_in)] * logins + [("message", message)] * messages
    jobs += [("product page", view)] * (count - logins - messages)
    rng.shuffle(jobs)
    return jobs


def _run_others(jobs: list[Job], clients: int, t0: float) -> list[Outcome]:
    """Run the jobs from `clients` threads, each taking the next job when it is done."""
    todo: queue.SimpleQueue[Job] = queue.SimpleQueue()
    for job in jobs:
        todo.put(job)
    outcomes: list[Outcome] = []
    lock = threading.Lock()

    def client() -> None:
        while True:
            try:
                kind, job = todo.get_nowait()
            except queue.Empty:
                return
            started = time.perf_counter()
            try:
                status, expected, seconds = job()
                problem = _classify(status, expected)
            except TimeoutError:
                seconds, problem = time.perf_counter() - started, "timeout"
            except (OSError, http.client.HTTPException, BenchError) as error:
                seconds, problem = time.perf_counter() - started, type(error).__name__
            ended = time.perf_counter()
            outcome = Outcome(kind, not problem, seconds, started - t0, ended - t0, problem)
            with lock:
                outcomes.append(outcome)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@dataclass
class Round:
    uploads: list[Upload]
    others: list[Outcome]
    added: int
    started_others_at: float


def run_round(
    live: Instance,
    port: int,
    number: int,
    buyers: list[str],
    buyer: Browser,
    thread_id: int,
    others: int,
    clients: int,
) -> Round:
    catalog = products(live)
    targets = with_room(catalog, UPLOADS)
    kinds = ["JPEG" if i % 2 == 0 else "PNG" for i in range(len(targets))]
    print(f"round {number}: making {len(targets)} photos of {PHOTO_SIZE[0]}x{PHOTO_SIZE[1]} ...")
    with ThreadPoolExecutor(2) as pool:  # Pillow lets go of the GIL while it works
        photos = list(pool.map(make_photo, [number * 100 + i for i in range(len(targets))], kinds))
    uploads = [
        Upload(p, kind, len(photo) / 1e6)
        for p, kind, photo in zip(targets, kinds, photos, strict=True)
    ]
    owners = []
    for upload in uploads:
        owner = Browser(port, timeout=UPLOAD_TIMEOUT)
        if owner.log_in(upload.product.owner).status != 302:
            raise BenchError(f"{upload.product.owner} could not log in.")
        owners.append(owner)
    rng = random.Random(number)
    pages = [p for p in catalog if p.published and p not in targets]
    if not pages:
        raise BenchError("No published product is left for page views: use fewer --rounds.")
    jobs = _other_writes(port, buyers, buyer, thread_id, pages, others, rng)

    sent = threading.Semaphore(0)
    t0 = time.perf_counter()
    senders = [
        threading.Thread(target=_upload, args=(owner, upload, photo, sent, t0))
        for owner, upload, photo in zip(owners, uploads, photos, strict=True)
    ]
    for sender in senders:
        sender.start()
    # The others start once every upload is on the server (or after 10 s, whatever is late).
    deadline = time.monotonic() + 10
    for _ in senders:
        sent.acquire(timeout=max(0.0, deadline - time.monotonic()))
    started_others_at = time.perf_counter() - t0
    outcomes = _run_others(jobs, clients, t0)
    for sender in senders:
        sender.join()
    after = {p.id: p.photos for p in products(live)}
    added = sum(after[u.product.id] - u.product.photos for u in uploads)
    return Round(uploads, outcomes, added, started_others_at)


# ---------------------------------------------------------------------------------------------
# Report


def report_round(number: int, result: Round) -> None:
    print(f"\nround {number}: uploads (one ~40 MP photo each)")
    print("  product                        kind   MB    sent at  status  seconds")
    for u in result.uploads:
        status = str(u.status) if not u.error else u.error
        print(
            f"  {u.product.slug[:30]:30} {u.kind:5} {u.megabytes:5.1f} {u.sent_after:7.2f}s"
            f"  {status:6} {u.seconds:8.2f}"
        )
    print(f"  photos added: {result.added} of {len(result.uploads)}")
    seconds = [o.seconds * 1000 for o in result.others]
    print(
        f"  other writes: {len(seconds)}, failed {sum(not o.ok for o in result.others)}, "
        f"p50 {percentile(seconds, 0.5):.0f} ms, p95 {percentile(seconds, 0.95):.0f} ms, "
        f"max {max(seconds, default=0):.0f} ms"
    )
    ends = sorted(u.ended_at for u in result.uploads)
    during_all = sum(o.started_at < ends[0] for o in result.others)
    during_any = sum(o.started_at < ends[-1] for o in result.others)
    last = max((o.ended_at for o in result.others), default=0.0)
    print(
        f"  they began {result.started_others_at:.1f} s after the uploads, the last "
        f"ended at {last:.1f} s, the last upload at {ends[-1]:.1f} s; of "
        f"{len(result.others)}, {during_all} started while all {len(ends)} uploads were "
        f"running, {during_any} while at least one was"
    )


def report_others(outcomes: list[Outcome]) -> int:
    print("\nother writes")
    print("  kind           count  failed   p50 ms   p95 ms   max ms")
    for kind in (*KINDS, "all"):
        rows = [o for o in outcomes if kind in ("all", o.kind)]
        seconds = [o.seconds * 1000 for o in rows]
        failed = sum(not o.ok for o in rows)
        print(
            f"  {kind:14} {len(rows):5} {failed:7} {percentile(seconds, 0.5):8.0f} "
            f"{percentile(seconds, 0.95):8.0f} {max(seconds, default=0):8.0f}"
        )
    problems: dict[str, int] = {}
    for o in outcomes:
        if not o.ok:
            key = f"{o.kind}: {o.problem}"
            problems[key] = problems.get(key, 0) + 1
    for problem, times in sorted(problems.items()):
        print(f"  failure  {times} x {problem}")
    return sum(problems.values())


def server_errors(log: Path) -> None:
    text = log.read_text(errors="replace") if log.exists() else ""
    print(
        f"\ngunicorn log: {text.count('Traceback')} tracebacks, "
        f"{text.count('database is locked')} x 'database is locked', "
        f"{text.count('WORKER TIMEOUT')} worker timeouts"
    )


# ---------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=1, help="rounds of 8 uploads (at most 6)")
    parser.add_argument("--others", type=int, default=100, help="other writes per round")
    parser.add_argument("--clients", type=int, default=6, help="threads sending the others")
    parser.add_argument("--db-url", help="a PostgreSQL server to make a throwaway database on")
    parser.add_argument("--app-dir", type=Path, default=ROOT, help="the checkout to serve")
    parser.add_argument("--keep", action="store_true", help="keep the instance folder")
    args = parser.parse_args(argv)

    port = free_port()
    print(f"{machine()}; gunicorn --workers {WORKERS} --threads {THREADS}; app {args.app_dir}")
    try:
        if args.db_url:
            with postgres_database(args.db_url) as url:
                return _run(args, port, url)
        return _run(args, port, None)
    except BenchError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


def _run(args: argparse.Namespace, port: int, database_url: str | None) -> int:
    env = {"RATELIMIT_ENABLED": "0"}
    with instance(port, database_url, args.app_dir, env, args.keep) as live:
        print(f"database: {live.database_url.split('://')[0]}")
        buyers = ["buyer@demo.example"]
        for n in range(1, EXTRA_BUYERS + 1):
            email = f"buyer{n}@bench.example"
            live.flask(
                *("create-user", "--role", "buyer", "--email", email, "--name", f"Buyer {n}"),
                *("--company", f"Bench Handel {n}", "--country", "DE"),
                stdin=f"{DEMO_PASSWORD}\n",
            )
            buyers.append(email)
        with gunicorn(live, port, WORKERS, THREADS) as log:
            published = [p for p in products(live) if p.published]
            buyer, thread_id = open_conversation(port, published[0])
            rounds = [
                run_round(live, port, n, buyers, buyer, thread_id, args.others, args.clients)
                for n in range(1, args.rounds + 1)
            ]
        for n, result in enumerate(rounds, 1):
            report_round(n, result)
        failed = report_others([o for r in rounds for o in r.others])
        server_errors(log)
    uploads = [u for r in rounds for u in r.uploads]
    missing = len(uploads) - sum(r.added for r in rounds)
    print(f"\nresult: {failed} other writes failed; {missing} uploads added no photo; {machine()}")
    return 1 if failed or missing else 0


if __name__ == "__main__":
    sys.exit(main())
