"""Each construct the validator accepts is driven to the end of its process, with the case's state
written out and read back between steps as the product stores it: event-based gateways (timer and
message), intermediate timer and message catches, multi-instance and loops, event subprocesses,
error and terminate events."""

from datetime import datetime, timedelta, timezone

import pytest

from engine.bpmn.lint import lint_files
from engine.bpmn.parser import load_bundle
from engine.bpmn.runner import Runner
from engine.errors import Conflict
from tests.bpmn.diagrams import chain, process, script, user_task

NOW = datetime(2026, 3, 2, 2, 0, tzinfo=timezone.utc)
MESSAGE = '<bpmn:message id="Msg_Jawab" name="jawaban_instansi"/>'
ERROR = '<bpmn:error id="Err_1" name="Gagal" errorCode="GAGAL"/>'


class Case:
    """One case of a small diagram, stored (dumped) and read back after every step."""

    def __init__(self, body, extra=MESSAGE, data=None):
        files = {"p.bpmn": process(body, extra=extra)}
        assert [f for f in lint_files(files) if f.severity == "error"] == []
        self.bundle, self.runner = load_bundle(files, "P"), Runner()
        self.state = self.runner.dump(self.runner.start(self.bundle, data or {}, NOW))

    def step(self, action, at=NOW):
        workflow = self.runner.load(self.bundle, self.state, at)
        result = action(workflow)
        self.state = self.runner.dump(workflow)
        return result

    def ready(self):
        return self.step(lambda wf: [(t.element_id, t.id) for t in self.runner.ready_tasks(self.bundle, wf)])

    def complete(self, element_id, values, at=NOW):
        task_id = next(i for e, i in self.ready() if e == element_id)
        self.step(lambda wf: self.runner.complete(self.bundle, wf, task_id, values, at), at)

    def message(self, name, payload, at=NOW):
        self.step(lambda wf: self.runner.deliver_message(wf, name, payload, at), at)

    def fire(self, at):
        return self.step(lambda wf: [t.element_id for t in self.runner.fire_due_timers(wf, at)], at)

    @property
    def waiting(self):
        return self.step(lambda wf: (self.runner.waiting_messages(wf), [t.element_id for t in self.runner.waiting_timers(wf)]))

    @property
    def data(self):
        return self.step(self.runner.case_data)

    @property
    def completed(self):
        return self.step(lambda wf: wf.completed)


def _catch(element_id, definition):
    return f'<bpmn:intermediateCatchEvent id="{element_id}">{definition}</bpmn:intermediateCatchEvent>'


MESSAGE_DEF = '<bpmn:messageEventDefinition id="Md_{0}" messageRef="Msg_Jawab"/>'
TIMER_DEF = '<bpmn:timerEventDefinition id="Td_{0}"><bpmn:timeDuration>P2D</bpmn:timeDuration></bpmn:timerEventDefinition>'


def test_a_message_catch_waits_for_the_message_and_its_payload_becomes_the_variable_pesan():
    case = Case('<bpmn:startEvent id="S"/>' + _catch("M", MESSAGE_DEF.format("M"))
                + script("Z", "hasil = pesan['hasil']") + '<bpmn:endEvent id="E"/>' + chain("S", "M", "Z", "E"))
    assert case.waiting == (["jawaban_instansi"], []) and not case.completed
    with pytest.raises(Conflict):
        case.message("pesan_lain", {})
    case.message("jawaban_instansi", {"hasil": "diterima"})
    assert case.completed and case.data["hasil"] == "diterima"


def test_an_intermediate_timer_fires_on_the_engine_clock_and_the_case_ends():
    case = Case('<bpmn:startEvent id="S"/>' + _catch("T", TIMER_DEF.format("T")) + '<bpmn:endEvent id="E"/>'
                + chain("S", "T", "E"))
    assert case.fire(NOW + timedelta(days=1)) == [] and not case.completed
    assert case.fire(NOW + timedelta(days=2, minutes=1)) == ["T"] and case.completed


