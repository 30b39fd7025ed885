"""Diagram version history: who uploaded, published, retired or rolled back a version, and when.

Revision ID: 0005_diagram_changes
Revises: 0004
"""
from alembic import op
import sqlalchemy as sa

revision = "0005_diagram_changes"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "diagram_changes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("diagram_version_id", sa.Integer(), sa.ForeignKey("diagram_versions.id"), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("actor", sa.String(length=80), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False, server_default=""),
    )
    op.create_index("ix_diagram_changes_diagram_version_id", "diagram_changes", ["diagram_version_id"])


def downgrade():
    op.drop_index("ix_diagram_changes_diagram_version_id", table_name="diagram_changes")
    op.drop_table("diagram_changes")
