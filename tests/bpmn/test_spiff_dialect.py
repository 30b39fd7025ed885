"""Diagrams saved by SpiffArena's modeler: scripts (pre/post scripts too), messages with payload and
variable, forms from the JSON-schema file uploaded beside them run here; the rest is refused naming
the dialect and each unsupported extension."""

import json
from datetime import datetime, timezone

from engine.bpmn.lint import lint_files
from engine.bpmn.parser import load_bundle
from engine.bpmn.runner import Runner

NOW = datetime(2026, 3, 2, 2, 0, tzinfo=timezone.utc)
SCHEMA = {
    "title": "Verifikasi", "type": "object", "required": ["hasil"],
    "properties": {
        "hasil": {"type": "string", "title": "Hasil verifikasi", "enum": ["layak", "tidak_layak"]},
        "jumlah_anggota": {"type": "integer", "title": "Jumlah anggota keluarga", "minimum": 1, "maximum": 30},
        "catatan": {"type": "string", "title": "Catatan", "maxLength": 200},
        "dikunjungi": {"type": "boolean", "title": "Sudah dikunjungi", "default": False},
    },
}
UI_SCHEMA = {"ui:order": ["hasil", "jumlah_anggota", "catatan", "dikunjungi"]}
HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
        'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="Defs_Spiff" '
        'targetNamespace="http://bpmn.io/schema/bpmn" exporter="Camunda Modeler" exporterVersion="5.0.0">\n')
SPIFF = HEAD + """<bpmn:process id="verifikasi_spiff" name="Verifikasi (SpiffArena)" isExecutable="true">
  <bpmn:laneSet id="LaneSet_1"><bpmn:lane id="Lane_Fo" name="Front Office">
    <bpmn:flowNodeRef>Mulai</bpmn:flowNodeRef><bpmn:flowNodeRef>Task_Verifikasi</bpmn:flowNodeRef>
    <bpmn:flowNodeRef>Kirim</bpmn:flowNodeRef><bpmn:flowNodeRef>Tunggu</bpmn:flowNodeRef>
    <bpmn:flowNodeRef>Skrip</bpmn:flowNodeRef><bpmn:flowNodeRef>Selesai</bpmn:flowNodeRef>
  </bpmn:lane></bpmn:laneSet>
  <bpmn:startEvent id="Mulai"><bpmn:outgoing>F1</bpmn:outgoing></bpmn:startEvent>
  <bpmn:userTask id="Task_Verifikasi" name="Verifikasi rumah tangga">
    <bpmn:extensionElements>
      <spiffworkflow:properties>
        <spiffworkflow:property name="formJsonSchemaFilename" value="verifikasi-schema.json" />
        <spiffworkflow:property name="formUiSchemaFilename" value="verifikasi-uischema.json" />
      </spiffworkflow:properties>
      <spiffworkflow:preScript>disiapkan = True</spiffworkflow:preScript>
      <spiffworkflow:postScript>layak = hasil == "layak"</spiffworkflow:postScript>
    </bpmn:extensionElements>
    <bpmn:incoming>F1</bpmn:incoming><bpmn:outgoing>F2</bpmn:outgoing>
  </bpmn:userTask>
  <bpmn:intermediateThrowEvent id="Kirim" name="Kirim hasil">
    <bpmn:incoming>F2</bpmn:incoming><bpmn:outgoing>F3</bpmn:outgoing>
    <bpmn:messageEventDefinition id="Md_Kirim" messageRef="Msg_Hasil" />
  </bpmn:intermediateThrowEvent>
  <bpmn:intermediateCatchEvent id="Tunggu" name="Tunggu tanggapan">
    <bpmn:incoming>F3</bpmn:incoming><bpmn:outgoing>F4</bpmn:outgoing>
    <bpmn:messageEventDefinition id="Md_Tunggu" messageRef="Msg_Tanggapan" />
  </bpmn:intermediateCatchEvent>
  <bpmn:scriptTask id="Skrip" name="Catat tanggapan">
    <bpmn:incoming>F4</bpmn:incoming><bpmn:outgoing>F5</bpmn:outgoing>
    <bpmn:script>status_akhir = tanggapan["status"]</bpmn:script>
  </bpmn:scriptTask>
  <bpmn:endEvent id="Selesai"><bpmn:incoming>F5</bpmn:incoming></bpmn:endEvent>
  <bpmn:sequenceFlow id="F1" sourceRef="Mulai" targetRef="Task_Verifikasi" />
  <bpmn:sequenceFlow id="F2" sourceRef="Task_Verifikasi" targetRef="Kirim" />
  <bpmn:sequenceFlow id="F3" sourceRef="Kirim" targetRef="Tunggu" />
  <bpmn:sequenceFlow id="F4" sourceRef="Tunggu" targetRef="Skrip" />
  <bpmn:sequenceFlow id="F5" sourceRef="Skrip" targetRef="Selesai" />
</bpmn:process>
<bpmn:message id="Msg_Hasil" name="hasil_verifikasi">
  <bpmn:extensionElements>
    <spiffworkflow:messagePayload>{"hasil": hasil, "layak": layak}</spiffworkflow:messagePayload>
  </bpmn:extensionElements>
</bpmn:message>
<bpmn:message id="Msg_Tanggapan" name="tanggapan_dinas">
  <bpmn:extensionElements>
    <spiffworkflow:messageVariable>tanggapan</spiffworkflow:messageVariable>
  </bpmn:extensionElements>
</bpmn:message>
</bpmn:definitions>
"""


