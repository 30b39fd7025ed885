"""Program catalogue as the single source of the program list: each program names the SOP process its
referrals run (`proses_sop`), its default back-office sector (`sektor`) and its display order (`urutan`).

Existing rows are filled from rules/program.yaml (the catalogue's initial content); programs an
administrator added that the file does not know keep empty values until edited.

Revision ID: 0009_program_catalogue
Revises: 0008_dashboard_columns
"""
from pathlib import Path

import sqlalchemy as sa
import yaml
from alembic import op

revision = "0009_program_catalogue"
down_revision = "0008_dashboard_columns"
branch_labels = None
depends_on = None

INITIAL = Path(__file__).resolve().parents[2] / "rules" / "program.yaml"


def upgrade():
    with op.batch_alter_table("programs") as batch:
        batch.add_column(sa.Column("proses_sop", sa.String(length=100), nullable=True))
        batch.add_column(sa.Column("sektor", sa.String(length=20), nullable=True))
        batch.add_column(sa.Column("urutan", sa.Integer(), nullable=False, server_default="0"))
    programs = sa.table("programs", sa.column("code", sa.String), sa.column("proses_sop", sa.String),
                        sa.column("sektor", sa.String), sa.column("urutan", sa.Integer))
    rows = yaml.safe_load(INITIAL.read_text(encoding="utf-8")) if INITIAL.exists() else []
    for number, row in enumerate(rows, start=1):
        op.execute(programs.update().where(programs.c.code == row["kode"])
                   .values(proses_sop=row["proses_sop"], sektor=row["sektor"], urutan=number))


def downgrade():
    with op.batch_alter_table("programs") as batch:
        batch.drop_column("urutan")
        batch.drop_column("sektor")
        batch.drop_column("proses_sop")
