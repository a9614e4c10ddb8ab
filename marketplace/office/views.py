"""The trade office's pages on one blueprint (`office`, /office): queues and reviews, reports of
abuse, interests left unanswered, accounts, the audit log, exchange rates and outcome reports.
Importing this module registers every route; each lives in the module of its subject."""

from __future__ import annotations

from marketplace.office import (  # noqa: F401  (each module adds its routes to the blueprint)
    abuse_views,
    account_views,
    audit_views,
    coordinator_views,
    escalation_views,
    job_views,
    queue_views,
    rate_views,
    report_views,
    request_views,
    review_views,
)
from marketplace.office.blueprint import bp

__all__ = ["bp"]
