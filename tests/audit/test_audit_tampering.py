"""Tampering with the record is found and named by event number; replay keeps each case's version.

The database refuses UPDATE and DELETE on the event log, so each test first does what an
attacker with database superuser rights would: drop (SQLite) or disable (PostgreSQL) the
trigger, change the rows, and put the trigger back.
"""

import json

import pytest
from sqlalchemy import select, text

from engine.domain.actor import SYSTEM
from engine.cases import timers
from engine.audit.eventlog import GENESIS, event_hash, hashed_fields
from engine.store.models import Event, db
from tests.conftest import sql
from tests.journeys import TELAAH, act, approve_pkh_referral, intake, telaah
from tests.people.test_api_admin import _diagram_files

SQLITE_TRIGGERS = {
    "events_no_update": "CREATE TRIGGER events_no_update BEFORE UPDATE ON events "
                        "BEGIN SELECT RAISE(ABORT, 'log peristiwa hanya boleh ditambah'); END",
    "events_no_delete": "CREATE TRIGGER events_no_delete BEFORE DELETE ON events "
                        "BEGIN SELECT RAISE(ABORT, 'log peristiwa hanya boleh ditambah'); END",
}


@pytest.fixture
def attacker(app):
    """attacker(statement, **params): run SQL on the event log with its append-only trigger switched off."""
    postgres = db.engine.dialect.name == "postgresql"

    def run(statement, **params):
        if postgres:
            sql("ALTER TABLE events DISABLE TRIGGER events_no_update")
        else:
            for name in SQLITE_TRIGGERS:
                sql(f"DROP TRIGGER {name}")
        try:
            return sql(statement, **params)
        finally:
            if postgres:
                sql("ALTER TABLE events ENABLE TRIGGER events_no_update")
            else:
                for create in SQLITE_TRIGGERS.values():
                    sql(create)

    return run


def _rehash(attacker, case_id):
    """What a careful attacker does after an edit: recompute every hash so the chain links up again."""
    prev = GENESIS
    rows = list(db.session.scalars(select(Event).where(Event.case_id == case_id).order_by(Event.seq)))
    db.session.commit()
    for event in rows:
        fields = hashed_fields(case_id=event.case_id, seq=event.seq, type=event.type, at=event.at, actor=event.actor,
                               diagram_version_id=event.diagram_version_id, task_id=event.task_id,
                               element_id=event.element_id, data=event.data, outcome=event.outcome)
        digest = event_hash(prev, fields)
        attacker("UPDATE events SET prev_hash = :prev, hash = :hash WHERE id = :id", prev=prev, hash=digest, id=event.id)
        prev = digest
    sql("UPDATE cases SET last_event_hash = :h, event_count = :n WHERE id = :id", h=prev, n=len(rows), id=case_id)


def _referred_case(api):
    """Four events: created, reviewed (2), back office (3), manager's approval (4)."""
    case = intake(api)
    approve_pkh_referral(api, case)
    return case["id"]


def _report(api, case_id):
    response = api("auditor.cianjur").post(f"/cases/{case_id}/replay")
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_the_database_refuses_to_change_or_delete_events(api):
    case_id = _referred_case(api)
    for statement in ("UPDATE events SET actor = 'x' WHERE case_id = :id", "DELETE FROM events WHERE case_id = :id"):
        with pytest.raises(Exception, match="hanya boleh ditambah"):
            db.session.execute(text(statement), {"id": case_id})
        db.session.rollback()
    assert _report(api, case_id)["ok"] is True


def test_an_untouched_case_verifies_and_every_event_records_its_outcome(api):
    case_id = _referred_case(api)
    report = _report(api, case_id)
    assert report["ok"] is True and report["events"] == report["replayed"] == 4
    assert report["first_divergence"] is None
    events = api("auditor.cianjur").get(f"/cases/{case_id}/events").get_json()
    assert [e["prev_hash"] for e in events[1:]] == [e["hash"] for e in events[:-1]]
    outcome = json.loads(sql("SELECT outcome FROM events WHERE case_id = :id AND seq = 2", id=case_id)[0][0])
    assert outcome["set"]["catatan_telaah"] == "Telah diperiksa di meja depan."
    assert [element for _id, element, _due in outcome["tasks_opened"]] == ["Task_BackOffice"]
    assert [how for _id, how in outcome["tasks_closed"]] == ["selesai"]


