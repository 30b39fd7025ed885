"""Server time of the dashboards and monitoring reports with 100,000 cases, on SQLite and PostgreSQL.

    .venv/bin/python bench/dashboard.py [--cases 100000] [--households 60000] [--samples 10] [--postgres]

Cases are not run through the engine: rows are bulk-inserted straight into the tables the
dashboards read (cases with their indexed columns, human tasks, DTKS households and members),
generated from one seeded random source with plausible shapes: twelve months of intake, three
channels, the process's own paths (questions, suggestions, back-office resolution, referrals to
the program agencies with their answers and bounce-backs, the pre-list with its verification,
appeals), step times drawn per role, 90 % of the cases in Kabupaten Cianjur (the district
dashboard's worst case) and the rest in Kota Kendari. The dashboards' summary rows are then
derived from those rows by engine/reports/rollups.py's own functions (`rebuild`, as the migration
does; the write path adds the same facts one change at a time). Then each dashboard is requested in-process
through the Flask test client (the server's own time: queries and rendering, no network) as the
district manager, the province manager and a national monitor, and so are the monthly and
quarterly reports and one CSV.
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

NOW = datetime(2026, 12, 1, 3, 0, tzinfo=timezone.utc)
PASSWORD = "slrt-demo-2026"
CIANJUR = ["3203012001", "3203012002", "3203012003", "3203022001", "3203022002", "3203022003", "3203032001",
           "3203032002", "3203032003"]
KENDARI = ["7471011001", "7471011002", "7471021001", "7471021002"]
PROGRAMS = (("PKH", 25), ("BPNT", 25), ("PIP", 12), ("PIS-PBI", 20), ("DAERAH", 8), ("NONPEMERINTAH", 4),
            ("LAINNYA", 6))
AGENCIES = {"PKH": ["KEMENSOS_JSK"], "BPNT": ["BULOG", "TIKOR_RASTRA"], "PIP": ["KEMENDIKBUD", "KEMENAG"],
            "PIS-PBI": ["DINKES", "BPJS_KESEHATAN"], "DAERAH": ["OPD_DAERAH"], "NONPEMERINTAH": ["MITRA_NONPEMERINTAH"],
            "LAINNYA": ["OPD_DAERAH"]}
SECTOR = {"PKH": "sosial", "BPNT": "sosial", "PIP": "pendidikan", "PIS-PBI": "kesehatan", "DAERAH": "lainnya",
          "NONPEMERINTAH": "lainnya", "LAINNYA": "lainnya"}
MEAN_HOURS = {"front_office": 6, "back_office": 20, "supervisor": 12, "manajer": 12, "pengelola_program": 60,
              "fasilitator": 24}
TASKS = {  # element id: (name, role, limit in days)
    "Task_KunjunganRumah": ("Catat pengaduan kunjungan rumah", "fasilitator", 3),
    "Task_TinjauFasilitator": ("Tinjau catatan fasilitator", "supervisor", 3),
    "Task_SetujuiFasilitator": ("Setujui catatan fasilitator", "manajer", 3),
    "Task_TanganiPuskesos": ("Tangani di Puskesos", "back_office", 3),
    "Task_TinjauPuskesos": ("Tinjau eskalasi Puskesos", "supervisor", 3),
    "Task_Telaah": ("Telaah dan analisis keluhan", "front_office", 3),
    "Task_JawabPertanyaan": ("Jawab pertanyaan dengan informasi program", "front_office", 3),
    "Task_TerimaSaran": ("Terima saran/usulan", "pengelola_program", 7),
    "Task_ProfilPraDaftar": ("Catat profil usulan pra-daftar", "front_office", 3),
    "Task_TinjauPraDaftar": ("Tinjau usulan pra-daftar", "supervisor", 3),
    "Task_SetujuiPraDaftar": ("Setujui usulan pra-daftar", "manajer", 3),
    "Task_HasilVerifikasi": ("Catat hasil verifikasi dan validasi", "pengelola_program", 7),
    "Task_BackOffice": ("Tangani keluhan di back office", "back_office", 3),
    "Setujui": ("Setujui rujukan", "manajer", 3),
    "Tanggapi": ("Tanggapi rujukan", "pengelola_program", 7),
    "Task_BeriTahu": ("Sampaikan hasil kepada pelapor", "front_office", 3),
    "Task_TinjauBanding": ("Tinjau banding", "manajer", 3),
}


def pick(rng, weighted):
    return rng.choices([v for v, _w in weighted], [w for _v, w in weighted])[0]


class CaseBuilder:
    """One synthetic case: walks the process's paths, stopping where `NOW` falls."""

    def __init__(self, rng, case_id, version_id):
        self.rng, self.case_id = rng, case_id
        self.wilayah = rng.choice(CIANJUR) if rng.random() < 0.9 else rng.choice(KENDARI)
        self.created = NOW - timedelta(days=rng.uniform(0, 365))
        self.clock = self.created
        self.tasks, self.open = [], False
        self.vars = {"kategori": None, "sektor": None, "tujuan_rujukan": None, "saluran_rujukan": None,
                     "hasil_akhir": None, "hasil_verifikasi": None, "tanggapan_rujukan": None}
        self.version_id = version_id

    def step(self, element, outcome=None, instansi=None, tingkat="kabupaten"):
        """Add a task; False (and the case stays open there) when it is not finished by NOW."""
        if self.open:
            return False
        name, role, limit = TASKS[element.split("_", 1)[-1] if element.startswith(("Pkh", "Bpnt", "Pip", "Pispbi",
                                                                                    "Daerah", "Kep")) else element]
        created = self.clock
        hours = self.rng.expovariate(1 / MEAN_HOURS[role])
        if role == "pengelola_program" and self.rng.random() < 0.1:
            hours *= 12  # an agency that lets a referral lie for weeks
        done = created + timedelta(hours=hours)
        finished = done <= NOW
        self.tasks.append(dict(
            id=str(uuid.UUID(int=self.rng.getrandbits(128))), case_id=self.case_id, element_id=element, name=name,
            role=role, wilayah=self.wilayah, sektor=self.vars["sektor"], instansi=instansi, tingkat=tingkat,
            status="selesai" if finished else "siap", assignee_id=None, claimed_at=None,
            due_at=created + timedelta(days=limit), created_at=created, completed_at=done if finished else None,
            completed_by=None, hasil=outcome if finished else None))
        self.open = not finished
        self.clock = done
        return finished

    def build(self):
        rng = self.rng
        kanal = pick(rng, (("sekretariat", 60), ("puskesos", 25), ("fasilitator", 15)))
        jenis = pick(rng, (("pertanyaan", 30), ("saran", 10), ("pengaduan", 60)))
        program = pick(rng, PROGRAMS)
        terdaftar = rng.random() < 0.8
        self.vars["sektor"] = SECTOR[program]
        self._intake(kanal) and self._route(jenis, program, terdaftar)
        if not self.open and rng.random() < 0.03 and self.step("Task_TinjauBanding", rng.choice(["terima", "tolak"]),
                                                               tingkat="provinsi"):
            self.step("Task_BeriTahu")
            self.vars["hasil_akhir"] = "banding_ditolak"
        closed = not self.open
        return dict(
            id=self.case_id, ticket=f"B-{self.case_id:07d}", tracking_code="BENCH1", diagram_version_id=self.version_id,
            wilayah=self.wilayah, kanal=kanal, jenis_keluhan=jenis, program=program, rahasia=True,
            status="selesai" if closed else "terbuka", tahap="Selesai" if closed else self.tasks[-1]["name"],
            state="", data="{}", revision=len(self.tasks) + 1, event_count=len(self.tasks) + 1, last_event_hash="",
            created_by=None, created_at=self.created, updated_at=self.clock if closed else self.tasks[-1]["created_at"],
            closed_at=self.clock if closed else None, terdaftar_dtks=terdaftar,
            jenis_kelamin="P" if rng.random() < 0.56 else "L", disabilitas=rng.random() < 0.05, **self.vars)

    def _intake(self, kanal):
        if kanal == "puskesos":
            if not self.step("Task_TanganiPuskesos"):
                return False
            if self.rng.random() < 0.55:
                self.vars["hasil_akhir"] = "selesai_puskesos"
                self.step("Task_BeriTahu")
                return False
            return self.step("Task_TinjauPuskesos", "setuju") and self.step("Task_Telaah")
        if kanal == "fasilitator":
            return (self.step("Task_KunjunganRumah") and self.step("Task_TinjauFasilitator", "setuju")
                    and self.step("Task_SetujuiFasilitator", "setuju") and self.step("Task_Telaah"))
        return self.step("Task_Telaah")

    def _route(self, jenis, program, terdaftar):
        rng, v = self.rng, self.vars
        if jenis == "pertanyaan":
            if self.step("Task_JawabPertanyaan"):
                v["hasil_akhir"] = "dijawab"
            return
        if jenis == "saran":
            if self.step("Task_TerimaSaran", instansi="OPD_DAERAH") and self.step("Task_BeriTahu"):
                v["hasil_akhir"] = "saran_diterima"
            return
        if not terdaftar:
            v["kategori"], v["tujuan_rujukan"], v["saluran_rujukan"] = "kepesertaan", "POKJA_DATA_TERPADU", "siks_ng"
            if not (self.step("Task_ProfilPraDaftar") and self.step("Task_TinjauPraDaftar", "setuju")):
                return
            if rng.random() < 0.1:
                if self.step("Task_SetujuiPraDaftar", "tolak") and self.step("Task_BeriTahu"):
                    v["hasil_akhir"] = "ditolak_manajer"
                return
            if not self.step("Task_SetujuiPraDaftar", "setuju"):
                return
            result = "layak" if rng.random() < 0.6 else "tidak_layak"
            if self.step("Task_HasilVerifikasi", result, instansi="POKJA_DATA_TERPADU"):
                v["hasil_verifikasi"] = result
                if self.step("Task_BeriTahu"):
                    v["hasil_akhir"] = f"pradaftar_{result}"
            return
        if rng.random() < 0.35:
            v["kategori"], v["tujuan_rujukan"], v["saluran_rujukan"] = "kepesertaan", "POKJA_DATA_TERPADU", "siks_ng"
            self._refer("Kep", ["POKJA_DATA_TERPADU"])
            return
        v["kategori"] = "non_kepesertaan"
        if not self.step("Task_BackOffice"):
            return
        if rng.random() < 0.4:
            if self.step("Task_BeriTahu"):
                v["hasil_akhir"] = "selesai_lokal"
            return
        prefix = {"PKH": "Pkh", "BPNT": "Bpnt", "PIP": "Pip", "PIS-PBI": "Pispbi"}.get(program, "Daerah")
        self._refer(prefix, AGENCIES[program])

    def _refer(self, prefix, agencies):
        rng, v = self.rng, self.vars
        agency = rng.choice(agencies)
        v["tujuan_rujukan"], v["saluran_rujukan"] = agency, v["saluran_rujukan"] or "lapor"
        if rng.random() < 0.05:
            if self.step(f"{prefix}_Setujui", "tolak") and self.step("Task_BeriTahu"):
                v["hasil_akhir"] = "ditolak_manajer"
            return
        if not self.step(f"{prefix}_Setujui", "setuju"):
            return
        answer = pick(rng, (("diterima", 60), ("ditolak", 20), ("ditelaah", 14), ("bukan_wewenang", 6)))
        if not self.step(f"{prefix}_Tanggapi", answer, instansi=agency):
            return
        v["tanggapan_rujukan"] = answer
        if answer == "bukan_wewenang":
            if not (self.step("Task_BackOffice") and self.step(f"{prefix}_Setujui", "setuju")):
                return
            answer = "diterima" if rng.random() < 0.7 else "ditolak"
            if not self.step(f"{prefix}_Tanggapi", answer, instansi=agency):
                return
            v["tanggapan_rujukan"] = answer
        if self.step("Task_BeriTahu"):
            v["hasil_akhir"] = f"rujukan_{answer}"


