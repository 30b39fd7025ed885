"""Every expression evaluation is bounded: hostile shapes stop early, in little memory, naming the limit."""

import tracemalloc
from datetime import datetime, timezone
from pathlib import Path

import pytest

from engine.bpmn.lint import lint_files
from engine.bpmn.parser import load_bundle
from engine.bpmn.runner import Runner
from engine.bpmn.sandbox import SandboxEnvironment
from engine.errors import ExpressionBudgetExceeded, ExpressionRejected

MINIMAL = (Path(__file__).resolve().parents[1] / "fixtures" / "minimal.bpmn").read_text(encoding="utf-8")
NOW = datetime(2026, 11, 23, 2, 0, tzinfo=timezone.utc)
DATA = {"s": "x" * 15000, "teks": ["y" * 10000] * 100}

HOSTILE_EXPRESSIONS = [
    ("len('a' * 1500000000)", "ukuran"),
    ("len(1500000000 * 'a')", "ukuran"),
    ("len([x for x in s for y in s])", "langkah"),
    ("sum(1 for a in s for b in s)", "langkah"),
    ("len(s.replace('', s))", "ukuran"),
    ("len('-'.join([s] * 50))", "ukuran"),
    ("len(f'{teks}')", "ukuran"),
    ("len(str([s] * 200))", "ukuran"),
    ("len('%2000000000s' % 1)", "ukuran"),
    ("len([*teks, *teks] * 1000)", "ukuran"),
]

HOSTILE_SCRIPTS = [
    ("t = ''\nfor a in s:\n    for b in s:\n        t += b", "langkah"),
    ("n = 0\nfor a in s:\n    for b in s:\n        n += 1", "langkah"),
    ("l = [1]\nfor a in s:\n    l.extend(l)", "ukuran"),
    ("l = [1]\nfor a in s:\n    l = l + l", "ukuran"),
    ("n = 3\nfor a in s:\n    n = n * n", "ukuran"),
    ("t = 'ab'\nfor a in s:\n    t = t.replace('a', t)", "ukuran"),
]


def _peak_bytes(action):
    tracemalloc.start()
    try:
        action()
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak


@pytest.mark.parametrize(("source", "limit"), HOSTILE_EXPRESSIONS)
def test_hostile_expression_is_stopped_before_it_eats_memory(source, limit):
    env = SandboxEnvironment()
    stopped = []

    def run():
        with pytest.raises(ExpressionBudgetExceeded) as caught:
            env.evaluate(source, dict(DATA))
        stopped.append(caught.value)

    assert _peak_bytes(run) < 20_000_000
    assert stopped[0].context["limit"] == limit
    assert "batas" in stopped[0].message or "terlalu besar" in stopped[0].message


@pytest.mark.parametrize(("source", "limit"), HOSTILE_SCRIPTS)
def test_hostile_script_is_stopped_before_it_eats_memory(source, limit):
    env = SandboxEnvironment()
    stopped = []

    def run():
        with pytest.raises(ExpressionBudgetExceeded) as caught:
            env.execute(source, dict(DATA))
        stopped.append(caught.value)

    assert _peak_bytes(run) < 20_000_000
    assert stopped[0].context["limit"] == limit


def test_a_runaway_stops_at_the_same_point_every_time():
    env = SandboxEnvironment()
    messages = set()
    for _ in range(3):
        data = dict(DATA)
        with pytest.raises(ExpressionBudgetExceeded) as caught:
            env.execute("n = 0\nfor a in s:\n    for b in s:\n        n += 1", data)
        messages.add(caught.value.message)
    assert len(messages) == 1


@pytest.mark.parametrize("source", ["f'{nilai:>1000000000}'", "f'{nilai:.{lebar}f}'"])
def test_huge_or_dynamic_format_widths_are_refused_by_the_checker(source):
    with pytest.raises(ExpressionRejected):
        SandboxEnvironment().evaluate(source, {"nilai": 1.5, "lebar": 10**9})


def test_deeply_nested_source_is_refused_not_crashed():
    with pytest.raises(ExpressionRejected):
        SandboxEnvironment().evaluate("1" + "+1" * 15000, {})


def test_ordinary_expressions_and_scripts_behave_as_before():
    env = SandboxEnvironment()
    data = {"b": [1], "nama": "ani", "angka": [3, 4, 5]}
    env.execute("b += [2]\nb[0] += 5\nc = {**{'k': 1}}\nsalam = f'{nama.title():>6}!' + ' %s' % nama\n"
                "total = 0\nfor n in angka:\n    total += n * 2", data)
    assert data["b"] == [6, 2] and data["c"] == {"k": 1} and data["salam"] == "   Ani! ani" and data["total"] == 24
    assert env.evaluate("[*angka, *b] if 'n' in nama else []", data) == [3, 4, 5, 6, 2]
    assert env.evaluate("'-'.join(sorted(str(n) for n in angka)) + str(len(angka) * 'ab')", data) == "3-4-5ababab"


def test_timer_expression_that_would_allocate_gigabytes_is_a_finding_on_the_timer():
    files = {"minimal.bpmn": MINIMAL.replace(">P3D<", ">'P' + str(len('a' * 1500000000)) + 'D'<")}
    found = []
    assert _peak_bytes(lambda: found.extend(lint_files(files, "minimal"))) < 50_000_000
    errors = [f for f in found if f.severity == "error"]
    assert [f.element_id for f in errors] == ["Timer_Tinjau"]
    assert "terlalu besar" in errors[0].message


def test_runaway_script_at_run_time_fails_that_step_naming_the_element():
    script = "n = 0\nfor a in str(nilai) * 5000:\n    for b in str(nilai) * 5000:\n        n += 1\nbesar = nilai &gt; 10"
    bundle = load_bundle({"minimal.bpmn": MINIMAL.replace("besar = nilai &gt; 10", script)}, "minimal")
    runner = Runner()
    workflow = runner.start(bundle, {}, NOW)
    task = runner.ready_tasks(bundle, workflow)[0]
    with pytest.raises(ExpressionBudgetExceeded) as caught:
        runner.complete(bundle, workflow, task.id, {"nilai": 50}, NOW)
    assert caught.value.context["element_id"] == "Script_Nilai"


def test_the_dmn_placeholder_is_replaced_exactly_as_spiffworkflow_does_in_linear_time():
    """SpiffWorkflow's own pattern is the specification; the one-pass version gives the same text."""
    import random
    import re

    from engine.bpmn.expressions import substitute_placeholder

    spiff = re.compile(r"(\?)(?=(?:[^'\"]|['\"][^'\"]*['\"])*$)")
    chooser = random.Random(19)
    for _ in range(5000):
        cell = "".join(chooser.choice("?'\"a= ") for _ in range(chooser.randint(0, 16)))
        assert substitute_placeholder(cell, "dmninput") == spiff.sub("dmninput", cell), cell
    assert substitute_placeholder("? in ('?', \"x?\") and ?", "v") == "v in ('?', \"x?\") and v"
