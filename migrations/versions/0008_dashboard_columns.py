"""Dashboard columns: the complainant's sex and disability, registry status, verification and the
agency's answer on the case row; each finished task's decision; covering indexes for the dashboards;
the dashboards' summary table (engine/reports/rollups.py), filled from the existing cases and tasks.

Existing cases are filled from their stored variables (the display JSON, not the workflow state).
The migration is frozen: it imports nothing from engine/ or web/, so later changes to the live code
cannot change what it does. The summary rows are derived by a copy of engine/reports/rollups.py as it
was when this migration was written (tests/store/test_migrations.py checks the copy still agrees).

Revision ID: 0008_dashboard_columns
Revises: 0007_event_outcomes
"""
import json
from collections import defaultdict
from datetime import timedelta

from alembic import op
import sqlalchemy as sa

revision = "0008_dashboard_columns"
down_revision = "0007_event_outcomes"
branch_labels = None
depends_on = None

CASE_COLUMNS = (  # name, type
    ("jenis_kelamin", sa.String(length=1)),
    ("disabilitas", sa.Boolean()),
    ("terdaftar_dtks", sa.Boolean()),
    ("hasil_verifikasi", sa.String(length=20)),
    ("tanggapan_rujukan", sa.String(length=20)),
)

# Covering indexes: the dashboards read an area's rows from these alone (bench/dashboard.py).
INDEXES = (
    ("ix_cases_dashboard", "cases", ["wilayah", "status", "kanal", "jenis_keluhan", "kategori", "program",
                                     "terdaftar_dtks", "hasil_akhir", "hasil_verifikasi", "tanggapan_rujukan",
                                     "created_at", "closed_at", "jenis_kelamin", "disabilitas"]),
    ("ix_human_tasks_dashboard", "human_tasks", ["wilayah", "name", "status", "completed_at", "due_at"]),
    ("ix_human_tasks_role_area", "human_tasks", ["role", "status", "wilayah", "element_id", "instansi", "hasil",
                                                 "created_at", "completed_at", "due_at"]),
)


def upgrade():
    with op.batch_alter_table("cases") as batch:
        for name, type_ in CASE_COLUMNS:
            batch.add_column(sa.Column(name, type_, nullable=True))
    with op.batch_alter_table("human_tasks") as batch:
        batch.add_column(sa.Column("hasil", sa.String(length=30), nullable=True))
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)
    _fill_existing_cases()
    _create_rollups()


DIMENSIONS = tuple(f"d{i}" for i in range(1, 10))


def _create_rollups():
    op.create_table(
        "dashboard_rollups",
        sa.Column("kunci", sa.String(length=700), primary_key=True),
        sa.Column("jenis", sa.String(length=20), nullable=False),
        sa.Column("bulan", sa.String(length=7), nullable=False),
        sa.Column("wilayah", sa.String(length=10), nullable=False),
        *(sa.Column(name, sa.String(length=200), nullable=True) for name in DIMENSIONS),
        sa.Column("ember", sa.Integer(), nullable=True),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("tepat", sa.Integer(), nullable=False),
    )
    op.create_index("ix_dashboard_rollups_read", "dashboard_rollups", ["jenis", "bulan", "wilayah"])
    _rebuild(op.get_bind(), _offset_hours())


def _offset_hours():
    try:
        from flask import current_app

        return int((current_app.config["SLRT_SETTINGS"].sla or {}).get("utc_offset_jam", 7))
    except (ImportError, KeyError, RuntimeError, AttributeError):
        return 7


# --- the summary rows from scratch (a frozen copy of engine/reports/rollups.py) -----------------

APPEAL_TASK = "Task_TinjauBanding"
MANAGER, PROGRAM_MANAGER = "manajer", "pengelola_program"
ROLLUP_CASE_DIMENSIONS = ("status", "kanal", "jenis_keluhan", "kategori", "program", "terdaftar_dtks",
                          "hasil_akhir", "hasil_verifikasi", "tanggapan_rujukan")
ROLLUP_CASE_COLUMNS = ("id", "revision", "wilayah", "created_at", "closed_at", "jenis_kelamin", "disabilitas",
                       *ROLLUP_CASE_DIMENSIONS)
ROLLUP_TASK_COLUMNS = ("id", "role", "status", "wilayah", "name", "element_id", "instansi", "hasil",
                       "created_at", "completed_at", "due_at")
LEVELS = (0, 2, 4, 6, 10)
ZONE = "zona"


def _month(instant, offset):
    local = instant + timedelta(hours=offset)
    return f"{local.year:04d}-{local.month:02d}"


def _bucket(later, earlier):
    return (round((later - earlier).total_seconds()) + 4320) // 8640


def _flag(value):
    return None if value is None else "1" if value else "0"


def _at_every_level(facts):
    return [((jenis, month, area[:digits], dims, ember), counts)
            for (jenis, month, area, dims, ember), counts in facts for digits in LEVELS if digits <= len(area)]


def _histogram(jenis, month, area, group, tenths):
    day = tenths // 10
    return [((jenis, month, area, (group,), day), (1, 0)), ((f"{jenis}:{day}", month, area, (group,), tenths), (1, 0))]