def fill_cases(total, version_id, seed=9, batch=5000):
    """Insert `total` synthetic cases and their human tasks; return how many tasks."""
    from sqlalchemy import insert

    from engine.store.models import Case, HumanTask, db

    rng = random.Random(seed)
    task_count = 0
    for start in range(1, total + 1, batch):
        cases, tasks = [], []
        for case_id in range(start, min(start + batch, total + 1)):
            builder = CaseBuilder(rng, case_id, version_id)
            cases.append(builder.build())
            tasks += builder.tasks
        db.session.execute(insert(Case.__table__), cases)
        db.session.execute(insert(HumanTask.__table__), tasks)
        db.session.commit()
        task_count += len(tasks)
    return task_count


def fill_registry(total, seed=10, batch=10000):
    """DTKS households (1-7 members) in the same villages, with program sets of plausible overlap."""
    from sqlalchemy import insert

    from engine.store.models import Household, HouseholdMember, db

    rng = random.Random(seed)
    chances = (("PKH", 0.3), ("BPNT", 0.5), ("PIP", 0.2), ("PIS-PBI", 0.6), ("DAERAH", 0.05))
    members_made = 0
    for start in range(0, total, batch):
        households, members = [], []
        for n in range(start, min(start + batch, total)):
            village = rng.choice(CIANJUR) if rng.random() < 0.9 else rng.choice(KENDARI)
            no_kk = f"99{n:014d}"
            households.append(dict(no_kk=no_kk, wilayah=village, alamat="", desil=rng.randint(1, 4),
                                   programs=[p for p, c in chances if rng.random() < c], updated_at=NOW))
            for m in range(rng.randint(1, 7)):
                members.append(dict(nik=f"98{n:012d}{m:02d}", no_kk=no_kk, nama="Warga", jenis_kelamin=rng.choice("LP"),
                                    tanggal_lahir=None, disabilitas=rng.random() < 0.04, hubungan=""))
        db.session.execute(insert(Household.__table__), households)
        db.session.execute(insert(HouseholdMember.__table__), members)
        db.session.commit()
        members_made += len(members)
    return members_made


