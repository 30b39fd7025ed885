"""The front office's FAQ, kept by administrators, and cases about a village official, hidden from
that village (issue 8: security and administration).

Revision ID: 0006_security_admin
Revises: 0005_diagram_changes
"""
from alembic import op
import sqlalchemy as sa

revision = "0006_security_admin"
down_revision = "0005_diagram_changes"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "faq",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("pertanyaan", sa.String(length=300), nullable=False),
        sa.Column("jawaban", sa.Text(), nullable=False),
        sa.Column("program", sa.String(length=20), nullable=True),
        sa.Column("urutan", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("aktif", sa.Boolean(), nullable=False, server_default=sa.true()),
        sa.Column("updated_at", sa.DateTime(), nullable=True),
        sa.Column("updated_by", sa.String(length=80), nullable=True),
    )
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("aparat_desa", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade():
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("aparat_desa")
    op.drop_table("faq")
