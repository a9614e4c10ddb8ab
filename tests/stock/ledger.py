"""The sums of a nomination's stock movements by kind, straight from the ledger's rows: what
the tests hold the nomination's kept totals against."""

from __future__ import annotations

import sqlalchemy as sa

from marketplace.db import db
from marketplace.stock.models import MovementKind, StockMovement


def ledger_totals(nomination_id: int) -> dict[MovementKind, int]:
    rows = db.session.execute(
        sa.select(StockMovement.kind, sa.func.sum(StockMovement.quantity))
        .where(StockMovement.nomination_id == nomination_id)
        .group_by(StockMovement.kind)
    )
    return {MovementKind(kind): int(total) for kind, total in rows}
