"""National-scale data: 1,000,000 cases and about 10,000,000 events across 34 provinces.

    nice -n 10 .venv/bin/python bench/national.py [--cases 1000000] [--database postgresql://postgres@127.0.0.1:5432/slrt_national]

Creates the database (PostgreSQL: `slrt_national`, dropped first if `--fresh`), migrates it with the
product's migrations, registers the diagrams and loads the demo data (programs, the demo officers the
template journeys are played by). Then:

1. Areas and officers. The 34 provinces with their BPS codes and 514 districts (numbered 01.. for
   kabupaten, 71.. for kota within each province, the real count per province), two kecamatan and
   three villages per district, registered as `regions`; per district the officers of every role
   (`fo.3273`, `bo.sosial.3273`, `manajer.3273`, ...), per kecamatan its facilitator and supervisor,
   per village its Puskesos officers, per province its manager (`manajer.p32`), one national monitor
   (`pemantau.nasional`). One password hash (the product's) is shared by every generated officer.
2. Templates. The scenario journeys (scenarios/*.yaml) are played through the engine's own commands
   (start, claim, complete), each officer claiming a task before completing it, at a start instant in
   each of the twelve months up to now: complete (closed cases) and cut after a random number of steps
   (open cases, some with the task claimed). These are real cases of the database.
3. Clones. Each generated case copies one template's rows (case, tasks, timers, events, outbox) with
   its own id, ticket, tracking code, task and timer ids, village (and the village's kecamatan,
   district, province codes), officers and user ids; every string column is rewritten the same way,
   so the case's variables, serialized workflow and events agree. The event chain is then rebuilt with
   engine/audit/eventlog.py's `hashed_fields`/`event_hash` (the product's hash). District sizes
   follow a skewed (Zipf-like) law, so the largest districts hold thousands of open tasks; recent
   months hold most open cases.
4. Rows are written with COPY (psycopg) in batches of `--batch` cases, with each clone's search keys
   (engine/cases/search.py `identity_keys` of its complainant). Afterwards the dashboards' summary
   rows of the clones are added: each template's facts (engine/reports/rollups.py `case_facts`,
   `task_facts`, months local to the village's province) times the number of its clones per village,
   expanded to every area above by rollups' own functions and added in one INSERT ... ON CONFLICT; the
   ticket counters and id sequences are set and the tables VACUUMed and ANALYZEd (the visibility
   map set, so the dashboards' index-only scans need not visit the rows).

With a SQLite URL the same rows are written with executemany (used by the tests at small scale).
Prints the time of every phase.
"""

import argparse
import json
import random
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import select, text  # noqa: E402

from bench.national_clone import (  # noqa: E402
    TEMPLATE_AREA, Area, Cloner, Writer, add_rollups_by_copy, finish, load_templates, make_templates,
)  # noqa: E402
from engine.config import load_settings  # noqa: E402
from engine.store.models import User, db  # noqa: E402

PASSWORD = "slrt-demo-2026"
DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/slrt_national"

