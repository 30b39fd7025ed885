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
   ticket counters and id sequences are set and the tables ANALYZEd.

With a SQLite URL the same rows are written with executemany (used by the tests at small scale).
Prints the time of every phase.
"""

import argparse
import json
import random
import re
import sys
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import select, text  # noqa: E402

from engine.cases import search  # noqa: E402
from engine.domain import timezones  # noqa: E402
from engine.audit.eventlog import GENESIS, event_hash, hashed_fields  # noqa: E402
from engine.config import load_settings  # noqa: E402
from engine.domain.actor import Actor  # noqa: E402
from engine.errors import SlrtError  # noqa: E402
from engine.store.models import HumanTask, User, db  # noqa: E402

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
DEMO_DISTRICT_USERS = {"fo.cianjur": "fo", "bo.sosial": "bo.sosial", "bo.kesehatan": "bo.kesehatan",
                       "bo.pendidikan": "bo.pendidikan", "bo.lainnya": "bo.lainnya", "manajer.cianjur": "manajer",
                       "pp.dinkes": "pp.dinkes", "pp.opd": "pp.opd", "pp.mitra": "pp.mitra"}
DEMO_KECAMATAN_USERS = {"fasilitator.cianjur": "fasilitator", "supervisor.cianjur": "supervisor"}
DEMO_VILLAGE_USERS = {"fo.puskesos.sayang": "fo.puskesos", "bo.puskesos.sayang": "bo.puskesos"}
DEMO_PROVINCE_USERS = {"manajer.jabar": "manajer.p"}
CLAIMED_FIRST = 0.7  # of the tasks completed, how many were claimed from the inbox first
SKIPPED_SCENARIOS = ("36_", "37_")  # another district's officer looking on; the front desk's queue numbers
CASE_TABLES = ("cases", "human_tasks", "timers", "events", "outbox")  # written per case, in this order


@dataclass
class Area:
    province: str
    district: str
    kecamatan: str
    village: str


@dataclass
class Template:
    """One played case: its rows, and the strings that belong to this case (to be rewritten per clone)."""

    case_id: int
    is_open: bool
    month: int  # months before now of its start
    rows: dict = field(default_factory=dict)  # table -> [row dict], strings cut into pieces and tokens
    n_ids: int = 0  # task and timer ids to make afresh per clone
    source: list = field(default_factory=list)  # its case row and task rows as played (for the summary rows)


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


def officer_for(template_user, area):
    """The generated officer who stands in the clone for a demo officer of the templates."""
    if template_user in DEMO_DISTRICT_USERS:
        return f"{DEMO_DISTRICT_USERS[template_user]}.{area.district}"
    if template_user in DEMO_KECAMATAN_USERS:
        return f"{DEMO_KECAMATAN_USERS[template_user]}.{area.kecamatan}"
    if template_user in DEMO_VILLAGE_USERS:
        return f"{DEMO_VILLAGE_USERS[template_user]}.{area.village}"
    if template_user in DEMO_PROVINCE_USERS:
        return f"{DEMO_PROVINCE_USERS[template_user]}{area.province}"
    return template_user  # national agencies' officers (pp.kemensos, ...) and the system


# -- templates ---------------------------------------------------------------------------------------

def _actor(name, cache={}):
    if name not in cache:
        cache[name] = Actor.of(db.session.scalar(select(User).where(User.username == name)))
    return cache[name]


def _open_task(case_id, element_id):
    return db.session.scalar(select(HumanTask).where(HumanTask.case_id == case_id, HumanTask.element_id == element_id,
                                                     HumanTask.status == "siap"))


def play(scenario, start, steps, claim_last, settings):
    """Play the first `steps` steps of a scenario from `start`; the case id, or None if it cannot be played."""
    from engine.cases import commands
    from engine.processes import dry_run
    officer, payload = dry_run.intake_payload(scenario)
    now = start
    change = commands.start_case(_actor(officer), payload, now, settings)
    case_id = change.case_id
    for number, step in enumerate(scenario["langkah"][:steps + (1 if claim_last else 0)]):
        now += timedelta(minutes=random.Random(case_id * 31 + number).randint(20, 300))
        task = _open_task(case_id, step["tugas"])
        if task is None:
            return None
        actor = _actor(step["oleh"])
        if number == steps or random.Random(case_id * 7 + number).random() < CLAIMED_FIRST:
            commands.claim_task(actor, task.id, now)
        if number == steps:  # claimed, not yet completed
            break
        now += timedelta(minutes=random.Random(case_id * 17 + number).randint(10, 120))
        commands.complete_task(actor, task.id, step.get("data", {}), now)
    db.session.remove()
    return case_id


def month_starts(now, months=12):
    """One start instant per month, `months` months up to now (the newest a few days before now)."""
    starts = []
    for back in range(months):
        day = now - timedelta(days=30 * back + 4)
        starts.append(day.replace(hour=1, minute=0, second=0, microsecond=0))
    return starts


def make_templates(settings, now, rng, months=12, scenarios=None, per_month_open=1):
    """Play the scenario suite in every month: each journey complete and cut short; [(case id, month)]."""
    from engine.processes import dry_run
    played = []
    suite = [(name, s) for name, s in dry_run.suite(settings) if not name.startswith(SKIPPED_SCENARIOS)]
    if scenarios is not None:
        suite = suite[:scenarios]
    for month, start in enumerate(month_starts(now, months)):
        for index, (name, scenario) in enumerate(suite):
            at = start + timedelta(minutes=37 * index + rng.randint(0, 1800))
            n = len(scenario["langkah"])
            plays = [(n, False)] + [(rng.randint(0, n - 1), rng.random() < 0.3) for _ in range(per_month_open)]
            for steps, claim_last in plays:
                try:
                    case_id = play(scenario, at, steps, claim_last, settings)
                except SlrtError as exc:
                    print(f"  {name}: {exc.message}", file=sys.stderr)
                    db.session.rollback()
                    continue
                if case_id is not None:
                    played.append((case_id, month))
    return played


# -- clones ------------------------------------------------------------------------------------------

TEMPLATE_AREA = None  # Area of the demo village every template journey runs in (set by load_templates)
USER_COLUMNS = ("created_by", "assignee_id", "completed_by")
SEARCH_KEYS = "case_search_keys"  # digests of the complainant's identity: made afresh per clone
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def case_tables():
    """The tables written per case: the case first, then every table with a case_id column (the queue
    and the intake keys excepted: templates take no queue number and no idempotency key)."""
    tables = [db.metadata.tables["cases"]]
    tables += [t for name, t in sorted(db.metadata.tables.items())
               if "case_id" in t.c and name not in ("antrian", "intake_keys", "cases", SEARCH_KEYS)]
    return tables


def _splitter(area, ids):
    """A regex that finds the template's area codes (at a number's start) and its task/timer ids."""
    codes = [area.village, area.kecamatan, area.district]
    alternatives = [rf"(?<![0-9.]){c}" for c in codes] + [re.escape(i) for i in ids]
    return re.compile("(" + "|".join(alternatives) + ")") if alternatives else None


def _parts(value, pattern, tokens):
    """A string as literal pieces and token keys (tuples), or the string itself when it holds no token."""
    if not isinstance(value, str) or pattern is None:
        return value
    pieces = pattern.split(value)
    if len(pieces) == 1:
        return value
    return [tokens.get(p, p) if i % 2 else p for i, p in enumerate(pieces)]


def load_templates(played, usernames_by_id):
    """Read the played cases' rows and cut every string into literal pieces and tokens; [Template]."""
    global TEMPLATE_AREA
    from engine.demo import seed
    village = seed.DEMO_VILLAGE
    TEMPLATE_AREA = Area(village[:2], village[:4], village[:6], village)
    area_tokens = {TEMPLATE_AREA.village: ("area", "village"), TEMPLATE_AREA.kecamatan: ("area", "kecamatan"),
                   TEMPLATE_AREA.district: ("area", "district")}
    tables = case_tables()
    templates = []
    for case_id, month in played:
        rows = {}
        for table in tables:
            key = table.c.id if table.name == "cases" else table.c.case_id
            order = table.c.seq if table.name == "events" else table.c.id
            rows[table.name] = [dict(r) for r in db.session.execute(select(table).where(key == case_id)
                                                                    .order_by(order)).mappings()]
        case = rows["cases"][0]
        if case["wilayah"] != village:
            continue
        source = [dict(case)] + [dict(task) for task in rows.get("human_tasks", ())]
        ids = [r["id"] for name in ("human_tasks", "timers") for r in rows.get(name, [])]
        tokens = dict(area_tokens, **{i: ("id", n) for n, i in enumerate(ids)})
        pattern = _splitter(TEMPLATE_AREA, ids)
        for name, table_rows in rows.items():
            for row in table_rows:
                for column, value in row.items():
                    if column in USER_COLUMNS and value is not None:
                        row[column] = ("user", usernames_by_id[value])
                    elif column == "actor" and value:
                        row[column] = ("user", value)
                    elif column not in ("hash", "prev_hash", "last_event_hash", "ticket", "tracking_code"):
                        row[column] = _parts(value, pattern, tokens)
        template = Template(case_id, case["status"] != "selesai", month, rows)
        template.n_ids = len(ids)
        template.source = source
        templates.append(template)
    return templates


