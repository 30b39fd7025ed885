"""The invariant checker: it passes on real journeys and races, and it does report what is planted.

Races: two officers complete (or claim) the same task at the same instant through the API, from
two threads; exactly one wins and the other gets 409, two hundred times over, on SQLite and on
PostgreSQL. Afterwards every case's state, task index, timer index and event log agree.
"""

import threading
from contextlib import contextmanager

import pytest
from click.testing import CliRunner
from flask.cli import ScriptInfo
from sqlalchemy import select

from engine.domain.actor import Actor
from engine.people import auth
from engine.audit import invariants
from engine.store.models import User, db
from tests.conftest import START, Api, sql
from tests.journeys import TELAAH, approve_pkh_referral, intake, telaah
from tests.processes import test_scenarios as scenario_suite
from web.cli import cli

RACES = 200


@pytest.fixture
def second_front_office(app, api):
    """Another front-office officer of Cianjur, with a token: fo.cianjur's rival."""
    auth.create_user("fo2.cianjur", "kata-sandi-rahasia", "Yayan Sopian", "front_office", "3203", now=START)
    user = db.session.scalar(select(User).where(User.username == "fo2.cianjur"))
    token, _ = auth.issue_token(Actor.of(user), START, 24)
    return Api(api().client, token)


def _race(first, second):
    """Run two callables at the same instant; return their results in order."""
    barrier = threading.Barrier(2)
    results = [None, None]

    def run(index, call):
        barrier.wait()
        results[index] = call()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate((first, second))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_two_officers_racing_for_one_task_leave_exactly_one_winner_each_time(app, api, second_front_office):
    first = api("fo.cianjur")
    data = {"data": telaah()}
    acknowledged, outcomes = [], []
    for number in range(RACES):
        case = intake(api)
        (task,) = [t for t in case["tasks"] if t["element_id"] == TELAAH]
        path = f"/tasks/{task['id']}/{'claim' if number % 4 == 3 else 'complete'}"
        responses = _race(lambda: first.post(path, json=data), lambda: second_front_office.post(path, json=data))
        codes = sorted(r.status_code for r in responses)
        outcomes.append(codes)
        if path.endswith("complete") and 200 in codes:
            acknowledged.append(task["id"])
    assert outcomes == [[200, 409]] * RACES
    report = invariants.check_all(acknowledged=acknowledged)
    assert report.violations == []
    assert report.cases == RACES and report.acknowledged == len(acknowledged) == RACES - RACES // 4
    # each completed race left one completion and one event for it; each claim race one claim
    assert sql("SELECT count(*) FROM events WHERE type = 'tugas_selesai'")[0][0] == len(acknowledged)
    assert sql("SELECT count(*) FROM events WHERE type = 'tugas_diklaim'")[0][0] == RACES // 4


def test_every_case_of_the_scenario_suite_is_consistent(app, api, clock):
    for path in scenario_suite.SCENARIOS:
        scenario_suite.test_scenario(api, clock, path)
    report = invariants.check_all()
    assert report.violations == []
    assert report.cases == len(scenario_suite.SCENARIOS)
    assert report.completions > 3 * len(scenario_suite.SCENARIOS)


def _referred_case(api):
    """A PKH case waiting for Kemensos's answer: an open task, an armed timer, several events."""
    case = approve_pkh_referral(api, intake(api))
    assert invariants.check_all().ok
    return case["id"]


def _violations(**kwargs):
    return "\n".join(invariants.check_all(**kwargs).violations)


def test_a_task_missing_from_the_task_index_is_reported(app, api):
    case_id = _referred_case(api)
    sql("UPDATE human_tasks SET status = 'dibatalkan' WHERE case_id = :c AND status = 'siap'", c=case_id)
    assert "open task" in _violations() and "in the state but not in the index" in _violations()


def test_a_task_open_in_the_index_but_done_in_the_state_is_reported(app, api):
    case_id = _referred_case(api)
    sql("UPDATE human_tasks SET status = 'siap' WHERE case_id = :c AND element_id = 'Task_BackOffice'", c=case_id)
    problems = _violations()
    assert "Task_BackOffice" in problems and "in the index but not in the state" in problems
    assert "is marked done" not in problems  # it is no longer marked done: the log completes it
    assert "was completed in the log but is not marked done" in problems


def test_a_lost_or_moved_timer_is_reported(app, api):
    case_id = _referred_case(api)
    (count,) = sql("SELECT count(*) FROM timers WHERE case_id = :c AND status = 'menunggu'", c=case_id)[0]
    assert count >= 1
    sql("UPDATE timers SET due_at = due_at + INTERVAL '1 day' WHERE case_id = :c" if db.engine.dialect.name ==
        "postgresql" else "UPDATE timers SET due_at = datetime(due_at, '+1 day') WHERE case_id = :c", c=case_id)
    assert "waiting timer" in _violations() and "state says" in _violations()
    sql("DELETE FROM timers WHERE case_id = :c", c=case_id)
    assert "waiting timer" in _violations() and "in the state but not in the index" in _violations()


def test_an_altered_or_missing_event_is_reported(app, api):
    case_id = _referred_case(api)
    with _event_log_writable():
        sql("UPDATE events SET data = '{}' WHERE case_id = :c AND seq = 2", c=case_id)
    assert "event 2: isi peristiwa tidak cocok" in _violations()
    with _event_log_writable():
        sql("DELETE FROM events WHERE case_id = :c AND seq = (SELECT max(seq) FROM events WHERE case_id = :c)",
            c=case_id)
    assert "akhir rantai tidak cocok" in _violations()


@contextmanager
def _event_log_writable():
    """Lift the append-only guard of the event log for one planted change (a tampering insider)."""
    postgres = db.engine.dialect.name == "postgresql"
    names = ("events_no_update",) if postgres else ("events_no_update", "events_no_delete")
    saved = [] if postgres else [row[0] for row in sql(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'events'")]
    for name in names:
        sql(f"ALTER TABLE events DISABLE TRIGGER {name}" if postgres else f"DROP TRIGGER {name}")
    try:
        yield
    finally:
        if postgres:
            sql("ALTER TABLE events ENABLE TRIGGER events_no_update")
        for statement in saved:
            sql(statement)


def test_a_case_row_that_disagrees_with_its_log_is_reported(app, api):
    case_id = _referred_case(api)
    sql("UPDATE cases SET status = 'selesai' WHERE id = :c", c=case_id)
    assert "status selesai but the workflow is terbuka" in _violations()
    sql("UPDATE cases SET status = 'terbuka', revision = revision + 1 WHERE id = :c", c=case_id)
    assert "revision" in _violations()


def test_an_acknowledged_completion_missing_from_the_log_is_reported(app, api):
    case_id = _referred_case(api)
    done = [row[0] for row in sql("SELECT id FROM human_tasks WHERE case_id = :c AND status = 'selesai'", c=case_id)]
    assert invariants.check_all(acknowledged=done).ok
    lost = "00000000-0000-4000-8000-000000000000"
    assert f"completion of task {lost} was acknowledged" in _violations(acknowledged=done + [lost])


def test_slrt_check_reports_a_consistent_database_and_fails_on_a_planted_fault(app, api):
    case_id = _referred_case(api)

    def check():
        return CliRunner().invoke(cli, ["check"], obj=ScriptInfo(create_app=lambda: app))

    clean = check()
    assert clean.exit_code == 0 and "1 kasus" in clean.output and "0 pelanggaran" in clean.output
    sql("DELETE FROM timers WHERE case_id = :c", c=case_id)
    broken = check()
    assert broken.exit_code == 1 and "waiting timer" in broken.output and "pelanggaran" in broken.output