# BPS province code, name, number of kabupaten, number of kota (514 districts in all)
PROVINCES = (
    ("11", "Aceh", 18, 5), ("12", "Sumatera Utara", 25, 8), ("13", "Sumatera Barat", 12, 7), ("14", "Riau", 10, 2),
    ("15", "Jambi", 9, 2), ("16", "Sumatera Selatan", 13, 4), ("17", "Bengkulu", 9, 1), ("18", "Lampung", 13, 2),
    ("19", "Kepulauan Bangka Belitung", 6, 1), ("21", "Kepulauan Riau", 5, 2), ("31", "DKI Jakarta", 1, 5),
    ("32", "Jawa Barat", 18, 9), ("33", "Jawa Tengah", 29, 6), ("34", "DI Yogyakarta", 4, 1),
    ("35", "Jawa Timur", 29, 9), ("36", "Banten", 4, 4), ("51", "Bali", 8, 1), ("52", "Nusa Tenggara Barat", 8, 2),
    ("53", "Nusa Tenggara Timur", 21, 1), ("61", "Kalimantan Barat", 12, 2), ("62", "Kalimantan Tengah", 13, 1),
    ("63", "Kalimantan Selatan", 11, 2), ("64", "Kalimantan Timur", 7, 3), ("65", "Kalimantan Utara", 4, 1),
    ("71", "Sulawesi Utara", 11, 4), ("72", "Sulawesi Tengah", 12, 1), ("73", "Sulawesi Selatan", 21, 3),
    ("74", "Sulawesi Tenggara", 15, 2), ("75", "Gorontalo", 5, 1), ("76", "Sulawesi Barat", 6, 0),
    ("81", "Maluku", 9, 2), ("82", "Maluku Utara", 8, 2), ("91", "Papua Barat", 12, 1), ("94", "Papua", 28, 1),
)
KECAMATAN_PER_DISTRICT = 2
VILLAGES_PER_KECAMATAN = 3
DISTRICT_ROLES = (  # username prefix, role, sektor, instansi (the demo officer a template's step maps to)
    ("fo", "front_office", None, None), ("bo.sosial", "back_office", "sosial", None),
    ("bo.kesehatan", "back_office", "kesehatan", None), ("bo.pendidikan", "back_office", "pendidikan", None),
    ("bo.lainnya", "back_office", "lainnya", None), ("manajer", "manajer", None, None),
    ("pemantau", "pemantau", None, None), ("auditor", "auditor", None, None),
    ("pp.dinkes", "pengelola_program", None, "DINKES"), ("pp.opd", "pengelola_program", None, "OPD_DAERAH"),
    ("pp.mitra", "pengelola_program", None, "MITRA_NONPEMERINTAH"),
)


def provinces_and_districts(only=None):
    """[(province code, name, [(district code, name)])] of the 34 provinces (or of those in `only`)."""
    result = []
    for code, name, kabupaten, kota in PROVINCES:
        if only is not None and code not in only:
            continue
        districts = [(f"{code}{n:02d}", f"Kabupaten {name} {n:02d}") for n in range(1, kabupaten + 1)]
        districts += [(f"{code}{70 + n:02d}", f"Kota {name} {n:02d}") for n in range(1, kota + 1)]
        result.append((code, name, districts))
    return result


def areas(only=None):
    """Every generated village as an Area, and the region rows (parents before children)."""
    regions, villages = [], []
    for province, name, districts in provinces_and_districts(only):
        regions.append((province, name, "provinsi", None))
        for district, district_name in districts:
            regions.append((district, district_name, "kabupaten", province))
            for k in range(1, KECAMATAN_PER_DISTRICT + 1):
                kecamatan = f"{district}{k:02d}"
                regions.append((kecamatan, f"Kecamatan {district}-{k}", "kecamatan", district))
                for v in range(1, VILLAGES_PER_KECAMATAN + 1):
                    village = f"{kecamatan}{2000 + v:04d}"
                    regions.append((village, f"Desa {district}-{k}-{v}", "desa", kecamatan))
                    villages.append(Area(province, district, kecamatan, village))
    return regions, villages


# -- set-up ------------------------------------------------------------------------------------------

def make_app(url):
    from web import create_app
    return create_app(settings=load_settings(overrides={"database_url": url, "secret_key": "national-bench"}))


def create_database(url, fresh):
    """Create the PostgreSQL database named in `url` (dropping it first if `fresh`)."""
    if not url.startswith("postgresql"):
        return
    import psycopg
    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if exists and fresh:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def prepare(now):
    """Migrate, register the diagrams and load the demo data (programs, the templates' officers)."""
    from flask import current_app
    from flask_migrate import upgrade

    from engine.demo import seed
    from engine.processes import versions
    upgrade()
    versions.sync_from_disk(current_app.config["SLRT_SETTINGS"], now)
    if db.session.scalar(select(User.id).limit(1)) is None:
        seed.seed_demo(now, password=PASSWORD)
    db.session.commit()


