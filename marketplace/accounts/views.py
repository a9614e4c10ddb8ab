"""Account pages: register, verify, log in and out, reset a password, settings.

Answers never reveal whether an address has an account: registration, login and reset say the
same thing for a known and an unknown address.

Rate limits (counters shared by all workers, see config.py) count what costs something, never a
form that failed validation: logins count failed credentials only, keyed on the e-mail address
and the client's network address together, so an attacker elsewhere cannot lock the owner out
and a fair's shared Wi-Fi address does not lock out a crowd; a looser limit per network address
alone stops one address from trying many accounts. Registration and reset count the mails sent.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from marketplace.accounts import services
from marketplace.accounts.forms import (
    ChangePasswordForm,
    ChoosePasswordForm,
    LoginForm,
    RegisterForm,
    RequestResetForm,
    ResetPasswordForm,
    SettingsForm,
)
from marketplace.accounts.models import Role, User
from marketplace.accounts.passwordless import choose_password
from marketplace.accounts.tokens import TokenError
from marketplace.accounts.zones import automatic_zone
from marketplace.db import db, write_now
from marketplace.errors import ServiceError
from marketplace.extensions import limiter
from marketplace.forms import Form
from marketplace.reference.queries import partner_cities
from marketplace.security import is_safe_next
from marketplace.timezones import zone_choices
from marketplace.web import writes_late

bp = Blueprint("accounts", __name__, url_prefix="/auth")

# Failed logins for one account from one network address, and from one address in all.
LOGIN_LIMIT = "5 per minute; 20 per hour"
# Mails sent per e-mail address; per network address it is a setting (a fair's Wi-Fi is shared).
MAIL_LIMIT_PER_EMAIL = "3 per hour"
PageResponse = str | Response | tuple[str, int]


def _email() -> str:
    return services.normalise_email(request.form.get("email", ""))[:254]


def _email_key() -> str:
    return "email:" + _email()


def _account_and_address_key() -> str:
    return f"login:{_email()}|{request.remote_addr or ''}"


def _login_limit_per_address() -> str:
    return str(current_app.config["LOGIN_LIMIT_PER_ADDRESS"])


def _login_failed(_response: Response) -> bool:
    """Only a credential check that failed counts towards the login limits."""
    return bool(g.get("login_failed", False))


def _mail_limit_per_address() -> str:
    return str(current_app.config["MAIL_LIMIT_PER_ADDRESS"])


def _mail_sent(response: Response) -> bool:
    """Only a valid form (answered with a redirect to the check-your-inbox page) counts."""
    return response.status_code in (302, 303)


def _status(form_submitted: bool) -> int:
    return 400 if form_submitted else 200


def _safe_next() -> str | None:
    target = request.args.get("next", "")
    return target if is_safe_next(target) else None


def _this_user() -> User:
    user: User = current_user._get_current_object()
    return user


def _has_remember_cookie() -> bool:
    return current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies


# ---------------------------------------------------------------------------------------------
# Registration and verification


def _offered_role() -> str | None:
    """The role a link chose ("Register as a buyer"), preselected on the form."""
    role = request.args.get("role", "")
    return role if role in {r.value for r in services.SELF_SERVICE_ROLES} else None


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(_mail_limit_per_address, methods=["POST"], deduct_when=_mail_sent)
@limiter.limit(MAIL_LIMIT_PER_EMAIL, key_func=_email_key, methods=["POST"], deduct_when=_mail_sent)
def register() -> PageResponse:
    """A safe `next` (the page the person came from) goes along: to the check-inbox page's
    log-in link and into the verification link, so they end up where they started."""
    next_url = _safe_next()
    if current_user.is_authenticated:
        return redirect(next_url or url_for("main.home"))
    cities = db.session.scalars(partner_cities()).all()
    form = RegisterForm(
        partner_cities=[SelectChoice(str(c.id), f"{c.name} ({c.country})") for c in cities],
        role=_offered_role(),
    )
    if form.validate_on_submit():
        try:
            services.register_account(
                email=form.email.data or "",
                name=form.name.data or "",
                password=form.password.data or "",
                role=Role(form.role.data),
                locale=str(get_locale() or "en"),
                buyer=form.buyer_details(),
                next_url=next_url,
            )
        except ServiceError as error:
            form.form_errors.append(str(error.message))
        else:
            db.session.commit()
            return redirect(url_for(".check_inbox", purpose="register", next=next_url))
    return render_template("accounts/register.html", form=form, next=next_url), _status(
        form.is_submitted()
    )


@bp.get("/check-inbox")
def check_inbox() -> str:
    purpose = request.args.get("purpose", "register")
    if purpose not in ("register", "reset"):
        purpose = "register"
    return render_template("accounts/check_inbox.html", purpose=purpose, next=_safe_next())


@bp.route("/verify/<token>", methods=["GET", "POST"])
def verify_email(token: str) -> PageResponse:
    """Opening the link shows a button; pressing it verifies. A GET changes nothing: mail
    scanners and link previews open links by themselves, and one must not verify an address
    for its owner. Someone already logged in goes straight on to a safe `next` afterwards;
    otherwise the page's log-in link carries it."""
    next_url = _safe_next()
    try:
        user = services.check_verify_token(token)
    except TokenError as error:
        return render_template(
            "accounts/verify_result.html", ok=False, purpose="verify", message=error.message
        ), 400
    form = Form()
    if not form.validate_on_submit():
        return render_template(
            "accounts/verify_confirm.html", form=form, email=user.email, token=token, next=next_url
        )
    services.verify_email(token)
    db.session.commit()
    if next_url and current_user.is_authenticated:
        flash(_("Your e-mail address is verified."), "success")
        return redirect(next_url)
    return render_template("accounts/verify_result.html", ok=True, purpose="verify", next=next_url)


