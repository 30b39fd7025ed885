"""Every construct the validator accepts, published inside the complaint process and driven through the
product to its end: a real case on the database, officers completing its tasks over the API, messages
handed in over POST /cases/{id}/messages, timers fired by the sweep, and the auditor's replay agreeing
with what was stored. Each construct sits between 'Keluhan diterima' and the channel gateway, so a case
that gets through it reaches the front office's review (Task_Telaah). On SQLite and PostgreSQL.

(tests/bpmn/test_constructs_run.py drives the same constructs in memory, with the state written and
read back between steps; these do it as a deployment does.)"""

import pytest

from engine.cases import timers
from engine.domain.actor import SYSTEM
from tests.journeys import TELAAH, intake
from tests.processes.test_workflow_versions import publish

KELUHAN = "workflows/keluhan.bpmn"
ENTRY = 'sourceRef="StartEvent_Diterima" targetRef="Gw_Kanal" />'
LANE = "<bpmn:flowNodeRef>StartEvent_Diterima</bpmn:flowNodeRef>"
MESSAGE = '<bpmn:message id="Msg_Uji" name="jawaban_instansi" />'
ERROR = '<bpmn:error id="Err_Uji" name="Gagal" errorCode="GAGAL" />'
TIMER_1H = ('<bpmn:timerEventDefinition id="Td_{0}"><bpmn:timeDuration>PT1H</bpmn:timeDuration>'
            '</bpmn:timerEventDefinition>')
MESSAGE_DEF = '<bpmn:messageEventDefinition id="Md_{0}" messageRef="Msg_Uji" />'
SENDER = "supervisor.cianjur"
READER = "auditor.cianjur"


def flow(source, target, condition=None):
    body = f"<bpmn:conditionExpression>{condition}</bpmn:conditionExpression>" if condition else ""
    return f'<bpmn:sequenceFlow id="Fu_{source}_{target}" sourceRef="{source}" targetRef="{target}">{body}</bpmn:sequenceFlow>'


def chain(*ids):
    return "".join(flow(a, b) for a, b in zip(ids, ids[1:]))


def script(element_id, code):
    return (f'<bpmn:scriptTask id="{element_id}" name="{element_id}" scriptFormat="python"><bpmn:script>{code}'
            '</bpmn:script></bpmn:scriptTask>')


def user_task(element_id, field="catatan_uji", kind="string", inner=""):
    return (f'<bpmn:userTask id="{element_id}" name="{element_id}"><bpmn:extensionElements><camunda:formData>'
            f'<camunda:formField id="{field}" label="{field}" type="{kind}" /></camunda:formData>'
            f'</bpmn:extensionElements>{inner}</bpmn:userTask>')


def catch(element_id, definition):
    return f'<bpmn:intermediateCatchEvent id="{element_id}" name="{element_id}">{definition}</bpmn:intermediateCatchEvent>'


def variant(api, entry, body, lane_nodes, extra="", inside=""):
    """Publish keluhan with `body` between the start and Gw_Kanal (the start now flows to `entry`);
    `lane_nodes` go into the front office's lane; `inside` is more of the process (event subprocesses)."""
    refs = "".join(f"<bpmn:flowNodeRef>{n}</bpmn:flowNodeRef>" for n in lane_nodes)
    edits = [(KELUHAN, ENTRY, f'sourceRef="StartEvent_Diterima" targetRef="{entry}" />' + body + inside),
             (KELUHAN, LANE, LANE + refs)]
    if extra:
        edits.append((KELUHAN, "</bpmn:process>", "</bpmn:process>" + extra))
    return publish(api, edits)


def case_of(api, case):
    return api(READER).get(f"/cases/{case['id']}").get_json()


def ready(api, case):
    return sorted(t["element_id"] for t in case_of(api, case)["tasks"] if t["status"] == "siap")


def complete(api, case, element_id, data, user="fo.cianjur"):
    """Complete one open `element_id` task of the case from the officer's inbox."""
    mine = [t for t in api(user).get("/tasks").get_json() if t["case_id"] == case["id"] and t["element_id"] == element_id]
    assert mine, f"{element_id} is in no inbox of {user}"
    answer = api(user).post(f"/tasks/{mine[0]['id']}/complete", json={"data": data})
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()


