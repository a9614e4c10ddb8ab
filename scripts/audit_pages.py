"""Accessibility and HTML-validity audit of the buyer-facing pages in every language.

    make audit                                   # a throwaway SQLite database with the demo data
    .venv/bin/python scripts/audit_pages.py --base-url http://127.0.0.1:8000   # a running server

Every page a visitor or a buyer meets is opened in each of the seven languages, signed in as the
demo buyer where the page needs it, and judged twice:
- axe-core (Deque, all its default rules) in Chromium, at a phone's 390x844 and at 1280x800;
- the Nu HTML Checker on the HTML exactly as the server sent it (fetched with the same cookies).

The tools are npm packages at pinned versions, installed on first use into a cache folder
(`AUDIT_CACHE`, default ~/.cache/marketplace-audit) with `npm install --prefix`; Chromium is
Debian's (/usr/bin/chromium, or `CHROMIUM`) and Java the system's. Chromium is kept offline: every
host but the audited one resolves to nothing.

The report goes to docs/accessibility.md; the exit status is 1 when anything was found (or a page
did not answer as expected), 0 when every page is clean.

Against `--base-url` the audit signs in as buyer@demo.example, switches that account's language
(and restores it at the end), and, when the account has none yet, sends one interest and puts one
product on its shortlist so that the conversation and shortlist pages have something to show.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import importlib.metadata
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
AXE_CORE_VERSION = "4.14.1"
VNU_JAR_VERSION = "26.9.27"
LANGUAGES = ["en", "id", "de", "fr", "ko", "ms", "zh"]
VIEWPORTS = {"phone": (390, 844), "desktop": (1280, 800)}
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
BUYER_EMAIL = "buyer@demo.example"
MSME_EMAILS = [f"{name}@demo.example" for name in ("bamboo", "batik", "coffee", "leather")]
DEMO_PASSWORD = "bandung-demo-2026"
SEARCH_WORDS = "batik"
THROWAWAY = "a throwaway SQLite database with the demo data (flask seed-demo)"
CATALOG_FILTERS = "max_moq=500&max_lead=60&export=direct&sort=price_low"


@dataclass(frozen=True)
class Target:
    name: str
    path: str
    signed_in: bool = False
    status: int = 200


@dataclass
class Finding:
    tool: str  # "axe" or "vnu"
    page: str
    language: str
    viewport: str  # "phone", "desktop" or "" (vnu)
    rule: str
    impact: str
    text: str
    where: list[str] = field(default_factory=list)


@dataclass
class Result:
    axe: dict[tuple[str, str, str], int] = field(default_factory=dict)  # page, lang, viewport
    vnu: dict[tuple[str, str], int] = field(default_factory=dict)  # page, lang
    findings: list[Finding] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    vnu_warnings: int = 0


# ---------------------------------------------------------------------------------------------
# Tools


def install_tools(cache: Path) -> tuple[Path, Path]:
    """axe.min.js and vnu.jar at the pinned versions, installed into `cache` when missing.
    `--ignore-scripts` keeps vnu-jar's install step from fetching a Java runtime of its own."""
    wanted = {"axe-core": AXE_CORE_VERSION, "vnu-jar": VNU_JAR_VERSION}
    missing = [
        f"{name}@{version}"
        for name, version in wanted.items()
        if _npm_version(cache, name) != version
    ]
    if missing:
        if shutil.which("npm") is None:
            sys.exit("npm is needed to install " + ", ".join(missing) + " (apt-get install npm)")
        cache.mkdir(parents=True, exist_ok=True)
        manifest = cache / "package.json"
        if not manifest.exists():
            manifest.write_text('{"name": "marketplace-audit-tools", "private": true}\n')
        print("installing", *missing, "into", cache, file=sys.stderr)
        subprocess.run(
            ["npm", "install", "--prefix", str(cache), "--no-audit", "--no-fund", "--save-exact",
             "--ignore-scripts", "--loglevel=error", *missing],
            check=True,
        )  # fmt: skip
    if shutil.which("java") is None:
        sys.exit(
            "Java 11 or newer is needed for the Nu HTML Checker"
            " (apt-get install default-jre-headless)"
        )
    return (
        cache / "node_modules/axe-core/axe.min.js",
        cache / "node_modules/vnu-jar/build/dist/vnu.jar",
    )


