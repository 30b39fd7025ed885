"""Dashboards and monitoring reports, scoped to an area and a period (Pedoman BAB I.H, VI.E, VII).

Every figure is a SQL aggregate over indexed tables — the case row's indexed columns, the
human-task index and the DTKS tables — never a case's workflow or variables. Queries return
grouped counts; the small rollups into tables happen here in Python.

The figures over a period are read from the summary rows engine/reports/rollups.py keeps in step
with the cases and tasks (a few thousand rows instead of every case and task of the period); when
those were counted in another UTC offset than the one asked for, from the cases and tasks directly.

What each figure counts:
- complaints received: cases registered in the period (their channel, type, category, program,
  area, outcome and the complainant's profile);
- closed and time to close: cases closed in the period (calendar days, nearest-rank percentiles);
- on time: human tasks completed in the period with a due time, completed at or before it;
- open and overdue: the open tasks as of now;
- referrals and appeals: program-manager and appeal tasks created in the period;
- DTKS (participation, combinations, gaps, profiles): the registry as it stands.
"""

import threading
from collections import Counter, OrderedDict, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from sqlalchemy import Text, case as sql_case, cast, func, select

from engine.domain import access, roles
from engine.domain.vocabulary import JENIS_KELUHAN, KANAL, KATEGORI, PROGRAM
from engine.errors import Forbidden, InvalidInput
from engine.reports import tables
from engine.reports import rollups
from engine.store.models import Case, Household, HouseholdMember, HumanTask, Region, db
from engine.reports.sql import ALL, hours_between, in_area, local_month, percentiles
from engine.i18n import N_

LEVELS = {0: "nasional", 2: "provinsi", 4: "kabupaten", 6: "kecamatan", 10: "desa"}
SUB_DIGITS = {0: 2, 2: 4, 4: 6, 6: 10, 10: 10}
APPEAL_TASK = "Task_TinjauBanding"
DEFAULT_MONTHS = 12
MAX_MONTHS = 36


@dataclass(frozen=True)
class Scope:
    """The area (BPS code prefix, "" nationwide) and the local months a dashboard covers."""

    wilayah: str
    months: tuple  # ("2026-01", ...), local calendar months, in order
    offset_hours: int

    @property
    def level(self):
        return LEVELS.get(len(self.wilayah), "desa")

    @property
    def sub_digits(self):
        return SUB_DIGITS.get(len(self.wilayah), 10)

    @property
    def start(self):
        return month_start(self.months[0], self.offset_hours)

    @property
    def end(self):
        return month_start(_next_month(self.months[-1]), self.offset_hours)


def month_start(month, offset_hours):
    """The UTC instant a local month ('2026-11') begins."""
    year, number = (int(part) for part in month.split("-"))
    return datetime(year, number, 1, tzinfo=timezone.utc) - timedelta(hours=offset_hours)


def _next_month(month):
    year, number = (int(part) for part in month.split("-"))
    return f"{year + number // 12:04d}-{number % 12 + 1:02d}"


def current_month(now, offset_hours):
    """The local month ('2026-11') an instant falls in."""
    return _month_of(now, offset_hours)


def _month_of(instant, offset_hours):
    return (instant + timedelta(hours=offset_hours)).strftime("%Y-%m")


def _parse_month(value, name, errors):
    try:
        year, number = (int(part) for part in value.split("-"))
        if not (2000 <= year <= 2100 and 1 <= number <= 12):
            raise ValueError
    except (AttributeError, ValueError):
        errors[name] = "bulan harus berbentuk TTTT-BB, misalnya 2026-11"
        return None
    return f"{year:04d}-{number:02d}"