_TRACKING = "346789ABCDEFGHJKMNPQRTUVWXY"


class Cloner:
    """Makes the rows of generated cases from templates: new ids, area, officers, ticket, chain."""

    def __init__(self, user_ids, first_case_id, first_ids, rng, offset):
        self.user_ids, self.rng, self.offset = user_ids, rng, offset
        self.next_case = first_case_id
        self.next_id = dict(first_ids)  # table -> next integer id (events, outbox)
        self.counters = {}  # (district, year) -> last ticket number
        self.rollup_counts = {}  # (template index, village) -> number of clones, for the summary rows

    def ticket(self, district, year):
        number = self.counters.get((district, year), 0) + 1
        self.counters[(district, year)] = number
        return f"{district}-{year % 100:02d}-{number:05d}"

    def clone(self, template, index, area):
        case_id = self.next_case
        self.next_case += 1
        values = {("area", "village"): area.village, ("area", "kecamatan"): area.kecamatan,
                  ("area", "district"): area.district}
        for n in range(template.n_ids):
            values[("id", n)] = str(uuid.UUID(int=self.rng.getrandbits(128), version=4))
        names = {}

        def user(name):
            if name not in names:
                names[name] = officer_for(name, area)
            return names[name]

        out = {}
        for table, rows in template.rows.items():
            made = []
            for row in rows:
                new = {}
                for column, value in row.items():
                    if type(value) is list:
                        new[column] = "".join(p if type(p) is str else values[p] for p in value)
                    elif type(value) is tuple:  # ("user", name)
                        new[column] = user(value[1]) if column == "actor" else self.user_ids.get(user(value[1]))
                    else:
                        new[column] = value
                if table == "cases":
                    new["id"] = case_id
                    new["ticket"] = self.ticket(area.district, new["created_at"].year)
                    new["tracking_code"] = "".join(self.rng.choice(_TRACKING) for _ in range(6))
                else:
                    new["case_id"] = case_id
                    if table in self.next_id:
                        new["id"] = self.next_id[table]
                        self.next_id[table] += 1
                    if table == "outbox":
                        new["idempotency_key"] = f"slrt-{case_id}-" + new["idempotency_key"].split("-", 2)[2]
                made.append(new)
            out[table] = made
        prev = GENESIS
        for event in out.get("events", ()):
            fields = hashed_fields(case_id=case_id, seq=event["seq"], type=event["type"], at=event["at"],
                                   actor=event["actor"], diagram_version_id=event["diagram_version_id"],
                                   task_id=event["task_id"], element_id=event["element_id"], data=event["data"],
                                   outcome=event["outcome"])
            event["prev_hash"], event["hash"] = prev, event_hash(prev, fields)
            prev = event["hash"]
        out["cases"][0]["last_event_hash"] = prev
        if SEARCH_KEYS in db.metadata.tables:
            pelapor = (json.loads(out["cases"][0]["data"] or "{}") or {}).get("pelapor") or {}
            out[SEARCH_KEYS] = [{"kunci": key, "case_id": case_id} for key in sorted(search.identity_keys(pelapor))]
        key = (index, area.village)
        self.rollup_counts[key] = self.rollup_counts.get(key, 0) + 1
        return out


