"""What the business services raise: a rule about a profile, or a step its status forbids."""

from __future__ import annotations

from marketplace.errors import ServiceError


class BusinessError(ServiceError):
    """A rule about a business profile was not met."""


class BusinessStateError(BusinessError):
    """The action is not allowed in the business's current status."""
