"""Schedulers in separate processes: every due timer fires exactly once, and none is lost."""

import os
import re
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import select

from engine.config import load_settings
from engine.domain.actor import Actor
from engine.cases import commands
from engine.processes import versions
from engine.demo import seed
from engine.store.models import User, db
from tests.conftest import PG_ADMIN, pg_database_name
from web import create_app

ROOT = Path(__file__).resolve().parents[2]
SLRT = str(Path(sys.executable).with_name("slrt"))
PAST = datetime(2026, 1, 5, 2, 0, tzinfo=timezone.utc)  # long before the real clock
# The minimal diagram: Task_Isi, then Task_Tinjau with a non-interrupting P3D timer.
MINIMAL = {"main_process": "minimal", "workflows_dir": "tests/fixtures", "rules_dir": "tests/fixtures"}


def _environment(url):
    env = dict(os.environ, SLRT_DATABASE_URL=url, SLRT_MAIN_PROCESS="minimal",
               SLRT_WORKFLOWS_DIR="tests/fixtures", SLRT_RULES_DIR="tests/fixtures")
    return env


def _cases_with_waiting_timers(url, count):
    """`count` real cases, each waiting at Task_Tinjau with its timer armed (due PAST + 3 days)."""
    from flask_migrate import upgrade

    settings = load_settings(overrides={"database_url": url, **MINIMAL})
    app = create_app(settings=settings)
    with app.app_context():
        upgrade()
        versions.sync_from_disk(settings, PAST)
        seed.seed_demo(PAST)
        front = Actor.of(db.session.scalar(select(User).where(User.username == "fo.cianjur")))
        payload = {"kanal": "sekretariat", "wilayah": seed.DEMO_VILLAGE, "jenis_keluhan": "pertanyaan",
                   "program": "PKH", "uraian": "Uji penjadwal.", "pelapor": {"nama": "Uji"}}
        commands.forget_cached_workflows()
        for _ in range(count):
            change = commands.start_case(front, payload, PAST, settings)
            (task_id, _element), = change.ready
            commands.complete_task(front, task_id, {"nilai": 50}, PAST)
        db.session.remove()
        db.engine.dispose()


@pytest.mark.postgres
def test_three_scheduler_processes_fire_2000_due_timers_exactly_once():
    name = pg_database_name("test_sched")
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    url = PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"
    try:
        _cases_with_waiting_timers(url, 2000)
        as_of = (PAST + timedelta(days=4)).isoformat()
        workers = [subprocess.Popen([SLRT, "fire-timers", "--as-of", as_of], cwd=ROOT, env=_environment(url),
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(3)]
        outputs = [w.communicate(timeout=600) for w in workers]
        assert all(w.returncode == 0 for w in workers), outputs
        fired_by_each = [int(re.search(r"(\d+) timer terpicu", out).group(1)) for out, _err in outputs]
        assert sum(fired_by_each) == 2000
        with psycopg.connect(url) as conn:
            per_case = conn.execute("SELECT case_id, count(*) FROM events WHERE type = 'timer_terpicu' "
                                    "GROUP BY case_id").fetchall()
            waiting = conn.execute("SELECT count(*) FROM timers WHERE status = 'menunggu'").fetchone()[0]
            fired = conn.execute("SELECT count(*) FROM timers WHERE status = 'terpicu'").fetchone()[0]
        assert len(per_case) == 2000 and all(n == 1 for _case, n in per_case)  # exactly once each
        assert (fired, waiting) == (2000, 0)  # none lost
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_timer_that_fell_due_while_no_scheduler_ran_fires_when_one_starts(tmp_path):
    url = f"sqlite:///{tmp_path}/penjadwal.db"
    _cases_with_waiting_timers(url, 1)  # due 8 January 2026: long past by the real clock
    scheduler = subprocess.Popen([SLRT, "scheduler", "--interval", "3600"], cwd=ROOT, env=_environment(url),
                                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        status = None
        while time.monotonic() < deadline:
            status = _timer_status(tmp_path / "penjadwal.db")
            if status == "terpicu":
                break
            time.sleep(0.5)
        assert status == "terpicu"
    finally:
        scheduler.terminate()
        scheduler.wait(timeout=30)


def _timer_status(path):
    import sqlite3

    with sqlite3.connect(path) as conn:
        row = conn.execute("SELECT status FROM timers").fetchone()
    return row[0] if row else None