def _npm_version(cache: Path, name: str) -> str:
    try:
        return str(
            json.loads((cache / "node_modules" / name / "package.json").read_text())["version"]
        )
    except (OSError, ValueError, KeyError):
        return ""


# ---------------------------------------------------------------------------------------------
# The server


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def demo_server(workdir: Path) -> Iterator[str]:
    """The app under gunicorn on a fresh SQLite database holding the demo data."""
    if not any((ROOT / "marketplace/translations").glob("*/LC_MESSAGES/messages.mo")):
        sys.exit("The translations are not compiled: run `make translations` first.")
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "APP_ENV": "development",
        "INSTANCE_PATH": str(workdir / "instance"),
        "DATABASE_URL": f"sqlite:///{workdir / 'instance' / 'audit.db'}",
        "BASE_URL": base,
    }
    for name in ("MEDIA_ROOT", "RATELIMIT_STORAGE_URI", "SECRET_KEY"):
        env.pop(name, None)
    (workdir / "instance").mkdir(parents=True, exist_ok=True)
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    for command in (["db", "upgrade"], ["seed-demo"]):
        subprocess.run([*flask, *command], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    pidfile = workdir / "gunicorn.pid"
    log = (workdir / "gunicorn.log").open("wb")
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", "2", "--threads", "4", "--bind",
         f"127.0.0.1:{port}", "--pid", str(pidfile), "--no-control-socket", "wsgi:app"],
        cwd=ROOT, env=env, stdout=log, stderr=log,
    )  # fmt: skip
    try:
        _wait_for(base + "/healthz", server)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


def _wait_for(url: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"The server stopped (exit {server.returncode}); see its log.")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    sys.exit(f"The server did not answer at {url} within a minute.")


# ---------------------------------------------------------------------------------------------
# The pages


def _first_link(page: Page, pattern: str) -> str:
    """The path of the first link on the page whose path matches `pattern`."""
    for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)"):
        path = urlsplit(href).path
        if re.fullmatch(pattern, path):
            return path
    raise SystemExit(f"No link matching {pattern} on {page.url}")


def sign_in(page: Page, base: str, email: str = BUYER_EMAIL) -> None:
    page.goto(base + "/auth/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", DEMO_PASSWORD)
    with page.expect_navigation():
        page.click("form:has(input[name=password]) [type=submit]")
    if "/auth/login" in page.url:
        raise SystemExit(f"Could not sign in as {email} at {base}")


def answer_as_business(browser: Browser, base: str, thread: str) -> None:
    """The demo MSME owner whose product it is answers, so that the conversation shows both
    sides and the buyer has a notification."""
    for email in MSME_EMAILS:
        context = browser.new_context(locale="en-GB")
        try:
            page = context.new_page()
            sign_in(page, base, email)
            response = page.goto(base + thread)
            if response is None or response.status != 200:
                continue
            page.fill("textarea[name=body]", "Thank you! Samples can leave Bandung next week.")
            with page.expect_navigation():
                page.click("form:has(textarea[name=body]) [type=submit]")
            return
        finally:
            context.close()
    raise SystemExit(f"No demo MSME owner could open {thread}")


