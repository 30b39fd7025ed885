"""The scenario suite: every file in scenarios/ is one complaint journey through the HTTP API.

A scenario names the intake, then each step as (officer, task, form data), and what must hold at
the end: which roles acted in which order, the destination and channel, the final status and
result, and how many messages went to the outbox. A step may also name the level its task stood at
(`tingkat`: desa, kabupaten, provinsi), which says which officer level decided (an appeal is decided
one level above the level that decided before). Each runs on SQLite and on PostgreSQL.
"""

from pathlib import Path

import pytest

from engine.processes import dry_run
from tests.journeys import inbox_task

SCENARIOS = sorted((Path(__file__).resolve().parents[2] / "scenarios").glob("*.yaml"))


def load(path):
    scenario = dry_run.load(path)
    for key in ("peran", "status", "tujuan_rujukan", "saluran_rujukan"):
        assert key in scenario["harapan"], f"{path.name}: harapan.{key} is missing"
    return scenario


def _intake(api, scenario):
    officer, payload = dry_run.intake_payload(scenario)
    response = api(officer).post("/cases", json=payload)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_the_suite_is_large_enough_to_cover_the_routes():
    assert len(SCENARIOS) >= 30


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_scenario(api, clock, path):
    scenario = load(path)
    case = _intake(api, scenario)
    for number, step in enumerate(scenario["langkah"], start=1):
        clock.advance(minutes=5)
        task = inbox_task(api, step["oleh"], case["id"], step["tugas"])
        if "tingkat" in step:
            assert task["tingkat"] == step["tingkat"], f"step {number} ({step['tugas']}): level {task['tingkat']!r}"
        response = api(step["oleh"]).post(f"/tasks/{task['id']}/complete", json={"data": step.get("data", {})})
        assert response.status_code == 200, f"step {number} ({step['tugas']}): {response.get_json()}"
        case = response.get_json()
    expected = scenario["harapan"]
    viewer = expected.get("dilihat_oleh", "fo.cianjur")
    case = api(viewer).get(f"/cases/{case['id']}").get_json()
    events = api(viewer).get(f"/cases/{case['id']}/events").get_json()
    role_of = {t["id"]: t["role"] for t in case["tasks"]}
    acted = [role_of[e["task_id"]] for e in events if e["type"] == "tugas_selesai"]
    assert acted == expected["peran"]
    for key, value in expected.items():
        if key in ("peran", "pesan_keluar", "tugas_terbuka", "dilihat_oleh"):
            continue
        actual = case[key] if key in case else case["data"].get(key)
        assert actual == value, f"{key}: {actual!r} != {value!r}"
    if "pesan_keluar" in expected:
        sent = [(m["kind"], m["tujuan"], m["saluran"]) for m in case["rujukan"]]
        assert sent == [tuple(m) for m in expected["pesan_keluar"]]
    if "tugas_terbuka" in expected:
        assert sorted(t["element_id"] for t in case["tasks"] if t["status"] == "siap") == expected["tugas_terbuka"]


def _routes(scenario):
    """The routes one scenario walks: its result, where its referrals went, an appeal, a bounce-back."""
    expected, steps = scenario["harapan"], scenario["langkah"]
    routes = {expected.get("hasil_akhir")}
    routes |= {f"rujukan:{m[1]}" for m in expected.get("pesan_keluar", []) if m[0] == "rujukan"}
    if any(s["tugas"] == "Task_TinjauBanding" for s in steps):
        routes.add("banding")
    if any((s.get("data") or {}).get("tanggapan_rujukan") == "bukan_wewenang" for s in steps):
        routes.add("bukan_wewenang")
    return routes


ROUTES = {"dijawab", "saran_diterima", "pradaftar_layak", "pradaftar_tidak_layak", "banding", "bukan_wewenang",
          "rujukan:KEMENSOS_JSK", "rujukan:BULOG", "rujukan:KEMENDIKBUD", "rujukan:DINKES", "rujukan:OPD_DAERAH",
          "rujukan:MITRA_NONPEMERINTAH", "rujukan:POKJA_DATA_TERPADU"}
LOCAL = {"sekretariat": "selesai_lokal", "fasilitator": "selesai_lokal", "puskesos": "selesai_puskesos"}


def test_every_route_is_played_from_every_intake_channel():
    """The matrix of issue 18: question, suggestion, local resolution, each program's referral, kepesertaan,
    pre-list eligible and ineligible, appeal and bounce-back, from the secretariat, a Puskesos and a facilitator."""
    walked = {channel: set() for channel in LOCAL}
    for path in SCENARIOS:
        scenario = load(path)
        walked[scenario["pengaduan"].get("kanal", "sekretariat")] |= _routes(scenario)
    for channel, local in LOCAL.items():
        assert ROUTES | {local} <= walked[channel], f"{channel} lacks: {sorted((ROUTES | {local}) - walked[channel])}"
