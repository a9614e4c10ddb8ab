"""What an MSME owner is told of a certificate about to expire (the receiver of
`businesses.events.certificate_expiring`, connected in `receivers.connect`): one notification
and one e-mail, in the owner's language, linking to the certificate to renew."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

from marketplace.businesses.models import BusinessCertification
from marketplace.dates import format_day
from marketplace.notifications import notify
from marketplace.notifications.decisions import path_of
from marketplace.notifications.models import Notification
from marketplace.urls import public_url

EDIT = "my_business.edit_certification"


def certificate_expiring(certification: BusinessCertification) -> Notification:
    expires_on = certification.expires_on
    # The date written as the owner's language writes it, when the text is rendered for them.
    day = LazyString(lambda: format_day(expires_on))
    values = {
        "certification": certification.certification.name,
        "number": notify.one_line(certification.number),
        "date": day,
    }
    text = _l(
        "Your certificate %(certification)s (%(number)s) expires on %(date)s. Renew it in "
        "time, and enter the new certificate's date in your profile.",
        **values,
    )
    return notify.notify(
        certification.business.owner,
        "certificate_expiring",
        text,
        path_of(EDIT, certification_id=certification.id),
        email_subject=_l("Your certificate %(certification)s expires on %(date)s", **values),
        email_template="office_decision",
        decision=text,
        reason=None,
        link=public_url(EDIT, certification_id=certification.id),
    )
