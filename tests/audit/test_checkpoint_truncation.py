"""Cutting the checkpoint file's tail is caught: the database's audit journal (rows chained by hash and
signed with the checkpoint key) records every checkpoint written, so `slrt audit --all` and `slrt check`
say the file is shorter than the database says and name the missing checkpoints; a changed journal row
is caught too. Raw truncation of the file, on SQLite and PostgreSQL."""

import os

from click.testing import CliRunner
from flask.cli import ScriptInfo

from engine.audit import checkpoint
from tests.conftest import sql
from tests.journeys import intake
from web.cli import cli

SHORTER = "berkas titik jangkar lebih pendek daripada yang dicatat basis data"


def _slrt(app, *args):
    return CliRunner().invoke(cli, list(args), obj=ScriptInfo(create_app=lambda: app))


def _three_checkpoints(app, api, store):
    for _ in range(3):
        intake(api)
        assert _slrt(app, "checkpoint").exit_code == 0
    return store.file.read_bytes()


def _cut_to(store, content, lines):
    """Truncate the file in place after its first `lines` lines (raw bytes, as `truncate -s` would)."""
    keep = sum(len(line) + 1 for line in content.split(b"\n")[:lines])
    os.truncate(store.file, keep)


def test_an_intact_file_agrees_with_the_database(app, api, store):
    _three_checkpoints(app, api, store)
    audit = _slrt(app, "audit", "--all")
    assert audit.exit_code == 0, audit.output
    assert "Diperiksa terhadap titik jangkar #3" in audit.output and SHORTER not in audit.output
    assert _slrt(app, "check").exit_code == 0


def test_a_cut_last_checkpoint_is_named_by_audit_and_check(app, api, store):
    content = _three_checkpoints(app, api, store)
    _cut_to(store, content, 2)
    assert checkpoint.read(store).problems == []  # the file alone still verifies
    audit = _slrt(app, "audit", "--all")
    assert audit.exit_code == 1, audit.output
    assert (f"Titik jangkar #3: {SHORTER}: berkas berakhir di #2, basis data mencatat sampai #3; "
            "titik jangkar #3 hilang dari berkas") in audit.output
    check = _slrt(app, "check")
    assert check.exit_code == 1 and f"Titik jangkar #3: {SHORTER}" in check.output
    refused = _slrt(app, "checkpoint")  # nothing is appended over the gap
    assert refused.exit_code == 1 and SHORTER in refused.output
    assert store.file.read_bytes() == content[:len(store.file.read_bytes())]


def test_a_file_cut_to_its_first_line_or_removed_names_every_missing_checkpoint(app, api, store):
    content = _three_checkpoints(app, api, store)
    _cut_to(store, content, 1)
    assert "titik jangkar #2–#3 hilang dari berkas" in _slrt(app, "audit", "--all").output
    os.truncate(store.file, 0)
    audit = _slrt(app, "audit", "--all")
    assert audit.exit_code == 1 and "berkas berakhir di #0, basis data mencatat sampai #3" in audit.output
    store.file.unlink()
    assert "titik jangkar #1–#3 hilang dari berkas" in _slrt(app, "check").output


def test_a_rewritten_journal_row_is_caught(app, api, store):
    _three_checkpoints(app, api, store)
    sql("UPDATE audit_journal SET data = replace(data, :three, :two) WHERE seq = 3", three='"nomor":3', two='"nomor":2')
    audit = _slrt(app, "audit", "--all")
    assert audit.exit_code == 1 and "jurnal audit: baris #3 diubah atau tidak tersambung" in audit.output
    sql("DELETE FROM audit_journal WHERE seq = 2")
    assert "jurnal audit: baris nomor 2 hilang" in _slrt(app, "check").output