def test_editing_an_events_data_is_reported_at_that_event(api, attacker):
    case_id = _referred_case(api)
    attacker("UPDATE events SET data = replace(data, 'meja depan', 'rumah warga') WHERE case_id = :id AND seq = 2",
             id=case_id)
    report = _report(api, case_id)
    assert report["ok"] is False
    assert [p["event"] for p in report["chain"]] == [2]  # its own content no longer matches its hash
    assert report["first_divergence"]["event"] == 2
    (found,) = [p for p in report["replay"] if "catatan_telaah" in p["problem"]]
    assert found["event"] == 2 and "meja depan" in found["expected"] and "rumah warga" in found["found"]


def test_an_edit_with_every_hash_recomputed_is_still_caught_by_the_replay(api, attacker):
    case_id = _referred_case(api)
    attacker("UPDATE events SET data = replace(data, 'meja depan', 'rumah warga') WHERE case_id = :id AND seq = 2",
             id=case_id)
    _rehash(attacker, case_id)
    report = _report(api, case_id)
    assert report["chain"] == [] and report["ok"] is False
    assert report["first_divergence"]["event"] == 2 and report["replayed"] == 1
    assert "catatan_telaah" in report["first_divergence"]["problem"]


def test_deleting_an_event_is_reported_with_its_number(api, attacker):
    case_id = _referred_case(api)
    attacker("DELETE FROM events WHERE case_id = :id AND seq = 3", id=case_id)
    report = _report(api, case_id)
    assert report["ok"] is False
    assert report["chain"][0]["event"] == 3 and "3 hilang" in report["chain"][0]["problem"]
    assert report["first_divergence"]["event"] == 3
    # the replay cannot complete the manager's task either: the back office never acted
    assert report["replay"][0]["event"] == 4 and report["replay"][0]["task"] == "Pkh_Setujui"


def test_reordering_two_events_is_reported_at_the_first_of_them(api, attacker):
    case_id = _referred_case(api)
    swap = ("UPDATE events SET seq = CASE seq WHEN 2 THEN 3 ELSE 2 END WHERE case_id = :id AND seq IN (2, 3)")
    attacker("UPDATE events SET seq = -seq WHERE case_id = :id AND seq IN (2, 3)", id=case_id)
    attacker(swap.replace("seq IN (2, 3)", "seq IN (-2, -3)").replace("WHEN 2 THEN 3 ELSE 2", "WHEN -2 THEN 3 ELSE 2"),
             id=case_id)
    report = _report(api, case_id)
    assert report["ok"] is False and report["first_divergence"]["event"] == 2
    assert {p["event"] for p in report["chain"]} >= {2, 3}
    _rehash(attacker, case_id)  # even with the chain made whole again, the order cannot be replayed
    report = _report(api, case_id)
    assert report["chain"] == []
    assert report["first_divergence"]["event"] == 2 and report["first_divergence"]["task"] == "Task_BackOffice"


def test_editing_the_stored_case_is_reported_at_the_event_that_set_the_value(api):
    case_id = _referred_case(api)
    sql("UPDATE cases SET data = replace(data, '\"Telah diperiksa di meja depan.\"', '\"Tidak diperiksa.\"') "
        "WHERE id = :id", id=case_id)
    report = _report(api, case_id)
    assert report["chain"] == [] and report["ok"] is False
    (found,) = report["replay"]
    assert found["event"] == 2 and "catatan_telaah" in found["problem"]
    assert found["expected"] == '"Telah diperiksa di meja depan."' and found["found"] == '"Tidak diperiksa."'


def test_editing_a_tasks_due_time_or_the_serialized_workflow_is_reported(api):
    case_id = _referred_case(api)
    sql("UPDATE human_tasks SET due_at = :due WHERE case_id = :id AND element_id = 'Pkh_Tanggapi'",
        due="2030-01-01 00:00:00", id=case_id)
    (found,) = _report(api, case_id)["replay"]
    assert found["event"] == 4 and found["task"] == "Pkh_Tanggapi" and "due" in found["problem"]
    assert found["found"].startswith("2030-01-01")
    sql("UPDATE human_tasks SET due_at = NULL WHERE case_id = :id AND element_id = 'Pkh_Tanggapi'", id=case_id)
    sql("UPDATE cases SET state = replace(state, '\"setuju\"', '\"tolak\"') WHERE id = :id", id=case_id)
    problems = [p for p in _report(api, case_id)["replay"] if "keadaan alur kerja" in p["problem"]]
    assert problems and problems[0]["event"] == 4 and "keputusan_manajer" in problems[0]["problem"]


