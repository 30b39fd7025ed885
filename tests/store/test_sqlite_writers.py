"""SQLite writers queue on the lock file beside the database (engine/store/database.py): a writer
waits while another process holds it and goes on the moment it is freed; a refused request never
keeps it; officers working at once on SQLite all get their answers and leave a consistent database."""

import fcntl
import os
import threading

import pytest

from engine.audit import invariants
from tests.journeys import TELAAH, intake, telaah

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


def _lock_file(backend):
    url, _tokens = backend
    return url[len("sqlite:///"):] + ".writer"


def _in_thread(target):
    outcome = {}

    def run():
        try:
            outcome["value"] = target()
        except BaseException as exc:  # reported by the test that joins
            outcome["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, outcome


def test_a_writer_waits_while_another_process_holds_the_lock_file_and_goes_on_once_it_is_freed(app, api, backend):
    intake(api)  # the lock file exists once the first write has run
    path = _lock_file(backend)
    assert os.path.exists(path)
    other = os.open(path, os.O_RDWR)  # another open file: to flock, a different process
    try:
        fcntl.flock(other, fcntl.LOCK_EX)
        thread, outcome = _in_thread(lambda: intake(api))
        thread.join(0.5)
        assert thread.is_alive(), "the intake went ahead while another writer held the lock"
        fcntl.flock(other, fcntl.LOCK_UN)
        thread.join(10)
        assert not thread.is_alive()
        assert "error" not in outcome, outcome.get("error")
        assert outcome["value"]["ticket"]
    finally:
        os.close(other)


def test_a_refused_change_does_not_keep_the_writer_lock(app, api):
    case = intake(api)
    task = next(t for t in case["tasks"] if t["element_id"] == TELAAH)
    # refused by the task's own checks, unknown, and last (nothing after it in this thread to clean
    # up) refused by the role check, after the sign-in read had taken the lock
    not_this_task = api("manajer.cianjur").post(f"/tasks/{task['id']}/complete", json={"data": telaah()})
    assert not_this_task.status_code == 403
    missing = api("fo.cianjur").post("/tasks/00000000-0000-0000-0000-000000000000/complete", json={"data": {}})
    assert missing.status_code == 404
    not_a_role_that_completes = api("auditor.cianjur").post(f"/tasks/{task['id']}/complete",
                                                             json={"data": telaah()})
    assert not_a_role_that_completes.status_code == 403
    thread, outcome = _in_thread(lambda: intake(api))  # another thread: it would wait for a kept lock
    thread.join(10)
    assert not thread.is_alive(), "the next writer is still waiting after three refused requests"
    assert "error" not in outcome, outcome.get("error")


def test_officers_working_at_once_on_sqlite_all_get_their_answers(app, api):
    answers, lock = [], threading.Lock()

    def officer():
        for _ in range(3):
            case = intake(api)
            task = next(t for t in case["tasks"] if t["element_id"] == TELAAH)
            response = api("fo.cianjur").post(f"/tasks/{task['id']}/complete", json={"data": telaah()})
            with lock:
                answers.append(response.status_code)

    threads = [_in_thread(officer) for _ in range(4)]
    for thread, outcome in threads:
        thread.join(60)
        assert not thread.is_alive()
        assert "error" not in outcome, outcome.get("error")
    assert answers == [200] * 12
    report = invariants.check_all()
    assert report.cases == 12 and report.violations == []


def test_a_completion_that_meets_another_change_of_its_case_starts_again_from_a_fresh_read(app, api):
    """The engine's work is done before the write transaction; when another officer changes the
    same case in between (here: the task is claimed), the compare-and-set refuses the stale change
    and the completion starts again on the fresh rows, so nothing is lost or applied twice."""
    from sqlalchemy import event

    from engine.store.models import db

    case = intake(api)
    task = next(t for t in case["tasks"] if t["element_id"] == TELAAH)
    started, claims = [], []

    def claim_in_between(connection):
        # the first rollback of the completion's request is the end of its read transaction, just
        # before its write transaction begins: the engine's work is done, the write not yet begun
        if not started:
            started.append(True)  # (the claim's own transactions pass here too)
            thread, outcome = _in_thread(lambda: api("fo.cianjur").post(f"/tasks/{task['id']}/claim"))
            thread.join(10)
            claims.append(outcome["value"].status_code if "value" in outcome else repr(outcome.get("error")))

    event.listen(db.engine, "rollback", claim_in_between)
    try:
        answer = api("fo.cianjur").post(f"/tasks/{task['id']}/complete", json={"data": telaah()})
    finally:
        event.remove(db.engine, "rollback", claim_in_between)
    assert claims == [200]
    assert answer.status_code == 200, answer.get_json()
    done = next(t for t in answer.get_json()["tasks"] if t["id"] == task["id"])
    assert done["status"] == "selesai"
    types = [e["type"] for e in api("fo.cianjur").get(f"/cases/{case['id']}/events").get_json()]
    assert types == ["kasus_dibuat", "tugas_diklaim", "tugas_selesai"]
    report = invariants.check_all()
    assert report.violations == []


def test_the_background_jobs_checkpoint_the_write_ahead_log_so_writers_need_not(app, api, backend):
    import sqlite3

    from apscheduler.schedulers.background import BackgroundScheduler

    from engine.store.database import FALLBACK_CHECKPOINT_PAGES, checkpoint_wal
    from engine.store.models import db
    from web import jobs

    path = backend[0][len("sqlite:///"):]
    with app.app_context():
        autocheckpoint = db.session.connection().exec_driver_sql("PRAGMA wal_autocheckpoint").scalar()
        db.session.rollback()
    assert autocheckpoint == FALLBACK_CHECKPOINT_PAGES  # writers leave it to the jobs
    intake(api)
    with app.app_context():
        copied = checkpoint_wal()
    assert copied > 0
    with sqlite3.connect(path) as direct:  # everything is in the database file: no page left to copy
        busy, log_pages, done = direct.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    assert busy == 0 and log_pages == done
    scheduler = BackgroundScheduler(timezone="UTC")
    jobs._add_job(scheduler, app, 15)
    # the sweep, the WAL checkpoint (SQLite only) and the audit anchoring
    assert {job.id for job in scheduler.get_jobs()} == {"sapuan", "checkpoint", "titik_jangkar"}
