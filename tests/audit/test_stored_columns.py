"""A stored column that the events do not reproduce is reported, naming the case and the event.

Access control reads `cases.rahasia`, `aparat_desa` and `wilayah` and the task index's `wilayah`
and `role`; someone with database access who changes only one of them (raw SQL, every variable,
event and hash left alone) widens who sees a case. `slrt audit --all` replays every case and
compares these columns with what the events gave them; `slrt check` compares those set at intake.
"""

import pytest
from click.testing import CliRunner
from flask.cli import ScriptInfo

from engine.audit import verify
from tests.conftest import sql
from tests.journeys import TELAAH, act, approve_pkh_referral, intake, telaah
from web.cli import cli

OTHER_VILLAGE = "7471010001"  # Kota Kendari: moves the case into another district's inboxes


def _slrt(app, *args):
    return CliRunner().invoke(cli, list(args), obj=ScriptInfo(create_app=lambda: app))


def _audit_names(app, case, event, words):
    result = _slrt(app, "audit", "--all")
    assert result.exit_code == 1, result.output
    assert f"Kasus {case['ticket']} (id {case['id']}): pertama berbeda di peristiwa #{event}" in result.output
    assert f"peristiwa #{event}{words}" in result.output, result.output
    return result.output


@pytest.mark.parametrize("column, value", [("rahasia", False), ("aparat_desa", True), ("wilayah", OTHER_VILLAGE),
                                           ("kanal", "fasilitator")])
def test_a_changed_access_column_is_named_at_the_intake_event(app, api, column, value):
    case, untouched = intake(api), intake(api)
    approve_pkh_referral(api, case)
    assert verify.verify_all()["failed"] == []
    sql(f"UPDATE cases SET {column} = :value WHERE id = :id", value=value, id=case["id"])
    output = _audit_names(app, case, 1, f": kolom kasus '{column}' berbeda dengan peristiwa pembuatan")
    assert untouched["ticket"] not in output
    check = _slrt(app, "check")
    assert check.exit_code == 1
    assert (f"case {case['id']}: tiket {case['ticket']}, event 1: kolom kasus '{column}' berbeda dengan peristiwa "
            f"pembuatan") in check.output


@pytest.mark.parametrize("column, value", [("wilayah", OTHER_VILLAGE), ("role", "fasilitator")])
def test_a_changed_task_index_area_or_role_is_named_at_the_event_that_opened_it(app, api, column, value):
    case = intake(api)
    approve_pkh_referral(api, case)  # event 4 opened the program manager's task Pkh_Tanggapi
    sql(f"UPDATE human_tasks SET {column} = :value WHERE case_id = :id AND element_id = 'Pkh_Tanggapi'",
        value=value, id=case["id"])
    _audit_names(app, case, 4, f", tugas Pkh_Tanggapi: tugas {column} berbeda")


def test_closing_columns_and_profile_follow_the_events(app, api):
    case = intake(api, jenis_keluhan="pertanyaan", uraian="Kapan jadwal pencairan PKH tahap berikutnya?")
    act(api, "fo.cianjur", case["id"], TELAAH, telaah(jenis="pertanyaan", pokok_masalah="pencairan_dana"))
    closed = act(api, "fo.cianjur", case["id"], "Task_JawabPertanyaan", {"jawaban": "Pencairan pada bulan Desember."})
    assert closed["status"] == "selesai"
    assert verify.verify_all()["failed"] == []
    sql("UPDATE cases SET closed_at = NULL, tahap = 'Telaah', jenis_kelamin = 'L' WHERE id = :id", id=case["id"])
    output = _audit_names(app, case, 3, ": kolom kasus 'closed_at' berbeda")
    assert "peristiwa #3: kolom kasus 'tahap' berbeda" in output
    assert "peristiwa #3: kolom kasus 'jenis_kelamin' berbeda dengan data pelapor" in output
