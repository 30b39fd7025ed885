"""POST /api/v1/cases/{id}/messages: a case that waits for a message from outside gets it from an officer
allowed to hand it in, recorded as an event of the hash chain that the replay plays again. Each on SQLite
and PostgreSQL."""

from tests.journeys import intake
from tests.processes.test_workflow_versions import publish

WAIT = ('sourceRef="StartEvent_Diterima" targetRef="Gw_Kanal" />',
        'sourceRef="StartEvent_Diterima" targetRef="Tunggu_Berkas" />'
        '<bpmn:intermediateCatchEvent id="Tunggu_Berkas" name="Berkas pelapor lengkap">'
        '<bpmn:messageEventDefinition id="Md_Berkas" messageRef="Msg_Berkas" /></bpmn:intermediateCatchEvent>'
        '<bpmn:sequenceFlow id="Flow_BerkasKeKanal" sourceRef="Tunggu_Berkas" targetRef="Gw_Kanal" />')
MESSAGE = ("</bpmn:process>", '</bpmn:process><bpmn:message id="Msg_Berkas" name="berkas_lengkap" />')


def _waiting_case(api):
    publish(api, [("workflows/keluhan.bpmn", *WAIT), ("workflows/keluhan.bpmn", *MESSAGE)])
    case = intake(api)
    assert [t for t in case["tasks"] if t["status"] == "siap"] == []  # waits for the papers, in no inbox
    return case


def test_a_waiting_case_moves_on_when_an_allowed_officer_hands_in_the_message(api):
    case = _waiting_case(api)
    url = f"/cases/{case['id']}/messages"
    body = {"nama": "berkas_lengkap", "isi": {"nomor_surat": "B-12/2026", "lengkap": True}}
    assert api("fo.cianjur").post(url, json=body).status_code == 403  # front office: not a receiving role
    assert api("bo.kendari").post(url, json=body).status_code == 403  # another district
    wrong = api("supervisor.cianjur").post(url, json={"nama": "berkas_lain"})
    assert wrong.status_code == 409 and "berkas_lain" in wrong.get_json()["message"]
    bad = api("supervisor.cianjur").post(url, json={"nama": "berkas_lengkap", "isi": {"a b": 1}})
    assert bad.status_code == 422 and "isi" in bad.get_json()["errors"]
    moved = api("supervisor.cianjur").post(url, json=body)
    assert moved.status_code == 200, moved.get_json()
    after = moved.get_json()
    assert "Task_Telaah" in [t["element_id"] for t in after["tasks"] if t["status"] == "siap"]
    assert after["data"]["pesan"] == {"nomor_surat": "B-12/2026", "lengkap": True}
    events = api("auditor.cianjur").get(f"/cases/{case['id']}/events").get_json()
    last = events[-1]
    assert (last["type"], last["actor"], last["data"]) == (
        "pesan_diterima", "supervisor.cianjur", {"nama": "berkas_lengkap", "isi": body["isi"]})
    assert last["prev_hash"] == events[-2]["hash"]
    again = api("supervisor.cianjur").post(url, json=body)
    assert again.status_code == 409  # it waits for it no more


def test_the_replay_hands_the_recorded_message_to_the_rebuilt_case_and_agrees(api):
    case = _waiting_case(api)
    api("manajer.cianjur").post(f"/cases/{case['id']}/messages", json={"nama": "berkas_lengkap", "isi": {"x": 1}})
    report = api("auditor.cianjur").post(f"/cases/{case['id']}/replay").get_json()
    assert report["ok"] is True, report
    english = api("manajer.cianjur").post(f"/cases/{case['id']}/messages?lang=en", json={"nama": "berkas_lengkap"})
    assert english.status_code == 409 and "not waiting for the message" in english.get_json()["message"]


GATEWAY = ('sourceRef="StartEvent_Diterima" targetRef="Gw_Kanal" />',
           'sourceRef="StartEvent_Diterima" targetRef="Gw_Tunggu" />'
           '<bpmn:eventBasedGateway id="Gw_Tunggu" name="Berkas atau batas?" />'
           '<bpmn:intermediateCatchEvent id="Tunggu_Berkas" name="Berkas pelapor lengkap">'
           '<bpmn:messageEventDefinition id="Md_Berkas" messageRef="Msg_Berkas" /></bpmn:intermediateCatchEvent>'
           '<bpmn:intermediateCatchEvent id="Batas_Berkas" name="Tiga hari berlalu">'
           '<bpmn:timerEventDefinition id="Td_Berkas"><bpmn:timeDuration>P3D</bpmn:timeDuration>'
           '</bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>'
           '<bpmn:sequenceFlow id="Flow_KePesan" sourceRef="Gw_Tunggu" targetRef="Tunggu_Berkas" />'
           '<bpmn:sequenceFlow id="Flow_KeBatas" sourceRef="Gw_Tunggu" targetRef="Batas_Berkas" />'
           '<bpmn:sequenceFlow id="Flow_BerkasKeKanal" sourceRef="Tunggu_Berkas" targetRef="Gw_Kanal" />'
           '<bpmn:sequenceFlow id="Flow_BatasKeKanal" sourceRef="Batas_Berkas" targetRef="Gw_Kanal" />')


def test_an_event_based_gateway_timer_is_indexed_and_fired_by_the_timer_sweep(api, clock):
    from engine.cases import timers
    from engine.domain.actor import SYSTEM

    publish(api, [("workflows/keluhan.bpmn", *GATEWAY), ("workflows/keluhan.bpmn", *MESSAGE)])
    case = intake(api)
    waiting = [t for t in case["timers"] if t["status"] == "menunggu"]
    assert [t["element_id"] for t in waiting] == ["Gw_Tunggu"]
    clock.advance(days=2)
    assert timers.sweep(clock.now, SYSTEM) == 0
    clock.advance(days=1, minutes=1)
    assert timers.sweep(clock.now, SYSTEM) == 1
    after = api("auditor.cianjur").get(f"/cases/{case['id']}").get_json()
    assert "Task_Telaah" in [t["element_id"] for t in after["tasks"] if t["status"] == "siap"]
    assert api("auditor.cianjur").post(f"/cases/{case['id']}/replay").get_json()["ok"] is True