def _case_facts(row, offset):
    if not row["revision"]:
        return []
    month, area = _month(row["created_at"], offset), row["wilayah"]
    dims = tuple(_flag(row[n]) if n == "terdaftar_dtks" else row[n] for n in ROLLUP_CASE_DIMENSIONS)
    facts = [(("diterima", month, area, dims, None), (1, 0)),
             (("pelapor", month, area, (row["jenis_kelamin"], _flag(row["disabilitas"])), None), (1, 0))]
    if row["closed_at"] is not None:
        facts += _histogram("selesai", _month(row["closed_at"], offset), area, row["program"] or "-",
                            _bucket(row["closed_at"], row["created_at"]))
    return _at_every_level(facts)


def _task_facts(row, offset):
    facts, status = [], row["status"]
    done = status == "selesai" and row["completed_at"] is not None
    on_time = int(done and row["due_at"] is not None and row["completed_at"] <= row["due_at"])
    if done and row["due_at"] is not None:
        facts.append((("tugas_selesai", _month(row["completed_at"], offset), row["wilayah"], (row["name"],), None),
                      (1, on_time)))
    if status in ("siap", "selesai"):
        created = _month(row["created_at"], offset)
        if row["role"] == PROGRAM_MANAGER and row["instansi"] is not None:
            facts.append((("rujukan", created, row["wilayah"], (row["instansi"], status, row["hasil"]), None),
                          (1, on_time)))
            if done:
                facts += _histogram("jawaban", created, row["wilayah"], row["instansi"],
                                    _bucket(row["completed_at"], row["created_at"]))
        if row["role"] == MANAGER and row["element_id"] == APPEAL_TASK:
            facts.append((("banding", created, row["wilayah"], (status, row["hasil"]), None), (1, 0)))
    return _at_every_level(facts)


# read as naive UTC datetimes and booleans on both databases (SQLite stores text and 0/1)
_TYPES = {"created_at": sa.DateTime(), "closed_at": sa.DateTime(), "completed_at": sa.DateTime(),
          "due_at": sa.DateTime(), "disabilitas": sa.Boolean(), "terdaftar_dtks": sa.Boolean()}


def facts_from_scratch(connection, offset):
    """{(jenis, bulan, wilayah, dims, ember): (n, tepat)} derived from every case and task row."""
    totals = defaultdict(lambda: [0, 0])
    for name, columns, facts in (("cases", ROLLUP_CASE_COLUMNS, _case_facts),
                                 ("human_tasks", ROLLUP_TASK_COLUMNS, _task_facts)):
        table = sa.table(name, *(sa.column(column, _TYPES.get(column)) for column in columns))
        query = sa.select(*(table.c[column] for column in columns)).execution_options(yield_per=20000)
        for row in connection.execute(query).mappings():
            for key, (n, on_time) in facts(row, offset):
                totals[key][0] += n
                totals[key][1] += on_time
    return {key: tuple(v) for key, v in totals.items() if v != [0, 0]}


def _row(key, n, on_time):
    jenis, month, area, dims, ember = key
    kunci = "|".join(["~" if v is None else str(v) for v in (jenis, month, area, *dims, ember)])
    row = dict(zip(DIMENSIONS, (*dims, *(None,) * (len(DIMENSIONS) - len(dims)))))
    row.update(kunci=kunci, jenis=jenis, bulan=month, wilayah=area, ember=ember, n=n, tepat=on_time)
    return row


def _rebuild(connection, offset):
    table = sa.table("dashboard_rollups", *(sa.column(name) for name in (
        "kunci", "jenis", "bulan", "wilayah", *DIMENSIONS, "ember", "n", "tepat")))
    rows = [_row(key, n, on_time) for key, (n, on_time) in facts_from_scratch(connection, offset).items()]
    rows.append(_row((ZONE, "", "", (), None), offset, 0))
    for start in range(0, len(rows), 5000):
        connection.execute(table.insert(), rows[start:start + 5000])


def _fill_existing_cases():
    connection = op.get_bind()
    cases = sa.table("cases", sa.column("id"), sa.column("data"), *(sa.column(name) for name, _ in CASE_COLUMNS))
    rows = connection.execute(sa.select(cases.c.id, cases.c.data)).fetchall()
    for case_id, data in rows:
        variables = json.loads(data or "{}")
        pelapor = variables.get("pelapor") or {}
        connection.execute(cases.update().where(cases.c.id == case_id).values(
            jenis_kelamin=pelapor.get("jenis_kelamin"), disabilitas=pelapor.get("disabilitas"),
            terdaftar_dtks=variables.get("terdaftar_dtks"), hasil_verifikasi=variables.get("hasil_verifikasi"),
            tanggapan_rujukan=variables.get("tanggapan_rujukan")))


def downgrade():
    op.drop_index("ix_dashboard_rollups_read", table_name="dashboard_rollups")
    op.drop_table("dashboard_rollups")
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
    with op.batch_alter_table("human_tasks") as batch:
        batch.drop_column("hasil")
    with op.batch_alter_table("cases") as batch:
        for name, _type in reversed(CASE_COLUMNS):
            batch.drop_column(name)