def add_areas_and_officers(villages, regions, now):
    """Register the generated regions and officers the demo data lacks; {username: id}."""
    from engine.people.auth import _hasher
    known = set(db.session.scalars(text("SELECT code FROM regions")))
    rows = [dict(code=c, name=n, level=lv, parent_code=p) for c, n, lv, p in regions if c not in known]
    if rows:
        db.session.execute(text("INSERT INTO regions (code, name, level, parent_code) "
                                "VALUES (:code, :name, :level, :parent_code)"), rows)
    existing = set(db.session.scalars(text("SELECT username FROM users")))
    digest = _hasher.hash(PASSWORD)
    users = []

    def add(username, role, wilayah, sektor=None, instansi=None):
        if username not in existing:
            existing.add(username)
            users.append(dict(username=username, password_hash=digest, full_name=f"Petugas {username}", role=role,
                              wilayah=wilayah, sektor=sektor, instansi=instansi, email=None, active=True,
                              created_at=now, sesi_generasi=0))

    add("pemantau.nasional", "pemantau", "")
    districts, kecamatan = {}, set()
    for area in villages:
        add(f"manajer.p{area.province}", "manajer", area.province)
        add(f"pemantau.p{area.province}", "pemantau", area.province)
        if area.district not in districts:
            districts[area.district] = True
            for prefix, role, sektor, instansi in DISTRICT_ROLES:
                add(f"{prefix}.{area.district}", role, area.district, sektor, instansi)
        if area.kecamatan not in kecamatan:
            kecamatan.add(area.kecamatan)
            add(f"fasilitator.{area.kecamatan}", "fasilitator", area.kecamatan)
            add(f"supervisor.{area.kecamatan}", "supervisor", area.kecamatan)
        add(f"fo.puskesos.{area.village}", "front_office", area.village)
        add(f"bo.puskesos.{area.village}", "back_office", area.village)
    if users:
        db.session.execute(db.metadata.tables["users"].insert(), users)
    db.session.commit()
    return dict(db.session.execute(text("SELECT username, id FROM users")).all())


# -- the whole run -----------------------------------------------------------------------------------

OPEN_SHARE = {0: 0.7, 1: 0.3, 2: 0.1}  # of the cases started that many months ago, how many are still open
OPEN_SHARE_OLDER = 0.03


def generate(url, cases, now, months=12, scenarios=None, batch=2000, seed=22, fresh=False, provinces=None,
             log=print):
    """Generate `cases` cases (besides the templates) into the database at `url`; returns a summary.

    `months`, `scenarios` (the first n journeys) and `provinces` (codes) make a small run for tests."""
    timings = {}
    started = time.perf_counter()
    rng = random.Random(seed)
    create_database(url, fresh)
    app = make_app(url)
    with app.app_context():
        prepare(now)
        regions, villages = areas(provinces)
        user_ids = add_areas_and_officers(villages, regions, now)
        timings["set-up"] = time.perf_counter() - started
        log(f"set-up: {len(regions)} regions, {len(user_ids)} officers in {timings['set-up']:.1f} s")
        mark = time.perf_counter()
        settings = app.config["SLRT_SETTINGS"]
        played = make_templates(settings, now, rng, months=months, scenarios=scenarios)
        usernames = {v: k for k, v in user_ids.items()}
        templates = load_templates(played, usernames)
        timings["templates"] = time.perf_counter() - mark
        log(f"templates: {len(templates)} cases played through the engine in {timings['templates']:.1f} s")
        pools = {}
        for index, template in enumerate(templates):
            pools.setdefault((template.month, template.is_open), []).append(index)
        districts = sorted({v.district for v in villages}, key=lambda d: (d != TEMPLATE_AREA.district, d))
        rng.shuffle(districts[1:])
        weights = [1 / (rank + 1) ** 0.5 for rank in range(len(districts))]
        by_district = {}
        for village in villages:
            by_district.setdefault(village.district, []).append(village)
        first = {name: (db.session.scalar(text(f"SELECT max(id) FROM {name}")) or 0) + 1 for name in ("events", "outbox")}
        cloner = Cloner(user_ids, (db.session.scalar(text("SELECT max(id) FROM cases")) or 0) + 1, first, rng, 0)
        for district, year, number in db.session.execute(text("SELECT kabupaten, year, last_number FROM "
                                                              "ticket_counters")):
            cloner.counters[(district, year)] = number
        db.session.commit()
        writer = Writer()
        mark, written, events = time.perf_counter(), 0, 0
        picks = rng.choices(districts, weights, k=cases)
        while written < cases:
            clones = []
            for district in picks[written:written + batch]:
                month = rng.randrange(months)
                wanted = rng.random() < OPEN_SHARE.get(month, OPEN_SHARE_OLDER)
                pool = pools.get((month, wanted)) or pools.get((month, not wanted))
                index = rng.choice(pool)
                clones.append(cloner.clone(templates[index], index, rng.choice(by_district[district])))
            writer.write(clones)
            written += len(clones)
            events += sum(len(c.get("events", ())) for c in clones)
            if written % (batch * 25) == 0 or written == cases:
                took = time.perf_counter() - mark
                log(f"  {written} cases, {events} events in {took:.0f} s ({written / took:.0f} cases/s)")
        writer.close()
        timings["clones"] = time.perf_counter() - mark
        mark = time.perf_counter()
        summary_rows = finish(cloner, templates)
        timings["finish"] = time.perf_counter() - mark
        log(f"finish (sequences, ticket counters, {summary_rows} summary-row keys, ANALYZE): "
            f"{timings['finish']:.1f} s")
        total = db.session.scalar(text("SELECT count(*) FROM cases"))
        total_events = db.session.scalar(text("SELECT count(*) FROM events"))
        db.session.remove()
        db.engine.dispose()
    timings["total"] = time.perf_counter() - started
    log(f"total: {total} cases, {total_events} events in {timings['total']:.0f} s")
    return {"cases": total, "events": total_events, "timings": timings, "templates": len(templates)}