def resolve_scope(actor, now, offset_hours, wilayah=None, dari=None, sampai=None):
    """The dashboard scope the actor asked for: their own area unless they narrowed it; by
    default the twelve months up to this one. Forbidden outside the actor's role or area."""
    area = (wilayah or "").strip() or (actor.wilayah or "")
    if not area.isdigit() and area != "" or len(area) not in LEVELS:
        raise InvalidInput(N_("Kode wilayah tidak valid"), errors={"wilayah": "kode BPS 2, 4, 6 atau 10 angka"})
    if not access.may_view_dashboard(actor, area):
        raise Forbidden(N_("Anda tidak berwenang melihat dasbor wilayah ini"), wilayah=area)
    errors = {}
    last = _parse_month(sampai, "sampai", errors) if sampai else _month_of(now, offset_hours)
    first = _parse_month(dari, "dari", errors) if dari else None
    if errors:
        raise InvalidInput(N_("Periode tidak valid"), errors=errors)
    months = [last]
    while len(months) < MAX_MONTHS and months[0] != first and (first or len(months) < DEFAULT_MONTHS):
        year, number = (int(part) for part in months[0].split("-"))
        months.insert(0, f"{year - (number == 1):04d}-{(number - 2) % 12 + 1:02d}")
    if first and months[0] != first:
        raise InvalidInput(N_("Periode tidak valid"), errors={"dari": f"paling awal {MAX_MONTHS} bulan sebelum 'sampai'"})
    return Scope(area, tuple(months), int(offset_hours))


def month_scope(actor, now, offset_hours, month, wilayah=None):
    """The monthly report's scope: one month."""
    return resolve_scope(actor, now, offset_hours, wilayah, month, month)


def quarter_scope(actor, now, offset_hours, year, quarter, wilayah=None):
    """The quarterly monitoring report's scope: three months (quarter 1 to 4)."""
    if quarter not in (1, 2, 3, 4):
        raise InvalidInput(N_("Triwulan tidak valid"), errors={"triwulan": "1 sampai 4"})
    first = 3 * (quarter - 1) + 1
    return resolve_scope(actor, now, offset_hours, wilayah, f"{year:04d}-{first:02d}", f"{year:04d}-{first + 2:02d}")


@dataclass
class Dashboard:
    scope: Scope
    area_name: str | None
    headline: list = field(default_factory=list)  # [(label, value, unit)]
    sections: list = field(default_factory=list)  # [(title, [Table, ...])]

    def tables(self):
        return {table.key: table for _title, tables in self.sections for table in tables}


def dashboard(actor, scope, now):
    """Every indicator of the scope (the caller has resolved it with `resolve_scope`)."""
    if not access.may_view_dashboard(actor, scope.wilayah):
        raise Forbidden(N_("Anda tidak berwenang melihat dasbor wilayah ini"), wilayah=scope.wilayah)
    if rollups.counted_in(scope.offset_hours):
        cases, closing, trend, profile = _summed_cases(scope)
        tasks = _summed_tasks(scope, now)
        areas = _summed_areas(scope)
    else:
        cases, closing = _case_groups(scope), _closing_times(scope)
        tasks = _task_figures(scope, now)
        trend, profile = _trend(scope), _complainant_profile(scope)
        areas = _area_counts(cases, scope.sub_digits)
    registry = _registry_groups(scope)

    result = Dashboard(scope, _area_name(scope.wilayah))
    result.sections = [
        ("Lima butir Pedoman", [
            tables.proposals(cases), tables.participation(registry, cases), tables.combinations(registry),
            tables.gaps(registry), tables.registry_profile(registry), tables.complainant_profile(profile),
        ]),
        ("Pengaduan yang diterima", [
            tables.by_dimension(cases, "kanal", KANAL), tables.by_dimension(cases, "jenis_keluhan", JENIS_KELUHAN),
            tables.by_dimension(cases, "kategori", KATEGORI), tables.by_dimension(cases, "program", PROGRAM),
            tables.by_area(areas, _region_names(areas)), tables.trend(trend, scope.months),
        ]),
        ("Penanganan", [
            tables.resolution(cases), tables.final_results(cases), tables.agencies(tasks["agencies"], tasks["answer_times"]),
            tables.on_time(tasks["sla"]), tables.open_stages(tasks["open"]), tables.closing_times(closing),
            tables.appeals(tasks["appeals"], tasks["agencies"]),
        ]),
    ]
    result.headline = tables.headline(cases, tasks, closing)
    return result


# --- from the summary rows ----------------------------------------------------------------------

def _flag(value):
    return None if value is None else value == "1"


def _summed_cases(scope):
    """What the queries below answer from the cases, summed from the summary rows instead."""
    cases = []
    for *dims, n, _ok in rollups.read("diterima", scope, 9):
        values = dict(zip(_CASE_DIMENSIONS, dims), wilayah=scope.wilayah)
        values["terdaftar_dtks"] = _flag(values["terdaftar_dtks"])
        cases.append((values, n))
    trend = defaultdict(Counter)
    for month, n, _ok in rollups.read("diterima", scope, 0, by_month=True):
        trend[month]["diterima"] += n
    for month, n, _ok in rollups.read("selesai", scope, 0, by_month=True):
        trend[month]["selesai"] += n
    closing = rollups.percentiles("selesai", scope)
    closing.setdefault(rollups.ALL, (0, None, None))
    profile = Counter({(sex, _flag(disabled)): n for sex, disabled, n, _ok in rollups.read("pelapor", scope, 2)})
    return cases, closing, trend, profile


