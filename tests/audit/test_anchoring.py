"""Signed checkpoints outside the database: tampering by someone with database access is caught.

Each tamper test does what an attacker with the database's superuser rights would: switch off
the event log's append-only trigger (drop it on SQLite, disable it on PostgreSQL), change the rows
with raw SQL, recompute every hash so the chain links up again, and put the trigger back. Without
the checkpoint the chain and the replay are satisfied; held against the checkpoint, `slrt audit
--all` and `slrt check` name the case's ticket and the event.
"""

import hashlib
import json
import os
import stat

from click.testing import CliRunner
from flask.cli import ScriptInfo

from engine.audit import verify
from tests.audit.test_audit_tampering import _rehash, attacker  # noqa: F401 - the attacker fixture
from tests.conftest import sql
from tests.journeys import approve_pkh_referral, intake
from web.cli import cli


def _slrt(app, *args):
    return CliRunner().invoke(cli, list(args), obj=ScriptInfo(create_app=lambda: app))


def _referred(api):
    """A case with four events: created, reviewed (2), back office (3), manager's approval (4)."""
    case = intake(api)
    approve_pkh_referral(api, case)
    return case


def _caught(app, case, event, words, first=True):
    """`slrt audit --all` and `slrt check` both fail, naming the ticket and the event (as the first
    divergence unless the replay also found an earlier one)."""
    audit = _slrt(app, "audit", "--all")
    assert audit.exit_code == 1, audit.output
    assert f"Kasus {case['ticket']} (id {case['id']}): pertama berbeda di peristiwa #{event if first else ''}" \
        in audit.output
    assert f"peristiwa #{event}: {words}" in audit.output
    check = _slrt(app, "check")
    assert check.exit_code == 1, check.output
    assert f"case {case['id']}: tiket {case['ticket']}, event {event}: {words}" in check.output
    return audit.output


def test_checkpoint_is_signed_chained_to_the_last_and_printable(app, api, store):
    first, second = _referred(api), intake(api)
    result = _slrt(app, "checkpoint")
    assert result.exit_code == 0, result.output
    assert "Titik jangkar #1" in result.output and "kasus: 2, peristiwa: 5" in result.output
    assert stat.S_IMODE(os.stat(store.key_file).st_mode) == 0o600
    approve_pkh_referral(api, second)
    result = _slrt(app, "checkpoint")
    assert "Titik jangkar #2" in result.output and "kasus: 2, peristiwa: 8" in result.output
    lines = store.file.read_text(encoding="utf-8").splitlines()
    shown = _slrt(app, "checkpoint", "--lihat")  # print the last one without writing another
    assert shown.exit_code == 0 and "Titik jangkar #2" in shown.output
    assert store.file.read_text(encoding="utf-8").splitlines() == lines
    assert json.loads(lines[1])["sebelumnya"] == hashlib.sha256(lines[0].encode()).hexdigest()
    assert list(json.loads(lines[1])["perubahan"]) == [str(second["id"])]  # only the head that moved
    audit = _slrt(app, "audit", "--all")
    assert audit.exit_code == 0, audit.output
    assert "Diperiksa terhadap titik jangkar #2" in audit.output and "2 utuh, 0 bermasalah" in audit.output
    assert first["ticket"] not in audit.output
    # a checkpoint edited in the file no longer carries a valid signature
    store.file.write_text(lines[0] + "\n" + lines[1].replace('"peristiwa":8', '"peristiwa":7') + "\n", encoding="utf-8")
    audit = _slrt(app, "audit", "--all")
    assert audit.exit_code == 1 and "Titik jangkar #2: tanda tangan titik jangkar #2 tidak sah" in audit.output


def test_a_key_others_may_read_is_refused(app, api, store):
    intake(api)
    store.key_file.parent.mkdir(parents=True)
    store.key_file.write_text("k" * 64)
    os.chmod(store.key_file, 0o644)
    result = _slrt(app, "checkpoint")
    assert result.exit_code == 1 and "dapat dibaca pengguna lain; jalankan chmod 600" in result.output


