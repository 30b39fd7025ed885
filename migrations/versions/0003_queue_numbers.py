"""Queue numbers for walk-ins at the secretariat.

Revision ID: 0003
Revises: 0002
"""
from alembic import op
import sqlalchemy as sa

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "antrian",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kabupaten", sa.String(length=4), nullable=False),
        sa.Column("tanggal", sa.String(length=10), nullable=False),
        sa.Column("nomor", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("called_at", sa.DateTime(), nullable=True),
        sa.Column("called_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["called_by"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("kabupaten", "tanggal", "nomor"),
    )
    op.create_index("ix_antrian_day", "antrian", ["kabupaten", "tanggal", "status"])


def downgrade():
    op.drop_index("ix_antrian_day", table_name="antrian")
    op.drop_table("antrian")