def send(api, case, payload=None):
    answer = api(SENDER).post(f"/cases/{case['id']}/messages", json={"nama": "jawaban_instansi", "isi": payload or {}})
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()


def replay_agrees(api, case):
    report = api(READER).post(f"/cases/{case['id']}/replay").get_json()
    assert report["ok"] is True, str(report)[-1500:]


def test_an_intermediate_timer_catch_is_fired_by_the_sweep_and_the_case_goes_on(api, clock):
    variant(api, "Tunggu_Sejam", catch("Tunggu_Sejam", TIMER_1H.format("T")) + chain("Tunggu_Sejam", "Gw_Kanal"),
            ["Tunggu_Sejam"])
    case = intake(api)
    assert ready(api, case) == [] and [t["element_id"] for t in case["timers"] if t["status"] == "menunggu"] == [
        "Tunggu_Sejam"]
    clock.advance(minutes=30)
    assert timers.sweep(clock.now, SYSTEM) == 0
    clock.advance(minutes=31)
    assert timers.sweep(clock.now, SYSTEM) == 1
    assert TELAAH in ready(api, case)
    replay_agrees(api, case)


def test_an_event_based_gateway_takes_the_message_and_its_timer_is_cancelled(api, clock):
    body = ('<bpmn:eventBasedGateway id="Gw_Tunggu" name="Jawaban atau batas?" />'
            + catch("Tunggu_Jawaban", MESSAGE_DEF.format("J")) + catch("Tunggu_Batas", TIMER_1H.format("B"))
            + script("Catat_Jawaban", "nomor_jawaban = pesan['nomor']") + chain("Gw_Tunggu", "Tunggu_Jawaban")
            + chain("Gw_Tunggu", "Tunggu_Batas") + chain("Tunggu_Jawaban", "Catat_Jawaban", "Gw_Kanal")
            + flow("Tunggu_Batas", "Gw_Kanal"))
    variant(api, "Gw_Tunggu", body, ["Gw_Tunggu", "Tunggu_Jawaban", "Tunggu_Batas", "Catat_Jawaban"], MESSAGE)
    case = intake(api)
    assert [t["element_id"] for t in case["timers"] if t["status"] == "menunggu"] == ["Gw_Tunggu"]
    after = send(api, case, {"nomor": "B-7/2026"})
    assert after["data"]["nomor_jawaban"] == "B-7/2026" and TELAAH in ready(api, case)
    assert [t["status"] for t in case_of(api, case)["timers"] if t["element_id"] == "Gw_Tunggu"] == ["dibatalkan"]
    clock.advance(hours=2)
    assert timers.sweep(clock.now, SYSTEM) == 0  # the timer branch is gone with the message taken
    replay_agrees(api, case)


@pytest.mark.parametrize("sequential", [False, True])
def test_a_multi_instance_user_task_opens_one_task_per_item_in_the_inbox_and_collects_the_answers(api, sequential):
    inner = (f'<bpmn:multiInstanceLoopCharacteristics isSequential="{str(sequential).lower()}" '
             'camunda:collection="desa_kunjungan" camunda:elementVariable="hasil_kunjungan" />')
    body = (script("Isi_Desa", "desa_kunjungan = ['Cibeber', 'Sukaresmi', 'Cugenang']")
            + user_task("Kunjungi", "hasil_kunjungan", inner=inner) + chain("Isi_Desa", "Kunjungi", "Gw_Kanal"))
    variant(api, "Isi_Desa", body, ["Isi_Desa", "Kunjungi"])
    case = intake(api)
    for number in range(3):
        assert ready(api, case) == ["Kunjungi"] * (1 if sequential else 3 - number)
        complete(api, case, "Kunjungi", {"hasil_kunjungan": f"dikunjungi {number}"})
    after = case_of(api, case)
    assert TELAAH in ready(api, case)
    assert sorted(after["data"]["desa_kunjungan"]) == ["dikunjungi 0", "dikunjungi 1", "dikunjungi 2"]
    replay_agrees(api, case)


