"""Constructs nothing here would run to their end are refused at validation, each naming the construct
and what to use instead; so are call cycles and a decision id defined by two DMN files."""

from pathlib import Path

import pytest

from engine.bpmn.lint import lint_files
from tests.bpmn.diagrams import chain, process, user_task

ROOT = Path(__file__).resolve().parents[2]
ANALIS = "analis.cianjur"


def _errors(files):
    return [f for f in lint_files(files) if f.severity == "error"]


def _one_node(node, node_id="X"):
    return {"p.bpmn": process('<bpmn:startEvent id="S"/>' + node + '<bpmn:endEvent id="E"/>' + chain("S", node_id, "E"))}


@pytest.mark.parametrize("node, construct, instead", [
    ('<bpmn:task id="X" name="Periksa"/>', "task", "userTask"),
    ('<bpmn:manualTask id="X" name="Periksa"/>', "manualTask", "userTask"),
    ('<bpmn:serviceTask id="X" name="Kirim"/>', "serviceTask", "scriptTask"),
    ('<bpmn:sendTask id="X" name="Kirim"/>', "sendTask", "intermediateThrowEvent"),
    ('<bpmn:receiveTask id="X" name="Terima"/>', "receiveTask", "intermediateCatchEvent"),
    ('<bpmn:intermediateCatchEvent id="X"><bpmn:signalEventDefinition id="Sig"/></bpmn:intermediateCatchEvent>',
     "sinyal", "event pesan"),
    ('<bpmn:intermediateCatchEvent id="X"><bpmn:conditionalEventDefinition id="C"><bpmn:condition>a</bpmn:condition>'
     '</bpmn:conditionalEventDefinition></bpmn:intermediateCatchEvent>', "bersyarat", "gateway eksklusif"),
    ('<bpmn:intermediateThrowEvent id="X"><bpmn:escalationEventDefinition id="Esc"/></bpmn:intermediateThrowEvent>',
     "eskalasi", "event error"),
    ('<bpmn:scriptTask id="X" scriptFormat="python"><bpmn:extensionElements><camunda:inputOutput>'
     '<camunda:inputParameter name="a">1</camunda:inputParameter></camunda:inputOutput></bpmn:extensionElements>'
     '<bpmn:script>b = 1</bpmn:script></bpmn:scriptTask>', "camunda:inputOutput", "scriptTask"),
    ('<bpmn:scriptTask id="X" scriptFormat="python"><bpmn:extensionElements><camunda:executionListener '
     'event="start" class="org.Foo"/></bpmn:extensionElements><bpmn:script>b = 1</bpmn:script></bpmn:scriptTask>',
     "camunda:executionListener", "scriptTask"),
    ('<bpmn:intermediateCatchEvent id="X"><bpmn:messageEventDefinition id="M"/></bpmn:intermediateCatchEvent>',
     "messageRef", "pilih pesan"),
    ('<bpmn:subProcess id="X"/>', "tepat satu start event", "gambar alurnya"),
])
def test_a_construct_that_would_stall_a_case_is_refused_naming_it_and_what_to_use(node, construct, instead):
    errors = _errors(_one_node(node))
    mine = [f for f in errors if f.element_id == "X"]
    assert mine, errors
    assert any(construct in f.message and instead in f.message for f in mine), [f.message for f in mine]


def test_a_start_event_with_a_trigger_is_refused_outside_an_event_subprocess():
    body = ('<bpmn:startEvent id="S"><bpmn:messageEventDefinition id="Md" messageRef="Msg"/></bpmn:startEvent>'
            + user_task("T") + '<bpmn:endEvent id="E"/>' + chain("S", "T", "E"))
    extra = '<bpmn:message id="Msg" name="masuk"/>'
    errors = _errors({"p.bpmn": process(body, extra=extra)})
    assert [(f.element_id, "start event biasa" in f.message) for f in errors] == [("S", True)]


def _caller(pid, called, extra_nodes=""):
    body = ('<bpmn:startEvent id="S_' + pid + '"/>' + f'<bpmn:callActivity id="C_{pid}" calledElement="{called}"/>'
            + f'<bpmn:endEvent id="E_{pid}"/>' + chain(f"S_{pid}", f"C_{pid}", f"E_{pid}"))
    return process(body, pid=pid)


def test_a_call_activity_calling_its_own_process_is_refused_before_anything_runs():
    errors = _errors({"a.bpmn": _caller("A", "A")})
    (cycle,) = [f for f in errors if "berputar" in f.message]
    assert cycle.element_id == "C_A" and "A → A" in cycle.message