def spiff_files(diagram=SPIFF, schema=SCHEMA):
    files = {"workflows/verifikasi.bpmn": diagram, "workflows/verifikasi-uischema.json": json.dumps(UI_SCHEMA)}
    if schema is not None:
        files["workflows/verifikasi-schema.json"] = json.dumps(schema)
    return files


def test_a_spiffarena_diagram_runs_its_form_scripts_and_messages_to_the_end():
    files = spiff_files()
    assert lint_files(files) == []
    bundle, runner = load_bundle(files, "verifikasi_spiff"), Runner()
    workflow = runner.start(bundle, {}, NOW)
    (task,) = runner.ready_tasks(bundle, workflow)
    assert task.element_id == "Task_Verifikasi" and task.role == "front_office"
    form = {f.id: f for f in task.form}
    assert list(form) == ["hasil", "jumlah_anggota", "catatan", "dikunjungi"]
    assert form["hasil"].type == "enum" and form["hasil"].required and [o[0] for o in form["hasil"].options] == [
        "layak", "tidak_layak"]
    assert (form["jumlah_anggota"].type, form["jumlah_anggota"].min, form["jumlah_anggota"].max) == ("long", 1, 30)
    assert form["jumlah_anggota"].label == "Jumlah anggota keluarga" and form["dikunjungi"].type == "boolean"
    assert runner.case_data(workflow)["disiapkan"] is True  # the pre-script ran before the task opened
    runner.complete(bundle, workflow, task.id, {"hasil": "layak", "jumlah_anggota": 4, "catatan": "rumah semi permanen",
                                                 "dikunjungi": True}, NOW)
    assert runner.take_messages(workflow) == [("hasil_verifikasi", {"hasil": "layak", "layak": True})]
    assert runner.waiting_messages(workflow) == ["tanggapan_dinas"]
    runner.deliver_message(workflow, "tanggapan_dinas", {"status": "diterima"}, NOW)
    data = runner.case_data(workflow)
    assert workflow.completed and data["layak"] is True and data["status_akhir"] == "diterima"


def test_the_form_refuses_what_the_schema_says_is_wrong():
    files = spiff_files()
    bundle, runner = load_bundle(files, "verifikasi_spiff"), Runner()
    workflow = runner.start(bundle, {}, NOW)
    (task,) = runner.ready_tasks(bundle, workflow)
    from engine.errors import InvalidInput
    import pytest

    with pytest.raises(InvalidInput) as refused:
        runner.complete(bundle, workflow, task.id, {"hasil": "entah", "jumlah_anggota": 99}, NOW)
    assert {"hasil", "jumlah_anggota"} <= set(refused.value.errors)


def _messages(files):
    return [(f.element_id, f.message) for f in lint_files(files) if f.severity == "error"]


