"""A month is the district's own month (issue 17.6, gap c): a complaint filed in Kendari (WITA) just after
midnight on 1 December counts in December for Kendari, one filed at 23:30 on 30 November in November, while
a Cianjur (WIB) complaint at the same instant as the first still counts in November; on SQLite and
PostgreSQL, through the API and the dashboards' summary rows."""

from datetime import datetime, timezone

from engine.demo.seed import KENDARI_VILLAGE
from engine.domain.actor import Actor
from engine.reports import figures, rollups
from engine.store import statements
from engine.store.models import db
from tests.journeys import intake

WIB = 7
KENDARI = Actor(90, "manajer.kendari", "manajer", "7471")
CIANJUR = Actor(91, "manajer.cianjur", "manajer", "3203")
LATE_ON_THE_30TH_WITA = datetime(2026, 11, 30, 15, 30, tzinfo=timezone.utc)  # 23:30 WITA, 22:30 WIB
EARLY_ON_THE_1ST_WITA = datetime(2026, 11, 30, 16, 30, tzinfo=timezone.utc)  # 00:30 WITA on 1 Dec, 23:30 WIB
NOW = datetime(2026, 12, 2, 3, 0, tzinfo=timezone.utc)


def _trend(actor):
    scope = figures.resolve_scope(actor, NOW, WIB, dari="2026-11", sampai="2026-12")
    return {month: received for month, received, _closed in figures.dashboard(actor, scope, NOW).tables()["tren"].rows}


def test_each_district_counts_a_complaint_in_its_own_local_month(api, clock):
    clock.now = LATE_ON_THE_30TH_WITA
    late = intake(api, user="fo.kendari", wilayah=KENDARI_VILLAGE)
    clock.now = EARLY_ON_THE_1ST_WITA
    intake(api, user="fo.kendari", wilayah=KENDARI_VILLAGE)
    intake(api)  # Cianjur, 23:30 WIB on 30 November
    db.session.rollback()
    assert _trend(KENDARI) == {"2026-11": 1, "2026-12": 1}
    assert _trend(CIANJUR) == {"2026-11": 1, "2026-12": 0}
    # an installation configured for WIT still counts the Kendari complaint of 23:30 WITA in November
    row = db.session.connection().execute(statements.ROLLUP_CASE, {"_id": late["id"]}).mappings().one()
    assert {key[1] for key, _counts in rollups.case_facts(row, 9)} == {"2026-11"}
    connection = db.session.connection()
    assert rollups.stored(connection) == rollups.computed_from_scratch(connection, WIB)


def test_this_month_of_a_district_report_is_its_local_month():
    assert figures.current_month(EARLY_ON_THE_1ST_WITA, WIB, "7471") == "2026-12"
    assert figures.current_month(EARLY_ON_THE_1ST_WITA, WIB, "3203") == "2026-11"
    assert figures.current_month(LATE_ON_THE_30TH_WITA, WIB, "7471") == "2026-11"
