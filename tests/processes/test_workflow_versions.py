"""Versions over the API: an edited routing table changes new cases only; history, diff, roll back,
migration of running cases, validation findings. Each on SQLite and PostgreSQL."""

from pathlib import Path

from tests.journeys import act, intake, telaah

ROOT = Path(__file__).resolve().parents[2]
ANALIS = "analis.nasional"  # national scope: versions every district starts on


def files(edits=()):
    """The shipped diagram set with (file, old, new) text edits applied."""
    found = {}
    for folder, pattern in (("workflows", "*.bpmn"), ("rules", "*.dmn")):
        for path in sorted((ROOT / folder).glob(pattern)):
            found[f"{folder}/{path.name}"] = path.read_text(encoding="utf-8")
    for name, old, new in edits:
        assert old in found[name], (name, old)
        found[name] = found[name].replace(old, new)
    return found


BERAS_KE_TIKOR = ("rules/tujuan_bpnt.dmn", '<text>"BULOG"</text>', '<text>"TIKOR_RASTRA"</text>')


def publish(api, edits):
    draft = api(ANALIS).post("/workflows", json={"process_id": "keluhan", "files": files(edits)})
    assert draft.status_code == 201, draft.get_json()
    published = api(ANALIS).post(f"/workflows/{draft.get_json()['id']}/publish")
    assert published.status_code == 200, published.get_json()
    return published.get_json()


def bpnt_rice_complaint(api):
    case = intake(api, program="BPNT", uraian="Beras BPNT yang diterima berkutu dan apek.")
    act(api, "fo.cianjur", case["id"], "Task_Telaah", telaah(program="BPNT", pokok_masalah="kualitas_beras"))
    return case


def route(api, case):
    """Back office refers it; return where the SOP's decision table sent it."""
    done = act(api, "bo.sosial", case["id"], "Task_BackOffice", {
        "ditangani_langsung": False, "hasil_penanganan": "Perlu dirujuk.", "pokok_masalah": "kualitas_beras",
        "program": "BPNT"})
    return done["tujuan_rujukan"], done["saluran_rujukan"]


def test_an_edited_routing_table_routes_new_cases_only(api):
    before = bpnt_rice_complaint(api)  # started on version 1, waiting for the back office
    version = publish(api, [BERAS_KE_TIKOR])
    assert (version["version"], version["status"]) == (2, "published")
    after = bpnt_rice_complaint(api)
    assert route(api, after) == ("TIKOR_RASTRA", "lapor")
    assert route(api, before) == ("BULOG", "lapor")  # the case started before keeps the old routing
    cases = {c["id"]: c for c in api("fo.cianjur").get("/cases").get_json()}
    assert cases[before["id"]]["tujuan_rujukan"] == "BULOG" and cases[after["id"]]["tujuan_rujukan"] == "TIKOR_RASTRA"
    listed = {v["version"]: v for v in api("auditor.cianjur").get("/workflows").get_json()}
    assert listed[1]["status"] == "retired" and listed[2]["status"] == "published"
    assert listed[2]["published_by"] == ANALIS
    assert [c["action"] for c in listed[2]["changes"]] == ["diunggah", "diterbitkan"]
    assert listed[1]["changes"][-1]["action"] == "dipensiunkan" and listed[1]["changes"][-1]["actor"] == ANALIS


