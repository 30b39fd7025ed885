"""Events record their outcome (the state a change left behind), for step-by-step replay.

A plain ADD COLUMN: on SQLite a batch (copy-and-rename) migration would drop the triggers
that keep the event log append-only.

Revision ID: 0007_event_outcomes
Revises: 0006_security_admin
"""
from alembic import op
import sqlalchemy as sa

revision = "0007_event_outcomes"
down_revision = "0006_security_admin"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("events", sa.Column("outcome", sa.Text(), nullable=True))


def downgrade():
    op.drop_column("events", "outcome")
