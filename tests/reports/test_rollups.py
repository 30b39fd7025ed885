"""The dashboards' summary rows, kept on the write path, on SQLite and PostgreSQL: after the known
complaints of tests/reports/test_dashboards.py were worked through the API, the rows equal those derived
from scratch from the cases and tasks; rows counted in another UTC offset are refused with the
command that recounts them, after which every dashboard table is the same again."""

from datetime import timedelta

import pytest
from click.testing import CliRunner
from flask.cli import ScriptInfo
from sqlalchemy import delete, update

from engine.errors import Unavailable

from engine.reports import figures
from engine.reports import rollups
from engine.store.models import db
from engine.store.rollup_table import ROLLUPS
from tests.reports.test_dashboards import DISTRICT, NATIONAL, PROVINCE, WIB, _client
from web.cli import cli
from tests.journeys import intake


def _tables(actor, now, **kwargs):
    board = figures.dashboard(actor, figures.resolve_scope(actor, now, WIB, **kwargs), now)
    return {key: (table.columns, table.rows) for key, table in board.tables().items()}, board.headline


def test_rollups_kept_through_the_api_equal_the_rollups_derived_from_scratch(known_cases):
    connection = db.session.connection()
    kept = rollups.stored(connection)
    assert kept == rollups.computed_from_scratch(connection, WIB)
    kinds = {key[0].split(":")[0] for key in kept}
    assert kinds == {"diterima", "pelapor", "selesai", "tugas_selesai", "rujukan", "jawaban", "banding"}
    # nationwide (area ""): nine Cianjur complaints and one in Kendari, six of them closed; each
    # counted again for its village, kecamatan, kabupaten and province
    for jenis, expected in (("diterima", 10), ("selesai", 6)):
        for digits in (0, 2, 4, 6, 10):
            assert sum(n for key, (n, _ok) in kept.items() if key[0] == jenis and len(key[2]) == digits) == expected
    assert rollups.counted_in(WIB) and not rollups.counted_in(WIB + 1)


def _count_in(offset):
    db.session.execute(update(ROLLUPS).where(ROLLUPS.c.jenis == "zona").values(n=offset))
    db.session.commit()


def test_rows_counted_in_another_utc_offset_are_refused_until_rebuilt_then_give_the_same_figures(
        app, known_cases):
    scopes = [(DISTRICT, {}), (PROVINCE, {}), (NATIONAL, {}), (DISTRICT, {"wilayah": "3203012001"}),
              (DISTRICT, {"dari": "2026-11", "sampai": "2026-11"})]
    before = [_tables(actor, known_cases, **kwargs) for actor, kwargs in scopes]
    assert dict(before[0][1][i][:2] for i in range(3)) == {"Pengaduan diterima": 9, "Selesai": 6,
                                                           "Masih diproses": 3}
    _count_in(WIB + 1)  # as after sla.utc_offset_jam was changed from UTC+8 to UTC+7
    try:
        with pytest.raises(Unavailable) as refused:
            _tables(DISTRICT, known_cases)
        assert "slrt rebuild-dashboards" in refused.value.message
        page = _client(app, "manajer.cianjur").get("/dasbor")
        assert page.status_code == 503 and "slrt rebuild-dashboards" in page.get_data(as_text=True)
        db.session.rollback()
        with app.app_context():
            result = CliRunner().invoke(cli, ["rebuild-dashboards"], obj=ScriptInfo(create_app=lambda: app))
        assert result.exit_code == 0 and "Ringkasan dasbor dihitung ulang" in result.output, result.output
        db.session.rollback()
        assert rollups.counted_in(WIB)
        assert [_tables(actor, known_cases, **kwargs) for actor, kwargs in scopes] == before
    finally:
        db.session.rollback()
        if not rollups.counted_in(WIB):
            _count_in(WIB)


def test_upgrade_recounts_only_rows_counted_in_another_offset(known_cases):
    connection = db.session.connection()
    kept = rollups.stored(connection)
    assert rollups.rebuild_if_stale(connection) is None  # current: left as they are
    connection.execute(update(ROLLUPS).where(ROLLUPS.c.jenis == "zona").values(n=WIB - 1))
    connection.execute(delete(ROLLUPS).where(ROLLUPS.c.jenis == "diterima"))
    assert rollups.rebuild_if_stale(connection) > 0
    assert rollups.stored(connection) == kept and rollups.counted_in(WIB)
    db.session.rollback()


def test_a_rebuild_gives_the_same_rows_and_a_new_case_counts_at_once(api, known_cases, clock):
    connection = db.session.connection()
    kept = rollups.stored(connection)
    rollups.rebuild(connection, WIB)
    assert rollups.stored(connection) == kept and rollups.counted_in(WIB)
    db.session.commit()
    before = dict(figures.dashboard(DISTRICT, figures.resolve_scope(DISTRICT, known_cases, WIB), known_cases)
                  .tables()["kanal"].column("Diterima"))
    clock.now = known_cases + timedelta(minutes=5)
    intake(api)
    db.session.rollback()  # a fresh transaction sees the new case
    after = figures.dashboard(DISTRICT, figures.resolve_scope(DISTRICT, clock.now, WIB), clock.now)
    assert after.tables()["kanal"].column("Diterima")["Sekretariat SLRT"] == before["Sekretariat SLRT"] + 1
    connection = db.session.connection()
    assert rollups.stored(connection) == rollups.computed_from_scratch(connection, WIB)