EVENT_GATEWAY = ('<bpmn:startEvent id="S"/><bpmn:eventBasedGateway id="G"/>' + _catch("M", MESSAGE_DEF.format("M"))
                 + _catch("T", TIMER_DEF.format("T")) + script("ZM", "jalur = 'pesan'") + script("ZT", "jalur = 'batas'")
                 + '<bpmn:endEvent id="E1"/><bpmn:endEvent id="E2"/>'
                 + chain("S", "G") + chain("G", "M", "ZM", "E1") + chain("G", "T", "ZT", "E2"))


def test_an_event_based_gateway_takes_the_timer_branch_when_no_message_comes_in_time():
    case = Case(EVENT_GATEWAY)
    assert case.waiting == (["jawaban_instansi"], ["G"])
    assert case.fire(NOW + timedelta(days=2, minutes=1)) == ["G"]
    assert case.completed and case.data["jalur"] == "batas"


def test_an_event_based_gateway_takes_the_message_branch_and_its_timer_is_gone():
    case = Case(EVENT_GATEWAY)
    case.message("jawaban_instansi", {"nomor": "B-12"}, NOW + timedelta(days=1))
    assert case.completed and case.data["jalur"] == "pesan" and case.data["pesan"] == {"nomor": "B-12"}
    assert case.waiting == ([], [])


def test_a_multi_instance_user_task_opens_one_task_per_item_and_collects_each_answer():
    body = ('<bpmn:startEvent id="S"/>' + script("Z", "desa = ['Cibeber', 'Sukaresmi', 'Cugenang']")
            + '<bpmn:userTask id="U" name="Kunjungi"><bpmn:extensionElements><camunda:formData>'
            '<camunda:formField id="hasil_kunjungan" label="Hasil" type="string"/></camunda:formData>'
            '</bpmn:extensionElements><bpmn:multiInstanceLoopCharacteristics camunda:collection="desa" '
            'camunda:elementVariable="hasil_kunjungan"/></bpmn:userTask><bpmn:endEvent id="E"/>' + chain("S", "Z", "U", "E"))
    case = Case(body)
    assert [e for e, _i in case.ready()] == ["U", "U", "U"]
    for number in range(3):
        case.complete("U", {"hasil_kunjungan": f"dikunjungi {number}"})
    assert case.completed
    assert sorted(case.data["desa"]) == ["dikunjungi 0", "dikunjungi 1", "dikunjungi 2"]


def test_a_sequential_multi_instance_script_runs_its_cardinality_and_a_standard_loop_runs_while_its_condition_holds():
    body = ('<bpmn:startEvent id="S"/>' + script("Z0", "n = 0")
            + '<bpmn:scriptTask id="Z" scriptFormat="python"><bpmn:multiInstanceLoopCharacteristics isSequential="true">'
            '<bpmn:loopCardinality>3</bpmn:loopCardinality></bpmn:multiInstanceLoopCharacteristics>'
            '<bpmn:script>kali = 1</bpmn:script></bpmn:scriptTask>'
            '<bpmn:scriptTask id="L" scriptFormat="python"><bpmn:standardLoopCharacteristics loopMaximum="10">'
            '<bpmn:loopCondition>n &lt; 4</bpmn:loopCondition></bpmn:standardLoopCharacteristics>'
            '<bpmn:script>n = n + 1</bpmn:script></bpmn:scriptTask><bpmn:endEvent id="E"/>' + chain("S", "Z0", "Z", "L", "E"))
    case = Case(body)
    assert case.completed and case.data["n"] == 4 and case.data["kali"] == 1