def discover(page: Page, base: str) -> list[Target]:
    """The pages to judge, found through the site as the signed-in buyer sees it (in English):
    a product, its business, a channel, and the buyer's own conversation (one is started, and
    answered by the business, when there is none)."""
    page.goto(base + "/catalog")
    product = _first_link(page, r"/products/[^/]+")
    page.goto(base + product)
    business = _first_link(page, r"/msmes/[^/]+")
    shortlist_add = page.locator("form[action*='/shortlist/'] button")
    if shortlist_add.count() and "/remove" not in (
        page.locator("form[action*='/shortlist/']").first.get_attribute("action") or ""
    ):
        with page.expect_navigation():
            shortlist_add.first.click()
    page.goto(base + "/channels")
    channel = _first_link(page, r"/channels/(?!.*\.pdf$)[^/]+")
    page.goto(base + "/interests")
    try:
        thread = _first_link(page, r"/interests/\d+")
    except SystemExit:
        page.goto(base + product + "/interest")
        page.fill("input[name=quantity]", "50")
        page.fill("textarea[name=message]", "We would like samples for our shop in Braunschweig.")
        with page.expect_navigation():
            page.click("form:has(textarea[name=message]) [type=submit]")
        thread = urlsplit(page.url).path
        if not re.fullmatch(r"/interests/\d+", thread):
            raise SystemExit(f"Could not start a conversation on {product}") from None
        assert page.context.browser is not None
        answer_as_business(page.context.browser, base, thread)
    return [
        Target("home", "/"),
        Target("catalog", "/catalog"),
        Target("catalog, filtered", "/catalog?" + CATALOG_FILTERS),
        Target("search", "/search?q=" + SEARCH_WORDS),
        Target("product", product),
        Target("business storefront", business),
        Target("channels", "/channels"),
        Target("channel", channel),
        Target("quick interest (no account)", product + "/interest"),
        Target("interest form (buyer)", product + "/interest", signed_in=True),
        Target("log in", "/auth/login"),
        Target("register (buyer)", "/auth/register?role=buyer"),
        Target("forgot password", "/auth/reset"),
        Target("shortlist", "/shortlist/", signed_in=True),
        Target("interests", "/interests", signed_in=True),
        Target("conversation", thread, signed_in=True),
        Target("notifications", "/notifications/", signed_in=True),
        Target("account settings", "/auth/settings", signed_in=True),
        Target("API tokens", "/auth/tokens/", signed_in=True),
        Target("buyer profile", "/buyer/profile", signed_in=True),
        Target("not found (404)", "/no-such-page", status=404),
    ]


def choose_language(page: Page, base: str, code: str) -> None:
    """Through the language switch, as a person does (a signed-in person's choice is saved)."""
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(base + "/")
    page.select_option("#lang-select", code)
    with page.expect_navigation():
        page.click("form.lang-switch [type=submit]")
    lang = page.get_attribute("html", "lang") or ""
    if not lang.startswith(code):
        raise SystemExit(f"The page is in {lang!r} after choosing {code!r}")


# ---------------------------------------------------------------------------------------------
# The audit


def run_axe(page: Page, axe_source: str) -> list[dict[str, Any]]:
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source)
    result = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']}))")
    return list(result["violations"])