def test_fired_timers_replay_at_the_time_they_fired(api, clock):
    case = intake(api)
    approve_pkh_referral(api, case)
    clock.advance(days=15)  # past the answer's deadline (and any reminder before it)
    assert timers.sweep(clock.now, SYSTEM) >= 1
    events = api("auditor.cianjur").get(f"/cases/{case['id']}/events").get_json()
    assert events[-1]["type"] == "timer_terpicu" and "Pkh_Terlambat" in events[-1]["data"]["timer"]
    report = _report(api, case["id"])
    assert report["ok"] is True and report["replayed"] == len(events) >= 5
    before = api("auditor.cianjur").post(f"/cases/{case['id']}/replay?sampai=4").get_json()["state"]
    assert "Pkh_Terlambat" in [t["element_id"] for t in before["timers"]]
    after = api("auditor.cianjur").post(f"/cases/{case['id']}/replay?sampai={len(events)}").get_json()["state"]
    assert "Pkh_Terlambat" not in [t["element_id"] for t in after["timers"]] and after["type"] == "timer_terpicu"


def test_replay_uses_the_version_the_case_ran_on_after_a_newer_one_is_published(api):
    old_case = intake(api)
    act(api, "fo.cianjur", old_case["id"], TELAAH, telaah())
    relabelled = _diagram_files(lambda name, text: text.replace(
        'name="Tangani keluhan di back office"', 'name="Back office (versi 2)"'))
    draft = api("analis.cianjur").post("/workflows", json={"process_id": "keluhan", "files": relabelled}).get_json()
    assert api("analis.cianjur").post(f"/workflows/{draft['id']}/publish").status_code == 200
    new_case = intake(api)
    act(api, "fo.cianjur", new_case["id"], TELAAH, telaah())
    auditor = api("auditor.cianjur")
    old = auditor.post(f"/cases/{old_case['id']}/replay?sampai=2").get_json()
    new = auditor.post(f"/cases/{new_case['id']}/replay?sampai=2").get_json()
    assert old["diagram_version_id"] != new["diagram_version_id"] == draft["id"]
    assert [t["name"] for t in old["state"]["open_tasks"]] == ["Tangani keluhan di back office"]
    assert [t["name"] for t in new["state"]["open_tasks"]] == ["Back office (versi 2)"]
    assert auditor.post(f"/cases/{old_case['id']}/replay").get_json()["ok"] is True
    assert auditor.post(f"/cases/{new_case['id']}/replay").get_json()["ok"] is True


def test_replay_as_of_an_event_is_refused_to_officers_without_audit_rights_and_checks_its_input(api):
    case_id = _referred_case(api)
    assert api("bo.sosial").post(f"/cases/{case_id}/replay?sampai=2").status_code == 403
    assert api("auditor.cianjur").post(f"/cases/{case_id}/replay?sampai=dua").status_code == 422
    state = api("auditor.cianjur").post(f"/cases/{case_id}/replay?sampai=1").get_json()["state"]
    assert state["seq"] == 1 and state["variables"]["pelapor"]["nama"] == "S***"  # confidential: masked


def test_events_written_before_outcomes_were_recorded_still_replay(api, attacker):
    """A database upgraded from before outcomes existed: tasks are bound to their events by element id."""
    case_id = _referred_case(api)
    attacker("UPDATE events SET outcome = NULL WHERE case_id = :id", id=case_id)
    _rehash(attacker, case_id)  # what those events' hashes covered: no outcome
    report = _report(api, case_id)
    assert report["ok"] is True, (report["chain"], report["replay"])
    sql("UPDATE cases SET data = replace(data, '\"setuju\"', '\"tolak\"') WHERE id = :id", id=case_id)
    assert _report(api, case_id)["first_divergence"]["event"] == 4


def test_the_openapi_document_describes_the_replay_report_and_the_as_of_parameter(api):
    doc = api().get("/openapi.json").get_json()
    operation = doc["paths"]["/api/v1/cases/{key}/replay"]["post"]
    assert [p["name"] for p in operation["parameters"]] == ["key", "sampai"]
    assert set(operation["responses"]) == {"200", "400", "401", "403", "404", "422"}
    report = doc["components"]["schemas"]["ReplayReport"]["properties"]
    assert {"first_divergence", "state", "replayed", "chain", "replay"} <= set(report)
    problem = doc["components"]["schemas"]["ReplayProblem"]["properties"]
    assert {"event", "task", "problem", "expected", "found"} <= set(problem)
