"""Dashboard columns: the complainant's sex and disability, registry status, verification and the
agency's answer on the case row; each finished task's decision; covering indexes for the dashboards;
the dashboards' summary table (engine/services/rollups.py), filled from the existing cases and tasks.

Existing cases are filled from their stored variables (the display JSON, not the workflow state).

Revision ID: 0008_dashboard_columns
Revises: 0007_event_outcomes
"""
import json

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


def _create_rollups():
    from engine.reports import rollups
    from engine.store.rollup_table import DIMENSIONS

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
    rollups.rebuild(op.get_bind(), _offset_hours())


def _offset_hours():
    try:
        from flask import current_app

        return int((current_app.config["SLRT_SETTINGS"].sla or {}).get("utc_offset_jam", 7))
    except (ImportError, KeyError, RuntimeError, AttributeError):
        return 7


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
