"""Every file of the third-party corpus (../shared/corpus) reaches its expected outcome: refused at
validation with the reasons named, or — where the only obstacle is what this product requires of
every diagram (a lane named after a role) — run to its end once that is given."""

from datetime import datetime, timezone
from pathlib import Path

import pytest
from lxml import etree

from engine.bpmn.lint import lint_files
from engine.bpmn.parser import load_bundle
from engine.bpmn.runner import Runner

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT.parent / "shared" / "corpus"
NOT_DIAGRAMS = {"README.md", "MANIFEST.tsv", "LICENSE", "LICENSE.txt"}
MIWG, EXPORT = "miwg/Reference/", "miwg/bpmn.io (Camunda Modeler) 18.6.1/"
EXAMPLES = "camunda-bpm-examples/"
NOT_EXECUTABLE = "isexecutable=false"
PLAIN_TASK = "tugas tanpa jenis (task)"
NO_LANE = "tidak berada di lajur"
NOT_A_ROLE = "bukan nama peran"
SERVICE = "tugas layanan (servicetask)"
MESSAGE_START = "start event dengan pemicu (message)"

# Each file, and the words each of which some refusal of it must contain (lower case).
EXPECTED = {
    MIWG + "A.1.0.bpmn": [NOT_EXECUTABLE, PLAIN_TASK],
    MIWG + "A.2.0.bpmn": [NOT_EXECUTABLE, PLAIN_TASK],
    MIWG + "A.2.1.bpmn": [NOT_EXECUTABLE, PLAIN_TASK, "bahasa ekspresi"],
    MIWG + "A.3.0.bpmn": [NOT_EXECUTABLE, PLAIN_TASK, "eskalasi", "tanpa pesan (messageref)",
                          "tepat satu start event"],
    MIWG + "A.4.0.bpmn": [NOT_EXECUTABLE, PLAIN_TASK],
    MIWG + "A.4.1.bpmn": [NOT_EXECUTABLE, PLAIN_TASK],
    MIWG + "B.1.0.bpmn": [NOT_EXECUTABLE, PLAIN_TASK, SERVICE, "penyimpanan data", "timer tanpa ekspresi",
                          "start event dengan pemicu (timer)", NOT_A_ROLE],
    MIWG + "B.2.0.bpmn": [NOT_EXECUTABLE, "sinyal", "bersyarat", "eskalasi", "event link", "sendtask", "receivetask",
                          "start event dengan pemicu (conditional)", "start event dengan pemicu (signal)"],
    MIWG + "C.1.0.bpmn": ["juel", NOT_A_ROLE, "timer tanpa ekspresi", "tanpa pesan (messageref)"],
    MIWG + "C.1.1.bpmn": ["sintaks tidak valid", SERVICE, NO_LANE],
    MIWG + "C.2.0.bpmn": [NOT_EXECUTABLE, PLAIN_TASK, MESSAGE_START],
    MIWG + "C.3.0.bpmn": ["sintaks tidak valid", MESSAGE_START, "tepat satu start event", NO_LANE],
    MIWG + "C.4.0.bpmn": ["sinyal", "tugas manual (manualtask)", SERVICE, NOT_A_ROLE],
    MIWG + "C.5.0.bpmn": ["sinyal", "penyimpanan data", NOT_A_ROLE],
    MIWG + "C.6.0.bpmn": ["kompensasi", "timer tanpa ekspresi", SERVICE],
    MIWG + "C.7.0.bpmn": ["decisionref", NOT_A_ROLE, SERVICE],
    MIWG + "C.8.0.bpmn": ["zeebe", NOT_EXECUTABLE, "dipakai lebih dari sekali", "tidak valid (harus diawali"],
    MIWG + "C.8.1.bpmn": ["zeebe", "bahasa ekspresi", "decisionref"],
    MIWG + "C.9.0.bpmn": ["feel", "zeebe", "'manualcheck'"],
    MIWG + "C.9.1.bpmn": ["zeebe", "konektor camunda", NO_LANE],
    MIWG + "C.9.2.bpmn": ["feel", "zeebe", "'requestdocument_en'"],
    MIWG + "xsdTypes.xsd": ["bukan bpmn:definitions"],
    EXPORT + "A.1.0-export.bpmn": [NOT_EXECUTABLE, PLAIN_TASK],
    EXPORT + "A.2.0-export.bpmn": [NOT_EXECUTABLE, PLAIN_TASK],
    EXPORT + "A.3.0-export.bpmn": [PLAIN_TASK, "eskalasi", "tanpa pesan (messageref)", "tepat satu start event"],
    EXPORT + "B.1.0-export.bpmn": [NOT_EXECUTABLE, "tanpa calledelement", "timer tanpa ekspresi", SERVICE],
    EXPORT + "B.2.0-export.bpmn": [NOT_EXECUTABLE, "event link", "sinyal", "bersyarat", "tanpa calledelement"],
    EXPORT + "C.1.0-export.bpmn": [NOT_EXECUTABLE, NOT_A_ROLE, "timer tanpa ekspresi"],
    EXAMPLES + "testing/assert/job-announcement-publication-process/src/test/resources/"
               "camunda-testing-job-announcement.bpmn": ["juel", "konektor camunda", NOT_A_ROLE],
    EXAMPLES + "testing/assert/job-announcement-publication-process/src/test/resources/"
               "camunda-testing-job-announcement-publication.bpmn": ["juel", "konektor camunda", SERVICE],
    EXAMPLES + "usertask/task-form-embedded-bpmn-events/src/main/resources/invoicePayment.bpmn":
        ["formulir eksternal", NO_LANE],
    EXAMPLES + "usertask/task-form-embedded-react/src/main/resources/react-example.bpmn":
        ["juel", "formulir eksternal", NO_LANE],
    EXAMPLES + "usertask/task-camunda-forms/src/main/resources/invoiceApproval.bpmn": ["formulir eksternal", NO_LANE],
    EXAMPLES + "spring-boot-starter/external-task-client/loan-granting-spring-boot-webapp/src/main/resources/bpmn/"
               "loan-granting.bpmn": ["juel", "konektor camunda", "nilai timer", "sandbox"],
    EXAMPLES + "clients/java/order-handling/order-handling.bpmn": ["juel", "konektor camunda", "nilai timer"],
    EXAMPLES + "startevent/message-start/src/main/resources/message_start_process.bpmn": [MESSAGE_START, NO_LANE],
    EXAMPLES + "bpmn-model-api/parse-bpmn/src/test/resources/process.bpmn":
        ["groovy", "juel", "executionlistener", NO_LANE],
    EXAMPLES + "dmn-engine/dmn-engine-drg/src/main/resources/org/camunda/bpm/example/drg/dinnerDecisions.dmn":
        ["berisi 2 keputusan", "informationrequirement"],
    "camunda-modeler/resources/diagram/complex.bpmn": [NOT_EXECUTABLE, "timer tanpa ekspresi", "decisionref"],
    "camunda-modeler/resources/diagram/complex.dmn": ["kolom keluaran tanpa nama", "kolom masukan tanpa ekspresi"],
    "camunda-modeler/resources/diagram/lint-errors.bpmn": ["zeebe", "decisionref", PLAIN_TASK],
    "camunda-modeler/resources/diagram/xss.bpmn": ["tidak valid (harus diawali", "juel"],
    "camunda-modeler/app/test/fixtures/broken.bpmn": ["xml tidak valid"],
    "camunda-modeler/app/test/fixtures/import-warnings.bpmn": [NOT_EXECUTABLE, "merujuk 'task_0zlv465'"],
    "camunda-modeler/app/lib/file-context/__tests__/fixtures/broken-files/empty.bpmn": ["xml tidak valid"],
    "camunda-modeler/test/e2e/fixtures/c7-user-task-form.bpmn": [NO_LANE],
    "camunda-modeler/client/test/bpmn-io-modelers/dmn/diagram.dmn": ["berisi 3 keputusan", "bukan tabel keputusan"],
    "bpmn-js/test/fixtures/bpmn/kitchen-sink.bpmn": ["gateway kompleks", "ad-hoc", "kompensasi", "event link",
                                                     "transaksi", "zeebe", SERVICE, "tugas manual (manualtask)"],
    "bpmn-js/test/fixtures/bpmn/conditions.bpmn": [NOT_EXECUTABLE, "juel", PLAIN_TASK],
    "bpmn-js/test/fixtures/bpmn/event-sub-processes.bpmn": [NOT_EXECUTABLE, "timer tanpa ekspresi",
                                                             "tepat satu start event"],
    "bpmn-js/test/fixtures/bpmn/empty-definitions.bpmn": ["tidak berisi proses"],
    "bpmn-js/test/fixtures/bpmn/error/duplicate-ids.bpmn": ["dipakai lebih dari sekali"],
    "bpmn-js/test/fixtures/bpmn/error/invalid-child.bpmn": ["tidak berisi proses"],
    "bpmn-js/test/fixtures/bpmn/error/missing-namespace.bpmn": ["bukan bpmn:definitions"],
    "bpmn-js/test/fixtures/bpmn/error/no-xml.txt": ["xml tidak valid"],
    "bpmn-js/test/fixtures/bpmn/import/error/boundaryEvent-invalidAttachToRef.bpmn":
        ["attachedtoref merujuk 'non_existing_task'"],
    "bpmn-js/test/fixtures/bpmn/import/error/dangling-process-message-flow.bpmn": [NOT_EXECUTABLE, PLAIN_TASK],
}