def test_multi_instance_scripts_both_ways_and_a_standard_loop_script_run_their_count(api):
    body = (script("Nol", "n = 0\nkali = 0")
            + '<bpmn:scriptTask id="Paralel" name="Paralel" scriptFormat="python"><bpmn:multiInstanceLoopCharacteristics>'
            '<bpmn:loopCardinality>3</bpmn:loopCardinality></bpmn:multiInstanceLoopCharacteristics>'
            '<bpmn:script>paralel = True</bpmn:script></bpmn:scriptTask>'
            '<bpmn:scriptTask id="Urut" name="Urut" scriptFormat="python"><bpmn:multiInstanceLoopCharacteristics '
            'isSequential="true"><bpmn:loopCardinality>2</bpmn:loopCardinality></bpmn:multiInstanceLoopCharacteristics>'
            '<bpmn:script>urut = True</bpmn:script></bpmn:scriptTask>'
            '<bpmn:scriptTask id="Ulang" name="Ulang" scriptFormat="python"><bpmn:standardLoopCharacteristics '
            'loopMaximum="10"><bpmn:loopCondition>n &lt; 4</bpmn:loopCondition></bpmn:standardLoopCharacteristics>'
            '<bpmn:script>n = n + 1</bpmn:script></bpmn:scriptTask>' + chain("Nol", "Paralel", "Urut", "Ulang", "Gw_Kanal"))
    variant(api, "Nol", body, ["Nol", "Paralel", "Urut", "Ulang"])
    case = intake(api)
    assert TELAAH in ready(api, case)
    data = case_of(api, case)["data"]
    assert data["n"] == 4 and data["paralel"] is True and data["urut"] is True
    replay_agrees(api, case)


def test_a_standard_loop_user_task_comes_back_to_the_inbox_until_its_answer_ends_it(api):
    inner = ('<bpmn:standardLoopCharacteristics loopMaximum="5"><bpmn:loopCondition>not berkas_lengkap'
             '</bpmn:loopCondition></bpmn:standardLoopCharacteristics>')
    variant(api, "Lengkapi", user_task("Lengkapi", "berkas_lengkap", "boolean", inner) + chain("Lengkapi", "Gw_Kanal"),
            ["Lengkapi"])
    case = intake(api)
    complete(api, case, "Lengkapi", {"berkas_lengkap": False})
    assert ready(api, case) == ["Lengkapi"]
    complete(api, case, "Lengkapi", {"berkas_lengkap": True})
    assert ready(api, case) == [TELAAH]
    replay_agrees(api, case)


def _event_subprocess(element_id, definition):
    return (f'<bpmn:subProcess id="{element_id}" triggeredByEvent="true"><bpmn:startEvent id="{element_id}_Mulai" '
            f'isInterrupting="false">{definition}</bpmn:startEvent>'
            + script(f"{element_id}_Catat", "pengingat_uji = True") + f'<bpmn:endEvent id="{element_id}_Selesai" />'
            + chain(f"{element_id}_Mulai", f"{element_id}_Catat", f"{element_id}_Selesai") + "</bpmn:subProcess>")


def test_a_non_interrupting_timer_event_subprocess_runs_beside_the_open_review(api, clock):
    nodes = ["Esp_Timer", "Esp_Timer_Mulai", "Esp_Timer_Catat", "Esp_Timer_Selesai"]
    variant(api, "Gw_Kanal", "", nodes, inside=_event_subprocess("Esp_Timer", TIMER_1H.format("Esp")))
    case = intake(api)
    assert ready(api, case) == [TELAAH] and "pengingat_uji" not in case["data"]
    clock.advance(hours=1, minutes=1)
    assert timers.sweep(clock.now, SYSTEM) == 1
    assert case_of(api, case)["data"]["pengingat_uji"] is True and ready(api, case) == [TELAAH]
    replay_agrees(api, case)


