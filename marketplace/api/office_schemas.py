"""What the trade office's private operations (`office_views`) read and answer: the queues, one
item with what the officer decides on, the decisions (each with the `seen` of the item) and the
outcome reports. The pieces shared with the other roles are in `private_schemas`, whose rules
for bodies hold here too.
"""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from marshmallow import fields, validate

from marketplace.api.owner_schemas import BusinessOut, IdentityChangeOut, ProductOut
from marketplace.api.private_schemas import (
    Body,
    ChannelName,
    ProductRef,
    Ref,
    in_calendar,
)
from marketplace.channels.curation import REASON_MAX as NOMINATION_REASON_MAX
from marketplace.office.models import Grouping

SEEN = fields.String(
    required=True,
    validate=validate.Length(min=1, max=64),
    metadata={
        "description": "The `seen` of the item as you read it: a decision on an item that "
        "changed since is refused (409)."
    },
)


class QueueBusiness(ma.Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    status = fields.String(required=True)
    owner = fields.Nested(Ref, required=True)
    submitted_at = fields.DateTime(allow_none=True)
    identity_change = fields.Nested(IdentityChangeOut, allow_none=True)
    seen = fields.String(required=True)
    url = fields.String(required=True)


class QueueProduct(ma.Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    business = fields.Nested(Ref, required=True)
    submitted_at = fields.DateTime(allow_none=True)
    seen = fields.String(required=True)
    url = fields.String(required=True)


class QueueNomination(ma.Schema):
    id = fields.Integer(required=True)
    product = fields.Nested(ProductRef, required=True)
    business = fields.Nested(Ref, required=True)
    channel = fields.Nested(ChannelName, required=True)
    note = fields.String(required=True)
    created_at = fields.DateTime(required=True)
    seen = fields.String(required=True)
    url = fields.String(required=True)


class BusinessQueue(ma.Schema):
    items = fields.List(fields.Nested(QueueBusiness), required=True)


class ProductQueue(ma.Schema):
    items = fields.List(fields.Nested(QueueProduct), required=True)


class NominationQueue(ma.Schema):
    items = fields.List(fields.Nested(QueueNomination), required=True)


class OfficeBusiness(BusinessOut):
    owner = fields.Nested(Ref, required=True)
    seen = fields.String(required=True)


class OfficeProduct(ProductOut):
    business = fields.Nested(Ref, required=True)
    seen = fields.String(required=True)


class OfficeNomination(QueueNomination):
    status = fields.String(required=True)
    channel_status = fields.String(required=True)
    decision_reason = fields.String(allow_none=True)


class BusinessDecision(Body):
    decision = fields.String(required=True, validate=validate.OneOf(["verify", "reject"]))
    reason = fields.String(
        load_default="",
        validate=validate.Length(max=2000),
        metadata={"description": "Needed to reject: the owner reads it."},
    )
    seen = SEEN


class ProductDecision(Body):
    decision = fields.String(required=True, validate=validate.OneOf(["approve", "reject"]))
    reason = fields.String(
        load_default="",
        validate=validate.Length(max=2000),
        metadata={"description": "Needed to reject: the owner reads it."},
    )
    seen = SEEN


class NominationDecision(Body):
    decision = fields.String(required=True, validate=validate.OneOf(["accept", "decline"]))
    reason = fields.String(
        required=True,
        validate=validate.Length(min=1, max=NOMINATION_REASON_MAX),
        metadata={"description": "The MSME reads it."},
    )
    shelf_code = fields.String(allow_none=True, validate=validate.Length(max=20))
    seen = SEEN


REPORT_DAYS_MAX = 3660  # as on the report page: at most ten years


class ReportArgs(ma.Schema):
    from_ = fields.Date(
        data_key="from",
        validate=in_calendar,
        metadata={"description": "First day (default: the report page's)."},
    )
    to = fields.Date(validate=in_calendar, metadata={"description": "Last day."})
    by = fields.String(
        validate=validate.OneOf([g.value for g in Grouping]),
        metadata={
            "description": "Figures per partner city (default), channel, subsector or "
            "buyer country."
        },
    )

    @ma.validates_schema
    def _in_order(self, data: dict[str, Any], **_kwargs: Any) -> None:
        first, last = data.get("from_"), data.get("to")
        if first is not None and last is not None and last < first:
            raise ma.ValidationError("The end date must not be before the start date.", "to")
        if first is not None and last is not None and (last - first).days > REPORT_DAYS_MAX:
            raise ma.ValidationError("A report covers at most ten years.", "to")


class ConvertedOut(ma.Schema):
    amount = fields.Decimal(as_string=True, required=True)
    currency = fields.String(required=True)
    rate_date = fields.Date(required=True)


class FiguresOut(ma.Schema):
    msmes = fields.Integer(required=True)
    products_shown = fields.Integer(required=True)
    scans = fields.Integer(required=True)
    views = fields.Integer(required=True)
    interests = fields.Integer(required=True)
    replies = fields.Integer(required=True)
    within_48h = fields.Integer(required=True)
    share_within_48h = fields.Float(allow_none=True)
    median_reply_hours = fields.Float(allow_none=True)
    deals = fields.Integer(required=True)
    value_idr = fields.Integer(required=True)
    units_sold = fields.Integer(required=True)
    sales_idr = fields.Integer(required=True)


class ReportRow(ma.Schema):
    key = fields.Raw(allow_none=True, metadata={"description": "The group's id or code."})
    label = fields.String(required=True)
    currency = fields.String(allow_none=True)
    figures = fields.Nested(FiguresOut, required=True)
    value_converted = fields.Nested(ConvertedOut, allow_none=True)
    sales_converted = fields.Nested(ConvertedOut, allow_none=True)


class MonthOut(ma.Schema):
    month = fields.String(required=True)
    interests = fields.Integer(required=True)
    deals = fields.Integer(required=True)


class ReportOut(ma.Schema):
    first = fields.Date(required=True, data_key="from")
    last = fields.Date(required=True, data_key="to")
    by = fields.String(required=True)
    rows = fields.List(fields.Nested(ReportRow), required=True)
    total = fields.Nested(ReportRow, required=True)
    months = fields.List(fields.Nested(MonthOut), required=True)
