"""The units a price or a quantity is given in, in the reader's language.

A unit is stored as its English key (`reference.loader.units()`: "piece", "pair", "set"...).
`unit_label` is the word after a price ("Rp 950.000 / Stück"); `quantity` is a number of units
with the plural the language needs ("1 piece", "10 pieces", "10 Stück", "10개", "10件"). A key
without words here (a unit added to the list later) is shown as it is.
"""

from __future__ import annotations

from collections.abc import Callable

from flask_babel import format_decimal, ngettext
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

UNIT_LABELS: dict[str, LazyString] = {
    "piece": _l("piece"),
    "pair": _l("pair"),
    "set": _l("set"),
    "dozen": _l("dozen"),
    "kg": _l("kg"),
    "gram": _l("gram"),
    "litre": _l("litre"),
    "metre": _l("metre"),
    "square metre": _l("square metre"),
    "box": _l("box"),
    "carton": _l("carton"),
}


def unit_label(unit: str) -> str:
    words = UNIT_LABELS.get(unit)
    return str(words) if words is not None else unit


def quantity(n: int, unit: str) -> str:
    """`n` units, the number grouped for the reader's locale ("1.200 Stück")."""
    num = format_decimal(n)
    forms: dict[str, Callable[[], str]] = {
        "piece": lambda: ngettext("%(count)s piece", "%(count)s pieces", n, count=num),
        "pair": lambda: ngettext("%(count)s pair", "%(count)s pairs", n, count=num),
        "set": lambda: ngettext("%(count)s set", "%(count)s sets", n, count=num),
        "dozen": lambda: ngettext("%(count)s dozen", "%(count)s dozen", n, count=num),
        "kg": lambda: ngettext("%(count)s kg", "%(count)s kg", n, count=num),
        "gram": lambda: ngettext("%(count)s gram", "%(count)s grams", n, count=num),
        "litre": lambda: ngettext("%(count)s litre", "%(count)s litres", n, count=num),
        "metre": lambda: ngettext("%(count)s metre", "%(count)s metres", n, count=num),
        "square metre": lambda: ngettext(
            "%(count)s square metre", "%(count)s square metres", n, count=num
        ),
        "box": lambda: ngettext("%(count)s box", "%(count)s boxes", n, count=num),
        "carton": lambda: ngettext("%(count)s carton", "%(count)s cartons", n, count=num),
    }
    form = forms.get(unit)
    return form() if form is not None else f"{num} {unit}"