def audit(
    base: str, axe_js: Path, vnu_jar: Path, workdir: Path, only: set[str] | None
) -> tuple[Result, dict[str, str]]:
    result = Result()
    axe_source = axe_js.read_text()
    host = urlsplit(base).hostname or "127.0.0.1"
    offline = "MAP * ~NOTFOUND , " + " , ".join(
        f"EXCLUDE {h}" for h in sorted({host, "127.0.0.1", "localhost"})
    )
    html_dir = workdir / "html"
    html_dir.mkdir(parents=True, exist_ok=True)
    files: dict[str, tuple[str, str]] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[*CHROMIUM_FLAGS, f"--host-resolver-rules={offline}"],
            headless=True,
        )
        versions = {
            "axe-core": _npm_version(axe_js.parents[2], "axe-core"),
            "Nu HTML Checker (vnu-jar)": _vnu_version(vnu_jar),
            "Chromium": browser.version,
            "Playwright for Python": importlib.metadata.version("playwright"),
        }
        visitor = browser.new_context(locale="en-GB")
        buyer = browser.new_context(locale="en-GB")
        buyer_page = buyer.new_page()
        sign_in(buyer_page, base)
        buyer_page.goto(base + "/")
        saved_language = buyer_page.eval_on_selector("#lang-select", "s => s.value")
        choose_language(buyer_page, base, "en")
        targets = discover(buyer_page, base)
        if only:
            targets = [t for t in targets if t.name in only]
        visitor_page = visitor.new_page()
        try:
            for code in LANGUAGES:
                choose_language(visitor_page, base, code)
                choose_language(buyer_page, base, code)
                for target in targets:
                    page, context = (
                        (buyer_page, buyer) if target.signed_in else (visitor_page, visitor)
                    )
                    _judge_page(page, base, target, code, axe_source, result)
                    name = f"{len(files):03d}.html"
                    if _save_html(context, base, target, code, html_dir / name, result):
                        files[name] = (target.name, code)
                print(f"{code}: {len(targets)} pages judged", file=sys.stderr)
        finally:
            if saved_language:
                choose_language(buyer_page, base, saved_language)
            browser.close()
    run_vnu(vnu_jar, html_dir, files, result)
    return result, versions


def _judge_page(
    page: Page, base: str, target: Target, code: str, axe_source: str, result: Result
) -> None:
    for viewport, (width, height) in VIEWPORTS.items():
        page.set_viewport_size({"width": width, "height": height})
        response = page.goto(base + target.path, wait_until="load")
        status = response.status if response else 0
        if status != target.status:
            result.failures.append(f"{target.name} ({code}, {viewport}): HTTP {status}")
            continue
        violations = run_axe(page, axe_source)
        result.axe[(target.name, code, viewport)] = len(violations)
        for violation in violations:
            result.findings.append(
                Finding(
                    tool="axe",
                    page=target.name,
                    language=code,
                    viewport=viewport,
                    rule=violation["id"],
                    impact=violation.get("impact") or "",
                    text=violation["help"],
                    where=[" ".join(map(str, n["target"])) for n in violation["nodes"][:5]],
                )
            )


def _save_html(
    context: BrowserContext, base: str, target: Target, code: str, file: Path, result: Result
) -> bool:
    response = context.request.get(base + target.path)
    if response.status != target.status:
        result.failures.append(f"{target.name} ({code}, fetched for vnu): HTTP {response.status}")
        return False
    file.write_bytes(response.body())
    return True


def _vnu_version(jar: Path) -> str:
    out = subprocess.run(["java", "-jar", str(jar), "--version"], capture_output=True, text=True)
    return out.stdout.strip() or VNU_JAR_VERSION