def _corpus_files():
    return sorted(str(p.relative_to(CORPUS)) for p in CORPUS.rglob("*") if p.is_file() and p.name not in NOT_DIAGRAMS)


def test_the_expectations_cover_every_file_of_the_corpus():
    assert len(_corpus_files()) >= 55
    assert sorted(EXPECTED) == _corpus_files()


@pytest.mark.parametrize("path", sorted(EXPECTED))
def test_every_corpus_file_is_refused_naming_each_reason(path):
    content = (CORPUS / path).read_bytes()
    errors = [f for f in lint_files({Path(path).name: content}) if f.severity == "error"]
    messages = [f.message.lower() for f in errors]
    for words in EXPECTED[path]:
        assert any(words in message for message in messages), (words, sorted(set(messages)))
    for finding in errors:  # each in Indonesian, against something the analyst can find
        assert finding.element_id or finding.line, finding


def test_the_job_announcement_pair_loaded_together_is_refused_for_its_expressions_not_the_missing_call():
    folder = CORPUS / EXAMPLES / "testing/assert/job-announcement-publication-process/src/test/resources"
    files = {p.name: p.read_bytes() for p in folder.glob("*.bpmn")}
    messages = [f.message for f in lint_files(files) if f.severity == "error"]
    assert any("JUEL" in m for m in messages)
    assert not any("yang dipanggil tidak ada" in m for m in messages), messages


