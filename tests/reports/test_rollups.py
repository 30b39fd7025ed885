"""The dashboards' summary rows, kept on the write path, on SQLite and PostgreSQL: after the known
complaints of tests/reports/test_dashboards.py were worked through the API, the rows equal those derived
from scratch from the cases and tasks, and every dashboard table read from them equals the same
table computed from the cases and tasks directly."""

from datetime import timedelta

from sqlalchemy import delete

from engine.reports import figures
from engine.reports import rollups
from engine.store.models import db
from engine.store.rollup_table import ROLLUPS
from tests.reports.test_dashboards import DISTRICT, NATIONAL, PROVINCE, WIB
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


def test_dashboards_from_the_rollups_equal_the_dashboards_from_the_cases_and_tasks(known_cases):
    scopes = [(DISTRICT, {}), (PROVINCE, {}), (NATIONAL, {}), (DISTRICT, {"wilayah": "3203012001"}),
              (DISTRICT, {"dari": "2026-11", "sampai": "2026-11"})]
    summed = [_tables(actor, known_cases, **kwargs) for actor, kwargs in scopes]
    # without the row that says which UTC offset the months were counted in, the dashboards read
    # the cases and tasks themselves
    db.session.execute(delete(ROLLUPS).where(ROLLUPS.c.jenis == "zona"))
    assert not rollups.counted_in(WIB)
    direct = [_tables(actor, known_cases, **kwargs) for actor, kwargs in scopes]
    db.session.rollback()
    for (actor, kwargs), (tables, headline), (expected_tables, expected_headline) in zip(scopes, summed, direct):
        assert headline == expected_headline, (actor.username, kwargs)
        for key, table in expected_tables.items():
            assert tables[key] == table, (actor.username, kwargs, key)
    assert dict(summed[0][1][i][:2] for i in range(3)) == {"Pengaduan diterima": 9, "Selesai": 6,
                                                           "Masih diproses": 3}


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
    assert after.tables()["kanal"].column("Diterima")["sekretariat"] == before["sekretariat"] + 1
    connection = db.session.connection()
    assert rollups.stored(connection) == rollups.computed_from_scratch(connection, WIB)
