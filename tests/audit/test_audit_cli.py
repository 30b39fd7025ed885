"""`slrt audit`: the chain check and replay of one case or of every case, from the command line."""

import json

from click.testing import CliRunner
from flask.cli import ScriptInfo

from tests.audit.test_audit_tampering import SQLITE_TRIGGERS, _rehash
from tests.conftest import sql
from tests.journeys import TELAAH, act, intake, telaah
from web.cli import cli


def _slrt(app, *args):
    return CliRunner().invoke(cli, list(args), obj=ScriptInfo(create_app=lambda: app))


def _audit(app, *args):
    return _slrt(app, "audit", *args)


def _without_log_trigger(statement, **params):
    """Run SQL on the event log with its append-only trigger off, as someone with database rights can."""
    from engine.store.models import db

    postgres = db.engine.dialect.name == "postgresql"
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


def test_audit_of_every_case_summarises_and_names_the_broken_one(app, api):
    intact, broken = intake(api), intake(api)
    for case in (intact, broken):
        act(api, "fo.cianjur", case["id"], TELAAH, telaah())
    sql("UPDATE cases SET data = replace(data, '\"PKH\"', '\"BPNT\"') WHERE id = :id", id=broken["id"])
    result = _audit(app, "--all")
    assert result.exit_code == 1, result.output
    assert "2 kasus diperiksa" in result.output and "1 utuh, 1 bermasalah" in result.output
    assert f"Kasus {broken['ticket']} (id {broken['id']}): pertama berbeda di peristiwa #1" in result.output
    assert intact["ticket"] not in result.output


def test_audit_of_one_case_prints_its_state_as_of_an_event(app, api):
    case = intake(api)
    act(api, "fo.cianjur", case["id"], TELAAH, telaah())
    result = _audit(app, case["ticket"])
    assert result.exit_code == 0, result.output
    assert "2 peristiwa, 2 diputar ulang" in result.output and result.output.strip().endswith("UTUH")
    result = _audit(app, str(case["id"]), "--sampai", "1")
    assert result.exit_code == 0, result.output
    assert "Keadaan setelah peristiwa #1 (kasus_dibuat" in result.output
    assert "tugas terbuka: Telaah dan analisis keluhan (Task_Telaah)" in result.output
    assert _audit(app).exit_code == 2  # neither a case nor --all


def test_audit_of_every_case_in_two_processes_names_the_changed_and_the_deleted_case(app, api, store):
    cases = [intake(api) for _ in range(5)]
    assert _slrt(app, "checkpoint").exit_code == 0
    changed, deleted = cases[1], cases[3]
    sql("UPDATE cases SET rahasia = :no WHERE id = :id", no=False, id=changed["id"])
    for table in ("timers", "human_tasks", "intake_keys", "case_search_keys"):
        sql(f"DELETE FROM {table} WHERE case_id = :id", id=deleted["id"])
    sql("UPDATE antrian SET case_id = NULL WHERE case_id = :id", id=deleted["id"])
    _without_log_trigger(f"DELETE FROM events WHERE case_id = {deleted['id']}")
    sql("DELETE FROM cases WHERE id = :id", id=deleted["id"])
    for how in (["--proses", "2"], ["--ulang"]):
        result = _audit(app, "--all", *how)
        assert result.exit_code == 1, result.output
        assert "4 kasus diperiksa" in result.output and "3 utuh, 2 bermasalah" in result.output
        assert (f"Kasus {changed['ticket']} (id {changed['id']}): pertama berbeda di peristiwa #1" in result.output
                and "peristiwa #1: kolom kasus 'rahasia' berbeda dengan peristiwa pembuatan" in result.output)
        assert (f"Kasus {deleted['ticket']} (id {deleted['id']}): pertama berbeda di peristiwa #1" in result.output
                and "kasus beserta 1 peristiwanya hilang; tercatat di titik jangkar #1" in result.output)
        assert cases[0]["ticket"] not in result.output and cases[4]["ticket"] not in result.output
    assert _audit(app, cases[0]["ticket"], "--ulang").exit_code == 2  # one case is always replayed


def test_an_outcome_the_diagram_does_not_give_is_found_by_the_replay_not_by_the_fold(app, api):
    """The fold trusts each event's recorded outcome (anchored by the checkpoints): an outcome rewritten
    together with the stored case, its chain recomputed and no checkpoint to hold it to, is found only
    when every case is run through its diagram again (--ulang)."""
    case = intake(api)
    act(api, "fo.cianjur", case["id"], TELAAH, telaah())
    (outcome,) = sql("SELECT outcome FROM events WHERE case_id = :id AND seq = 1", id=case["id"])[0]
    forged = json.loads(outcome)
    forged["set"]["proses_sop"] = "sop_bpnt"
    _without_log_trigger(f"UPDATE events SET outcome = '{json.dumps(forged)}' WHERE case_id = {case['id']} AND seq = 1")
    data = json.loads(sql("SELECT data FROM cases WHERE id = :id", id=case["id"])[0][0])
    sql("UPDATE cases SET data = :data WHERE id = :id", data=json.dumps(dict(data, proses_sop="sop_bpnt")), id=case["id"])
    _rehash(_without_log_trigger, case["id"])
    fold = _audit(app, "--all")
    assert fold.exit_code == 0, fold.output
    assert "1 kasus diperiksa" in fold.output and "hasil tercatat tiap peristiwa dilipat" in fold.output
    replay = _audit(app, "--all", "--ulang")
    assert replay.exit_code == 1, replay.output
    assert f"Kasus {case['ticket']} (id {case['id']}): pertama berbeda di peristiwa #1" in replay.output
    assert "peristiwa #1: data 'proses_sop' berbeda" in replay.output
