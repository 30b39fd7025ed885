"""Indexes for national scale (1,000,000 cases; bench/national.py, bench/RESULTS.md).

- `ix_human_tasks_assignee_status` (assignee_id, status): an inbox lists the tasks an officer claimed
  besides those of their role and area; by assignee alone that read every task the officer ever
  claimed (tens of thousands at a busy district) to keep the few still open.
- `ix_human_tasks_open` (status, wilayah, name, due_at): the dashboards' open and overdue tasks per
  stage are counted from the index alone instead of visiting every open task's row.
- `ix_dashboard_rollups_level` (jenis, length(wilayah), bulan, wilayah): a figure broken down by
  sub-area (each province of the nation, each district of a province) reads only that level's
  summary rows instead of every village's, kecamatan's and district's rows of the period.

Revision ID: 0018_national_indexes
Revises: 0015_search_keys
"""
import sqlalchemy as sa
from alembic import op

revision = "0018_national_indexes"
down_revision = "0015_search_keys"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_human_tasks_assignee_status", "human_tasks", ["assignee_id", "status"])
    op.create_index("ix_human_tasks_open", "human_tasks", ["status", "wilayah", "name", "due_at"])
    op.create_index("ix_dashboard_rollups_level", "dashboard_rollups",
                    ["jenis", sa.text("length(wilayah)"), "bulan", "wilayah"])


def downgrade():
    op.drop_index("ix_dashboard_rollups_level", table_name="dashboard_rollups")
    op.drop_index("ix_human_tasks_open", table_name="human_tasks")
    op.drop_index("ix_human_tasks_assignee_status", table_name="human_tasks")
