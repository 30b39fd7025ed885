"""The dashboards' summary table: counts per local month × area × the dimensions a figure groups by.

One table serves every figure; `jenis` says which figure a row belongs to and which of the
generic dimension columns d1..d9 it uses (engine/reports/rollups.py). `kunci` is the row's whole
key as one string, so both databases can add to a row with one INSERT … ON CONFLICT.
"""

from sqlalchemy import Column, Index, Integer, String, Table, func

from engine.store.models import db

DIMENSIONS = tuple(f"d{i}" for i in range(1, 10))
# the case and task columns the rows' facts are counted from (the case's are d1..d9 of 'diterima')
CASE_DIMENSIONS = ("status", "kanal", "jenis_keluhan", "kategori", "program", "terdaftar_dtks", "hasil_akhir",
                   "hasil_verifikasi", "tanggapan_rujukan")
CASE_COLUMNS = ("id", "revision", "wilayah", "created_at", "closed_at", "jenis_kelamin", "disabilitas",
                *CASE_DIMENSIONS)
TASK_COLUMNS = ("id", "role", "status", "wilayah", "name", "element_id", "instansi", "hasil", "created_at",
                "completed_at", "due_at")

ROLLUPS = Table(
    "dashboard_rollups", db.metadata,
    Column("kunci", String(700), primary_key=True),
    Column("jenis", String(20), nullable=False),
    Column("bulan", String(7), nullable=False),  # local month, 'YYYY-MM'
    Column("wilayah", String(10), nullable=False),  # village, kecamatan, kabupaten, province or "" (nation)
    *(Column(name, String(200)) for name in DIMENSIONS),
    Column("ember", Integer),  # a duration's bucket: tenths of a day, rounded half up
    Column("n", Integer, nullable=False),
    Column("tepat", Integer, nullable=False),  # of those, completed on time
    Index("ix_dashboard_rollups_read", "jenis", "bulan", "wilayah"),
)
# a figure by sub-area (each province of the nation, each district of a province) reads one level's rows
Index("ix_dashboard_rollups_level", ROLLUPS.c.jenis, func.length(ROLLUPS.c.wilayah), ROLLUPS.c.bulan, ROLLUPS.c.wilayah)
