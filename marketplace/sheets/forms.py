"""The sheet's two forms: the file to upload, and the confirmation of its import (which carries
nothing but the CSRF token: the rows are the server's, see `models`)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField

from marketplace.forms import Form

SHEET_TYPES = (
    ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
)


class UploadForm(Form):
    sheet = FileField(_l("Spreadsheet file (CSV or XLSX)"), render_kw={"accept": SHEET_TYPES})


class ConfirmForm(Form):
    pass