@bp.post("/resend-verification")
@login_required
@limiter.limit("5 per hour", methods=["POST"])
def resend_verification() -> Response:
    try:
        services.send_verification(_this_user())
    except ServiceError as error:
        flash(str(error.message), "info")
    else:
        db.session.commit()
        flash(_("We have sent you a new link. Please check your inbox."), "success")
    return redirect(url_for(".settings"))


# ---------------------------------------------------------------------------------------------
# Logging in and out


@bp.route("/login", methods=["GET", "POST"])
@writes_late
@limiter.limit(_login_limit_per_address, methods=["POST"], deduct_when=_login_failed)
@limiter.limit(
    LOGIN_LIMIT, key_func=_account_and_address_key, methods=["POST"], deduct_when=_login_failed
)
def login() -> PageResponse:
    next_url = _safe_next()
    if current_user.is_authenticated:
        return redirect(next_url or url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        password = form.password.data or ""
        try:
            user = services.check_credentials(form.email.data or "", password)
        except services.LoginFailedError as error:
            g.login_failed = True
            form.form_errors.append(str(error.message))
        else:
            write_now()  # the password was checked outside the write lock
            services.record_login(user, password)
            db.session.commit()
            login_user(user, remember=bool(form.remember.data))
            if user.email_verified_at is None:
                flash(
                    _(
                        "Please verify your e-mail address with the link we sent you. "
                        "You can ask for a new link in your account settings."
                    ),
                    "info",
                )
            return redirect(next_url or url_for("main.home"))
    return render_template("accounts/login.html", form=form, next=next_url), _status(
        form.is_submitted()
    )


@bp.post("/logout")
def logout() -> Response:
    """Logging out ends every session of the account, on every device."""
    if current_user.is_authenticated:
        services.end_sessions(_this_user())
        db.session.commit()
        logout_user()
    flash(_("You have logged out."), "success")
    return redirect(url_for("main.home"))


# ---------------------------------------------------------------------------------------------
# Password reset


@bp.route("/reset", methods=["GET", "POST"])
@limiter.limit(_mail_limit_per_address, methods=["POST"], deduct_when=_mail_sent)
@limiter.limit(MAIL_LIMIT_PER_EMAIL, key_func=_email_key, methods=["POST"], deduct_when=_mail_sent)
def request_reset() -> PageResponse:
    form = RequestResetForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data or "")
        db.session.commit()
        return redirect(url_for(".check_inbox", purpose="reset"))
    return render_template("accounts/request_reset.html", form=form), _status(form.is_submitted())