def finish_interrupted(url, log=print):
    """Complete a load that was stopped between batches (each batch is one transaction, so the cases
    written are whole): id sequences and ticket counters from the rows, the dashboards' summary rows
    recounted from every case and task (rollups.computed_from_scratch, written with COPY), ANALYZE."""
    from engine.reports import rollups
    from engine.store import statements
    started = time.perf_counter()
    app = make_app(url)
    with app.app_context():
        for table in ("cases", "events", "outbox"):
            db.session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                    f"(SELECT max(id) FROM {table}))"))
        db.session.execute(text(
            "INSERT INTO ticket_counters (kabupaten, year, last_number) SELECT substr(ticket, 1, 4), "
            "2000 + substr(ticket, 6, 2)::int, max(substr(ticket, 9)::int) FROM cases GROUP BY 1, 2 "
            "ON CONFLICT (kabupaten, year) DO UPDATE SET last_number = "
            "greatest(ticket_counters.last_number, EXCLUDED.last_number)"))
        db.session.commit()
        facts = rollups.computed_from_scratch(db.session.connection(), rollups.current_offset())
        db.session.rollback()
        log(f"  {len(facts)} summary-row keys counted in {time.perf_counter() - started:.0f} s")
        db.session.execute(statements.ROLLUPS.delete().where(statements.ROLLUPS.c.jenis != statements.ROLLUP_ZONE))
        db.session.commit()
        add_rollups_by_copy(facts, expand=False)
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM (ANALYZE)"))  # visibility map set: index-only scans
        total = db.session.scalar(text("SELECT count(*) FROM cases"))
        events = db.session.scalar(text("SELECT count(*) FROM events"))
        db.session.remove()
        db.engine.dispose()
    log(f"finished the interrupted load: {total} cases, {events} events, in {time.perf_counter() - started:.0f} s")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", default=DEFAULT_URL)
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--batch", type=int, default=2000)
    parser.add_argument("--fresh", action="store_true", help="drop the PostgreSQL database first")
    parser.add_argument("--now", default=None, help="ISO instant the data ends at (default: now)")
    parser.add_argument("--finish-interrupted", action="store_true",
                        help="only complete a load stopped between batches (sequences, counters, summary rows)")
    args = parser.parse_args()
    if args.finish_interrupted:
        finish_interrupted(args.database, log=lambda line: print(line, flush=True))
        return
    now = datetime.fromisoformat(args.now) if args.now else datetime.now(timezone.utc).replace(second=0, microsecond=0)
    summary = generate(args.database, args.cases, now, months=args.months, batch=args.batch, fresh=args.fresh,
                       log=lambda line: print(line, flush=True))
    print(json.dumps(summary, default=str))


if __name__ == "__main__":
    main()
