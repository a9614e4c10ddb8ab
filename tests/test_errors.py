"""A service error carries a lazy message: it is worded in the language of whoever reads it."""

from __future__ import annotations

from flask import Flask
from flask_babel import force_locale

from marketplace.accounts.tokens import TokenUsedError


def test_a_service_error_is_worded_when_it_is_shown(app: Flask) -> None:
    with app.test_request_context(), force_locale("de"):
        error = TokenUsedError()  # raised while the service ran in German
    with app.test_request_context(), force_locale("ko"):
        assert str(error.message) == "이미 사용된 링크입니다."
        assert str(error) == "이미 사용된 링크입니다."
    with app.test_request_context(), force_locale("de"):
        assert str(error.message) == "Dieser Link wurde bereits verwendet."
