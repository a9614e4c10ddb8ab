"""Reading what a page tells a link preview: its meta tags and canonical link, parsed as HTML."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Head:
    """The meta tags of a page by name or property (several values where a tag repeats), the
    `lang` of each, and its canonical link."""

    meta: dict[str, list[str]] = field(default_factory=dict)
    lang: dict[str, str] = field(default_factory=dict)
    canonical: list[str] = field(default_factory=list)

    def one(self, key: str) -> str:
        values = self.meta.get(key, [])
        assert len(values) == 1, f"{key}: {values}"
        return values[0]


class _HeadParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.head = Head()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "meta" and ("property" in values or "name" in values):
            key = values.get("property") or values["name"]
            self.head.meta.setdefault(key, []).append(values.get("content", ""))
            if "lang" in values:
                self.head.lang[key] = values["lang"]
        elif tag == "link" and values.get("rel") == "canonical":
            self.head.canonical.append(values.get("href", ""))


def read_head(html: str) -> Head:
    parser = _HeadParser()
    parser.feed(html)
    parser.close()
    return parser.head
