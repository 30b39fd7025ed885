"""A process saved by SpiffArena's modeler, published beside the complaint process that calls it, runs in
real cases to its end: its JSON-schema form in the front office's inbox, its pre- and post-scripts, the
message it throws (payload) and the one it waits for (variable) handed in over the API. Extensions with
no equivalent are refused on upload naming the dialect and each one. On SQLite and PostgreSQL."""

import json

from tests.bpmn.test_spiff_dialect import SPIFF, spiff_files
from tests.conftest import sql
from tests.journeys import TELAAH, intake
from tests.processes.test_constructs_in_cases import case_of, complete, ready, replay_agrees
from tests.processes.test_workflow_versions import ANALIS, files

CALL = ('sourceRef="StartEvent_Diterima" targetRef="Gw_Kanal" />',
        'sourceRef="StartEvent_Diterima" targetRef="Panggil_Verifikasi" />'
        '<bpmn:callActivity id="Panggil_Verifikasi" name="Verifikasi (SpiffArena)" calledElement="verifikasi_spiff" />'
        '<bpmn:sequenceFlow id="Flow_VerifikasiKeKanal" sourceRef="Panggil_Verifikasi" targetRef="Gw_Kanal" />')
LANE = ("<bpmn:flowNodeRef>StartEvent_Diterima</bpmn:flowNodeRef>",
        "<bpmn:flowNodeRef>StartEvent_Diterima</bpmn:flowNodeRef><bpmn:flowNodeRef>Panggil_Verifikasi</bpmn:flowNodeRef>")


def _with_spiff(diagram=SPIFF):
    return {**files([("workflows/keluhan.bpmn", *CALL), ("workflows/keluhan.bpmn", *LANE)]), **spiff_files(diagram)}


def test_a_spiffarena_process_runs_in_a_case_form_scripts_and_messages_to_the_end(api):
    draft = api(ANALIS).post("/workflows", json={"process_id": "keluhan", "files": _with_spiff()})
    assert draft.status_code == 201, draft.get_json()
    assert api(ANALIS).post(f"/workflows/{draft.get_json()['id']}/publish").status_code == 200
    case = intake(api)
    assert ready(api, case) == ["Task_Verifikasi"]
    task = next(t for t in api("fo.cianjur").get("/tasks").get_json() if t["case_id"] == case["id"])
    form = api("fo.cianjur").get(f"/tasks/{task['id']}").get_json()["form"]
    fields = {f["id"]: f for f in form}
    assert list(fields) == ["hasil", "jumlah_anggota", "catatan", "dikunjungi"]  # the uploaded JSON schema's
    assert fields["hasil"]["label"] == "Hasil verifikasi" and fields["hasil"]["required"] is True
    assert case_of(api, case)["data"]["disiapkan"] is True  # the pre-script ran before the task opened
    refused = api("fo.cianjur").post(f"/tasks/{task['id']}/complete", json={"data": {"hasil": "mungkin"}})
    assert refused.status_code == 422 and "hasil" in refused.get_json()["errors"]  # the schema's enum holds
    complete(api, case, "Task_Verifikasi", {"hasil": "layak", "jumlah_anggota": 4, "catatan": "semi permanen",
                                            "dikunjungi": True})
    (kind, payload), = sql("SELECT kind, payload FROM outbox WHERE case_id = :c", c=case["id"])
    assert (kind, json.loads(payload)) == ("hasil_verifikasi", {"hasil": "layak", "layak": True})  # post-script, payload
    assert ready(api, case) == []  # waiting for the office's answer, in no inbox
    message = api("supervisor.cianjur").post(f"/cases/{case['id']}/messages",
                                             json={"nama": "tanggapan_dinas", "isi": {"status": "diterima"}})
    assert message.status_code == 200, message.get_json()
    data = message.get_json()["data"]
    assert data["status_akhir"] == "diterima" and data["layak"] is True  # the payload landed in the message variable
    assert ready(api, case) == [TELAAH]  # the SpiffArena process ended and the complaint goes on
    replay_agrees(api, case)


def test_spiffarena_extensions_without_an_equivalent_are_refused_on_upload_naming_the_dialect_and_each(api):
    diagram = SPIFF.replace('<spiffworkflow:preScript>', '<spiffworkflow:serviceTaskOperator id="http/GetRequest" />'
                            '<spiffworkflow:instructionsForEndUser>Isi dengan teliti</spiffworkflow:instructionsForEndUser>'
                            '<spiffworkflow:preScript>')
    refused = api(ANALIS).post("/workflows", json={"process_id": "keluhan", "files": _with_spiff(diagram)})
    assert refused.status_code == 422
    messages = [f["message"] for f in refused.get_json()["findings"] if f["severity"] == "error"]
    for extension in ("serviceTaskOperator", "instructionsForEndUser"):
        assert any("SpiffArena" in m and f"spiffworkflow:{extension}" in m for m in messages), (extension, messages)
    english = api(ANALIS).post("/workflows?lang=en", json={"process_id": "keluhan", "files": _with_spiff(diagram)})
    assert any("SpiffArena" in f["message"] for f in english.get_json()["findings"])
