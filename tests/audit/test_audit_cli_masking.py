"""`slrt audit --all` masks the complainant's identity (NIK, KK, name, phone, address) in what it prints, as
every other view does; `--tanpa-samaran` shows it, and that use is first recorded in the audit journal
(chained, signed) with the operator's name."""

import json

from click.testing import CliRunner
from flask.cli import ScriptInfo
from sqlalchemy import select

from engine.audit import journal
from engine.store.models import AuditJournal, db
from tests.conftest import sql
from tests.journeys import TELAAH, act, intake, telaah
from web.cli import cli

NAME, PHONE, ADDRESS, NIK = "Siti Aminah", "081234567890", "Kp. Babakan RT 01", "3203014506850001"


def _audit(app, *args):
    return CliRunner().invoke(cli, ["audit", *args], obj=ScriptInfo(create_app=lambda: app))


def _tampered(api):
    """A case whose stored complainant no longer matches its events (the report then quotes the record)."""
    case = intake(api)
    act(api, "fo.cianjur", case["id"], TELAAH, telaah())
    sql("UPDATE cases SET data = replace(data, :old, :new) WHERE id = :id", old=NAME, new="Siti Aminah Z", id=case["id"])
    return case


def test_every_case_audit_prints_no_identity_by_default(app, api, store):
    case = _tampered(api)
    for args in (("--all",), ("--all", "--ulang")):
        result = _audit(app, *args)
        assert result.exit_code == 1, result.output
        assert f"Kasus {case['ticket']} (id {case['id']})" in result.output
        for value in (NAME, PHONE, ADDRESS, NIK):
            assert value not in result.output, (args, value)
        assert "S***" in result.output
    assert db.session.scalar(select(AuditJournal).where(AuditJournal.kind == journal.UNMASKED)) is None


def test_an_operator_may_see_identity_and_the_use_is_recorded_first(app, api, store):
    _tampered(api)
    result = _audit(app, "--all", "--tanpa-samaran")
    assert result.exit_code == 1, result.output
    assert NAME in result.output
    (row,) = db.session.scalars(select(AuditJournal).where(AuditJournal.kind == journal.UNMASKED))
    assert row.actor.startswith("operator ") and json.loads(row.data)["perintah"] == "slrt audit --all --tanpa-samaran"
    assert (f"PERHATIAN: identitas pelapor ditampilkan tanpa samaran; penggunaan ini dicatat di jurnal audit "
            f"#{row.seq}") in result.output
    assert journal.chain_problems(journal.rows(), store.key_file.read_text().strip().encode()) == []
    again = _audit(app, "--all")  # the journal row itself is sound: only the case is reported, masked again
    assert again.exit_code == 1 and "jurnal audit:" not in again.output and NAME not in again.output


def test_unmasking_is_only_for_every_case(app, api, store):
    case = intake(api)
    refused = _audit(app, case["ticket"], "--tanpa-samaran")
    assert refused.exit_code == 2 and "--tanpa-samaran hanya untuk --all" in refused.output
