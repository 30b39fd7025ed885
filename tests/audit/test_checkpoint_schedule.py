"""Checkpoints are written by the scheduler and carried by the monthly report."""

import io
import json
from datetime import timedelta

from apscheduler.schedulers.background import BackgroundScheduler
from openpyxl import load_workbook

from tests.journeys import TELAAH, act, intake, telaah
from tests.web.test_pages import signed_in
from web.jobs import _add_job, anchor_chains


def _lines(store):
    return [json.loads(line) for line in store.file.read_text(encoding="utf-8").splitlines()]


def test_the_scheduler_anchors_every_hour_and_only_when_a_head_moved(app, api, store):
    scheduler = BackgroundScheduler(timezone="UTC")
    _add_job(scheduler, app, 15)
    assert scheduler.get_job("titik_jangkar").trigger.interval == timedelta(minutes=60)
    case = intake(api)
    anchor_chains(app)
    anchor_chains(app)  # nothing moved: no second checkpoint
    assert [(c["nomor"], c["kasus"], c["peristiwa"]) for c in _lines(store)] == [(1, 1, 1)]
    act(api, "fo.cianjur", case["id"], TELAAH, telaah())
    anchor_chains(app)
    assert [(c["nomor"], c["peristiwa"]) for c in _lines(store)] == [(1, 1), (2, 2)]


def test_the_monthly_report_prints_the_latest_checkpoint(app, api, store):
    client = signed_in(app, "manajer.cianjur")
    page = client.get("/laporan/bulanan?bulan=2026-11&lang=id").get_data(as_text=True)
    assert "Belum ada titik jangkar catatan audit." in page
    intake(api)
    anchor_chains(app)
    (latest,) = _lines(store)
    page = client.get("/laporan/bulanan?bulan=2026-11&lang=id").get_data(as_text=True)
    assert "Titik jangkar catatan audit" in page and "#1" in page
    assert latest["kepala"] in page and latest["mac"] in page
    sheet = load_workbook(io.BytesIO(client.get("/laporan/bulanan.xlsx?bulan=2026-11").data)).active
    rows = {row[0]: row[1] for row in sheet.iter_rows(values_only=True) if row and row[0]}
    assert rows["Titik jangkar catatan audit"] is None and rows["Nomor"] == "#1"
    assert rows["Tanda tangan (HMAC-SHA256)"] == latest["mac"] and rows["Peristiwa"] == 1
    english = client.get("/laporan/bulanan?bulan=2026-11&lang=en").get_data(as_text=True)
    assert "Audit record checkpoint" in english and "Signature (HMAC-SHA256)" in english
    store.file.write_text(store.file.read_text(encoding="utf-8").replace('"kasus":1', '"kasus":9'), encoding="utf-8")
    page = client.get("/laporan/bulanan?bulan=2026-11&lang=id").get_data(as_text=True)
    assert "Tanda tangan titik jangkar terakhir tidak sah; laporkan ke auditor." in page
    assert latest["mac"] not in page
