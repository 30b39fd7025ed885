"""Time the complaint process: raw SpiffWorkflow in memory vs the persisted engine.

    .venv/bin/python bench/engine_vs_raw.py --cases 200 [--diagram minimal]

Raw: SpiffWorkflow's own CamundaParser and script engine, spec parsed once, every case run
start to end in memory (no serialization, no database). Persisted: the product's services
(`start_case`, `complete_task`), each step one database transaction with compare-and-set,
task and timer indexes and the hash-chained event log, on SQLite (WAL) and PostgreSQL.
Both walk the same journey: a PKH complaint referred (through the PKH SOP subprocess) to
Kemensos and answered. With `--diagram minimal`: bench/diagrams/minimal.bpmn (user task, script,
gateway, user task), the shape other BPMN servers are measured with.

In the same run it measures the floor a persisted step stands on: one small write transaction
with the driver alone (BEGIN; UPDATE one row; COMMIT) on the same database, psycopg as the product
connects (plain, and pipelined in one round trip) and sqlite3 with the product's pragmas, and
prints per step the persisted engine's time above raw against it (the ratio). It also prints the
database bytes per closed case the run left (bench/harness.py database_bytes) and, on PostgreSQL,
the driver round trips per intake and per completion, counted from libpq's trace of a few more
cases (`--trace FILE` keeps that trace).
"""

import argparse
import os
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

START = datetime(2026, 11, 23, 2, 0, tzinfo=timezone.utc)
JOURNEY = [  # (element id, officer, form data)
    ("Task_Telaah", "fo.cianjur", {"jenis_keluhan": "pengaduan", "kategori": "non_kepesertaan", "program": "PKH",
                                   "pokok_masalah": "penyaluran_bantuan"}),
    ("Task_BackOffice", "bo.sosial", {"ditangani_langsung": False, "hasil_penanganan": "Perlu rujukan.",
                                      "pokok_masalah": "penyaluran_bantuan", "program": "PKH"}),
    ("Pkh_Setujui", "manajer.cianjur", {"keputusan_manajer": "setuju"}),
    ("Pkh_Tanggapi", "pp.kemensos", {"tanggapan_rujukan": "diterima", "isi_tanggapan": "Ditindaklanjuti."}),
    ("Task_BeriTahu", "fo.cianjur", {"cara_penyampaian": "telepon", "puas": True, "banding": False}),
]


MINIMAL_JOURNEY = [("Task_Isi", "fo.cianjur", {"nilai": 50}), ("Task_Tinjau", "manajer.cianjur", {"setuju": True})]
MINIMAL = {"main_process": "minimal", "workflows_dir": "bench/diagrams", "rules_dir": "bench/diagrams"}


def journey_of(diagram):
    return MINIMAL_JOURNEY if diagram == "minimal" else JOURNEY


def intake_payload(village, diagram="keluhan"):
    if diagram == "minimal":
        return {"kanal": "sekretariat", "wilayah": village, "jenis_keluhan": "pertanyaan", "program": "PKH",
                "uraian": "Uji diagram minimal.", "pelapor": {"nama": "Uji"}}
    return {"kanal": "sekretariat", "wilayah": village, "jenis_keluhan": "pengaduan", "program": "PKH",
            "uraian": "Bantuan PKH belum diterima.", "pelapor": {"nik": "3203014506850001", "nama": "Euis"}}


def raw_start_data(village):
    data = {"kanal": "sekretariat", "wilayah": village, "jenis_keluhan": "pengaduan", "program": "PKH",
            "uraian": "Bantuan PKH belum diterima.", "pelapor": {"nama": "Euis"}, "rahasia": True,
            "terdaftar_dtks": True, "program_dtks": ["PKH"], "tingkat": "kabupaten",
            "proses_sop": "sop_pkh", "sektor_bawaan": "sosial",  # what the catalogue gives PKH
            "sektor_pilihan": None}  # the review form's optional sector, left empty
    from engine.domain.vocabulary import CASE_DEFAULTS

    return {**CASE_DEFAULTS, **data}


