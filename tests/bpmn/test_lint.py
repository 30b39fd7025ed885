"""Validation before publishing: third-party files import or are refused against an element; nothing
hostile is read; the shipped diagrams pass; edits analysts get wrong are named precisely."""

import csv
import http.server
import os
import threading
from pathlib import Path

import pytest

from engine.bpmn.dmn_lint import cell_predicate
from engine.bpmn.lint import has_errors, lint_files, timer_problem
from engine.config import load_settings
from engine.processes.versions import read_diagram_files

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT.parent / "shared" / "corpus"
ROWS = [row for row in csv.DictReader((CORPUS / "MANIFEST.tsv").open(encoding="utf-8"), delimiter="\t")
        if row["kind"] in ("bpmn", "dmn")] if (CORPUS / "MANIFEST.tsv").exists() else []
# What the manifest says makes a file not executable, and the words our refusal must then contain.
REASONS = [("JUEL", "JUEL"), ("link events", "link"), ("compensation", "kompensasi"),
           ("decisions in file", "satu keputusan per berkas"), ("FEEL conditions", "FEEL"),
           ("scriptFormat groovy", "groovy"), ("complexGateway", "gateway kompleks"),
           ("adHocSubProcess", "ad-hoc"), ("zeebe job-worker", "zeebe"), ("isExecutable=false", "isExecutable"),
           ("malformed", "XML tidak valid"), ("timers without time expression", "timer tanpa ekspresi")]


def _shipped():
    return read_diagram_files(load_settings())


def test_the_corpus_is_there_and_has_the_files_the_manifest_lists():
    assert len(ROWS) >= 50
    missing = [row["corpus_path"] for row in ROWS if not (CORPUS / row["corpus_path"]).is_file()]
    assert missing == []


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r["corpus_path"])
def test_every_corpus_file_imports_or_is_refused_naming_the_element(row):
    path = CORPUS / row["corpus_path"]
    findings = lint_files({path.name: path.read_bytes()})
    errors = [f for f in findings if f.severity == "error"]
    for finding in errors:
        assert finding.message and finding.file == path.name
        # the element by id, or (for XML that does not parse) the file and the line
        assert finding.element_id or (finding.element_name and finding.line), finding
    notes = row["exec_notes"]
    if "NEGATIVE" in notes:
        assert errors, "a deliberately broken file must be refused"
    for cause, words in REASONS:
        if cause in notes:
            assert any(words.lower() in f.message.lower() for f in errors), (cause, [f.message for f in errors])
    if not errors:  # it imports: the engine really builds every process in it
        from engine.bpmn.parser import load_bundle
        from lxml import etree
        tree = etree.fromstring(path.read_bytes())
        ids = tree.xpath("//*[local-name()='process']/@id")
        for process_id in ids:
            assert load_bundle({path.name: path.read_bytes()}, process_id).spec is not None


def test_what_the_corpus_refuses_is_reported_against_elements_a_modeler_can_select():
    """JUEL on a sequence flow and a groovy script are pinned on those very elements, with their lines."""
    path = CORPUS / "camunda-bpm-examples/bpmn-model-api/parse-bpmn/src/test/resources/process.bpmn"
    findings = lint_files({"process.bpmn": path.read_bytes()})
    (script,) = [f for f in findings if f.element_id == "scriptTask"]
    assert "groovy" in script.message and script.line == 45 and script.element_name == "Script Task"
    juel = [f for f in findings if "JUEL" in f.message]
    assert juel and all(f.element_id.startswith("SequenceFlow") or f.element_id == "sequenceFlow" or f.line for f in juel)


def test_the_shipped_diagrams_and_tables_pass_validation():
    assert lint_files(_shipped(), "keluhan") == []


class _Fifo:
    """A named pipe that records whether anything opened it for reading (and then feeds it a secret)."""

    SECRET = "RAHASIA-JANGAN-DIBACA"

    def __init__(self, folder):
        self.path = folder / "rahasia.txt"
        os.mkfifo(self.path)
        self.opened = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        with open(self.path, "w") as pipe:  # blocks until a reader opens the pipe
            self.opened.set()
            pipe.write(self.SECRET)

    def close(self):
        fd = os.open(self.path, os.O_RDONLY | os.O_NONBLOCK)  # release the writer
        self.thread.join(timeout=5)
        os.close(fd)


class _Recorder(http.server.BaseHTTPRequestHandler):
    requests = []

    def do_GET(self):
        _Recorder.requests.append(self.path)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"<!ENTITY x 'RAHASIA-JANGAN-DIBACA'>")

    def log_message(self, *args):
        pass


