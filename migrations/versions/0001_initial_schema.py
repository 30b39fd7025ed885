"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-23 10:40:51.836312

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('diagram_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('process_id', sa.String(length=100), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('sources', sa.JSON(), nullable=False),
    sa.Column('spec_json', sa.Text(), nullable=False),
    sa.Column('created_by', sa.String(length=80), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('process_id', 'version')
    )
    with op.batch_alter_table('diagram_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_diagram_versions_content_hash'), ['content_hash'], unique=False)
        batch_op.create_index(batch_op.f('ix_diagram_versions_process_id'), ['process_id'], unique=False)

    op.create_table('dtks_households',
    sa.Column('no_kk', sa.String(length=16), nullable=False),
    sa.Column('wilayah', sa.String(length=10), nullable=False),
    sa.Column('alamat', sa.String(length=300), nullable=False),
    sa.Column('desil', sa.Integer(), nullable=True),
    sa.Column('programs', sa.JSON(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('no_kk')
    )
    with op.batch_alter_table('dtks_households', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dtks_households_wilayah'), ['wilayah'], unique=False)

    op.create_table('programs',
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('agency', sa.String(length=40), nullable=False),
    sa.Column('level', sa.String(length=20), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('criteria', sa.Text(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('code')
    )
    op.create_table('regions',
    sa.Column('code', sa.String(length=10), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('level', sa.String(length=12), nullable=False),
    sa.Column('parent_code', sa.String(length=10), nullable=True),
    sa.ForeignKeyConstraint(['parent_code'], ['regions.code'], ),
    sa.PrimaryKeyConstraint('code')
    )
    with op.batch_alter_table('regions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_regions_parent_code'), ['parent_code'], unique=False)

    op.create_table('ticket_counters',
    sa.Column('kabupaten', sa.String(length=4), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('last_number', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('kabupaten', 'year')
    )
    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=80), nullable=False),
    sa.Column('password_hash', sa.String(length=200), nullable=False),
    sa.Column('full_name', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=30), nullable=False),
    sa.Column('wilayah', sa.String(length=10), nullable=False),
    sa.Column('sektor', sa.String(length=20), nullable=True),
    sa.Column('instansi', sa.String(length=40), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('username')
    )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_users_role'), ['role'], unique=False)

    op.create_table('api_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('label', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_hash')
    )
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_tokens_user_id'), ['user_id'], unique=False)

    op.create_table('cases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket', sa.String(length=30), nullable=False),
    sa.Column('tracking_code', sa.String(length=12), nullable=False),
    sa.Column('diagram_version_id', sa.Integer(), nullable=False),
    sa.Column('wilayah', sa.String(length=10), nullable=False),
    sa.Column('kanal', sa.String(length=20), nullable=False),
    sa.Column('jenis_keluhan', sa.String(length=20), nullable=False),
    sa.Column('program', sa.String(length=20), nullable=True),
    sa.Column('kategori', sa.String(length=20), nullable=True),
    sa.Column('sektor', sa.String(length=20), nullable=True),
    sa.Column('tujuan_rujukan', sa.String(length=40), nullable=True),
    sa.Column('saluran_rujukan', sa.String(length=20), nullable=True),
    sa.Column('hasil_akhir', sa.String(length=40), nullable=True),
    sa.Column('rahasia', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('tahap', sa.String(length=300), nullable=False),
    sa.Column('state', sa.Text(), nullable=False),
    sa.Column('data', sa.Text(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('event_count', sa.Integer(), nullable=False),
    sa.Column('last_event_hash', sa.String(length=64), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], ),
    sa.ForeignKeyConstraint(['diagram_version_id'], ['diagram_versions.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('ticket')
    )
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cases_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_diagram_version_id'), ['diagram_version_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_tujuan_rujukan'), ['tujuan_rujukan'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_wilayah'), ['wilayah'], unique=False)

    op.create_table('dtks_members',
    sa.Column('nik', sa.String(length=16), nullable=False),
    sa.Column('no_kk', sa.String(length=16), nullable=False),
    sa.Column('nama', sa.String(length=200), nullable=False),
    sa.Column('jenis_kelamin', sa.String(length=1), nullable=False),
    sa.Column('tanggal_lahir', sa.String(length=10), nullable=True),
    sa.Column('disabilitas', sa.Boolean(), nullable=False),
    sa.Column('hubungan', sa.String(length=30), nullable=False),
    sa.ForeignKeyConstraint(['no_kk'], ['dtks_households.no_kk'], ),
    sa.PrimaryKeyConstraint('nik')
    )
    with op.batch_alter_table('dtks_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dtks_members_no_kk'), ['no_kk'], unique=False)

    op.create_table('events',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('type', sa.String(length=30), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('actor', sa.String(length=80), nullable=False),
    sa.Column('diagram_version_id', sa.Integer(), nullable=False),
    sa.Column('task_id', sa.String(length=36), nullable=True),
    sa.Column('element_id', sa.String(length=100), nullable=True),
    sa.Column('data', sa.Text(), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('case_id', 'seq')
    )
    op.create_table('human_tasks',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('element_id', sa.String(length=100), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=30), nullable=False),
    sa.Column('wilayah', sa.String(length=10), nullable=False),
    sa.Column('sektor', sa.String(length=20), nullable=True),
    sa.Column('instansi', sa.String(length=40), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('assignee_id', sa.Integer(), nullable=True),
    sa.Column('claimed_at', sa.DateTime(), nullable=True),
    sa.Column('due_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('completed_at', sa.DateTime(), nullable=True),
    sa.Column('completed_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['assignee_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], ),
    sa.ForeignKeyConstraint(['completed_by'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('human_tasks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_human_tasks_assignee_id'), ['assignee_id'], unique=False)
        batch_op.create_index('ix_human_tasks_case', ['case_id', 'status'], unique=False)
        batch_op.create_index('ix_human_tasks_inbox', ['status', 'role', 'wilayah'], unique=False)

    op.create_table('timers',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('element_id', sa.String(length=100), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('due_at', sa.DateTime(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('fired_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('timers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_timers_case_id'), ['case_id'], unique=False)
        batch_op.create_index('ix_timers_due', ['status', 'due_at'], unique=False)
    _make_event_log_append_only()


_PG_FUNCTION = """
CREATE OR REPLACE FUNCTION slrt_events_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'log peristiwa hanya boleh ditambah (% ditolak)', TG_OP;
END;
$$ LANGUAGE plpgsql
"""


def _make_event_log_append_only():
    """The database itself refuses UPDATE and DELETE on the event log."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_PG_FUNCTION)
        op.execute("CREATE TRIGGER events_no_update BEFORE UPDATE OR DELETE ON events "
                   "FOR EACH ROW EXECUTE FUNCTION slrt_events_append_only()")
    else:
        for action in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER events_no_{action.lower()} BEFORE {action} ON events "
                       f"BEGIN SELECT RAISE(ABORT, 'log peristiwa hanya boleh ditambah'); END")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS events_no_update ON events")
        op.execute("DROP FUNCTION IF EXISTS slrt_events_append_only()")
    else:
        op.execute("DROP TRIGGER IF EXISTS events_no_update")
        op.execute("DROP TRIGGER IF EXISTS events_no_delete")
    with op.batch_alter_table('timers', schema=None) as batch_op:
        batch_op.drop_index('ix_timers_due')
        batch_op.drop_index(batch_op.f('ix_timers_case_id'))

    op.drop_table('timers')
    with op.batch_alter_table('human_tasks', schema=None) as batch_op:
        batch_op.drop_index('ix_human_tasks_inbox')
        batch_op.drop_index('ix_human_tasks_case')
        batch_op.drop_index(batch_op.f('ix_human_tasks_assignee_id'))

    op.drop_table('human_tasks')
    op.drop_table('events')
    with op.batch_alter_table('dtks_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dtks_members_no_kk'))

    op.drop_table('dtks_members')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cases_wilayah'))
        batch_op.drop_index(batch_op.f('ix_cases_tujuan_rujukan'))
        batch_op.drop_index(batch_op.f('ix_cases_status'))
        batch_op.drop_index(batch_op.f('ix_cases_diagram_version_id'))
        batch_op.drop_index(batch_op.f('ix_cases_created_at'))

    op.drop_table('cases')
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_tokens_user_id'))

    op.drop_table('api_tokens')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_users_role'))

    op.drop_table('users')
    op.drop_table('ticket_counters')
    with op.batch_alter_table('regions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_regions_parent_code'))

    op.drop_table('regions')
    op.drop_table('programs')
    with op.batch_alter_table('dtks_households', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dtks_households_wilayah'))

    op.drop_table('dtks_households')
    with op.batch_alter_table('diagram_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_diagram_versions_process_id'))
        batch_op.drop_index(batch_op.f('ix_diagram_versions_content_hash'))

    op.drop_table('diagram_versions')