def test_a_non_interrupting_message_event_subprocess_runs_when_the_message_is_handed_in(api):
    nodes = ["Esp_Pesan", "Esp_Pesan_Mulai", "Esp_Pesan_Catat", "Esp_Pesan_Selesai"]
    variant(api, "Gw_Kanal", "", nodes, MESSAGE, inside=_event_subprocess("Esp_Pesan", MESSAGE_DEF.format("Esp")))
    case = intake(api)
    after = send(api, case, {"catatan_instansi": "sedang diproses"})
    assert after["data"]["pengingat_uji"] is True and after["data"]["pesan"] == {"catatan_instansi": "sedang diproses"}
    assert ready(api, case) == [TELAAH]
    replay_agrees(api, case)


def test_an_error_end_event_starts_the_error_event_subprocess_whose_task_ends_the_case(api):
    body = ('<bpmn:exclusiveGateway id="Gw_Galat" name="Uji galat?" default="Fu_Gw_Galat_Gw_Kanal" />'
            '<bpmn:endEvent id="Akhir_Galat"><bpmn:errorEventDefinition id="Ed_Akhir" errorRef="Err_Uji" /></bpmn:endEvent>'
            + flow("Gw_Galat", "Akhir_Galat", 'uraian == "uji galat"') + flow("Gw_Galat", "Gw_Kanal"))
    inside = ('<bpmn:subProcess id="Esp_Galat" triggeredByEvent="true"><bpmn:startEvent id="Esp_Galat_Mulai">'
              '<bpmn:errorEventDefinition id="Ed_Mulai" errorRef="Err_Uji" /></bpmn:startEvent>'
              + user_task("Tangani_Galat") + '<bpmn:endEvent id="Esp_Galat_Selesai" />'
              + chain("Esp_Galat_Mulai", "Tangani_Galat", "Esp_Galat_Selesai") + "</bpmn:subProcess>")
    variant(api, "Gw_Galat", body, ["Gw_Galat", "Akhir_Galat", "Esp_Galat", "Esp_Galat_Mulai", "Tangani_Galat",
                                    "Esp_Galat_Selesai"], ERROR, inside)
    assert ready(api, intake(api)) == [TELAAH]  # an ordinary complaint takes the default way
    case = intake(api, uraian="uji galat")
    assert ready(api, case) == ["Tangani_Galat"]
    complete(api, case, "Tangani_Galat", {"catatan_uji": "ditangani"})
    after = case_of(api, case)
    assert after["status"] == "selesai" and ready(api, case) == []
    replay_agrees(api, case)


def test_an_error_end_in_a_subprocess_is_caught_by_its_boundary_event(api):
    body = ('<bpmn:subProcess id="Sub_Cek" name="Cek berkas"><bpmn:startEvent id="Sub_Mulai" />'
            + script("Sub_Skrip", "berkas_ada = False")
            + '<bpmn:endEvent id="Sub_Galat"><bpmn:errorEventDefinition id="Ed_Sub" errorRef="Err_Uji" /></bpmn:endEvent>'
            + chain("Sub_Mulai", "Sub_Skrip", "Sub_Galat") + "</bpmn:subProcess>"
            '<bpmn:boundaryEvent id="Batas_Galat" attachedToRef="Sub_Cek"><bpmn:errorEventDefinition id="Ed_Batas" '
            'errorRef="Err_Uji" /></bpmn:boundaryEvent>' + script("Catat_Galat", "jalur_galat = True")
            + flow("Sub_Cek", "Gw_Kanal") + chain("Batas_Galat", "Catat_Galat", "Gw_Kanal"))
    variant(api, "Sub_Cek", body, ["Sub_Cek", "Sub_Mulai", "Sub_Skrip", "Sub_Galat", "Batas_Galat", "Catat_Galat"],
            ERROR)
    case = intake(api)
    assert ready(api, case) == [TELAAH] and case_of(api, case)["data"]["jalur_galat"] is True
    replay_agrees(api, case)


