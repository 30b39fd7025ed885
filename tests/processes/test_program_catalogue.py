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
ANALIS = "analis.cianjur"
BSU = {"code": "BSU", "name": "Bantuan Subsidi Upah", "agency": "KEMNAKER", "level": "nasional",
       "proses_sop": "sop_bsu", "sektor": "sosial", "description": "Subsidi upah bagi pekerja bergaji rendah.",
       "criteria": "Pekerja penerima upah di bawah batas yang ditetapkan.", "active": "ya"}

# The analyst's SOP for BSU, in the shape of sop_daerah.bpmn: the table picks the destination,
# the manager approves, the referral message is thrown, the program manager answers.
SOP_BSU = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="Definitions_SopBsu" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:collaboration id="Collaboration_SopBsu">
    <bpmn:participant id="Participant_SopBsu" name="SOP Bantuan Subsidi Upah" processRef="sop_bsu" />
  </bpmn:collaboration>
  <bpmn:process id="sop_bsu" name="SOP Bantuan Subsidi Upah" isExecutable="true">
    <bpmn:laneSet id="Bsu_Lanes">
      <bpmn:lane id="Bsu_Lane_Manajer" name="Manajer">
        <bpmn:flowNodeRef>Bsu_Start</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>Bsu_Dmn</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>Bsu_Setujui</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>Bsu_GwSetuju</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>Bsu_EndTidakDikirim</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>Bsu_Kirim</bpmn:flowNodeRef>
      </bpmn:lane>
      <bpmn:lane id="Bsu_Lane_PengelolaProgram" name="Pengelola Program">
        <bpmn:flowNodeRef>Bsu_Tanggapi</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>Bsu_EndDijawab</bpmn:flowNodeRef>
      </bpmn:lane>
    </bpmn:laneSet>
    <bpmn:startEvent id="Bsu_Start" name="Rujukan diminta"><bpmn:outgoing>Bsu_F1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="Bsu_F1" sourceRef="Bsu_Start" targetRef="Bsu_Dmn" />
    <bpmn:businessRuleTask id="Bsu_Dmn" name="Tentukan tujuan rujukan BSU" camunda:decisionRef="tujuan_bsu">
      <bpmn:incoming>Bsu_F1</bpmn:incoming><bpmn:outgoing>Bsu_F2</bpmn:outgoing>
    </bpmn:businessRuleTask>
    <bpmn:sequenceFlow id="Bsu_F2" sourceRef="Bsu_Dmn" targetRef="Bsu_Setujui" />
    <bpmn:userTask id="Bsu_Setujui" name="Setujui rujukan BSU">
      <bpmn:extensionElements>
        <camunda:formData>
          <camunda:formField id="keputusan_manajer" label="Keputusan manajer" type="enum">
            <camunda:validation><camunda:constraint name="required" /></camunda:validation>
            <camunda:value id="setuju" name="Setuju" />
            <camunda:value id="tolak" name="Tolak" />
          </camunda:formField>
        </camunda:formData>
      </bpmn:extensionElements>
      <bpmn:incoming>Bsu_F2</bpmn:incoming><bpmn:outgoing>Bsu_F3</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="Bsu_F3" sourceRef="Bsu_Setujui" targetRef="Bsu_GwSetuju" />
    <bpmn:exclusiveGateway id="Bsu_GwSetuju" name="Keputusan manajer?" default="Bsu_FSetuju">
      <bpmn:incoming>Bsu_F3</bpmn:incoming><bpmn:outgoing>Bsu_FTolak</bpmn:outgoing><bpmn:outgoing>Bsu_FSetuju</bpmn:outgoing>
    </bpmn:exclusiveGateway>
    <bpmn:sequenceFlow id="Bsu_FTolak" sourceRef="Bsu_GwSetuju" targetRef="Bsu_EndTidakDikirim">
      <bpmn:conditionExpression>keputusan_manajer != "setuju"</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="Bsu_FSetuju" sourceRef="Bsu_GwSetuju" targetRef="Bsu_Kirim" />
    <bpmn:endEvent id="Bsu_EndTidakDikirim" name="Rujukan tidak dikirim"><bpmn:incoming>Bsu_FTolak</bpmn:incoming></bpmn:endEvent>
    <bpmn:intermediateThrowEvent id="Bsu_Kirim" name="Kirim rujukan">
      <bpmn:incoming>Bsu_FSetuju</bpmn:incoming><bpmn:outgoing>Bsu_F4</bpmn:outgoing>
      <bpmn:messageEventDefinition id="Bsu_Kirim_Definisi" messageRef="Bsu_Message_Rujukan" camunda:expression="{'tujuan_rujukan': tujuan_rujukan, 'saluran_rujukan': saluran_rujukan, 'program': program, 'pokok_masalah': pokok_masalah, 'uraian': uraian}" />
    </bpmn:intermediateThrowEvent>
    <bpmn:sequenceFlow id="Bsu_F4" sourceRef="Bsu_Kirim" targetRef="Bsu_Tanggapi" />
    <bpmn:userTask id="Bsu_Tanggapi" name="Tanggapi rujukan BSU">
      <bpmn:extensionElements>
        <camunda:formData>
          <camunda:formField id="tanggapan_rujukan" label="Tanggapan pengelola program" type="enum">
            <camunda:validation><camunda:constraint name="required" /></camunda:validation>
            <camunda:value id="diterima" name="Diterima" />
            <camunda:value id="ditolak" name="Ditolak" />
          </camunda:formField>
        </camunda:formData>
      </bpmn:extensionElements>
      <bpmn:incoming>Bsu_F4</bpmn:incoming><bpmn:outgoing>Bsu_F5</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="Bsu_F5" sourceRef="Bsu_Tanggapi" targetRef="Bsu_EndDijawab" />
    <bpmn:endEvent id="Bsu_EndDijawab" name="Rujukan dijawab"><bpmn:incoming>Bsu_F5</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
  <bpmn:message id="Bsu_Message_Rujukan" name="rujukan" />
