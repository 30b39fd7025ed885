"""The templates and clones of bench/national.py: scenario journeys played through the engine, then copied.

See bench/national.py for what is generated and how; this module plays the templates, cuts their rows
into literal pieces and tokens, makes each clone's rows (ids, area, officers, ticket, hash chain,
search keys) and writes them (COPY on PostgreSQL), then adds the clones' dashboard summary rows.
"""

import json
import random
import re
import sys
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from sqlalchemy import select, text

from engine.audit.eventlog import GENESIS, event_hash, hashed_fields
from engine.cases import search
from engine.domain import timezones
from engine.demo import seed
from engine.domain.actor import Actor
from engine.errors import SlrtError
from engine.store.models import HumanTask, User, db

DEMO_DISTRICT_USERS = {"fo.cianjur": "fo", "bo.sosial": "bo.sosial", "bo.kesehatan": "bo.kesehatan",
                       "bo.pendidikan": "bo.pendidikan", "bo.lainnya": "bo.lainnya", "manajer.cianjur": "manajer",
                       "pp.dinkes": "pp.dinkes", "pp.opd": "pp.opd", "pp.mitra": "pp.mitra"}
DEMO_KECAMATAN_USERS = {"fasilitator.cianjur": "fasilitator", "supervisor.cianjur": "supervisor"}
DEMO_VILLAGE_USERS = {"fo.puskesos.sayang": "fo.puskesos", "bo.puskesos.sayang": "bo.puskesos"}
DEMO_PROVINCE_USERS = {"manajer.jabar": "manajer.p"}
CLAIMED_FIRST = 0.7  # of the tasks completed, how many were claimed from the inbox first
SKIPPED_SCENARIOS = ("36_", "37_")  # another district's officer looking on; the front desk's queue numbers


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

# the demo village every template journey runs in
TEMPLATE_AREA = Area(seed.DEMO_VILLAGE[:2], seed.DEMO_VILLAGE[:4], seed.DEMO_VILLAGE[:6], seed.DEMO_VILLAGE)
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
    village = TEMPLATE_AREA.village
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


def add_rollups_by_copy(delta, expand=True):
    """rollups.apply for millions of rows: the same rows (each village fact again for every area
    above it, rollups' own expansion and row layout), COPYed into a scratch table and added in one
    INSERT ... ON CONFLICT. `expand` False: the facts are of every level already (computed_from_scratch)."""
    from engine.reports import rollups
    expanded = rollups._difference((), rollups._at_every_level(list(delta.items()))) if expand else delta
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
        add_rollups_by_copy(delta)
    else:
        rollups.apply(delta)
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM (ANALYZE)"))  # visibility map set: index-only scans
    return len(delta)
