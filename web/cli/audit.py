"""Text reports of `slrt audit`: one case in detail, or a summary of every case."""

import time

from engine.domain.actor import Actor
from engine.domain.roles import AUDITOR
from engine.audit import verify

OPERATOR = Actor(None, "sistem", AUDITOR, "", None, None, "Operator")  # the CLI audits every area


def _problem_line(p):
    where = f"peristiwa #{p['event']}" + (f", tugas {p['task']}" if p.get("task") else "")
    line = f"  {where}: {p['problem']}"
    if p.get("expected") is not None or p.get("found") is not None:
        line += f"\n      tercatat: {p.get('expected')}\n      ditemukan: {p.get('found')}"
    return line


def run(echo, key, upto=None):
    """Verify one case and print the report; True when it is intact."""
    started = time.perf_counter()
    report = verify.verify(OPERATOR, key, upto=upto)
    took = (time.perf_counter() - started) * 1000
    echo(f"Kasus {report['ticket']} (id {report['case_id']}), diagram versi {report['diagram_version_id']}: "
         f"{report['events']} peristiwa, {report['replayed']} diputar ulang dalam {took:.1f} ms")
    _print_problems(echo, report)
    if upto is not None and report.get("state"):
        state = report["state"]
        echo(f"Keadaan setelah peristiwa #{state['seq']} ({state['type']}, {state['at']}, {state['actor']}): "
             f"{state['status']}")
        for task in state["open_tasks"]:
            echo(f"  tugas terbuka: {task['name']} ({task['element_id']}), batas {task['due'] or '-'}"
                 + (f", dikerjakan {task['assignee']}" if task["assignee"] else ""))
        for timer in state["timers"]:
            echo(f"  timer menunggu: {timer['element_id']} pada {timer['due']}")
    echo("UTUH" if report["ok"] else "TIDAK COCOK")
    return report["ok"]


def _print_problems(echo, report):
    for label, problems in (("Rantai hash", report["chain"]), ("Putar ulang", report["replay"])):
        if problems:
            echo(f"{label}:")
            for p in problems:
                echo(_problem_line(p))


def run_all(echo):
    """Verify every case; print a line per case with problems and a summary. True when all are intact."""
    started = time.perf_counter()
    summary = verify.verify_all()
    took = time.perf_counter() - started
    for report in summary["failed"]:
        first = report["first_divergence"]
        echo(f"Kasus {report['ticket']} (id {report['case_id']}): pertama berbeda di peristiwa #{first['event']}")
        _print_problems(echo, report)
    echo(f"{summary['cases']} kasus diperiksa dalam {took:.1f} s: {summary['ok']} utuh, "
         f"{len(summary['failed'])} bermasalah.")
    return not summary["failed"]