def test_a_user_task_loop_asks_again_until_the_answer_ends_it():
    body = ('<bpmn:startEvent id="S"/><bpmn:userTask id="U" name="Lengkapi"><bpmn:extensionElements><camunda:formData>'
            '<camunda:formField id="lengkap" label="Lengkap" type="boolean"/></camunda:formData></bpmn:extensionElements>'
            '<bpmn:standardLoopCharacteristics loopMaximum="5"><bpmn:loopCondition>not lengkap</bpmn:loopCondition>'
            '</bpmn:standardLoopCharacteristics></bpmn:userTask><bpmn:endEvent id="E"/>' + chain("S", "U", "E"))
    case = Case(body)
    case.complete("U", {"lengkap": False})
    assert [e for e, _i in case.ready()] == ["U"] and not case.completed
    case.complete("U", {"lengkap": True})
    assert case.completed


def test_an_error_thrown_in_a_subprocess_is_caught_by_its_boundary_event():
    body = ('<bpmn:startEvent id="S"/><bpmn:subProcess id="SP"><bpmn:startEvent id="SS"/>' + user_task("SU", "ada", "boolean")
            + '<bpmn:exclusiveGateway id="SG" default="F_SG_SE"/><bpmn:endEvent id="SE"/>'
            '<bpmn:endEvent id="SX"><bpmn:errorEventDefinition id="Ed" errorRef="Err_1"/></bpmn:endEvent>'
            + chain("SS", "SU", "SG") + chain("SG", "SE")
            + '<bpmn:sequenceFlow id="F_SG_SX" sourceRef="SG" targetRef="SX"><bpmn:conditionExpression>not ada'
            '</bpmn:conditionExpression></bpmn:sequenceFlow></bpmn:subProcess>'
            '<bpmn:boundaryEvent id="B" attachedToRef="SP"><bpmn:errorEventDefinition id="Bd" errorRef="Err_1"/>'
            '</bpmn:boundaryEvent>' + script("ZB", "jalur = 'gagal'") + '<bpmn:endEvent id="E"/><bpmn:endEvent id="E2"/>'
            + chain("S", "SP", "E") + chain("B", "ZB", "E2"))
    case = Case(body, extra=ERROR)
    case.complete("SU", {"ada": False})
    assert case.completed and case.data["jalur"] == "gagal"


def test_a_terminate_end_event_ends_the_case_with_other_branches_still_open():
    body = ('<bpmn:startEvent id="S"/><bpmn:parallelGateway id="G"/>' + user_task("U1") + user_task("U2")
            + '<bpmn:endEvent id="ET"><bpmn:terminateEventDefinition id="Tm"/></bpmn:endEvent><bpmn:endEvent id="E"/>'
            + chain("S", "G") + chain("G", "U1", "ET") + chain("G", "U2", "E"))
    case = Case(body)
    assert sorted(e for e, _i in case.ready()) == ["U1", "U2"]
    case.complete("U1", {"catatan": "selesai"})
    assert case.completed and case.ready() == []


def test_an_error_event_subprocess_waits_for_its_error_and_a_case_without_one_ends_as_drawn():
    body = ('<bpmn:startEvent id="S"/><bpmn:exclusiveGateway id="G" default="F_G_U"/>' + user_task("U")
            + '<bpmn:endEvent id="E"/><bpmn:endEvent id="EX"><bpmn:errorEventDefinition id="Ed" errorRef="Err_1"/>'
            '</bpmn:endEvent>' + chain("S", "G") + chain("G", "U", "E")
            + '<bpmn:sequenceFlow id="F_G_EX" sourceRef="G" targetRef="EX"><bpmn:conditionExpression>gagal'
            '</bpmn:conditionExpression></bpmn:sequenceFlow>'
            '<bpmn:subProcess id="ESP" triggeredByEvent="true"><bpmn:startEvent id="ES"><bpmn:errorEventDefinition '
            'id="Esd" errorRef="Err_1"/></bpmn:startEvent>' + user_task("EU", "penanganan") + '<bpmn:endEvent id="EE"/>'
            + chain("ES", "EU", "EE") + '</bpmn:subProcess>')
    for round_ in range(2):  # the second round runs on the spec the first error left behind
        failing = Case(body, extra=ERROR, data={"gagal": True})
        assert [e for e, _i in failing.ready()] == ["EU"]
        failing.complete("EU", {"penanganan": "ditangani"})
        assert failing.completed and failing.data["penanganan"] == "ditangani"
        sound = Case(body, extra=ERROR, data={"gagal": False})
        assert [e for e, _i in sound.ready()] == ["U"], round_  # no error: the handler does not run
        sound.complete("U", {"catatan": "selesai"})
        assert sound.completed and "penanganan" not in sound.data


