"""The program catalogue is the one list of programs: a new program reaches its own SOP without code.

An administrator adds the program to the catalogue, an analyst publishes its SOP diagram and
decision table next to the shipped ones, and a complaint about it is routed by the new table.
Each on SQLite and PostgreSQL.
"""

from pathlib import Path

import pytest
from sqlalchemy import delete

from engine.store.models import Program, db
from tests.conftest import PASSWORD
from tests.journeys import TELAAH, act, inbox_task, intake, telaah

ROOT = Path(__file__).resolve().parents[2]
ANALIS = "analis.nasional"
BSU = {"code": "BSU", "name": "Bantuan Subsidi Upah", "agency": "KEMNAKER", "level": "nasional",
       "proses_sop": "sop_bsu", "sektor": "sosial", "description": "Subsidi upah bagi pekerja bergaji rendah.",
       "criteria": "Pekerja penerima upah di bawah batas yang ditetapkan.", "active": "ya"}

# What the analyst uploads for BSU, in the shape of sop_daerah.bpmn and tujuan_daerah.dmn: the table
# picks the destination (payout problems go to the paying bank), the manager approves, the referral
# message is thrown, the program manager answers.
SOP_BSU = (ROOT / "tests" / "fixtures" / "sop_bsu.bpmn").read_text(encoding="utf-8")
TUJUAN_BSU = (ROOT / "tests" / "fixtures" / "tujuan_bsu.dmn").read_text(encoding="utf-8")


@pytest.fixture(autouse=True)
def forget_bsu(app):
    """PostgreSQL keeps the catalogue between tests: take the added program out again."""
    yield
    db.session.rollback()
    db.session.execute(delete(Program).where(Program.code == "BSU"))
    db.session.commit()


def _signed_in(app, username):
    app.config["WTF_CSRF_ENABLED"] = False  # the CSRF refusal has its own test
    client = app.test_client()
    assert client.post("/masuk", data={"username": username, "password": PASSWORD}).status_code == 302
    return client


def _shipped_files():
    found = {}
    for folder, pattern in (("workflows", "*.bpmn"), ("rules", "*.dmn")):
        for path in sorted((ROOT / folder).glob(pattern)):
            found[f"{folder}/{path.name}"] = path.read_text(encoding="utf-8")
    return found


def _program_options(api, user, case_id, element_id):
    task = inbox_task(api, user, case_id, element_id)
    form = api(user).get(f"/tasks/{task['id']}").get_json()["form"]
    return [o["id"] for o in next(f for f in form if f["id"] == "program")["options"]]


def test_a_program_added_to_the_catalogue_is_routed_by_its_own_published_sop(app, api):
    admin = _signed_in(app, "admin.cianjur")
    # offering it before its SOP is published is refused: its complaints would stall at the referral
    refused = admin.post("/admin/program", data=BSU)
    assert refused.status_code == 422
    assert "sop_bsu" in refused.get_data(as_text=True) and "belum ada di diagram yang terbit" in refused.get_data(
        as_text=True)
    inactive = {key: value for key, value in BSU.items() if key != "active"}
    assert admin.post("/admin/program", data=inactive).status_code == 302
    assert "BSU" in admin.get("/admin/program").get_data(as_text=True)
    complaint = {"kanal": "sekretariat", "wilayah": "3203012001", "jenis_keluhan": "pengaduan", "program": "BSU",
                 "uraian": "Subsidi upah belum cair.", "pelapor": {"nama": "Siti Aminah"}}
    assert api("fo.cianjur").post("/cases", json=complaint).status_code == 422  # not offered while inactive

    files = {**_shipped_files(), "workflows/sop_bsu.bpmn": SOP_BSU, "rules/tujuan_bsu.dmn": TUJUAN_BSU}
    draft = api(ANALIS).post("/workflows", json={"process_id": "keluhan", "files": files})
    assert draft.status_code == 201, draft.get_json()
    published = api(ANALIS).post(f"/workflows/{draft.get_json()['id']}/publish")
    assert published.status_code == 200, published.get_json()
    assert admin.post("/admin/program/BSU", data=BSU).status_code == 302  # now it can be switched on

    # from now on, publishing a main diagram without the SOP of this active program is refused
    without_sop = {**_shipped_files(), "rules/tujuan_bsu.dmn": TUJUAN_BSU}
    refused = api(ANALIS).post("/workflows", json={"process_id": "keluhan", "files": without_sop})
    assert refused.status_code == 422, refused.get_json()
    assert "BSU" in str(refused.get_json()) and "sop_bsu" in str(refused.get_json())

    desk = _signed_in(app, "fo.cianjur").get("/meja-depan").get_data(as_text=True)
    assert 'value="BSU"' in desk and "Bantuan Subsidi Upah" in desk

    case = intake(api, program="BSU", uraian="Subsidi upah bulan ini belum cair ke rekening saya.")
    assert "BSU" in _program_options(api, "fo.cianjur", case["id"], TELAAH)
    act(api, "fo.cianjur", case["id"], TELAAH, telaah(program="BSU", pokok_masalah="pencairan_dana"))
    # the back office of the catalogue's sector (sosial) takes it and refers it
    act(api, "bo.sosial", case["id"], "Task_BackOffice", {
        "ditangani_langsung": False, "hasil_penanganan": "Perlu rujukan ke bank penyalur.",
        "pokok_masalah": "pencairan_dana", "program": "BSU"})
    done = act(api, "manajer.cianjur", case["id"], "Bsu_Setujui", {"keputusan_manajer": "setuju"})

    assert (done["tujuan_rujukan"], done["saluran_rujukan"]) == ("BANK_PENYALUR_BSU", "langsung")
    assert [(m["kind"], m["tujuan"], m["saluran"]) for m in done["rujukan"]] == [
        ("rujukan", "BANK_PENYALUR_BSU", "langsung")]
    report = api("auditor.cianjur").post(f"/cases/{case['id']}/replay").get_json()
    assert report["ok"] is True, report


def test_a_program_outside_the_catalogue_is_refused_at_intake_in_indonesian(app, api):
    complaint = {"kanal": "sekretariat", "wilayah": "3203012001", "jenis_keluhan": "pengaduan", "program": "BSU",
                 "uraian": "Program yang belum ada di katalog."}
    response = api("fo.cianjur").post("/cases", json={**complaint, "pelapor": {"nama": "Siti Aminah"}})
    assert response.status_code == 422
    assert "Program 'BSU' tidak ada di katalog program aktif" in str(response.get_json())
    desk = _signed_in(app, "fo.cianjur").post("/meja-depan", data={**complaint, "pelapor.nama": "Siti Aminah"})
    assert desk.status_code == 422
    assert "tidak ada di katalog program aktif" in desk.get_data(as_text=True)