def test_the_diff_names_the_changed_rule_cell_and_the_relabelled_task(api):
    version = publish(api, [BERAS_KE_TIKOR, ("workflows/keluhan.bpmn", 'name="Telaah dan analisis keluhan"',
                                             'name="Telaah keluhan"')])
    diff = api("auditor.cianjur").get(f"/workflows/{version['id']}/diff?dari=1").get_json()
    changed = {(d["element_id"], d["file"]) for d in diff["diubah"]}
    assert changed == {("TujuanBpnt_Aturan_Beras_Keluaran1", "rules/tujuan_bpnt.dmn"),
                       ("Task_Telaah", "workflows/keluhan.bpmn")}
    values = {d["element_id"]: d["perubahan"] for d in diff["diubah"]}  # each changed part, old -> new
    assert values["TujuanBpnt_Aturan_Beras_Keluaran1"] == [{"bagian": "text/teks", "lama": '"BULOG"',
                                                            "baru": '"TIKOR_RASTRA"'}]
    assert values["Task_Telaah"] == [{"bagian": "@name", "lama": "Telaah dan analisis keluhan", "baru": "Telaah keluhan"}]
    assert diff["ditambah"] == [] and diff["dihapus"] == []


def test_rolling_back_publishes_the_earlier_files_again_as_the_latest(api):
    publish(api, [BERAS_KE_TIKOR])
    rolled = api(ANALIS).post("/workflows/1/rollback")
    assert rolled.status_code == 201, rolled.get_json()
    assert (rolled.get_json()["version"], rolled.get_json()["status"]) == (3, "published")
    assert route(api, bpnt_rice_complaint(api)) == ("BULOG", "lapor")
    statuses = {v["version"]: v["status"] for v in api(ANALIS).get("/workflows").get_json()}
    assert statuses == {1: "retired", 2: "retired", 3: "published"}
    assert api("auditor.cianjur").post("/workflows/1/rollback").status_code == 403


def test_running_cases_move_to_a_newer_version_where_safe_and_the_rest_are_reported(api):
    waiting = bpnt_rice_complaint(api)  # at Task_BackOffice
    answered = intake(api, jenis_keluhan="pertanyaan")
    act(api, "fo.cianjur", answered["id"], "Task_Telaah", telaah(jenis="pertanyaan"))  # at Task_JawabPertanyaan
    version = publish(api, [BERAS_KE_TIKOR, ("workflows/keluhan.bpmn", "Task_JawabPertanyaan", "Task_Jawab2")])
    report = api(ANALIS).post(f"/workflows/{version['id']}/migrate")
    assert report.status_code == 200, report.get_json()
    body = report.get_json()
    assert [c["case_id"] for c in body["dipindahkan"]] == [waiting["id"]]
    (kept,) = body["tidak_dipindahkan"]
    assert kept["case_id"] == answered["id"] and any("Task_JawabPertanyaan" in r for r in kept["alasan"])
    # the moved case now follows the new routing table; its history records the move
    assert route(api, waiting) == ("TIKOR_RASTRA", "lapor")
    events = api("auditor.cianjur").get(f"/cases/{waiting['id']}/events").get_json()
    assert "kasus_dimigrasi" in [e["type"] for e in events]
    # an auditor's replay follows the case across the move and reproduces it
    replay = api("auditor.cianjur").post(f"/cases/{waiting['id']}/replay").get_json()
    assert replay["ok"] is True, replay
    assert api("bo.sosial").post(f"/workflows/{version['id']}/migrate").status_code == 403


def test_validation_lists_every_finding_and_upload_refuses_with_them(api):
    broken = files([("workflows/sop_pkh.bpmn", 'batas_sla("tanggapan_rujukan")', "P3X"),
                    ("workflows/sop_pkh.bpmn", 'name="Manajer"', 'name="Kepala Dinas"')])
    checked = api(ANALIS).post("/workflows/validate", json={"process_id": "keluhan", "files": broken})
    assert checked.status_code == 200
    body = checked.get_json()
    assert body["ok"] is False
    where = {(f["element_id"], f["file"]) for f in body["findings"] if f["severity"] == "error"}
    assert ("Pkh_Terlambat", "workflows/sop_pkh.bpmn") in where and ("Pkh_Lane_Manajer", "workflows/sop_pkh.bpmn") in where
    refused = api(ANALIS).post("/workflows", json={"process_id": "keluhan", "files": broken})
    assert refused.status_code == 422 and len(refused.get_json()["findings"]) >= 2
    ok = api(ANALIS).post("/workflows/validate", json={"process_id": "keluhan", "files": files()})
    assert ok.get_json() == {"ok": True, "findings": []}
    for other in ("fo.cianjur", "auditor.cianjur", "manajer.cianjur", "admin.cianjur"):  # unsaved content: editors only
        refused = api(other).post("/workflows/validate", json={"process_id": "keluhan", "files": files()})
        assert refused.status_code == 403, other


