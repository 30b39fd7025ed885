"""Dashboard columns: the complainant's sex and disability, registry status, verification and the
agency's answer on the case row; each finished task's decision; indexes for area-and-period scans.

Existing cases are filled from their stored variables (the display JSON, not the workflow state).

Revision ID: 0005
Revises: 0004
"""
import json

from alembic import op
import sqlalchemy as sa

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

CASE_COLUMNS = (  # name, type
    ("jenis_kelamin", sa.String(length=1)),
    ("disabilitas", sa.Boolean()),
    ("terdaftar_dtks", sa.Boolean()),
    ("hasil_verifikasi", sa.String(length=20)),
    ("tanggapan_rujukan", sa.String(length=20)),
)


def upgrade():
    with op.batch_alter_table("cases") as batch:
        for name, type_ in CASE_COLUMNS:
            batch.add_column(sa.Column(name, type_, nullable=True))
    with op.batch_alter_table("human_tasks") as batch:
        batch.add_column(sa.Column("hasil", sa.String(length=30), nullable=True))
    op.create_index("ix_cases_area_created", "cases", ["wilayah", "created_at"])
    op.create_index("ix_human_tasks_area_element", "human_tasks", ["wilayah", "element_id", "status"])
    _fill_existing_cases()


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
    op.drop_index("ix_human_tasks_area_element", table_name="human_tasks")
    op.drop_index("ix_cases_area_created", table_name="cases")
    with op.batch_alter_table("human_tasks") as batch:
        batch.drop_column("hasil")
    with op.batch_alter_table("cases") as batch:
        for name, _type in reversed(CASE_COLUMNS):
            batch.drop_column(name)
