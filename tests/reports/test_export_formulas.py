"""CSV exports neutralise spreadsheet formulas (issue 20, point 10): a cell starting with = + - @ tab
or CR opens in Excel or LibreOffice as text, with a leading apostrophe."""

import csv
import io

from tests.conftest import sql
from tests.journeys import intake
from tests.web.test_pages import signed_in

HEADERS = {"tahap": "Tahap", "tujuan_rujukan": "Tujuan rujukan", "saluran_rujukan": "Saluran rujukan",
           "hasil_akhir": "Hasil akhir", "sektor": "Sektor", "kategori": "Kategori"}  # the CSV's labelled columns
HOSTILE = {"tahap": "=HYPERLINK(\"http://evil.example\",\"klik\")", "tujuan_rujukan": "+1+cmd|' /C calc'!A0",
           "saluran_rujukan": "-2+3", "hasil_akhir": "@SUM(A1:A9)", "sektor": "\tx=1", "kategori": "\r=1"}


def test_case_export_cells_that_would_run_as_formulas_start_with_an_apostrophe(app, api):
    hostile = intake(api)
    plain = intake(api)
    # what a hostile diagram's step names and decision outputs would leave in the case columns
    sql("UPDATE cases SET tahap = :tahap, tujuan_rujukan = :tujuan_rujukan, saluran_rujukan = :saluran_rujukan, "
        "hasil_akhir = :hasil_akhir, sektor = :sektor, kategori = :kategori WHERE id = :id",
        id=hostile["id"], **HOSTILE)
    response = signed_in(app, "manajer.cianjur").get("/ekspor/kasus.csv")
    assert response.status_code == 200
    rows = {row["Tiket"]: row for row in csv.DictReader(io.StringIO(response.get_data(as_text=True)))}
    for column, value in HOSTILE.items():
        assert rows[hostile["ticket"]][HEADERS[column]] == "'" + value, column
    # ordinary cells are untouched
    assert rows[plain["ticket"]]["Kode wilayah"] == plain["wilayah"] and not rows[plain["ticket"]]["Tahap"].startswith("'")
    assert rows[plain["ticket"]]["Kanal"] == "Sekretariat SLRT" and rows[plain["ticket"]]["Jenis keluhan"] == "Pengaduan"