def _in_role_lane(content, role_lane="Front Office"):
    """The file with every flow node of its process put in one lane named after a role."""
    root = etree.fromstring(content)
    ns = "http://www.omg.org/spec/BPMN/20100524/MODEL"
    process = root.find(f"{{{ns}}}process")
    lane_set = etree.Element(f"{{{ns}}}laneSet", id="LaneSet_Korpus")
    lane = etree.SubElement(lane_set, f"{{{ns}}}lane", id="Lane_Korpus", name=role_lane)
    for node in process:
        if node.get("id") and etree.QName(node).localname != "sequenceFlow":
            etree.SubElement(lane, f"{{{ns}}}flowNodeRef").text = node.get("id")
    process.insert(0, lane_set)
    return etree.tostring(root)


def test_the_modeler_user_task_fixture_runs_to_its_end_once_its_task_sits_in_a_role_lane():
    path = CORPUS / "camunda-modeler/test/e2e/fixtures/c7-user-task-form.bpmn"
    files = {"c7-user-task-form.bpmn": _in_role_lane(path.read_bytes())}
    assert lint_files(files) == []
    bundle = load_bundle(files, "Process_1")
    runner, now = Runner(), datetime(2026, 3, 2, 2, 0, tzinfo=timezone.utc)
    workflow = runner.start(bundle, {}, now)
    (task,) = runner.ready_tasks(bundle, workflow)
    assert (task.element_id, task.role, [f.id for f in task.form]) == ("Task_1", "front_office", ["invoiceNumber"])
    runner.complete(bundle, workflow, task.id, {"invoiceNumber": "INV-7"}, now)
    assert workflow.completed and runner.case_data(workflow)["invoiceNumber"] == "INV-7"