def test_unsupported_spiffarena_extensions_are_refused_naming_the_dialect_and_each_extension():
    diagram = SPIFF.replace(
        '<spiffworkflow:preScript>', '<spiffworkflow:instructionsForEndUser>Periksa KK.</spiffworkflow:instructionsForEndUser>'
                                     '<spiffworkflow:preScript>').replace(
        '<bpmn:scriptTask id="Skrip" name="Catat tanggapan">',
        '<bpmn:serviceTask id="Skrip" name="Catat tanggapan"><bpmn:extensionElements><spiffworkflow:serviceTaskOperator '
        'id="http/GetRequestV2" resultVariable="r" /></bpmn:extensionElements>').replace(
        '<bpmn:script>status_akhir = tanggapan["status"]</bpmn:script>\n  </bpmn:scriptTask>', '</bpmn:serviceTask>')
    found = _messages(spiff_files(diagram))
    spiff = [(e, m) for e, m in found if "dialek SpiffArena" in m]
    assert ("Task_Verifikasi", "dialek SpiffArena: ekstensi spiffworkflow:instructionsForEndUser tidak didukung mesin ini") in spiff
    assert ("Skrip", "dialek SpiffArena: ekstensi spiffworkflow:serviceTaskOperator tidak didukung mesin ini") in spiff
    assert any(e == "Skrip" and "serviceTask" in m for e, m in found)


def test_a_form_schema_missing_or_beyond_what_forms_here_can_show_is_refused_naming_it():
    missing = _messages(spiff_files(schema=None))
    assert [e for e, m in missing if "verifikasi-schema.json" in m and "tidak ikut diunggah" in m] == ["Task_Verifikasi"]
    nested = {**SCHEMA, "properties": {**SCHEMA["properties"], "anggota": {"type": "array", "items": {"type": "string"}}}}
    found = _messages(spiff_files(schema=nested))
    assert any(e == "Task_Verifikasi" and "'anggota'" in m and "items" in m for e, m in found), found


def test_the_api_validates_a_spiffarena_set_with_its_form_schema_and_names_the_dialect_in_english(api):
    checked = api("analis.cianjur").post("/workflows/validate", json={"process_id": "verifikasi_spiff",
                                                                      "files": spiff_files()})
    assert checked.status_code == 200 and checked.get_json() == {"ok": True, "findings": []}
    broken = SPIFF.replace("<spiffworkflow:preScript>", "<spiffworkflow:unitTests /><spiffworkflow:preScript>")
    english = api("analis.cianjur").post("/workflows/validate?lang=en", json={
        "process_id": "verifikasi_spiff", "files": spiff_files(broken)}).get_json()
    assert [f["message"] for f in english["findings"]] == [
        "SpiffArena dialect: the extension spiffworkflow:unitTests is not supported by this engine"]


def test_the_diff_of_two_spiffarena_sets_names_a_changed_form_schema():
    from engine.bpmn.diff import diff

    changed = {**SCHEMA, "properties": {**SCHEMA["properties"], "catatan": {"type": "string", "maxLength": 500}}}
    found = diff(spiff_files(), spiff_files(schema=changed))
    assert [(e["element_id"], e["type"]) for e in found["diubah"]] == [("workflows/verifikasi-schema.json", "skema_formulir")]


def test_a_spiffarena_business_rule_task_calls_its_decision_table_by_called_decision_id():
    from pathlib import Path

    diagram = SPIFF.replace(
        '<bpmn:scriptTask id="Skrip" name="Catat tanggapan">',
        '<bpmn:businessRuleTask id="Skrip" name="Tentukan pengelola"><bpmn:extensionElements><spiffworkflow:calledDecisionId>'
        'pengelola_saran</spiffworkflow:calledDecisionId></bpmn:extensionElements>').replace(
        '<bpmn:script>status_akhir = tanggapan["status"]</bpmn:script>\n  </bpmn:scriptTask>', '</bpmn:businessRuleTask>')
    table = (Path(__file__).resolve().parents[2] / "rules" / "pengelola_saran.dmn").read_text(encoding="utf-8")
    files = {**spiff_files(diagram), "rules/pengelola_saran.dmn": table}
    assert lint_files(files) == []
    bundle, runner = load_bundle(files, "verifikasi_spiff"), Runner()
    workflow = runner.start(bundle, {"program": "PKH"}, NOW)
    (task,) = runner.ready_tasks(bundle, workflow)
    runner.complete(bundle, workflow, task.id, {"hasil": "layak"}, NOW)
    runner.deliver_message(workflow, "tanggapan_dinas", {"status": "diterima"}, NOW)
    assert workflow.completed and runner.case_data(workflow)["tujuan_rujukan"] == "KEMENSOS_JSK"
