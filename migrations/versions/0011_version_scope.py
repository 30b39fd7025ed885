"""District variants and modeler drafts: a diagram version's scope (cakupan: "" national, a 2-digit
province or 4-digit district code), and the modeler's unpublished edits kept per analyst and process.

Revision ID: 0011_version_scope
Revises: 0012_sessions_and_areas
"""
import sqlalchemy as sa
from alembic import op

revision = "0011_version_scope"
down_revision = "0012_sessions_and_areas"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("diagram_versions") as batch:
        batch.add_column(sa.Column("cakupan", sa.String(length=10), nullable=False, server_default=""))
    op.create_index("ix_diagram_versions_cakupan", "diagram_versions", ["cakupan"])
    op.create_table(
        "modeler_drafts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=80), nullable=False),
        sa.Column("process_id", sa.String(length=100), nullable=False),
        sa.Column("base_version_id", sa.Integer(), nullable=False),
        sa.Column("files", sa.JSON(), nullable=False),
        sa.Column("saved_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["base_version_id"], ["diagram_versions.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("username", "process_id"),
    )


def downgrade():
    op.drop_table("modeler_drafts")
    op.drop_index("ix_diagram_versions_cakupan", table_name="diagram_versions")
    with op.batch_alter_table("diagram_versions") as batch:
        batch.drop_column("cakupan")