def test_a_terminate_end_closes_the_case_and_cancels_the_other_branch_open_in_an_inbox(api):
    body = ('<bpmn:parallelGateway id="Gw_Cabang" />' + user_task("Hentikan")
            + '<bpmn:endEvent id="Akhir_Hentikan"><bpmn:terminateEventDefinition id="Tm_Uji" /></bpmn:endEvent>'
            + flow("Gw_Cabang", "Gw_Kanal") + chain("Gw_Cabang", "Hentikan", "Akhir_Hentikan"))
    variant(api, "Gw_Cabang", body, ["Gw_Cabang", "Hentikan", "Akhir_Hentikan"])
    case = intake(api)
    assert ready(api, case) == ["Hentikan", TELAAH]
    complete(api, case, "Hentikan", {"catatan_uji": "pelapor mencabut"})
    after = case_of(api, case)
    assert after["status"] == "selesai" and ready(api, case) == []
    assert {t["element_id"]: t["status"] for t in after["tasks"]}[TELAAH] == "dibatalkan"
    assert [t for t in api("fo.cianjur").get("/tasks").get_json() if t["case_id"] == case["id"]] == []
    replay_agrees(api, case)


def test_an_inclusive_gateway_opens_each_branch_whose_condition_holds_and_joins_them(api):
    body = (script("Isi_Bantuan", "bantuan_uji = ['pkh', 'bpnt']")
            + '<bpmn:inclusiveGateway id="Gw_Atau" default="Fu_Gw_Atau_Cek_Lain" /><bpmn:inclusiveGateway id="Gw_Gabung" />'
            + user_task("Cek_Pkh") + user_task("Cek_Bpnt") + user_task("Cek_Lain")
            + flow("Gw_Atau", "Cek_Pkh", "'pkh' in bantuan_uji") + flow("Gw_Atau", "Cek_Bpnt", "'bpnt' in bantuan_uji")
            + flow("Gw_Atau", "Cek_Lain") + chain("Isi_Bantuan", "Gw_Atau") + chain("Cek_Pkh", "Gw_Gabung")
            + chain("Cek_Bpnt", "Gw_Gabung") + chain("Cek_Lain", "Gw_Gabung", "Gw_Kanal"))
    variant(api, "Isi_Bantuan", body, ["Isi_Bantuan", "Gw_Atau", "Gw_Gabung", "Cek_Pkh", "Cek_Bpnt", "Cek_Lain"])
    case = intake(api)
    assert ready(api, case) == ["Cek_Bpnt", "Cek_Pkh"]
    complete(api, case, "Cek_Pkh", {"catatan_uji": "pkh"})
    assert ready(api, case) == ["Cek_Bpnt"]
    complete(api, case, "Cek_Bpnt", {"catatan_uji": "bpnt"})
    assert ready(api, case) == [TELAAH]
    replay_agrees(api, case)


@pytest.mark.parametrize("interrupting", [True, False])
def test_a_message_boundary_on_a_user_task_takes_its_path_when_the_message_is_handed_in(api, interrupting):
    cancel = "" if interrupting else ' cancelActivity="false"'
    body = (user_task("Tunggu_Berkas") + f'<bpmn:boundaryEvent id="Batas_Pesan" attachedToRef="Tunggu_Berkas"{cancel}>'
            + MESSAGE_DEF.format("Bp") + "</bpmn:boundaryEvent>" + script("Catat_Batal", "alasan_uji = pesan['alasan']")
            + '<bpmn:endEvent id="Akhir_Pesan" />' + flow("Tunggu_Berkas", "Gw_Kanal")
            + chain("Batas_Pesan", "Catat_Batal", "Akhir_Pesan"))
    variant(api, "Tunggu_Berkas", body, ["Tunggu_Berkas", "Batas_Pesan", "Catat_Batal", "Akhir_Pesan"], MESSAGE)
    case = intake(api)
    assert ready(api, case) == ["Tunggu_Berkas"]
    after = send(api, case, {"alasan": "dicabut pelapor"})
    assert after["data"]["alasan_uji"] == "dicabut pelapor"
    if interrupting:
        assert after["status"] == "selesai" and ready(api, case) == []
    else:
        assert ready(api, case) == ["Tunggu_Berkas"]
        complete(api, case, "Tunggu_Berkas", {"catatan_uji": "tetap lanjut"})
        assert ready(api, case) == [TELAAH]
    replay_agrees(api, case)
