"""The functions that write what is counted, registered by name by the features that own them.

`counting` is below the features and imports none of them: a feature registers its recorder
when the app is built (`register_recorders` in `marketplace/__init__.py`), and a page names it
in `count_visit("scan:12", "scan", 12)`. When the buffered count is written, the recorder is
called with the ids and the moment of the view, `recorder(*ids, at=moment)` (an aware UTC
datetime, so a view just before midnight in Bandung counts for its own day however late it is
written), inside the batch's write transaction; it loads what it needs, adds and flushes, and
writes nothing when what it counts is gone.
"""

from __future__ import annotations

from collections.abc import Callable

Recorder = Callable[..., object]

_recorders: dict[str, Recorder] = {}


def register(name: str, recorder: Recorder) -> None:
    """Name `recorder`; registering the same function again (another app) changes nothing."""
    known = _recorders.get(name)
    if known is not None and known is not recorder:
        raise ValueError(f"Another recorder is registered as {name!r}")
    _recorders[name] = recorder


def recorder(name: str) -> Recorder:
    """The recorder registered as `name`; LookupError for a name no feature registered."""
    try:
        return _recorders[name]
    except KeyError:
        raise LookupError(f"No recorder of counts is registered as {name!r}") from None
