"""What the businesses feature tells the features above it, as named blinker signals.

Receivers subscribe when the app is built (`register_receivers` in `marketplace/__init__.py`)
and run in the sender's transaction.
"""

from __future__ import annotations

from blinker import Namespace

signals = Namespace()

identity_change_approved = signals.signal("business-identity-change-approved")
"""The office accepted a verified business's new name, NIB or district. Sender: the `Business`."""

identity_change_rejected = signals.signal("business-identity-change-rejected")
"""The office refused a change of a verified business's details. Sender: the `Business`;
`reason`: the office's reason."""

certificate_expiring = signals.signal("business-certificate-expiring")
"""A certificate of the business expires within `reminders.REMIND_BEFORE` and its owner was not
reminded of this expiry date yet. Sender: the `BusinessCertification`."""