def _hostile_files(secret_path, url):
    process = ('<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
               'xmlns:xi="http://www.w3.org/2001/XInclude" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
               'xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="D" '
               f'xsi:schemaLocation="http://www.omg.org/spec/BPMN/20100524/MODEL {url}/skema.xsd">'
               '{extra}<bpmn:process id="P" isExecutable="true"><bpmn:startEvent id="S" name="{name}"/>'
               '</bpmn:process></bpmn:definitions>')
    file_uri = f"file://{secret_path}"
    return {
        "entitas_luar.bpmn": f'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "{file_uri}">]>'
                             + process.format(extra="", name="&x;"),
        "entitas_http.bpmn": f'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "{url}/x">]>'
                             + process.format(extra="", name="&x;"),
        "entitas_parameter.bpmn": f'<!DOCTYPE d [<!ENTITY % p SYSTEM "{file_uri}"> %p;]>'
                                  + process.format(extra="", name="a"),
        "dtd_luar.bpmn": f'<!DOCTYPE bpmn:definitions SYSTEM "{file_uri}">' + process.format(extra="", name="a"),
        "tawa_miliaran.bpmn": '<!DOCTYPE d [<!ENTITY a "hahahahaha"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">'
                              '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY e "&c;&c;&c;&c;&c;&c;&c;&c;">]>'
                              + process.format(extra="", name="&e;"),
        "utf16.bpmn": ('<?xml version="1.0" encoding="UTF-16"?>'
                       f'<!DOCTYPE d [<!ENTITY x SYSTEM "{file_uri}">]>'
                       + process.format(extra="", name="&x;")).encode("utf-16"),
        "xinclude.bpmn": process.format(extra=f'<xi:include href="{file_uri}" parse="text"/>', name="a"),
        "impor.bpmn": process.format(extra=f'<bpmn:import importType="http://www.omg.org/spec/BPMN/20100524/MODEL" '
                                           f'location="{file_uri}" namespace="x"/>', name="a"),
    }