</bpmn:definitions>
"""

# Its decision table, in the shape of tujuan_daerah.dmn: payout problems go to the paying bank.
TUJUAN_BSU = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="Definitions_TujuanBsu" name="Tujuan rujukan BSU" namespace="http://camunda.org/schema/1.0/dmn">
  <decision id="tujuan_bsu" name="Tujuan rujukan BSU">
    <decisionTable id="TujuanBsu_Tabel" hitPolicy="UNIQUE">
      <input id="TujuanBsu_Masukan" label="Pokok masalah">
        <inputExpression id="TujuanBsu_Masukan_Ekspresi" typeRef="string"><text>pokok_masalah</text></inputExpression>
      </input>
      <output id="TujuanBsu_Tujuan" label="Tujuan rujukan" name="tujuan_rujukan" typeRef="string" />
      <output id="TujuanBsu_Saluran" label="Saluran rujukan" name="saluran_rujukan" typeRef="string" />
      <rule id="TujuanBsu_Bank">
        <inputEntry id="TujuanBsu_Bank_Masukan"><text>"pencairan_dana"</text></inputEntry>
        <outputEntry id="TujuanBsu_Bank_Tujuan"><text>"BANK_PENYALUR_BSU"</text></outputEntry>
        <outputEntry id="TujuanBsu_Bank_Saluran"><text>"langsung"</text></outputEntry>
      </rule>
      <rule id="TujuanBsu_Kemnaker">
        <inputEntry id="TujuanBsu_Kemnaker_Masukan"><text>? != "pencairan_dana"</text></inputEntry>
        <outputEntry id="TujuanBsu_Kemnaker_Tujuan"><text>"KEMNAKER"</text></outputEntry>
        <outputEntry id="TujuanBsu_Kemnaker_Saluran"><text>"lapor"</text></outputEntry>
      </rule>
    </decisionTable>
  </decision>
</definitions>
"""


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
    assert "program 'BSU' tidak ada di katalog program aktif" in str(response.get_json())
    desk = _signed_in(app, "fo.cianjur").post("/meja-depan", data={**complaint, "pelapor.nama": "Siti Aminah"})
    assert desk.status_code == 422
    assert "tidak ada di katalog program aktif" in desk.get_data(as_text=True)
