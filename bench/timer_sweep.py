"""One timer sweep with 1,000 due timers among 100,000 waiting: cost must not grow with the rest.

    .venv/bin/python bench/timer_sweep.py [--postgres] [--waiting 100000] [--due 1000]

Real cases (the minimal diagram: a user task, then a task with a P3D timer) give the due
timers; the not-yet-due ones are index rows added in bulk with due dates years ahead, so the
sweep has to skip them. The sweep is timed twice: with only the due timers present, then with
the 99,000 others added. The query plan of the sweep's index read is printed.
"""

import argparse
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PAST = datetime(2026, 1, 5, 2, 0, tzinfo=timezone.utc)
SWEEP_AT = PAST + timedelta(days=4)
MINIMAL = {"main_process": "minimal", "workflows_dir": "tests/fixtures", "rules_dir": "tests/fixtures"}


def make_due_cases(settings, count):
    from sqlalchemy import select

    from engine.domain.actor import Actor
    from engine.cases import commands
    from engine.demo import seed
    from engine.store.models import User, db

    front = Actor.of(db.session.scalar(select(User).where(User.username == "fo.cianjur")))
    payload = {"kanal": "sekretariat", "wilayah": seed.DEMO_VILLAGE, "jenis_keluhan": "pertanyaan",
               "program": "PKH", "uraian": "Uji sapuan timer.", "pelapor": {"nama": "Uji"}}
    for _ in range(count):
        change = commands.start_case(front, payload, PAST, settings)
        (task_id, _element), = change.ready
        commands.complete_task(front, task_id, {"nilai": 50}, PAST)


def add_waiting(count):
    """Index rows of timers due years from now, attached to one existing case."""
    from sqlalchemy import func, insert, select

    from engine.store.models import Case, Timer, db

    case_id = db.session.scalar(select(func.min(Case.id)))
    far = SWEEP_AT + timedelta(days=3650)
    for start in range(0, count, 5000):
        rows = [dict(id=str(uuid.uuid4()), case_id=case_id, element_id="Timer_Tinjau", name="Batas tinjau",
                     due_at=far + timedelta(minutes=i), status="menunggu", fired_at=None)
                for i in range(start, min(start + 5000, count))]
        db.session.execute(insert(Timer.__table__), rows)
        db.session.commit()


def plan(dialect):
    from sqlalchemy import text

    from engine.store.models import db

    query = ("SELECT case_id, due_at FROM timers WHERE status = 'menunggu' AND due_at <= :now "
             "ORDER BY due_at LIMIT 800")
    prefix = "EXPLAIN QUERY PLAN " if dialect == "sqlite" else "EXPLAIN "
    rows = db.session.execute(text(prefix + query), {"now": SWEEP_AT.replace(tzinfo=None)}).fetchall()
    db.session.rollback()
    return [" ".join(str(c) for c in row) for row in rows]


def run(url, waiting, due):
    from flask_migrate import upgrade
    from sqlalchemy import func, select

    from engine.config import load_settings
    from engine.processes import versions
    from engine.demo import seed
    from engine.cases import timers
    from engine.store.models import Timer, db
    from web import create_app

    settings = load_settings(overrides={"database_url": url, **MINIMAL})
    app = create_app(settings=settings)
    with app.app_context():
        upgrade()
        versions.sync_from_disk(settings, PAST)
        seed.seed_demo(PAST)
        dialect = db.engine.dialect.name
        make_due_cases(settings, due)
        add_waiting(waiting - due)
        total = db.session.scalar(select(func.count()).select_from(Timer).where(Timer.status == "menunggu"))
        started = time.perf_counter()
        fired = timers.sweep(SWEEP_AT)
        elapsed = time.perf_counter() - started
        probe_started = time.perf_counter()
        for _ in range(20):
            timers.due_case_ids(SWEEP_AT)
        empty_probe = (time.perf_counter() - probe_started) / 20
        query_plan = plan(dialect)
        db.session.remove()
        db.engine.dispose()
    return dialect, total, fired, elapsed, empty_probe, query_plan


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--waiting", type=int, default=100_000)
    parser.add_argument("--due", type=int, default=1_000)
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args()
    results = []
    for waiting in (args.due, args.waiting):
        with tempfile.TemporaryDirectory() as tmp:
            if args.postgres:
                from bench.engine_vs_raw import postgres_url

                url = postgres_url("postgresql://postgres@127.0.0.1:5432/test", "slrt_bench_timers")
            else:
                url = f"sqlite:///{tmp}/timers.db"
            results.append(run(url, waiting, args.due))
    print(f"{'database':<12}{'waiting':>9}{'fired':>7}{'sweep s':>9}{'ms/timer':>10}{'empty probe ms':>16}")
    for dialect, total, fired, elapsed, probe, _plan in results:
        print(f"{dialect:<12}{total:>9}{fired:>7}{elapsed:>9.2f}{elapsed / max(fired, 1) * 1000:>10.2f}"
              f"{probe * 1000:>16.2f}")
    print("query plan of the sweep's index read (with all timers present):")
    for line in results[-1][5]:
        print("  ", line)


if __name__ == "__main__":
    main()