def test_an_indirect_call_cycle_is_refused_once_naming_the_route():
    files = {"a.bpmn": _caller("A", "B"), "b.bpmn": _caller("B", "C"), "c.bpmn": _caller("C", "A")}
    cycles = [f for f in _errors(files) if "berputar" in f.message]
    assert len(cycles) == 1 and "A → B → C → A" in cycles[0].message


def test_a_call_by_variable_from_a_called_process_back_to_its_caller_is_a_cycle():
    files = {"a.bpmn": _caller("A", "${proses_sop}"), "b.bpmn": _caller("B", "${kembali}")}
    assert any("berputar" in f.message for f in _errors(files))
    # one way only is not a cycle
    files = {"a.bpmn": _caller("A", "${proses_sop}"), "b.bpmn": process(
        '<bpmn:startEvent id="S_B"/>' + user_task("T_B") + '<bpmn:endEvent id="E_B"/>' + chain("S_B", "T_B", "E_B"),
        pid="B")}
    assert not any("berputar" in f.message for f in _errors(files))


def test_two_dmn_files_defining_the_same_decision_id_are_refused():
    table = (ROOT / "rules" / "tujuan_bpnt.dmn").read_text(encoding="utf-8")
    errors = _errors({"rules/tujuan_bpnt.dmn": table, "rules/tujuan_bpnt_salinan.dmn": table})
    (dup,) = [f for f in errors if "id keputusan" in f.message]
    assert dup.file == "rules/tujuan_bpnt_salinan.dmn" and "rules/tujuan_bpnt.dmn" in dup.message


def test_spiffarena_extensions_without_an_equivalent_are_refused_naming_the_dialect_and_each_extension():
    node = ('<bpmn:scriptTask id="X" scriptFormat="python"><bpmn:extensionElements>'
            '<spiffworkflow:serviceTaskOperator id="http/GetRequest"/>'
            '<spiffworkflow:unitTests><spiffworkflow:unitTest id="u"/></spiffworkflow:unitTests>'
            '</bpmn:extensionElements><bpmn:script>b = 1</bpmn:script></bpmn:scriptTask>')
    messages = sorted(f.message for f in _errors(_one_node(node)) if f.element_id == "X")
    assert len(messages) == 2 and all("dialek SpiffArena" in m for m in messages)
    assert "serviceTaskOperator" in messages[0] and "unitTests" in messages[1]


def test_the_api_refuses_a_self_calling_process_on_upload_and_explains_it_in_english_on_request(api):
    files = {"workflows/a.bpmn": _caller("A", "A")}
    refused = api(ANALIS).post("/workflows", json={"process_id": "A", "files": files})
    assert refused.status_code == 422
    assert any("berputar" in f["message"] for f in refused.get_json()["findings"])
    english = api(ANALIS).post("/workflows/validate?lang=en", json={"process_id": "A", "files": files})
    assert any("call cycle" in f["message"] for f in english.get_json()["findings"]), english.get_json()


def test_the_api_refuses_an_indirect_call_cycle_and_a_decision_id_defined_twice_and_stores_nothing(api):
    from tests.processes.test_workflow_versions import files as shipped

    before = len(api(ANALIS).get("/workflows").get_json())
    cycle = {"workflows/a.bpmn": _caller("A", "B"), "workflows/b.bpmn": _caller("B", "C"),
             "workflows/c.bpmn": _caller("C", "A")}
    refused = api(ANALIS).post("/workflows", json={"process_id": "A", "files": cycle})
    assert refused.status_code == 422
    (found,) = [f for f in refused.get_json()["findings"] if "berputar" in f["message"]]
    assert "A → B → C → A" in found["message"] and found["element_id"] == "C_C"
    table = (ROOT / "rules" / "tujuan_bpnt.dmn").read_text(encoding="utf-8")
    twice = {**shipped(), "rules/tujuan_bpnt_salinan.dmn": table}
    checked = api(ANALIS).post("/workflows/validate", json={"process_id": "keluhan", "files": twice}).get_json()
    assert checked["ok"] is False
    (dup,) = [f for f in checked["findings"] if "id keputusan" in f["message"]]
    assert dup["file"] == "rules/tujuan_bpnt_salinan.dmn" and "'tujuan_bpnt'" in dup["message"]
    assert api(ANALIS).post("/workflows", json={"process_id": "keluhan", "files": twice}).status_code == 422
    assert len(api(ANALIS).get("/workflows").get_json()) == before


