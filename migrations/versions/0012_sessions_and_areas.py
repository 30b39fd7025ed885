"""Sessions that the server can end, and an area for FAQ and program catalogue entries.

`users.sesi_generasi` is copied into the session cookie at sign-in; signing out, a password
change and deactivation raise it, so every earlier cookie of that officer stops working.
`faq.wilayah` and `programs.wilayah` are BPS code prefixes ("" is national, every existing
entry): a district administrator's entry shows only inside that district.

Revision ID: 0012_sessions_and_areas
Revises: 0010_intake_integrity
"""
import sqlalchemy as sa
from alembic import op

revision = "0012_sessions_and_areas"
down_revision = "0010_intake_integrity"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("sesi_generasi", sa.Integer(), nullable=False, server_default="0"))
    for table in ("faq", "programs"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("wilayah", sa.String(length=10), nullable=False, server_default=""))
        op.create_index(f"ix_{table}_wilayah", table, ["wilayah"])


def downgrade():
    for table in ("programs", "faq"):
        op.drop_index(f"ix_{table}_wilayah", table_name=table)
        with op.batch_alter_table(table) as batch:
            batch.drop_column("wilayah")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("sesi_generasi")
