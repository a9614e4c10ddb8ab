"""What every template can use: language choices, money and date formatting, the nav's counts."""

from __future__ import annotations

from typing import Any

from flask import Flask, g
from flask_babel import format_decimal, get_locale
from markupsafe import Markup, escape

from marketplace.i18n import UI_LOCALES


def format_idr(amount: int | None) -> str:
    if amount is None:
        return ""
    return f"Rp {format_decimal(amount, format='#,##0')}"


def nl2br(text: str | None) -> Markup:
    """Escape first, then keep line breaks: user text never becomes markup."""
    if not text:
        return Markup("")
    return Markup("<br>\n").join(escape(line) for line in text.splitlines())


def init_templating(app: Flask) -> None:
    app.jinja_env.filters["idr"] = format_idr
    app.jinja_env.filters["nl2br"] = nl2br
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.context_processor
    def _globals() -> dict[str, Any]:
        locale = get_locale()
        return {
            "ui_locales": UI_LOCALES,
            "current_locale": str(locale) if locale else "en",
            "nav_counts": getattr(g, "nav_counts", {}),
        }
