"""Report tables as CSV, as an xlsx workbook (openpyxl) and as chart specifications for Chart.js."""

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from engine.domain.cells import neutralised
from engine.i18n import N_
from web.formatting import waktu as local_time


def _cell(value, translate):
    """A cell as text: generated labels translated; a leading formula character neutralised."""
    return neutralised(translate(value)) if isinstance(value, str) else value


def to_csv(table, translate):
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([translate(c) for c in table.columns])
    for row in table.rows:
        writer.writerow(["" if v is None else _cell(v, translate) for v in row])
    return out.getvalue()


def _sheet_name(text, used):
    name = "".join(ch for ch in text if ch not in "[]:*?/\\")[:31] or "Tabel"
    base, number = name, 2
    while name in used:
        suffix = f" ({number})"
        name, number = base[:31 - len(suffix)] + suffix, number + 1
    used.add(name)
    return name


def to_xlsx(board, translate, title, period, generated, anchor=None):
    """One summary sheet (title, area, period, headline figures, the latest audit checkpoint) and one
    sheet per table."""
    book = Workbook()
    summary = book.active
    summary.title = translate(N_("Ringkasan"))
    area = board.area_name or (board.scope.wilayah or translate(N_("Nasional")))
    for row in ((title,), (translate(N_("Wilayah")), area, board.scope.wilayah),
                (translate(N_("Periode")), period),
                (translate(N_("Dibuat")), local_time(generated, board.scope.wilayah)), ()):
        summary.append(list(row))
    summary["A1"].font = Font(bold=True, size=14)
    summary.append([translate(N_("Indikator")), translate(N_("Nilai")), translate(N_("Satuan"))])
    for label, value, unit in board.headline:
        summary.append([translate(label), value, translate(unit) if unit else ""])
    if anchor and anchor.get("sah"):
        summary.append([])
        summary.append([translate(N_("Titik jangkar catatan audit"))])
        for label, value in ((N_("Nomor"), f"#{anchor['nomor']}"),
                             (N_("Waktu"), local_time(anchor["pada"], board.scope.wilayah)),
                             (N_("Kasus"), anchor["kasus"]), (N_("Peristiwa"), anchor["peristiwa"]),
                             (N_("Ringkasan kepala rantai"), anchor["kepala"]),
                             (N_("Tanda tangan (HMAC-SHA256)"), anchor["mac"])):
            summary.append([translate(label), value])
    summary.column_dimensions["A"].width = 40
    used = {summary.title}
    for _section, tables in board.sections:
        for table in tables:
            sheet = book.create_sheet(_sheet_name(translate(table.title), used))
            sheet.append([translate(table.title)])
            sheet["A1"].font = Font(bold=True)
            sheet.append([translate(c) for c in table.columns])
            for cell in sheet[2]:
                cell.font = Font(bold=True)
            for row in table.rows:
                sheet.append([_cell(v, translate) for v in row])
            for index, heading in enumerate(table.columns, start=1):
                sheet.column_dimensions[get_column_letter(index)].width = max(12, min(45, len(heading) + 4))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def chart_spec(table, translate):
    """What dashboard.js needs to draw a table's chart: labels, one series per charted column."""
    if not table.chart:
        return None
    labels = [translate(str(row[table.label_column])) for row in table.rows]
    series = [{"label": translate(table.columns[i]), "data": [row[i] for row in table.rows]} for i in table.series]
    return {"id": table.key, "type": table.chart, "title": translate(table.title), "labels": labels,
            "series": series}