def _summed_areas(scope):
    """{area one level below the scope's: Counter(status)} of the cases received (`_area_counts`)."""
    areas = defaultdict(Counter)
    for area, status, n, _ok in rollups.read("diterima", scope, 1, sub_areas=True):
        areas[area][status] += n
    return areas


def _summed_tasks(scope, now):
    sla = [(name, n, ok) for name, n, ok in rollups.read("tugas_selesai", scope, 1)]
    referral_rows = [row for row in rollups.read("rujukan", scope, 3)]
    answer_times = rollups.percentiles("jawaban", scope)
    answer_times.pop(rollups.ALL, None)
    appeals = [(status, outcome, n) for status, outcome, n, _ok in rollups.read("banding", scope, 2)]
    return {"sla": sla, "open": _open_tasks(scope, now), "agencies": referral_rows,
            "answer_times": answer_times,
            "appeals": appeals}


def _open_tasks(scope, now):
    return [tuple(row) for row in db.session.execute(
        select(HumanTask.name, func.count(), _count_if(HumanTask.due_at <= now))
        .where(HumanTask.status == "siap", in_area(HumanTask.wilayah, scope.wilayah)).group_by(HumanTask.name))]


# --- queries ---------------------------------------------------------------------------------

def _received(scope):
    return (in_area(Case.wilayah, scope.wilayah), Case.created_at >= scope.start, Case.created_at < scope.end)


# In the order of the covering index ix_cases_dashboard, so grouping streams without sorting.
_CASE_DIMENSIONS = ("status", "kanal", "jenis_keluhan", "kategori", "program", "terdaftar_dtks", "hasil_akhir",
                    "hasil_verifikasi", "tanggapan_rujukan")


def _case_groups(scope):
    """[(dict of the dimensions above and `wilayah`, count)] of the cases received in the period."""
    columns = [Case.wilayah] + [getattr(Case, name) for name in _CASE_DIMENSIONS]
    rows = db.session.execute(select(*columns, func.count()).where(*_received(scope)).group_by(*columns))
    return [(dict(zip(("wilayah",) + _CASE_DIMENSIONS, row[:-1])), row[-1]) for row in rows]


def _area_counts(cases, digits):
    counts = defaultdict(Counter)
    for dims, n in cases:
        counts[dims["wilayah"][:digits]][dims["status"]] += n
    return counts


def _count_if(condition):
    return func.coalesce(func.sum(sql_case((condition, 1), else_=0)), 0)


def _trend(scope):
    """{local month: Counter(diterima=..., selesai=...)}: received and closed per month."""
    months = defaultdict(Counter)
    for column, name, where in ((Case.created_at, "diterima", _received(scope)),
                                (Case.closed_at, "selesai", _closed(scope))):
        month = local_month(column, scope.offset_hours)
        for value, count in db.session.execute(select(month, func.count()).where(*where).group_by(month)):
            months[value][name] += count
    return months


def _complainant_profile(scope):
    return Counter({(sex, bool(disabled) if disabled is not None else None): count for sex, disabled, count in
                    db.session.execute(select(Case.jenis_kelamin, Case.disabilitas, func.count())
                                       .where(*_received(scope)).group_by(Case.jenis_kelamin, Case.disabilitas))})


def _closed(scope):
    return (in_area(Case.wilayah, scope.wilayah), Case.closed_at >= scope.start, Case.closed_at < scope.end)


def _closing_times(scope):
    """{'semua' or program: (closed, median hours, p90 hours)} of the cases closed in the period."""
    figures = percentiles(db.session, func.coalesce(Case.program, "-"), hours_between(Case.closed_at, Case.created_at),
                          _closed(scope))
    figures["semua"] = figures.pop(ALL, (0, None, None))
    return figures