# -- writing -----------------------------------------------------------------------------------------

def _naive(value):
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).replace(tzinfo=None)
    return value


class Writer:
    """Writes batches of clones: COPY on PostgreSQL, executemany elsewhere; one transaction per batch."""

    def __init__(self):
        self.tables = case_tables() + [db.metadata.tables[n] for n in (SEARCH_KEYS,) if n in db.metadata.tables]
        self.postgres = db.engine.dialect.name == "postgresql"
        self.raw = db.engine.raw_connection() if self.postgres else None

    def write(self, clones):
        for table in self.tables:
            rows = [row for clone in clones for row in clone.get(table.name, ())]
            if not rows:
                continue
            if self.postgres:
                columns = list(table.c.keys())
                with self.raw.cursor() as cur, cur.copy(
                        f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row([_naive(row[c]) for c in columns])
            else:
                db.session.execute(table.insert(), rows)
        if self.postgres:
            self.raw.commit()
        else:
            db.session.commit()

    def close(self):
        if self.raw is not None:
            self.raw.close()


def _add_rollups_by_copy(delta):
    """rollups.apply for millions of rows: the same rows (each village fact again for every area
    above it, rollups' own expansion and row layout), COPYed into a scratch table and added in one
    INSERT ... ON CONFLICT."""
    from engine.reports import rollups
    expanded = rollups._difference((), rollups._at_every_level(list(delta.items())))
    columns = [c.name for c in db.metadata.tables["dashboard_rollups"].c]
    raw = db.engine.raw_connection()
    try:
        with raw.cursor() as cur:
            cur.execute("CREATE TEMP TABLE rollup_load (LIKE dashboard_rollups)")
            with cur.copy(f"COPY rollup_load ({', '.join(columns)}) FROM STDIN") as copy:
                for key, (n, on_time) in expanded.items():
                    row = rollups._row(key, n, on_time)
                    copy.write_row([row[c] for c in columns])
            cur.execute(f"INSERT INTO dashboard_rollups ({', '.join(columns)}) SELECT {', '.join(columns)} FROM "
                        "rollup_load ON CONFLICT (kunci) DO UPDATE SET n = dashboard_rollups.n + EXCLUDED.n, "
                        "tepat = dashboard_rollups.tepat + EXCLUDED.tepat")
        raw.commit()
    finally:
        raw.close()


def finish(cloner, templates):
    """Sequences, ticket counters and the dashboards' summary rows after the bulk load; ANALYZE."""
    from engine.reports import rollups
    if db.engine.dialect.name == "postgresql":
        for table in ("cases", "events", "outbox"):
            db.session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                    f"(SELECT max(id) FROM {table}))"))
    for (district, year), number in cloner.counters.items():
        updated = db.session.execute(text("UPDATE ticket_counters SET last_number = :n WHERE kabupaten = :k AND "
                                          "year = :y"), {"n": number, "k": district, "y": year}).rowcount
        if not updated:
            db.session.execute(text("INSERT INTO ticket_counters (kabupaten, year, last_number) VALUES (:k, :y, :n)"),
                               {"n": number, "k": district, "y": year})
    delta = {}  # the clones' village facts: apply() adds them to every area above as well
    offset, facts = rollups.current_offset(), {}
    for (index, village), count in cloner.rollup_counts.items():
        zone = timezones.offset_hours(village)  # months are local to the village's province
        if (index, zone) not in facts:  # the template's facts as if it had been played in this village
            case, *tasks = (dict(row, wilayah=village) for row in templates[index].source)
            found = rollups.case_facts(case, offset) + [f for t in tasks for f in rollups.task_facts(t, offset)]
            facts[(index, zone)] = [((j, m, d, e), c) for (j, m, w, d, e), c in found if w == village]
        for (jenis, month, dims, ember), (n, on_time) in facts[(index, zone)]:
            key = (jenis, month, village, dims, ember)
            before = delta.get(key, (0, 0))
            delta[key] = (before[0] + n * count, before[1] + on_time * count)
    if db.engine.dialect.name == "postgresql":
        _add_rollups_by_copy(delta)
    else:
        rollups.apply(delta)
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("ANALYZE"))
    return len(delta)


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


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", default=DEFAULT_URL)
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--batch", type=int, default=2000)
    parser.add_argument("--fresh", action="store_true", help="drop the PostgreSQL database first")
    parser.add_argument("--now", default=None, help="ISO instant the data ends at (default: now)")
    args = parser.parse_args()
    now = datetime.fromisoformat(args.now) if args.now else datetime.now(timezone.utc).replace(second=0, microsecond=0)
    summary = generate(args.database, args.cases, now, months=args.months, batch=args.batch, fresh=args.fresh,
                       log=lambda line: print(line, flush=True))
    print(json.dumps(summary, default=str))


if __name__ == "__main__":
    main()