def test_an_error_event_subprocess_handles_an_error_of_the_process_with_its_own_task():
    body = ('<bpmn:startEvent id="S"/><bpmn:endEvent id="E"><bpmn:errorEventDefinition id="Ed" errorRef="Err_1"/>'
            '</bpmn:endEvent>' + chain("S", "E")
            + '<bpmn:subProcess id="ESP" triggeredByEvent="true"><bpmn:startEvent id="ES"><bpmn:errorEventDefinition '
            'id="Esd" errorRef="Err_1"/></bpmn:startEvent>' + user_task("EU") + '<bpmn:endEvent id="EE"/>'
            + chain("ES", "EU", "EE") + '</bpmn:subProcess>')
    case = Case(body, extra=ERROR)
    assert [e for e, _i in case.ready()] == ["EU"]
    case.complete("EU", {"catatan": "ditangani"})
    assert case.completed and case.data["catatan"] == "ditangani"


def _event_subprocess(start_definition):
    return ('<bpmn:startEvent id="S"/>' + user_task("U") + '<bpmn:endEvent id="E"/>' + chain("S", "U", "E")
            + '<bpmn:subProcess id="ESP" triggeredByEvent="true"><bpmn:startEvent id="ES" isInterrupting="false">'
            + start_definition + '</bpmn:startEvent>' + script("EZ", "pengingat = True") + '<bpmn:endEvent id="EE"/>'
            + chain("ES", "EZ", "EE") + '</bpmn:subProcess>')


def test_a_non_interrupting_timer_event_subprocess_runs_beside_the_open_task():
    case = Case(_event_subprocess(TIMER_DEF.format("ES")))
    assert case.fire(NOW + timedelta(days=2, minutes=1)) == ["ES"]
    assert case.data.get("pengingat") is True and [e for e, _i in case.ready()] == ["U"]
    case.complete("U", {"catatan": "ok"})
    assert case.completed


def test_a_case_whose_main_flow_ended_closes_though_its_event_subprocess_never_fired():
    """An event subprocess lives while its process does: waiting for a timer or message that no
    longer matters must not keep a finished case open (twice: a fired one changes nothing after)."""
    for definition in (TIMER_DEF.format("ES"), MESSAGE_DEF.format("ES")):
        fired = Case(_event_subprocess(definition))
        if "message" in definition:
            fired.message("jawaban_instansi", {})
        else:
            fired.fire(NOW + timedelta(days=2, minutes=1))
        for case in (fired, Case(_event_subprocess(definition))):
            case.complete("U", {"catatan": "selesai"})
            assert case.completed and case.waiting == ([], []), definition


def test_a_non_interrupting_message_event_subprocess_runs_when_the_message_comes():
    case = Case(_event_subprocess(MESSAGE_DEF.format("ES")))
    assert case.waiting[0] == ["jawaban_instansi"]
    case.message("jawaban_instansi", {"catatan_instansi": "sedang diproses"})
    assert case.data["pengingat"] is True and [e for e, _i in case.ready()] == ["U"]
    case.complete("U", {"catatan": "ok"})
    assert case.completed and case.waiting == ([], [])


