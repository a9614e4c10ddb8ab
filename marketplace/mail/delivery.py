"""Delivering outbox mail: over SMTP when a mail server is configured, into the log otherwise.

Links in e-mails are absolute addresses under `BASE_URL` (see `marketplace.urls`).
"""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from flask import current_app

from marketplace.mail.models import OutboxEmail

SMTP_TIMEOUT_SECONDS = 30


def build_message(email: OutboxEmail) -> EmailMessage:
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = email.to_address
    message["Subject"] = email.subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=_sender_domain())
    message.set_content(email.body)
    return message


def _sender_domain() -> str:
    sender = str(current_app.config["MAIL_FROM"])
    return sender.rsplit("@", 1)[-1].strip(" >") or "localhost"


def deliver(email: OutboxEmail) -> None:
    """Send one message; raises OSError or smtplib.SMTPException when the server refuses it."""
    config = current_app.config
    logger = current_app.logger.getChild("mail")
    if not config.get("MAIL_SERVER"):
        # No mail server on a laptop: the log is the mailbox.
        logger.info(
            "Mail #%s to %s\nSubject: %s\n\n%s",
            email.id,
            email.to_address,
            email.subject,
            email.body,
        )
        return
    message = build_message(email)
    host, port = config["MAIL_SERVER"], int(config["MAIL_PORT"])
    context = ssl.create_default_context()
    smtp: smtplib.SMTP
    if port == 465:
        smtp = smtplib.SMTP_SSL(host, port, timeout=SMTP_TIMEOUT_SECONDS, context=context)
    else:
        smtp = smtplib.SMTP(host, port, timeout=SMTP_TIMEOUT_SECONDS)
    with smtp:
        if port != 465 and config.get("MAIL_USE_TLS"):
            smtp.starttls(context=context)
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD", ""))
        smtp.send_message(message)