def time_pages(app, samples):
    import re

    from flask import g

    pages = (("manajer.cianjur", "district dashboard", "/dasbor"),
             ("manajer.jabar", "provincial dashboard", "/dasbor"),
             ("pemantau.nasional", "national dashboard", "/dasbor"),
             ("manajer.cianjur", "monthly report (district)", "/laporan/bulanan"),
             ("manajer.cianjur", "quarterly report (district)", "/laporan/triwulanan"),
             ("manajer.cianjur", "one table as CSV (district)", "/dasbor/instansi.csv"))
    results = {}
    for username, label, path in pages:
        client = app.test_client()
        g.pop("csrf_token", None)
        token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/masuk").get_data(as_text=True)).group(1)
        g.pop("csrf_token", None)
        client.post("/masuk", data={"username": username, "password": PASSWORD, "csrf_token": token})
        times, cpu = [], []
        for _ in range(samples + 1):
            started, started_cpu = time.perf_counter(), time.process_time()
            response = client.get(path)
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
            assert response.status_code == 200, (path, response.status_code)
        first = times[0]
        times = sorted(times[1:])  # the first request warms caches (templates, statements, registry figures)
        results[label] = (statistics.median(times), times[-1], statistics.median(cpu[1:]), first)
    return results


def _pg_database_exists(admin, name):
    import psycopg

    with psycopg.connect(admin, autocommit=True) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is not None


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--households", type=int, default=60_000)
    parser.add_argument("--samples", type=int, default=10)
    parser.add_argument("--postgres", action="store_true", help="use PostgreSQL (database slrt_bench_dashboard)")
    parser.add_argument("--keep", action="store_true",
                        help="keep the filled database (SQLite: bench/out/dashboard.db) and reuse it on the next run")
    args = parser.parse_args()

    from flask_migrate import upgrade
    from sqlalchemy import func, select, text

    from engine.config import load_settings
    from engine.people import auth
    from engine.processes import versions
    from engine.reports import rollups
    from engine.demo import seed
    from engine.store.models import Case, DiagramVersion, Household, HouseholdMember, HumanTask, db
    from web import create_app

    with tempfile.TemporaryDirectory() as tmp:
        kept = ROOT / "bench" / "out" / "dashboard.db"
        admin = "postgresql://postgres@127.0.0.1:5432/test"
        reuse = args.keep and (_pg_database_exists(admin, "slrt_bench_dashboard") if args.postgres else kept.exists())
        if args.postgres:
            from bench.engine_vs_raw import postgres_url

            url = admin.rsplit("/", 1)[0] + "/slrt_bench_dashboard" if reuse else postgres_url(
                admin, "slrt_bench_dashboard")
        else:
            kept.parent.mkdir(exist_ok=True)
            url = f"sqlite:///{kept}" if args.keep else f"sqlite:///{tmp}/dashboard.db"
        settings = load_settings(overrides={"database_url": url})
        app = create_app(settings=settings, clock=lambda: NOW)
        with app.app_context():
            upgrade()
            started = time.perf_counter()
            if not reuse or not db.session.scalar(select(func.count()).select_from(HumanTask)):
                versions.sync_from_disk(settings, NOW)
                seed.seed_demo(NOW, password=PASSWORD)
                auth.create_user("pemantau.nasional", PASSWORD, "Pemantau Nasional", "pemantau", "", now=NOW)
                version_id = db.session.scalar(select(func.min(DiagramVersion.id)))
                fill_cases(args.cases, version_id)
                fill_registry(args.households)
            db.session.commit()
            if not reuse or not rollups.counted_in(rollups.current_offset()):
                # the rows went in without the write path: derive the dashboards' summary rows from
                # them with the write path's own functions, as the migration does
                rollup_started = time.perf_counter()
                rollups.rebuild(db.session.connection())
                db.session.commit()
                print(f"summary rows derived in {time.perf_counter() - rollup_started:.1f} s")
            if args.postgres:  # as autovacuum would: statistics, and the visibility map index-only scans need
                with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                    connection.execute(text("VACUUM ANALYZE"))
            else:
                db.session.execute(text("ANALYZE"))
                db.session.commit()
            filled = time.perf_counter() - started
            task_count = db.session.scalar(select(func.count()).select_from(HumanTask))
            member_count = db.session.scalar(select(func.count()).select_from(HouseholdMember))
            args.cases = db.session.scalar(select(func.count()).select_from(Case))
            args.households = db.session.scalar(select(func.count()).select_from(Household))
            open_tasks = db.session.scalar(select(func.count()).where(HumanTask.status == "siap"))
            results = time_pages(app, args.samples)
            db.session.remove()
            db.engine.dispose()
    print(f"{'PostgreSQL' if args.postgres else 'SQLite'}: {args.cases} cases, {task_count} human tasks "
          f"({open_tasks} open), {args.households} DTKS households, {member_count} members "
          f"(filled or analysed in {filled:.0f} s); {args.samples} requests per page")
    print("load average (1, 5, 15 min) after the run: " + ", ".join(f"{v:.1f}" for v in os.getloadavg())
          + f" on {os.cpu_count()} CPUs")
    print("(wall: the server's time to answer; CPU: this process's CPU time, which on SQLite includes the\n"
          " queries and on PostgreSQL does not; on a loaded machine wall time is mostly waiting for a CPU)")
    print(f"{'page (viewer)':<34}{'median ms':>11}{'max ms':>9}{'CPU ms':>9}{'first ms':>10}")
    for name, (median, worst, cpu, first) in results.items():
        print(f"{name:<34}{median:>11.1f}{worst:>9.1f}{cpu:>9.1f}{first:>10.1f}")


if __name__ == "__main__":
    main()