@pytest.mark.parametrize("interrupting", [True, False])
def test_a_message_boundary_event_on_a_user_task_takes_its_path_when_the_message_comes(interrupting):
    cancel = "" if interrupting else ' cancelActivity="false"'
    body = ('<bpmn:startEvent id="S"/>' + user_task("U") + '<bpmn:endEvent id="E"/>'
            f'<bpmn:boundaryEvent id="B" attachedToRef="U"{cancel}>{MESSAGE_DEF.format("B")}</bpmn:boundaryEvent>'
            + script("ZB", "dibatalkan = pesan['alasan']") + '<bpmn:endEvent id="EB"/>'
            + chain("S", "U", "E") + chain("B", "ZB", "EB"))
    case = Case(body)
    assert case.waiting[0] == ["jawaban_instansi"]
    case.message("jawaban_instansi", {"alasan": "dicabut pelapor"})
    assert case.data["dibatalkan"] == "dicabut pelapor"
    if interrupting:
        assert case.completed and case.ready() == []
    else:
        assert [e for e, _i in case.ready()] == ["U"]
        case.complete("U", {"catatan": "tetap selesai"})
        assert case.completed


def test_an_inclusive_gateway_runs_every_branch_whose_condition_holds_and_joins_them():
    body = ('<bpmn:startEvent id="S"/>' + script("Z", "bantuan = ['pkh', 'bpnt']")
            + '<bpmn:inclusiveGateway id="G" default="F_G_U3"/>' + user_task("U1") + user_task("U2") + user_task("U3")
            + '<bpmn:inclusiveGateway id="J"/><bpmn:endEvent id="E"/>' + chain("S", "Z", "G")
            + '<bpmn:sequenceFlow id="F_G_U1" sourceRef="G" targetRef="U1"><bpmn:conditionExpression>'
            "'pkh' in bantuan</bpmn:conditionExpression></bpmn:sequenceFlow>"
            '<bpmn:sequenceFlow id="F_G_U2" sourceRef="G" targetRef="U2"><bpmn:conditionExpression>'
            "'bpnt' in bantuan</bpmn:conditionExpression></bpmn:sequenceFlow>"
            + chain("G", "U3") + chain("U1", "J") + chain("U2", "J") + chain("U3", "J") + chain("J", "E"))
    case = Case(body)
    assert sorted(e for e, _i in case.ready()) == ["U1", "U2"]
    case.complete("U1", {"catatan": "pkh"})
    assert not case.completed
    case.complete("U2", {"catatan": "bpnt"})
    assert case.completed


def test_a_multi_instance_whose_data_names_too_many_items_fails_that_step_and_opens_nothing():
    from engine.bpmn.bounded_loops import MAX_INSTANCES
    from engine.errors import WorkflowFailure

    body = ('<bpmn:startEvent id="S"/>'
            + '<bpmn:userTask id="M" name="Kunjungi"><bpmn:extensionElements><camunda:formData>'
            '<camunda:formField id="hasil" label="Hasil" type="string"/></camunda:formData></bpmn:extensionElements>'
            '<bpmn:multiInstanceLoopCharacteristics camunda:collection="desa" camunda:elementVariable="hasil"/>'
            '</bpmn:userTask><bpmn:endEvent id="E"/>' + chain("S", "M", "E"))
    with pytest.raises(WorkflowFailure) as failed:  # e.g. the villages of a whole province named in the case
        Case(body, data={"desa": [f"desa {n}" for n in range(MAX_INSTANCES + 1)]})
    assert failed.value.context["element_id"] == "M" and f"{MAX_INSTANCES + 1} instans" in failed.value.message
    cardinality = ('<bpmn:startEvent id="S"/><bpmn:scriptTask id="M" scriptFormat="python">'
                   '<bpmn:multiInstanceLoopCharacteristics isSequential="true"><bpmn:loopCardinality>1000000'
                   '</bpmn:loopCardinality></bpmn:multiInstanceLoopCharacteristics><bpmn:script>x = 1</bpmn:script>'
                   '</bpmn:scriptTask><bpmn:endEvent id="E"/>' + chain("S", "M", "E"))
    with pytest.raises(WorkflowFailure):
        Case(cardinality)
