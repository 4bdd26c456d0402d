"""CSV and XLSX exports of the report tables, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlmodel import Session

from empathy.core.errors import NotFound
from empathy.core.text import neutralise
from empathy.reports.common import DateRange, Table
from empathy.reports.gaps import GAP_TABLES, build_gap_tables
from empathy.reports.services import TABLES, build_tables

EXPORTABLE = TABLES + GAP_TABLES
FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass
class Export:
    content: bytes
    filename: str
    mimetype: str


def export_table(*, session: Session, name: str, fmt: str, range: DateRange, lang: str) -> Export:
    """One report table as a CSV (UTF-8 with BOM) or XLSX file."""
    if name not in EXPORTABLE or fmt not in FORMATS:
        raise NotFound(_l("There is no such report table."))
    if name in GAP_TABLES:
        table = build_gap_tables(session=session, lang=lang, names=(name,))[name]
        stem = name
    else:
        table = build_tables(session=session, range=range, lang=lang, names=(name,))[name]
        stem = f"{name}_{range.start.isoformat()}_{range.end.isoformat()}"
    header, rows = table_cells(table)
    content = _csv(header, rows) if fmt == "csv" else _xlsx(str(table.title), header, rows)
    return Export(content, f"{stem}.{fmt}", FORMATS[fmt])


def table_cells(table: Table) -> tuple[list[str], list[list]]:
    """The header and rows of a table as plain cells, neutralised against formulas."""
    header = [neutralise(_header(c)) for c in table.columns]
    rows = [[neutralise(_cell(row.get(c.key), c.kind)) for c in table.columns] for row in table.rows]
    return header, rows


def _header(column) -> str:
    if column.kind == "pct":  # "Share (%)"; full-width brackets in Chinese
        return _("%(text)s (%(note)s)", text=str(column.header), note="%")
    return str(column.header)


def _cell(value, kind: str):
    if value is None:
        return ""
    if kind == "pct":
        return round(value * 100, 1)
    if kind == "month" and isinstance(value, date):
        return value.strftime("%Y-%m")
    if kind in ("hours", "int"):
        return value
    return str(value)


def _csv(header: list[str], rows: list[list]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def _xlsx(title: str, header: list[str], rows: list[list]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    def clean(value):  # control characters would make openpyxl refuse the whole file
        return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value

    book = Workbook(write_only=True)
    # Sheet titles allow at most 31 characters and none of []:*?/\ .
    sheet = book.create_sheet(title="".join(ch for ch in title if ch not in "[]:*?/\\")[:31] or "Report")
    sheet.append([clean(v) for v in header])
    for row in rows:
        sheet.append([clean(v) for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
