"""Diagram expressions run inside the sandbox; a diagram that tries to escape is refused at load."""

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from engine.bpmn.parser import load_bundle
from engine.bpmn.runner import Runner
from engine.bpmn.sandbox import SandboxEnvironment, check_source
from engine.errors import DiagramError, ExpressionRejected

MINIMAL = (Path(__file__).resolve().parents[1] / "fixtures" / "minimal.bpmn").read_text(encoding="utf-8")
NOW = datetime(2026, 11, 23, 2, 0, tzinfo=timezone.utc)

ESCAPES = [
    "__import__('os').system('id')",
    "().__class__.__base__.__subclasses__()",
    "[c for c in ().__class__.__base__.__subclasses__()]",
    "getattr(nilai, '__class__')",
    "'{0.__class__}'.format(nilai)",
    "open('/etc/passwd').read()",
    "eval('1+1')",
    "(lambda: 1)()",
    "nilai.__class__",
    "_x",
    "type(nilai)",
    "globals()",
]


@pytest.mark.parametrize("source", ESCAPES)
def test_escape_attempts_are_rejected_by_the_checker(source):
    with pytest.raises(ExpressionRejected):
        check_source(source, "eval")


@pytest.mark.parametrize("source", [
    "import os", "from os import system", "def f():\n    pass", "while True:\n    pass",
    "class A:\n    pass", "with open('x') as f:\n    pass", "try:\n    x = 1\nexcept Exception:\n    pass",
])
def test_statements_outside_the_allow_list_are_rejected_in_scripts(source):
    with pytest.raises(ExpressionRejected):
        check_source(source, "exec")


def test_allowed_expressions_evaluate_against_task_data():
    env = SandboxEnvironment()
    data = {"program": "BPNT", "pokok_masalah": "kualitas_beras", "pelapor": {"nama": "Ani"}, "nilai": [3, 4]}
    assert env.evaluate('program == "BPNT" and pokok_masalah in ("kualitas_beras", "kuantitas_beras")', data)
    assert env.evaluate('pelapor.get("nama").upper()', data) == "ANI"
    assert env.evaluate("sum(n * 2 for n in nilai) if len(nilai) > 1 else 0", data) == 14


def test_scripts_change_task_data_but_leave_no_helpers_behind():
    env = SandboxEnvironment()
    data = {"tanggapan_rujukan": "diterima"}
    env.execute('hasil_akhir = "rujukan_" + tanggapan_rujukan\nsementara = len(hasil_akhir)', data)
    assert data == {"tanggapan_rujukan": "diterima", "hasil_akhir": "rujukan_diterima", "sementara": 16}
    assert "__builtins__" not in data


def test_builtins_are_not_reachable_even_by_name():
    env = SandboxEnvironment()
    with pytest.raises(NameError):
        env.evaluate("print", {})


def _variant(old, new):
    assert old in MINIMAL
    return {"minimal.bpmn": MINIMAL.replace(old, new)}


@pytest.mark.parametrize("payload", [
    "__import__('os').system('touch /tmp/slrt-pwned')",
    "().__class__.__base__.__subclasses__()",
])
def test_diagram_with_escaping_script_is_refused_naming_the_element(payload):
    files = _variant("besar = nilai &gt; 10", f"besar = {payload.replace('>', '&gt;')}")
    with pytest.raises(ExpressionRejected) as refused:
        load_bundle(files, "minimal")
    assert refused.value.element_id == "Script_Nilai"
    assert refused.value.file == "minimal.bpmn" and refused.value.line > 1
    assert not Path("/tmp/slrt-pwned").exists()


def test_diagram_with_escaping_gateway_condition_is_refused_naming_the_element():
    files = _variant("besar == True", "besar == True or __import__('os')")
    with pytest.raises(ExpressionRejected) as refused:
        load_bundle(files, "minimal")
    assert refused.value.element_id == "Gw_Besar"


def test_diagram_with_escaping_timer_expression_is_refused_naming_the_element():
    files = _variant(">P3D<", ">().__class__.__base__<")
    with pytest.raises(ExpressionRejected) as refused:
        load_bundle(files, "minimal")
    assert refused.value.element_id == "Timer_Tinjau"


def test_xml_with_entities_is_refused_before_parsing():
    bomb = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>' + MINIMAL.split("?>", 1)[1]
    with pytest.raises(DiagramError) as refused:
        load_bundle({"minimal.bpmn": bomb}, "minimal")
    assert "DOCTYPE" in refused.value.message


def test_unquoted_iso_timer_runs_on_the_engine_clock_and_survives_serialization():
    bundle = load_bundle({"minimal.bpmn": MINIMAL}, "minimal")
    runner = Runner()
    workflow = runner.start(bundle, {}, NOW)
    task = runner.ready_tasks(bundle, workflow)[0]
    runner.complete(bundle, workflow, task.id, {"nilai": 50}, NOW)
    workflow = runner.load(bundle, runner.dump(workflow), NOW)
    (timer,) = runner.waiting_timers(workflow)
    assert timer.due == NOW + timedelta(days=3)
    assert runner.fire_due_timers(workflow, NOW + timedelta(days=2)) == []
    fired = runner.fire_due_timers(workflow, NOW + timedelta(days=3))
    assert [t.element_id for t in fired] == ["Timer_Tinjau"]
    assert runner.case_data(workflow)["terlambat"] is True