def _task_figures(scope, now):
    """Tasks completed in the period and on time, per stage; open and overdue tasks now, per stage;
    referrals (program-manager tasks) and appeals created in the period, with their answers and
    answer times. Each query reads one covering index (see the models)."""
    area = in_area(HumanTask.wilayah, scope.wilayah)
    on_time = HumanTask.completed_at <= HumanTask.due_at
    made_in = (HumanTask.created_at >= scope.start, HumanTask.created_at < scope.end)
    sla = defaultdict(lambda: [0, 0])
    for _area, name, count, ok in db.session.execute(
            select(HumanTask.wilayah, HumanTask.name, func.count(), _count_if(on_time))
            .where(area, HumanTask.status == "selesai", HumanTask.completed_at >= scope.start,
                   HumanTask.completed_at < scope.end, HumanTask.due_at.isnot(None))
            .group_by(HumanTask.wilayah, HumanTask.name)):
        sla[name][0] += count
        sla[name][1] += int(ok)
    open_ = db.session.execute(
        select(HumanTask.name, func.count(), _count_if(HumanTask.due_at <= now))
        .where(HumanTask.status == "siap", area).group_by(HumanTask.name)).all()
    live = HumanTask.status.in_(("siap", "selesai"))  # not cancelled
    referral = (HumanTask.role == roles.PENGELOLA_PROGRAM, live, area, HumanTask.instansi.isnot(None), *made_in)
    agencies = db.session.execute(
        select(HumanTask.instansi, HumanTask.status, HumanTask.hasil, func.count(), _count_if(on_time))
        .where(*referral).group_by(HumanTask.instansi, HumanTask.status, HumanTask.hasil)).all()
    answer_times = percentiles(db.session, HumanTask.instansi,
                               hours_between(HumanTask.completed_at, HumanTask.created_at),
                               (HumanTask.role == roles.PENGELOLA_PROGRAM, HumanTask.status == "selesai", area,
                                HumanTask.instansi.isnot(None), *made_in))
    appeals = db.session.execute(
        select(HumanTask.status, HumanTask.hasil, func.count())
        .where(HumanTask.role == roles.MANAJER, live, area, HumanTask.element_id == APPEAL_TASK, *made_in)
        .group_by(HumanTask.status, HumanTask.hasil)).all()
    return {"sla": [(name, n, ok) for name, (n, ok) in sla.items()],
            "open": [tuple(row) for row in open_], "agencies": [tuple(row) for row in agencies],
            "answer_times": answer_times, "appeals": [tuple(row) for row in appeals]}


_registry_cache = OrderedDict()
_registry_lock = threading.Lock()
_REGISTRY_CACHE_SIZE = 64


def _registry_groups(scope):
    """Households by (program list as stored, desil) and members by (program list, sex, disability).

    The registry changes only by import, which stamps every household it touches, so these
    aggregates are kept per process and area until the registry's row counts or latest stamp move.
    """
    households, stamp = db.session.execute(select(func.count(), func.max(Household.updated_at))).one()
    members = db.session.scalar(select(func.count()).select_from(HouseholdMember))
    key = (str(db.engine.url), scope.wilayah, households, stamp, members)
    with _registry_lock:
        if key in _registry_cache:
            _registry_cache.move_to_end(key)
            return _registry_cache[key]
    groups = _read_registry_groups(scope)
    with _registry_lock:
        _registry_cache[key] = groups
        while len(_registry_cache) > _REGISTRY_CACHE_SIZE:
            _registry_cache.popitem(last=False)
    return groups


def _read_registry_groups(scope):
    programs = cast(Household.programs, Text)
    households = db.session.execute(
        select(programs, Household.desil, func.count()).where(in_area(Household.wilayah, scope.wilayah))
        .group_by(programs, Household.desil)).all()
    members = db.session.execute(
        select(programs, HouseholdMember.jenis_kelamin, HouseholdMember.disabilitas, func.count())
        .join(Household, Household.no_kk == HouseholdMember.no_kk)
        .where(in_area(Household.wilayah, scope.wilayah))
        .group_by(programs, HouseholdMember.jenis_kelamin, HouseholdMember.disabilitas)).all()
    return {"households": [tuple(r) for r in households], "members": [tuple(r) for r in members]}


def _region_names(areas):
    codes = [code for code in areas if code]
    if not codes:
        return {}
    return dict(db.session.execute(select(Region.code, Region.name).where(Region.code.in_(codes))).all())


def _area_name(code):
    region = db.session.get(Region, code) if code else None
    return region.name if region else None
