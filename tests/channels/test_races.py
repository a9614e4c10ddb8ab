"""An officer's two clicks on "save score" at the same moment, through the whole stack: one score.

Scoring locks the nomination's row first; without it, both requests found no score and both
inserted one, and the database's one-score-per-officer constraint ended the second in a 500.
"""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from marketplace.channels.models import NominationScore
from marketplace.db import db
from tests.businesses.helpers import commit_and_detach
from tests.channels.helpers import nominate_all
from tests.concurrency import form_post, run_together
from tests.factories import harz_und_heide, make_officer, owner_with_products

# Real commits: requests race in threads, each on its own connection.
pytestmark = pytest.mark.committing


def test_the_same_officers_two_scores_at_once_make_one(app: Flask, login_as: Any) -> None:
    with app.app_context():
        channel = harz_und_heide()
        [nomination] = nominate_all(owner_with_products(1), channel)
        officer = make_officer("Asep")
        channel_id, nomination_id = channel.id, nomination.id
        commit_and_detach(officer)
    review = f"/office/channels/{channel_id}"
    prefix = f"n{nomination_id}-score"
    posts = [
        form_post(
            login_as(officer),
            f"{review}/nominations/{nomination_id}/score",
            {f"{prefix}-score": str(score), f"{prefix}-comment": f"Click {score}"},
            review,
        )
        for score in (3, 4)
    ]
    assert run_together(posts) == [302, 302]
    with app.app_context():
        scores = db.session.scalars(
            sa.select(NominationScore.score).where(NominationScore.nomination_id == nomination_id)
        ).all()
    assert len(scores) == 1 and scores[0] in (3, 4)