def test_hostile_xml_is_refused_or_inert_and_nothing_outside_the_upload_is_read(tmp_path):
    pipe = _Fifo(tmp_path)
    server = http.server.HTTPServer(("127.0.0.1", 0), _Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    _Recorder.requests.clear()
    try:
        files = _hostile_files(pipe.path, f"http://127.0.0.1:{server.server_port}")
        findings = {}
        for name, content in files.items():
            findings[name] = lint_files({name: content})
        assert not pipe.opened.is_set(), "the validator opened a file named inside an upload"
        assert _Recorder.requests == [], "the validator fetched a URL named inside an upload"
        text = repr(findings)
        assert _Fifo.SECRET not in text
        for name in ("entitas_luar.bpmn", "entitas_http.bpmn", "entitas_parameter.bpmn", "dtd_luar.bpmn",
                     "tawa_miliaran.bpmn"):
            assert any("DOCTYPE" in f.message for f in findings[name]), (name, findings[name])
        assert has_errors(findings["utf16.bpmn"])  # refused (the entity is never resolved)
    finally:
        server.shutdown()
        pipe.close()


def _edit(files, name, old, new):
    edited = dict(files)
    assert old in edited[name], f"{old!r} not in {name}"
    edited[name] = edited[name].replace(old, new, 1)
    return edited


def test_an_overlapping_unique_rule_is_flagged_against_the_rule():
    files = _edit(_shipped(), "rules/tujuan_bpnt.dmn", '? not in ("kualitas_beras", "kuantitas_beras")',
                  '? != "kuantitas_beras"')
    (finding,) = [f for f in lint_files(files, "keluhan") if f.severity == "error"]
    assert finding.element_id == "TujuanBpnt_Aturan_Lainnya" and finding.file == "rules/tujuan_bpnt.dmn"
    assert "tumpang-tindih" in finding.message and "'kualitas_beras'" in finding.message
    lines = _shipped()["rules/tujuan_bpnt.dmn"].splitlines()
    assert finding.line == 1 + next(i for i, line in enumerate(lines) if 'rule id="TujuanBpnt_Aturan_Lainnya"' in line)


def test_an_input_combination_no_rule_covers_is_flagged_with_an_example():
    files = _edit(_shipped(), "rules/tujuan_bpnt.dmn", '? not in ("kualitas_beras", "kuantitas_beras")',
                  '"penyaluran_bantuan"')
    (finding,) = [f for f in lint_files(files, "keluhan") if f.severity == "error"]
    assert finding.element_id == "TujuanBpnt_Tabel"
    assert "tidak ada aturan yang cocok" in finding.message and "nilai lain" in finding.message


def test_a_table_with_cells_beyond_literals_says_it_could_not_be_analysed():
    files = _edit(_shipped(), "rules/tujuan_bpnt.dmn", '? not in ("kualitas_beras", "kuantitas_beras")',
                  'len(?) > 3')
    findings = lint_files(files, "keluhan")
    assert not has_errors(findings)
    assert any(f.severity == "info" and "tidak dapat diperiksa otomatis" in f.message for f in findings)


@pytest.mark.parametrize("cell,expected", [
    ('"a"', ("in", ("a",))), ('? in ("a", "b")', ("in", ("a", "b"))), ('not in ("a",)', ("notin", ("a",))),
    ('!= "x"', ("notin", ("x",))), ("-", ("any", ())), ("", ("any", ())), ("True", ("in", (True,))),
    ("? > 3", None), ("len(?) == 2", None)])
def test_dmn_cells_are_read_the_way_the_engine_reads_them(cell, expected):
    assert cell_predicate(cell) == expected


@pytest.mark.parametrize("edit,element,words", [
    (('camunda:decisionRef="tujuan_pkh"', 'camunda:decisionRef="tujuan_pkh" camunda:class="id.go.Delegasi"'),
     "Pkh_Dmn", "Java"),
    (('batas_sla("tanggapan_rujukan")', "${batas}"), "Pkh_Terlambat", "JUEL"),
    (('batas_sla("tanggapan_rujukan")', "__import__('os').system('id')"), "Pkh_Terlambat", "sandbox"),
    (("'uraian': uraian}", "'uraian': ().__class__}"), "Pkh_Kirim", "sandbox"),
    (('camunda:decisionRef="tujuan_pkh"', 'camunda:decisionRef="tujuan_pkh_baru"'), "Pkh_Dmn", "tujuan_pkh_baru"),
])
def test_mistakes_in_an_edited_diagram_are_pinned_on_their_element(edit, element, words):
    files = _edit(_shipped(), "workflows/sop_pkh.bpmn", *edit)
    errors = [f for f in lint_files(files, "keluhan") if f.severity == "error"]
    assert errors and all(f.file == "workflows/sop_pkh.bpmn" and f.line for f in errors)
    assert any(words in f.message for f in errors), errors
    if element:
        assert any(f.element_id == element for f in errors), errors


def test_a_lane_that_is_not_a_role_is_refused_against_the_lane():
    files = _edit(_shipped(), "workflows/sop_pkh.bpmn", 'name="Manajer"', 'name="Kepala Dinas"')
    errors = [f for f in lint_files(files, "keluhan") if f.severity == "error"]
    assert any("Kepala Dinas" in f.message and f.element_name == "Kepala Dinas" for f in errors), errors


@pytest.mark.parametrize("kind,text,ok", [
    ("timeDuration", "P3D", True), ("timeDuration", "PT4H", True), ("timeDuration", "P3X", False),
    ("timeDuration", "3 hari", False), ("timeDate", 'batas_sla("tanggapan_rujukan")', True),
    ("timeDate", "2026-12-31T09:00:00+07:00", True), ("timeCycle", "R3/PT1H", True),
    ("timeCycle", "0/5 0/1 * 1/1 * ?", False), ("timeDate", "hari_kerja(3)", True),
    ("timeDuration", "hari_kerja(3)", False),  # an instant is not a duration: it would fail when armed
    ("timeDuration", "", False)])
def test_timer_values_are_checked_as_the_engine_would_read_them(kind, text, ok):
    assert (timer_problem(kind, text) is None) == ok


def test_a_camunda_modeler_file_refused_only_for_its_missing_lane_imports_once_the_task_sits_in_a_role_lane():
    path = CORPUS / "camunda-modeler/test/e2e/fixtures/c7-user-task-form.bpmn"
    original = path.read_bytes()
    (refusal,) = [f for f in lint_files({path.name: original}) if f.severity == "error"]
    assert refusal.element_id == "Task_1" and "lajur" in refusal.message
    with_lane = original.replace(
        b'<bpmn:startEvent id="StartEvent_1">',
        b'<bpmn:laneSet id="LaneSet_1"><bpmn:lane id="Lane_1" name="Front Office">'
        b"<bpmn:flowNodeRef>StartEvent_1</bpmn:flowNodeRef><bpmn:flowNodeRef>Task_1</bpmn:flowNodeRef>"
        b"<bpmn:flowNodeRef>EndEvent_1</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet>"
        b'<bpmn:startEvent id="StartEvent_1">', 1)
    assert lint_files({path.name: with_lane}) == []
    from engine.bpmn.parser import load_bundle

    bundle = load_bundle({path.name: with_lane}, "Process_1")
    (task,) = bundle.user_tasks.values()
    assert (task.role, [f.id for f in task.form]) == ("front_office", ["invoiceNumber"])
