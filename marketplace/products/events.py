"""What the products feature tells the features above it, as named blinker signals.

Receivers subscribe when the app is built (`register_receivers` in `marketplace/__init__.py`)
and run in the sender's transaction.
"""

from __future__ import annotations

from blinker import Namespace

signals = Namespace()

product_viewed = signals.signal("product-viewed")
"""A visitor's first opening of a product page today was counted. Sender: the product's id;
`channel_id`: the channel the visit came through, or None for a direct visit; `day`: the day in
Bandung it was viewed on (None: today)."""
