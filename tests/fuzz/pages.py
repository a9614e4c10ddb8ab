"""The forms of a rendered page, read as a browser reads them: where each posts, and its fields.

The property tests post into the fields the real page shows (hidden ones included, such as
`seen` and `submission_key`), so a form is tested with the names it really has.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Field:
    name: str
    kind: str  # the input's type, or "select" / "textarea"
    value: str = ""
    options: list[str] = field(default_factory=list)


@dataclass
class PageForm:
    method: str
    action: str  # as written in the page, "" for the page itself
    fields: dict[str, Field] = field(default_factory=dict)

    @property
    def has_files(self) -> bool:
        return any(f.kind == "file" for f in self.fields.values())


class _FormReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[PageForm] = []
        self._form: PageForm | None = None
        self._select: Field | None = None
        self._textarea: Field | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = {name: value or "" for name, value in attrs}
        if tag == "form":
            self._form = PageForm(attr.get("method", "get").upper(), attr.get("action", ""))
            self.forms.append(self._form)
            return
        if self._form is None or not attr.get("name"):
            if tag == "option" and self._select is not None:
                self._option(self._select, attr)
            return
        name = attr["name"]
        if tag == "input":
            kind = attr.get("type", "text").lower()
            if kind in ("submit", "button", "image", "reset"):
                return
            if kind in ("checkbox", "radio"):
                # Several boxes of one name: each value is an option; a browser sends the
                # checked one(s) only.
                box = self._form.fields.setdefault(name, Field(name, kind))
                box.options.append(attr.get("value", "on"))
                if "checked" in attr and not box.value:
                    box.value = attr.get("value", "on")
                return
            self._form.fields.setdefault(name, Field(name, kind, attr.get("value", "")))
        elif tag == "select":
            self._select = self._form.fields.setdefault(name, Field(name, "select"))
        elif tag == "textarea":
            self._textarea = self._form.fields.setdefault(name, Field(name, "textarea"))
        elif tag == "button" and attr.get("type", "submit") == "submit":
            # A named submit button (accept / decline) is a field the view reads.
            self._form.fields.setdefault(name, Field(name, "button", attr.get("value", "")))

    @staticmethod
    def _option(select: Field, attr: dict[str, str]) -> None:
        """A browser sends the selected option, else the first."""
        select.options.append(attr.get("value", ""))
        if "selected" in attr or len(select.options) == 1:
            select.value = select.options[-1]

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea.value += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def page_forms(html: str) -> list[PageForm]:
    reader = _FormReader()
    reader.feed(html)
    reader.close()
    return reader.forms
