"""Front-office search by indexed keys, and dashboard months local to each district.

`case_search_keys` holds, per case, SHA-256 digests of the complainant's NIK, No. KK and each name
word (and its starts of three letters or more), so a NIK or name search is an exact indexed lookup
instead of a LIKE scan of every case's variables (engine/cases/search.py). Existing cases get theirs here.

The dashboards' months become local to each village's province (WIB / WITA / WIT). The zone row of
`dashboard_rollups` now holds 100 + the installation's offset: with no counted rows it is simply
renamed; with rows counted the old way it is left as it is, so `slrt upgrade` (which runs this
migration, then recounts stale rows) or `slrt rebuild-dashboards` counts them again.

Revision ID: 0015_search_keys
Revises: 0011_version_scope
"""
import hashlib
import json
import re

import sqlalchemy as sa
from alembic import op

revision = "0015_search_keys"
down_revision = "0011_version_scope"
branch_labels = None
depends_on = None

ZONED = 100
_WORD = re.compile(r"\w+")


def _digest(kind, value):
    return hashlib.sha256(f"{kind}:{value}".encode("utf-8")).hexdigest()


def _keys(pelapor):
    """As engine/cases/search.py identity_keys did when this migration was written."""
    keys = {_digest("nomor", str(pelapor[name]).strip()) for name in ("nik", "no_kk") if pelapor.get(name)}
    for word in _WORD.findall((pelapor.get("nama") or "").casefold()):
        keys |= {_digest("nama", word[:n]) for n in range(min(3, len(word)), len(word) + 1)}
    return keys


def upgrade():
    op.create_table(
        "case_search_keys",
        sa.Column("kunci", sa.String(length=64), nullable=False),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("cases.id"), nullable=False),
        sa.PrimaryKeyConstraint("kunci", "case_id"),
    )
    op.create_index("ix_case_search_keys_case_id", "case_search_keys", ["case_id"])
    connection = op.get_bind()
    cases = sa.table("cases", sa.column("id"), sa.column("data"))
    keys = sa.table("case_search_keys", sa.column("kunci"), sa.column("case_id"))
    rows = []
    for case_id, data in connection.execute(sa.select(cases.c.id, cases.c.data)):
        pelapor = (json.loads(data or "{}") or {}).get("pelapor") or {}
        rows += [{"kunci": key, "case_id": case_id} for key in sorted(_keys(pelapor))]
        if len(rows) >= 5000:
            connection.execute(keys.insert(), rows)
            rows = []
    if rows:
        connection.execute(keys.insert(), rows)

    rollups = sa.table("dashboard_rollups", sa.column("jenis"), sa.column("n"))
    counted = connection.scalar(sa.select(sa.func.count()).select_from(rollups).where(rollups.c.jenis != "zona"))
    if not counted:
        connection.execute(rollups.update().where(rollups.c.jenis == "zona", rollups.c.n < ZONED)
                           .values(n=rollups.c.n + ZONED))


def downgrade():
    connection = op.get_bind()
    rollups = sa.table("dashboard_rollups", sa.column("jenis"), sa.column("n"))
    connection.execute(rollups.update().where(rollups.c.jenis == "zona", rollups.c.n >= ZONED)
                       .values(n=rollups.c.n - ZONED))
    op.drop_index("ix_case_search_keys_case_id", table_name="case_search_keys")
    op.drop_table("case_search_keys")