def test_a_version_file_downloads_as_it_was_uploaded(api):
    response = api("auditor.cianjur").get("/workflows/1/files/rules/tujuan_bpnt.dmn")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    assert response.get_data(as_text=True) == files()["rules/tujuan_bpnt.dmn"]


def test_every_workflow_endpoint_is_in_the_openapi_document(app, api):
    import re

    doc = api().get("/openapi.json").get_json()
    rules = {re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule): rule.methods for rule in app.url_map.iter_rules()
             if rule.rule.startswith("/api/v1/workflows")}
    assert len(rules) >= 8
    for path, methods in rules.items():
        assert path in doc["paths"], path
        for method in methods - {"HEAD", "OPTIONS"}:
            assert method.lower() in doc["paths"][path], (path, method)
    assert "Finding" in doc["components"]["schemas"]


def test_a_dry_run_shows_which_scenarios_a_draft_would_change(api):
    draft = api(ANALIS).post("/workflows", json={"process_id": "keluhan", "files": files([BERAS_KE_TIKOR])})
    response = api(ANALIS).post(f"/workflows/{draft.get_json()['id']}/dry-run")
    assert response.status_code == 200, response.get_json()
    report = response.get_json()
    assert report["jumlah"] >= 30 and (report["dari_versi"], report["ke_versi"]) == (1, 2)
    assert report["berubah"] == ["05_rujukan_bpnt_kualitas_beras_ke_bulog", "06_rujukan_bpnt_kuantitas_beras_ke_bulog",
                                 "27_bukan_wewenang_bulog_dialihkan_ke_tikor", "43_puskesos_rujukan_bpnt_ke_bulog",
                                 "51_puskesos_bukan_wewenang_dialihkan", "55_fasilitator_rujukan_bpnt_ke_bulog",
                                 "63_fasilitator_bukan_wewenang_dialihkan"]  # the rice routes of every channel
    by_name = {s["nama"]: s for s in report["skenario"]}
    rice = by_name["05_rujukan_bpnt_kualitas_beras_ke_bulog"]
    assert (rice["sebelum"]["tujuan_rujukan"], rice["sesudah"]["tujuan_rujukan"]) == ("BULOG", "TIKOR_RASTRA")
    assert rice["meleset_sebelum"] == [] and "tujuan_rujukan" in rice["meleset_sesudah"]
    # played in memory on the published version, every scenario meets its own expectations
    assert [s["nama"] for s in report["skenario"] if s["meleset_sebelum"] or s["gagal_dimulai"]] == []
    # nothing of a dry run is kept: no case, no ticket
    assert api("fo.cianjur").get("/cases").get_json() == []
    assert api("fo.cianjur").post(f"/workflows/{draft.get_json()['id']}/dry-run").status_code == 403


def test_a_draft_can_be_abandoned_but_the_only_published_version_cannot_be_retired(api):
    draft = api(ANALIS).post("/workflows", json={"process_id": "keluhan", "files": files([BERAS_KE_TIKOR])}).get_json()
    retired = api(ANALIS).post(f"/workflows/{draft['id']}/retire")
    assert retired.status_code == 200 and retired.get_json()["status"] == "retired"
    assert api(ANALIS).post(f"/workflows/{draft['id']}/publish").status_code == 409
    assert api(ANALIS).post("/workflows/1/retire").status_code == 409
    assert route(api, bpnt_rice_complaint(api)) == ("BULOG", "lapor")
