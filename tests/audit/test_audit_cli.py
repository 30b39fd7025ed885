"""`slrt audit`: the chain check and replay of one case or of every case, from the command line."""

from click.testing import CliRunner
from flask.cli import ScriptInfo

from tests.conftest import sql
from tests.journeys import TELAAH, act, intake, telaah
from web.cli import cli


def _audit(app, *args):
    return CliRunner().invoke(cli, ["audit", *args], obj=ScriptInfo(create_app=lambda: app))


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
