"""Reading a sheet: CSV as spreadsheets write it (commas or semicolons, with or without a byte
order mark, column names in English or Indonesian), Excel workbooks as their cells hold them
(a formula as its text), and every file that is not one refused with a message, never a crash."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask

from marketplace.csv_files import safe_cell
from marketplace.sheets.reading import SheetError, cell_text, read_sheet, unescape
from tests.sheets.helpers import csv_bytes, headers, product_row, table, xlsx_bytes


@pytest.fixture
def request_ctx(app: Flask) -> Iterator[None]:
    with app.test_request_context():
        yield


def refused(data: bytes) -> str:
    with pytest.raises(SheetError) as caught:
        read_sheet(data)
    return str(caught.value.message)


@pytest.mark.usefixtures("request_ctx")
def test_indonesian_names_semicolons_and_a_byte_order_mark(app: Flask) -> None:
    lines = table(app, [product_row(2), product_row(3)], "id")
    data = b"\xef\xbb\xbf" + csv_bytes(lines, delimiter=";")
    sheet = read_sheet(data)
    assert sheet.columns[:3] == ["code", "name", "name_id"]
    assert [number for number, _values in sheet.rows] == [2, 3]
    assert sheet.rows[0][1]["name_id"] == "Lampu bambu 2"
    assert sheet.rows[1][1]["price_idr"] == "150003"


@pytest.mark.usefixtures("request_ctx")
def test_columns_in_any_order_some_missing_others_unknown(app: Flask) -> None:
    data = csv_bytes(
        [
            ["Price in rupiah (IDR)", "Warna", "name (english)", " HS  code "],
            ["", "", "", ""],
            ["150.000", "merah", "Lamp", "9405.40"],
        ]
    )
    sheet = read_sheet(data)
    assert sheet.columns == ["price_idr", "name", "hs_code"]
    assert sheet.ignored == ["Warna"]
    assert sheet.rows == [(3, {"price_idr": "150.000", "name": "Lamp", "hs_code": "9405.40"})]


@pytest.mark.usefixtures("request_ctx")
def test_what_our_export_escaped_is_read_back_as_it_was() -> None:
    for text in [
        "=SUM(A1)",
        "  +62 22",
        "@home",
        "a; =b",
        "Blurry|-x",
        "\tindent",
        "-12",
        "'quoted",
    ]:
        assert unescape(safe_cell(text)) == text


def test_a_workbook_cell_is_read_as_typed() -> None:
    assert cell_text(150000.0) == "150000"
    assert cell_text(12.5) == "12.5"
    assert cell_text(True) == "TRUE"
    assert cell_text(None) == ""
    assert cell_text(94054000) == "94054000"


@pytest.mark.usefixtures("request_ctx")
def test_a_workbook_keeps_a_formula_as_its_text(app: Flask) -> None:
    lines = table(app, [product_row(2)])
    lines[1][1] = "=1+2"
    sheet = read_sheet(xlsx_bytes(lines))
    assert sheet.rows[0][1]["name"] == "=1+2"


@pytest.mark.usefixtures("request_ctx")
def test_files_that_are_no_sheet_are_refused_with_a_message(app: Flask) -> None:
    assert "old Excel file (.xls)" in refused(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    assert "could not be read as an Excel workbook" in refused(b"PK\x03\x04broken")
    assert "neither a CSV file nor an Excel workbook" in refused(b"\x89PNG\r\n\x1a\n\0\0\0")
    assert "The file is empty." in refused(b"")
    assert "The file is empty." in refused(b" , ,\r\n,,\r\n")
    assert "the column of the name in English is missing" in refused(b"Nama,Harga\r\nA,1\r\n")
    assert "appears twice" in refused(b"Name (English),HS code,Kode HS\r\nA,1,2\r\n")
    assert "no product under its column names" in refused(b"Name (English)\r\n\r\n")
    # A zip that is not a workbook.
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hello")
    assert "could not be read as an Excel workbook" in refused(buffer.getvalue())


@pytest.mark.usefixtures("request_ctx")
def test_a_workbook_with_macros_is_refused(app: Flask) -> None:
    original = zipfile.ZipFile(io.BytesIO(xlsx_bytes(table(app, [product_row(2)]))))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for item in original.infolist():
            archive.writestr(item, original.read(item.filename))
        archive.writestr("xl/vbaProject.bin", b"\0macro")
    assert "holds macros" in refused(buffer.getvalue())


@pytest.mark.usefixtures("request_ctx")
def test_a_workbook_that_unpacks_to_too_much_is_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b" " * (41 * 1024 * 1024))
    assert len(buffer.getvalue()) < 1024 * 1024
    assert "holds too much" in refused(buffer.getvalue())


@pytest.mark.usefixtures("request_ctx")
def test_the_templates_notes_row_is_no_product(app: Flask, login_as: Any) -> None:
    from marketplace.sheets.columns import notes

    lines = [headers(app, "en"), notes("en"), *table(app, [product_row(3)])[1:]]
    sheet = read_sheet(csv_bytes(lines))
    assert [number for number, _values in sheet.rows] == [3]


@pytest.mark.usefixtures("request_ctx")
def test_a_cell_past_the_longest_text_is_kept_just_past_it(app: Flask) -> None:
    sheet = read_sheet(csv_bytes(table(app, [product_row(2, description="x" * 9000)])))
    assert len(sheet.rows[0][1]["description"]) == 5001
