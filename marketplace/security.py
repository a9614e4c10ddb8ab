"""Response headers every page carries, and the check that keeps `next` redirects on this site.

No page may be shown in another site's frame (`frame-ancestors 'none'`, `X-Frame-Options`), but
for the views marked `@framable` (a channel's line-up for partner sites): their answers, errors
included, let any site frame them, and carry no `X-Frame-Options`.
"""

from __future__ import annotations

from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import Response, current_app, has_request_context, request

_POLICY = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
]
CONTENT_SECURITY_POLICY = "; ".join([*_POLICY, "frame-ancestors 'none'"])
FRAMABLE_POLICY = "; ".join([*_POLICY, "frame-ancestors *"])
FRAMABLE_ATTR = "framable"

V = TypeVar("V")


SECURITY_HEADERS = (
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
    ("X-Frame-Options", "DENY"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
)


def framable(view: V) -> V:
    """Mark a view whose page any site may show in a frame."""
    setattr(view, FRAMABLE_ATTR, True)
    return view


def _framable() -> bool:
    if not has_request_context():
        return False
    view: Any = current_app.view_functions.get(request.endpoint or "")
    return bool(getattr(view, FRAMABLE_ATTR, False))


def _headers() -> tuple[tuple[str, str], ...]:
    if not _framable():
        return SECURITY_HEADERS
    return tuple(
        (name, FRAMABLE_POLICY if name == "Content-Security-Policy" else value)
        for name, value in SECURITY_HEADERS
        if name != "X-Frame-Options"
    )


def set_security_headers(response: Response) -> Response:
    """The headers above, each unless the view set its own."""
    present = {name.lower() for name in response.headers.keys()}
    response.headers.extend(
        [(name, value) for name, value in _headers() if name.lower() not in present]
    )
    hsts = int(current_app.config.get("HSTS_SECONDS", 0))
    # Only over HTTPS: a browser ignores the header on plain HTTP, and a laptop has no TLS.
    if hsts > 0 and request.is_secure:
        response.headers.setdefault(
            "Strict-Transport-Security", f"max-age={hsts}; includeSubDomains"
        )
    return response


def is_safe_next(target: str | None) -> bool:
    """Only a path on this site: no scheme, no host, no protocol-relative `//` or `\\\\` trick."""
    if not target:
        return False
    if any(ch in target for ch in ("\\", "\r", "\n", "\t")):
        return False
    parts = urlsplit(target)
    return (
        not parts.scheme
        and not parts.netloc
        and target.startswith("/")
        and not target.startswith("//")
    )
