"""The audit journal: what the audit machinery did, in rows chained by hash and signed with the
checkpoint key (engine/audit/journal.py). A row per checkpoint written to the file outside the database
(its number and line hash: a cut tail of the file is then caught) and per unmasked identity print-out.

Revision ID: 0016_audit_journal
Revises: 0018_national_indexes
"""
import sqlalchemy as sa
from alembic import op

revision = "0016_audit_journal"
down_revision = "0018_national_indexes"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "audit_journal",
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(length=120), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("mac", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("seq"),
    )
    op.create_index("ix_audit_journal_kind", "audit_journal", ["kind"])


def downgrade():
    op.drop_index("ix_audit_journal_kind", table_name="audit_journal")
    op.drop_table("audit_journal")
