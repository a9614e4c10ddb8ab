"""Account pages: register, log in and out, settings."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("accounts", __name__, url_prefix="/auth")


@bp.route("/login", methods=["GET", "POST"])
def login() -> str:
    return "login"


@bp.route("/register", methods=["GET", "POST"])
def register() -> str:
    return "register"


@bp.post("/logout")
def logout() -> str:
    return "logout"


@bp.route("/settings", methods=["GET", "POST"])
def settings() -> str:
    return "settings"