def run_raw(n, village, diagram="keluhan"):
    from SpiffWorkflow.bpmn import BpmnWorkflow
    from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment
    from SpiffWorkflow.camunda.parser import CamundaParser
    from SpiffWorkflow.util.task import TaskState
    from lxml import etree

    parser = CamundaParser()
    folder = ROOT / ("bench/diagrams" if diagram == "minimal" else "workflows")
    for path in sorted(folder.glob("*.bpmn")):
        text = path.read_text(encoding="utf-8")
        text = text.replace(">P5D<", '>"P5D"<').replace(">P3D<", '>"P3D"<')  # raw Spiff evaluates timers as Python
        text = text.replace('calledElement="${proses_sop}"', 'calledElement="sop_pkh"')  # raw: no variable calls
        parser.add_bpmn_xml(etree.ElementTree(etree.fromstring(text.encode())), filename=path.name)
    parser.add_dmn_files([str(p) for p in sorted((ROOT / "rules").glob("*.dmn"))])
    spec, subs = parser.get_spec(diagram), parser.get_subprocess_specs(diagram)
    # raw SpiffWorkflow has no working-day calendar: a plain seven-day deadline stands in for it
    def in_a_week(*_args):
        return (datetime.now(timezone.utc) + timedelta(days=7)).isoformat()

    # the calendar functions the diagrams call, as plain functions (raw Spiff has no engine clock)
    environment = TaskDataEnvironment({"batas_sla": in_a_week, "pengingat_sla": in_a_week, "hari_kerja": in_a_week})
    started = time.perf_counter()
    for _ in range(n):
        workflow = BpmnWorkflow(spec, subs, script_engine=PythonScriptEngine(environment=environment))
        workflow.get_tasks(state=TaskState.READY)[0].data.update(raw_start_data(village))
        workflow.do_engine_steps()
        for element, _user, data in journey_of(diagram):
            (task,) = [t for t in workflow.get_tasks(state=TaskState.READY, manual=True)
                       if t.task_spec.name == element]
            workflow.get_events()  # raw: thrown referral messages are simply taken
            task.data.update(data)
            task.run()
            workflow.do_engine_steps()
        assert workflow.completed
    return (time.perf_counter() - started) / n


def run_persisted(n, url, label, diagram="keluhan", details=None):
    """Seconds per case of the persisted engine; with a `details` dict, also the database bytes per
    case the run left and the driver round trips per intake and per completion (PostgreSQL, counted
    afterwards on a few traced cases)."""
    from flask_migrate import upgrade
    from sqlalchemy import select

    from engine.config import load_settings
    from engine.domain.actor import Actor
    from engine.cases import commands
    from engine.processes import versions
    from engine.demo import seed
    from engine.store.models import User, db
    from web import create_app

    settings = load_settings(overrides={"database_url": url, **(MINIMAL if diagram == "minimal" else {})})
    app = create_app(settings=settings)
    with app.app_context():
        upgrade()
        versions.sync_from_disk(settings, START)
        seed.seed_demo(START)
        actors = {u.username: Actor.of(u) for u in db.session.scalars(select(User))}
        clock = [START]

        def journey(on_step=lambda kind: None):
            clock[0] += timedelta(seconds=1)
            now = clock[0]
            change = commands.start_case(actors["fo.cianjur"], intake_payload(seed.DEMO_VILLAGE, diagram), now, settings)
            on_step("intake")
            for element, user, data in journey_of(diagram):
                (task_id,) = [task_id for task_id, ready_element in change.ready if ready_element == element]
                change = commands.complete_task(actors[user], task_id, data, now)
                on_step("completion")
            assert change.completed

        commands.forget_cached_workflows()
        started = time.perf_counter()
        for _ in range(n):
            journey()
        elapsed = (time.perf_counter() - started) / n
        db.session.remove()
        if details is not None:
            from bench import harness

            details["bytes per case"] = harness.database_bytes(url) / n
            if url.startswith("postgresql"):
                details["round trips"] = _traced_round_trips(db.engine, journey, 5)
        db.engine.dispose()
    return elapsed


def _traced_round_trips(engine, journey, count):
    """{step kind: libpq ReadyForQuery messages per step}: one per round trip the driver waited for."""
    from psycopg import pq
    from sqlalchemy import event

    trace = Path(tempfile.mkstemp(prefix="slrt-trace-")[1])
    handle = trace.open("w")

    def _on_connect(dbapi_connection, _record):
        dbapi_connection.pgconn.trace(handle.fileno())
        dbapi_connection.pgconn.set_trace_flags(pq.Trace.SUPPRESS_TIMESTAMPS | pq.Trace.REGRESS_MODE)

    engine.dispose()
    event.listen(engine, "connect", _on_connect)
    counts = {}
    seen = [0]

    def on_step(kind):
        handle.flush()
        total = trace.read_text().count("\tReadyForQuery")
        counts.setdefault(kind, []).append(total - seen[0])
        seen[0] = total

    try:
        journey()  # first: the connection's set-up and the statements' first preparation
        on_step("set-up")
        for _ in range(count):
            journey(on_step)
    finally:
        event.remove(engine, "connect", _on_connect)
        engine.dispose()
        handle.close()
        if KEEP_TRACE:  # --trace: keep the libpq trace, to read what was sent
            trace.replace(KEEP_TRACE)
        else:
            trace.unlink()
    return {kind: sum(values) / len(values) for kind, values in counts.items() if kind != "set-up"}


