"""How the Korean and Chinese fonts in ``fonts/`` were made (a maintainer's tool, not run by
the marketplace).

The PDFs need TrueType outlines for Hangul and Han: fpdf2 embeds CFF-based OpenType too, but
pypdf cannot read the text back out of such a PDF (it puts a space between every syllable),
and the only Noto Sans CJK packages on PyPI in Korean and Simplified Chinese are CFF, or
regular weight only. The TrueType Noto Sans KR and SC that Google Fonts publishes come from
PyPI as variable fonts in ``justmytype-intl-cjk``; a variable font must be instantiated before
embedding, which takes fpdf2 about seven seconds per weight and per document. So this module
makes, once, a static regular and bold of each, limited to the characters the languages use:

- Korean: every Hangul syllable and jamo, and the symbols of KS X 1001 (no hanja: the Chinese
  font draws the few a Korean text may hold);
- Chinese: the characters of GB 2312 (6,763 hanzi, over 99.9% of running modern text).

Hinting and the layout tables (fpdf2 does not shape these scripts) are left out. The result is
deterministic: the same source gives the same bytes. To make them again::

    pip install --no-deps --target /tmp/cjk justmytype-intl-cjk==0.1.0
    python -m marketplace.channels.fontbuild /tmp/cjk/justmytype_intl_cjk/fonts/ofl

The fonts are under the SIL Open Font License 1.1 (``fonts/OFL-NotoSans-KR-SC.txt``).
"""

from __future__ import annotations

import argparse
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont
from fontTools.varLib import instancer

FONTS = Path(__file__).with_name("fonts")
PUNCTUATION = [
    (0x0020, 0x007E),  # ASCII, so that the font stands on its own
    (0x3000, 0x303F),  # CJK symbols and punctuation: 、。「」
    (0xFF01, 0xFF60),  # full-width forms: ，！（）
    (0xFFE0, 0xFFE6),  # full-width signs: ￥￦
]
HAN = [(0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF)]


@dataclass(frozen=True)
class Source:
    folder: str  # in Google Fonts' ofl/ tree
    file: str
    sha256: str  # the file justmytype-intl-cjk 0.1.0 ships
    prefix: str  # of the files written to fonts/


SOURCES = {
    "kr": Source(
        "notosanskr",
        "NotoSansKR[wght].ttf",
        "194018e6b2b293a7964f037b25c0249ce1418bc9ab3c971060a03aa57861e252",
        "NotoSansKR",
    ),
    "sc": Source(
        "notosanssc",
        "NotoSansSC[wght].ttf",
        "a3041811a78c361b1de50f953c805e0244951c21c5bd412f7232ef0d899af0da",
        "NotoSansSC",
    ),
}
WEIGHTS = {"Regular": 400, "Bold": 700}


def _ranges(ranges: Iterable[tuple[int, int]]) -> set[int]:
    return {code for first, last in ranges for code in range(first, last + 1)}


def _double_byte(codec: str) -> set[int]:
    """Every character an EUC double-byte character set holds (KS X 1001, GB 2312)."""
    found = set()
    for high in range(0xA1, 0xFF):
        for low in range(0xA1, 0xFF):
            try:
                found.add(ord(bytes((high, low)).decode(codec)))
            except (UnicodeDecodeError, TypeError):
                continue
    return found


def repertoire(language: str) -> set[int]:
    if language == "kr":
        hangul = _ranges([(0xAC00, 0xD7A3), (0x1100, 0x11FF), (0x3131, 0x318E)])
        return hangul | _ranges(PUNCTUATION) | (_double_byte("euc_kr") - _ranges(HAN))
    return _ranges(PUNCTUATION) | _double_byte("gb2312")


def build(source_root: Path, language: str, out: Path = FONTS) -> list[Path]:
    source = SOURCES[language]
    path = source_root / source.folder / source.file
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != source.sha256:
        raise SystemExit(f"{path}: sha256 {digest}, expected {source.sha256}")
    options = subset.Options()
    options.hinting = False
    options.layout_features = []
    options.drop_tables += ["BASE", "GSUB", "GPOS", "GDEF", "vhea", "vmtx"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    written = []
    for style, weight in WEIGHTS.items():
        font = TTFont(path, recalcTimestamp=False)
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=repertoire(language))
        subsetter.subset(font)
        static = instancer.instantiateVariableFont(font, {"wght": weight}, updateFontNames=True)
        for table in ("STAT", "fvar", "avar", "gvar", "HVAR"):
            if table in static:
                del static[table]
        target = out / f"{source.prefix}-{style}.ttf"
        static.save(target, reorderTables=True)
        written.append(target)
    return written


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Make the static CJK fonts the PDFs embed.")
    parser.add_argument("source", type=Path, help="Google Fonts' ofl/ folder")
    args = parser.parse_args(argv)
    for language in SOURCES:
        for path in build(args.source, language):
            print(f"{path} ({path.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