def run_vnu(jar: Path, html_dir: Path, files: dict[str, tuple[str, str]], result: Result) -> None:
    """One JVM for all the pages; every page starts with zero errors."""
    for page, code in files.values():
        result.vnu[(page, code)] = 0
    if not files:
        return
    out = subprocess.run(
        ["java", "-Xss8m", "-jar", str(jar), "--format", "json", "--stdout", "--exit-zero-always",
         *(str(html_dir / name) for name in sorted(files))],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    for message in json.loads(out.stdout)["messages"]:
        name = (message.get("url") or "").rsplit("/", 1)[-1]
        if name not in files:
            result.failures.append("vnu: " + message.get("message", "no message"))
            continue
        page, code = files[name]
        if message.get("type") == "info":
            result.vnu_warnings += message.get("subType") == "warning"
            continue
        result.vnu[(page, code)] += 1
        extract = re.sub(r"\s+", " ", message.get("extract", "")).strip()
        result.findings.append(
            Finding(
                tool="vnu",
                page=page,
                language=code,
                viewport="",
                rule=f"line {message.get('lastLine', '?')}",
                impact=message.get("type", "error"),
                text=message.get("message", ""),
                where=[extract] if extract else [],
            )
        )


# ---------------------------------------------------------------------------------------------
# The report


def report(result: Result, versions: dict[str, str], base_url: str | None) -> str:
    pages = list(
        dict.fromkeys(key[0] for key in result.vnu) | dict.fromkeys(k[0] for k in result.axe)
    )
    lines = [
        "# Accessibility and HTML validity of the buyer-facing pages",
        "",
        "Written by `make audit` (`scripts/audit_pages.py`); do not edit by hand.",
        "",
        f"- Date: {dt.date.today().isoformat()}",
        f"- Server: {base_url or THROWAWAY}",
        *(f"- {name}: {version}" for name, version in versions.items()),
        "- Rules: axe-core's default rules (WCAG 2.x A and AA, best practices), at a phone's"
        " 390x844 and at 1280x800; the Nu HTML Checker on the HTML as the server sent it",
        "- Signed-in pages as the demo buyer; each language chosen through the language switch",
        "",
        "Each cell: axe violations at the phone size / at the desktop size / Nu HTML Checker"
        " errors. `-` where the page did not answer as expected.",
        "",
        "| page | " + " | ".join(LANGUAGES) + " |",
        "|---|" + "---|" * len(LANGUAGES),
    ]
    for page in pages:
        cells = []
        for code in LANGUAGES:
            parts = [result.axe.get((page, code, v)) for v in VIEWPORTS] + [
                result.vnu.get((page, code))
            ]
            cells.append("/".join("-" if p is None else str(p) for p in parts))
        lines.append(f"| {page} | " + " | ".join(cells) + " |")
    axe_total = sum(result.axe.values())
    vnu_total = sum(result.vnu.values())
    lines += [
        "",
        f"Total: {axe_total} axe violations, {vnu_total} Nu HTML Checker errors"
        f" ({result.vnu_warnings} warnings, not counted), {len(result.failures)} pages that"
        " did not answer as expected.",
        "",
        "## Findings",
        "",
    ]
    if not result.findings and not result.failures:
        lines.append("None.")
    for failure in result.failures:
        lines.append(f"- did not answer as expected: {failure}")
    grouped: dict[tuple[str, str, str, str, str], list[Finding]] = defaultdict(list)
    for f in result.findings:
        grouped[(f.tool, f.page, f.rule if f.tool == "axe" else "", f.impact, f.text)].append(f)
    for (tool, page, rule, impact, text), found in sorted(grouped.items()):
        where = sorted({w for f in found for w in f.where})[:5]
        seen = sorted({f.language + (f" {f.viewport}" if f.viewport else "") for f in found})
        label = f"`{rule}` ({impact})" if tool == "axe" else impact
        lines.append(f"- {tool} · {page} · {label}: {text}")
        lines.append(f"  - in: {', '.join(seen)}")
        lines.extend(f"  - `{w[:200]}`" for w in where)
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", help="audit a running server instead of a throwaway one")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "accessibility.md")
    parser.add_argument("--page", action="append", help="only this page (by its name); repeatable")
    args = parser.parse_args(argv)
    if not CHROMIUM.exists():
        sys.exit(f"Chromium is not at {CHROMIUM} (apt-get install chromium, or set CHROMIUM)")
    cache = Path(os.environ.get("AUDIT_CACHE", "") or Path.home() / ".cache/marketplace-audit")
    axe_js, vnu_jar = install_tools(cache)
    with tempfile.TemporaryDirectory(prefix="audit-") as tmp:
        workdir = Path(tmp)
        only = set(args.page) if args.page else None
        if args.base_url:
            result, versions = audit(args.base_url.rstrip("/"), axe_js, vnu_jar, workdir, only)
        else:
            with demo_server(workdir) as base:
                result, versions = audit(base, axe_js, vnu_jar, workdir, only)
    text = report(result, versions, args.base_url)
    args.out.write_text(text)
    print(text)
    return 1 if result.findings or result.failures else 0


if __name__ == "__main__":
    sys.exit(main())
