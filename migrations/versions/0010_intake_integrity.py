"""Intake integrity: keys that may register one case only (the API's Idempotency-Key and the intake
page's one-time form token), and the case a queue number was used for.

Revision ID: 0010_intake_integrity
Revises: 0009_program_catalogue
"""
import sqlalchemy as sa
from alembic import op

revision = "0010_intake_integrity"
down_revision = "0009_program_catalogue"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "intake_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kunci", sa.String(length=200), nullable=False),
        sa.Column("isi_hash", sa.String(length=64), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"]),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("user_id", "kunci"),
    )
    op.create_index("ix_intake_keys_case_id", "intake_keys", ["case_id"])
    with op.batch_alter_table("antrian") as batch:
        batch.add_column(sa.Column("case_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_antrian_case_id", "cases", ["case_id"], ["id"])


def downgrade():
    with op.batch_alter_table("antrian") as batch:
        batch.drop_constraint("fk_antrian_case_id", type_="foreignkey")
        batch.drop_column("case_id")
    op.drop_index("ix_intake_keys_case_id", table_name="intake_keys")
    op.drop_table("intake_keys")