def test_changed_actor_with_recomputed_chain_is_caught_at_that_event(app, api, store, attacker):  # noqa: F811
    case = _referred(api)
    assert _slrt(app, "checkpoint").exit_code == 0
    # event 3 is the back office's: make it another officer's, in the event and in the task index
    attacker("UPDATE events SET actor = 'bo.pendidikan' WHERE case_id = :id AND seq = 3", id=case["id"])
    sql("UPDATE human_tasks SET completed_by = (SELECT id FROM users WHERE username = 'bo.pendidikan') "
        "WHERE case_id = :id AND element_id = 'Task_BackOffice'", id=case["id"])
    _rehash(attacker, case["id"])
    assert verify.verify_all()["failed"] == []  # the chain and the replay alone are satisfied
    output = _caught(app, case, 3, "peristiwa ditulis ulang: hash berbeda dengan titik jangkar #1")
    assert "Titik jangkar:" in output
    report = api("auditor.cianjur").post(f"/cases/{case['id']}/replay").get_json()  # the auditor's one-case check
    assert report["ok"] is False and report["chain"] == [] and report["replay"] == []
    assert [(p["event"], p["problem"]) for p in report["anchor"]] == [
        (3, "peristiwa ditulis ulang: hash berbeda dengan titik jangkar #1")]


def test_a_deleted_event_in_the_middle_is_caught_where_the_chain_was_cut(app, api, store, attacker):  # noqa: F811
    case = _referred(api)
    intact = intake(api)
    assert _slrt(app, "checkpoint").exit_code == 0
    attacker("DELETE FROM events WHERE case_id = :id AND seq = 2", id=case["id"])
    attacker("UPDATE events SET seq = seq - 1 WHERE case_id = :id AND seq > 2", id=case["id"])
    _rehash(attacker, case["id"])
    output = _caught(app, case, 2, "peristiwa ditulis ulang: hash berbeda dengan titik jangkar #1")
    assert intact["ticket"] not in output


def test_deleted_last_events_are_named(app, api, store, attacker):  # noqa: F811
    case = _referred(api)
    assert _slrt(app, "checkpoint").exit_code == 0
    attacker("DELETE FROM events WHERE case_id = :id AND seq >= 3", id=case["id"])
    _rehash(attacker, case["id"])
    # the stored state still shows four events, so the replay objects too; the checkpoint names the lost ones
    _caught(app, case, 3, "peristiwa nomor 3, 4 hilang; tercatat di titik jangkar #1", first=False)


def test_a_case_deleted_with_all_its_rows_is_named_by_its_ticket(app, api, store, attacker):  # noqa: F811
    case, other = _referred(api), intake(api)
    assert _slrt(app, "checkpoint").exit_code == 0
    for table in ("outbox", "timers", "human_tasks", "intake_keys", "case_search_keys"):
        sql(f"DELETE FROM {table} WHERE case_id = :id", id=case["id"])
    sql("UPDATE antrian SET case_id = NULL WHERE case_id = :id", id=case["id"])
    attacker("DELETE FROM events WHERE case_id = :id", id=case["id"])
    sql("DELETE FROM cases WHERE id = :id", id=case["id"])
    assert verify.verify_all()["failed"] == []
    output = _caught(app, case, 1, "kasus beserta 4 peristiwanya hilang; tercatat di titik jangkar #1")
    assert other["ticket"] not in output


def test_a_later_checkpoint_keeps_the_anchored_head_of_a_tampered_case(app, api, store, attacker):  # noqa: F811
    case = _referred(api)
    assert _slrt(app, "checkpoint").exit_code == 0
    attacker("UPDATE events SET actor = 'manajer.kendari' WHERE case_id = :id AND seq = 4", id=case["id"])
    _rehash(attacker, case["id"])
    result = _slrt(app, "checkpoint")  # what the scheduler would write next
    assert result.exit_code == 1, result.output
    assert f"tidak diperbarui (rantai tidak lagi melanjutkan titik jangkar): kasus [{case['id']}]" in result.output
    _caught(app, case, 4, "peristiwa ditulis ulang: hash berbeda dengan titik jangkar #2")