def driver_commit(url, n=2000):
    """Seconds per small write transaction with the driver alone: BEGIN; UPDATE one row; COMMIT.

    PostgreSQL (psycopg, as the product connects): `plain` is the transaction as psycopg sends it
    (BEGIN, the UPDATE and COMMIT, each its own round trip), `pipelined` the same three in one
    round trip (pipeline mode). SQLite: the product's pragmas (WAL, synchronous=NORMAL) and its
    BEGIN IMMEDIATE, on the bench database's file.
    """
    def timed(transaction):
        for _ in range(n // 10):
            transaction()
        started = time.perf_counter()
        for _ in range(n):
            transaction()
        return (time.perf_counter() - started) / n

    if url.startswith("sqlite:///"):
        import sqlite3

        conn = sqlite3.connect(url[len("sqlite:///"):], isolation_level=None)
        for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "foreign_keys=ON", "busy_timeout=10000"):
            conn.execute(f"PRAGMA {pragma}")
        conn.execute("CREATE TABLE IF NOT EXISTS rtt_probe (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)")
        conn.execute("INSERT OR IGNORE INTO rtt_probe VALUES (1, 0)")

        def sqlite_transaction():
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("UPDATE rtt_probe SET n = n + 1 WHERE id = 1")
            conn.execute("COMMIT")

        try:
            return {"plain": timed(sqlite_transaction)}
        finally:
            conn.execute("DROP TABLE rtt_probe")
            conn.close()
    import psycopg

    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS rtt_probe (id int PRIMARY KEY, n bigint NOT NULL)")
        conn.execute("INSERT INTO rtt_probe VALUES (1, 0) ON CONFLICT DO NOTHING")
        conn.commit()

        def plain():
            conn.execute("UPDATE rtt_probe SET n = n + 1 WHERE id = 1")
            conn.commit()

        def pipelined():
            with conn.pipeline():
                conn.execute("UPDATE rtt_probe SET n = n + 1 WHERE id = 1")
                conn.commit()

        figures = {"plain": timed(plain), "pipelined": timed(pipelined)}
        conn.execute("DROP TABLE rtt_probe")
        conn.commit()
        return figures


def postgres_url(admin, name):
    import psycopg

    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return admin.rsplit("/", 1)[0] + f"/{name}"


def measure(cases, diagram="keluhan", pg_admin=None, skip_postgres=False, details=None):
    """[(label, seconds per case)]: raw first, then the persisted engine on SQLite and PostgreSQL.
    With a `details` dict: {label: {"bytes per case", "round trips", "commit": driver_commit(...)}}."""
    from engine.demo.seed import DEMO_VILLAGE

    run_raw(5, DEMO_VILLAGE, diagram)  # warm-up: imports and first-call costs
    results = [("raw SpiffWorkflow (memory)", run_raw(cases, DEMO_VILLAGE, diagram))]
    with tempfile.TemporaryDirectory() as tmp:
        label, url = "persisted engine, SQLite", f"sqlite:///{tmp}/bench.db"
        extra = None if details is None else details.setdefault(label, {})
        results.append((label, run_persisted(cases, url, "sqlite", diagram, extra)))
        if extra is not None:
            extra["commit"] = driver_commit(url)
    if not skip_postgres:
        label, url = "persisted engine, PostgreSQL", postgres_url(pg_admin or PG_ADMIN, BENCH_DATABASE)
        extra = None if details is None else details.setdefault(label, {})
        results.append((label, run_persisted(cases, url, "postgres", diagram, extra)))
        if extra is not None:
            extra["commit"] = driver_commit(url)
    return results


BENCH_DATABASE = "slrt_bench_" + "".join(c if c.isalnum() else "_" for c in ROOT.name)  # one per checkout
KEEP_TRACE = None
PG_ADMIN = os.environ.get("SLRT_TEST_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/test")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=200)
    parser.add_argument("--diagram", choices=("keluhan", "minimal"), default="keluhan")
    parser.add_argument("--pg-admin", default=PG_ADMIN)
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument("--trace", help="keep the libpq trace of the traced PostgreSQL cases in this file")
    args = parser.parse_args()
    global KEEP_TRACE
    KEEP_TRACE = args.trace
    details = {}
    results = measure(args.cases, args.diagram, args.pg_admin, args.skip_postgres, details)
    raw = results[0][1]
    steps = len(journey_of(args.diagram)) + 1
    print(f"{args.diagram} journey: intake + {steps - 1} task completions, {args.cases} cases each")
    print(f"{'engine':<32}{'ms/case':>10}{'ms/step':>10}{'× raw':>8}")
    for label, seconds in results:
        print(f"{label:<32}{seconds * 1000:>10.2f}{seconds * 1000 / steps:>10.2f}{seconds / raw:>8.2f}")
    print()
    print("per step, persisted minus raw against one write transaction with the driver alone "
          "(BEGIN; UPDATE one row; COMMIT), measured in this run:")
    for label, seconds in results[1:]:
        extra = details[label]
        above = (seconds - raw) / steps
        for how, commit in extra["commit"].items():
            print(f"  {label}: {above * 1000:.3f} ms per step above raw; driver commit ({how}) "
                  f"{commit * 1000:.3f} ms; ratio {above / commit:.2f} (target ≤ 1.2)")
        print(f"  {label}: {extra['bytes per case']:,.0f} database bytes per closed case (case tables and indexes)")
        if "round trips" in extra:
            trips = ", ".join(f"{kind} {count:.1f}" for kind, count in extra["round trips"].items())
            print(f"  {label}: driver round trips per step: {trips}")

if __name__ == "__main__":
    main()