MI_FORM = ('<bpmn:extensionElements><camunda:formData><camunda:formField id="catatan" label="Catatan" type="string"/>'
           '</camunda:formData></bpmn:extensionElements>')


@pytest.mark.parametrize("node, words", [
    ('<bpmn:userTask id="X" name="Kunjungi">' + MI_FORM + '<bpmn:multiInstanceLoopCharacteristics '
     'camunda:collection="desa" camunda:elementVariable="satu_desa"/></bpmn:userTask>', "tepat satu kolom"),
    ('<bpmn:subProcess id="X"><bpmn:multiInstanceLoopCharacteristics><bpmn:loopCardinality>2</bpmn:loopCardinality>'
     '</bpmn:multiInstanceLoopCharacteristics><bpmn:startEvent id="XS"/><bpmn:endEvent id="XE"/>'
     '<bpmn:sequenceFlow id="XF" sourceRef="XS" targetRef="XE"/></bpmn:subProcess>', "hanya didukung pada userTask"),
    ('<bpmn:scriptTask id="X" scriptFormat="python"><bpmn:standardLoopCharacteristics><bpmn:loopCondition>True'
     '</bpmn:loopCondition></bpmn:standardLoopCharacteristics><bpmn:script>n = 1</bpmn:script></bpmn:scriptTask>',
     "loopMaximum"),
])
def test_loops_whose_work_would_be_lost_or_never_end_are_refused(node, words):
    mine = [f for f in _errors(_one_node(node)) if f.element_id == "X"]
    assert any(words in f.message for f in mine), [f.message for f in mine]


def test_an_interrupting_message_event_subprocess_is_refused_since_the_main_flow_would_go_on():
    body = ('<bpmn:startEvent id="S"/>' + user_task("U") + '<bpmn:endEvent id="E"/>' + chain("S", "U", "E")
            + '<bpmn:subProcess id="ESP" triggeredByEvent="true"><bpmn:startEvent id="ES"><bpmn:messageEventDefinition '
            'id="Md" messageRef="Msg"/></bpmn:startEvent><bpmn:endEvent id="EE"/>' + chain("ES", "EE") + '</bpmn:subProcess>')
    errors = _errors({"p.bpmn": process(body, extra='<bpmn:message id="Msg" name="masuk"/>')})
    assert [(f.element_id, "non-interrupting" in f.message) for f in errors] == [("ES", True)]


def test_an_event_based_gateway_followed_by_something_other_than_a_catch_event_is_refused():
    body = ('<bpmn:startEvent id="S"/><bpmn:eventBasedGateway id="G"/>' + user_task("U") + '<bpmn:endEvent id="E"/>'
            + chain("S", "G", "U", "E"))
    errors = _errors({"p.bpmn": process(body)})
    assert any(f.element_id == "G" and "event tangkap pesan atau timer" in f.message for f in errors)


def test_a_multi_instance_script_without_a_count_is_refused_in_indonesian():
    node = ('<bpmn:scriptTask id="X" scriptFormat="python"><bpmn:multiInstanceLoopCharacteristics '
            'camunda:collection="desa" camunda:elementVariable="satu"/><bpmn:script>x = 1</bpmn:script></bpmn:scriptTask>')
    assert [f.message for f in _errors(_one_node(node))] == [
        "multi-instance pada scriptTask perlu loopCardinality (jumlah) atau loopDataInputRef"]


def test_a_flow_too_long_for_the_parser_is_refused_saying_so_in_the_analysts_language(api):
    """SpiffWorkflow follows a flow recursively: hundreds of catch events in a row ran it out of stack,
    and the analyst read "RecursionError('maximum recursion depth exceeded ...')"."""
    ids = [f"T{i}" for i in range(600)]
    body = ('<bpmn:startEvent id="S"/><bpmn:endEvent id="E"/>' + "".join(
        f'<bpmn:intermediateCatchEvent id="{i}"><bpmn:timerEventDefinition id="Td{i}"><bpmn:timeDuration>P1D'
        '</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>' for i in ids)
        + chain("S", *ids, "E"))
    files = {"workflows/p.bpmn": process(body)}
    (error,) = _errors(files)
    assert error.message.startswith("alur terlalu panjang untuk dibaca mesin") and "Recursion" not in error.message
    english = api(ANALIS).post("/workflows/validate?lang=en", json={"process_id": "P", "files": files}).get_json()
    assert [f["message"][:44] for f in english["findings"]] == ["the flow is too long for the engine to read:"]