@bp.route("/reset/<token>", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
def reset_password(token: str) -> PageResponse:
    try:
        services.check_reset_token(token)
    except TokenError as error:
        return render_template(
            "accounts/verify_result.html", ok=False, purpose="reset", message=error.message
        ), 400
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            services.reset_password(token, form.password.data or "")
        except TokenError as error:
            return render_template(
                "accounts/verify_result.html", ok=False, purpose="reset", message=error.message
            ), 400
        except ServiceError as error:
            form.password.errors.append(str(error.message))
        else:
            db.session.commit()
            if current_user.is_authenticated:
                logout_user()
            flash(_("Your password is changed. Please log in with the new password."), "success")
            return redirect(url_for(".login"))
    return render_template("accounts/reset_password.html", form=form, token=token), _status(
        form.is_submitted()
    )


# ---------------------------------------------------------------------------------------------
# Settings


def _settings_form(user: User) -> SettingsForm:
    zones = zone_choices(db.session.scalars(partner_cities()), automatic_zone(user))
    return SettingsForm(
        name=user.name, locale=user.locale, timezone=user.timezone or "", zones=zones
    )


def _settings_page(
    settings_form: SettingsForm | None = None,
    password_form: ChangePasswordForm | ChoosePasswordForm | None = None,
    status: int = 200,
) -> tuple[str, int]:
    user = _this_user()
    settings_form = settings_form or _settings_form(user)
    if password_form is None:
        form_class = ChangePasswordForm if user.has_password else ChoosePasswordForm
        password_form = form_class(formdata=None)
    return render_template(
        "accounts/settings.html",
        user=user,
        form=settings_form,
        password_form=password_form,
    ), status


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def settings() -> PageResponse:
    user = _this_user()
    form = _settings_form(user)
    if form.validate_on_submit():
        locale = form.locale.data or "en"
        try:
            services.update_settings(user, form.name.data or "", locale, form.timezone.data or None)
        except ServiceError as error:
            form.form_errors.append(str(error.message))
        else:
            db.session.commit()
            session["locale"] = locale
            with force_locale(locale):
                flash(_("Your settings are saved."), "success")
            return redirect(url_for(".settings"))
    if request.method == "POST":
        return _settings_page(settings_form=form, status=400)
    return _settings_page(settings_form=form)


@bp.post("/settings/password")
@login_required
@limiter.limit("10 per hour", methods=["POST"])
def change_password() -> PageResponse:
    """A password change ends every other session; this browser stays logged in. An account
    opened by a mailed link chooses its first password here, without a current one."""
    user = _this_user()
    if not user.has_password:
        return _choose_password(user)
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(
                user, form.current_password.data or "", form.new_password.data or ""
            )
        except services.WrongPasswordError as error:
            form.current_password.errors.append(str(error.message))
        except ServiceError as error:
            form.new_password.errors.append(str(error.message))
        else:
            db.session.commit()
            login_user(user, remember=_has_remember_cookie())
            flash(_("Your password is changed. Other devices have been logged out."), "success")
            return redirect(url_for(".settings"))
    return _settings_page(password_form=form, status=400)


def _choose_password(user: User) -> PageResponse:
    """The first password; back to the page the form was on (the conversation, the settings)."""
    form = ChoosePasswordForm()
    if form.validate_on_submit():
        try:
            choose_password(user, form.new_password.data or "")
        except ServiceError as error:
            form.new_password.errors.append(str(error.message))
        else:
            db.session.commit()
            flash(
                _(
                    "Your password is saved. From now on you can log in with your e-mail "
                    "address and this password."
                ),
                "success",
            )
            target = form.next.data or ""
            return redirect(target if is_safe_next(target) else url_for(".settings"))
    return _settings_page(password_form=form, status=400)
