"""Dashboards and monitoring reports, scoped to an area and a period (Pedoman BAB I.H, VI.E, VII).

Every figure is a SQL aggregate over indexed tables — the case row's indexed columns, the
human-task index and the DTKS tables — never a case's workflow or variables. Queries return
grouped counts; the small rollups into tables happen here in Python.

The figures over a period are read, one way only, from the summary rows engine/reports/rollups.py
keeps in step with the cases and tasks (a few thousand rows instead of every case and task of the
period). When those rows were counted in another UTC offset than the one asked for, the dashboard
is refused until they are rebuilt (`slrt upgrade` does it, or `slrt rebuild-dashboards`).

What each figure counts:
- complaints received: cases registered in the period (their channel, type, category, program,
  area, outcome and the complainant's profile);
- closed and time to close: cases closed in the period (calendar days, nearest-rank percentiles);
- on time: human tasks completed in the period with a due time, completed at or before it;
- open and overdue: the open tasks as of now;
- referrals and appeals: program-manager and appeal tasks created in the period;
- DTKS (participation, combinations, gaps, profiles): the registry as it stands.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Text, case as sql_case, cast, func, select

from engine import state
from engine.domain import access, timezones
from engine.domain.actor import Actor
from engine.domain.statuses import TaskStatus
from engine.domain.vocabulary import JENIS_KELUHAN, KANAL, KATEGORI
from engine.errors import Forbidden, InvalidInput
from engine.people import catalogue
from engine.reports import tables
from engine.reports import rollups
from engine.store.models import Household, HouseholdMember, HumanTask, Region, db
from engine.store.statements import in_area
from engine.i18n import N_
from engine.reports.scope import LEVELS, SUB_DIGITS, Scope  # noqa: F401 (figures.Scope, figures.LEVELS)

DEFAULT_MONTHS = 12
MAX_MONTHS = 36


def current_month(now: datetime, offset_hours: int, wilayah: str | None = None) -> str:
    """The local month ('2026-11') an instant falls in, in the area's zone (`offset_hours` without one)."""
    return _month_of(now, offset_hours, wilayah)


def _month_of(instant, offset_hours, wilayah=None):
    return (instant + timedelta(hours=timezones.offset_hours(wilayah, offset_hours))).strftime("%Y-%m")


def _parse_month(value, name, errors):
    try:
        year, number = (int(part) for part in value.split("-"))
        if not (2000 <= year <= 2100 and 1 <= number <= 12):
            raise ValueError
    except (AttributeError, ValueError):
        errors[name] = N_("bulan harus berbentuk TTTT-BB, misalnya 2026-11")
        return None
    return f"{year:04d}-{number:02d}"


def resolve_scope(actor: Actor, now: datetime, offset_hours: int, wilayah: str | None = None, dari: str | None = None,
                  sampai: str | None = None) -> Scope:
    """The dashboard scope the actor asked for: their own area unless they narrowed it; by
    default the twelve months up to this one. Forbidden outside the actor's role or area."""
    area = (wilayah or "").strip() or (actor.wilayah or "")
    if not area.isdigit() and area != "" or len(area) not in LEVELS:
        raise InvalidInput(N_("Kode wilayah tidak valid"), errors={"wilayah": N_("kode BPS 2, 4, 6 atau 10 angka")})
    if not access.may_view_dashboard(actor, area):
        raise Forbidden(N_("Anda tidak berwenang melihat dasbor wilayah ini"), wilayah=area)
    errors: dict[str, str] = {}
    last = _parse_month(sampai, "sampai", errors) if sampai else _month_of(now, offset_hours, area)
    first = _parse_month(dari, "dari", errors) if dari else None
    if errors:
        raise InvalidInput(N_("Periode tidak valid"), errors=errors)
    months = [last]
    while len(months) < MAX_MONTHS and months[0] != first and (first or len(months) < DEFAULT_MONTHS):
        year, number = (int(part) for part in months[0].split("-"))
        months.insert(0, f"{year - (number == 1):04d}-{(number - 2) % 12 + 1:02d}")
    if first and months[0] != first:
        raise InvalidInput(N_("Periode tidak valid"), errors={"dari": N_("paling awal {n} bulan sebelum 'sampai'", n=MAX_MONTHS)})
    return Scope(area, tuple(months), int(offset_hours))


def month_scope(actor: Actor, now: datetime, offset_hours: int, month: str, wilayah: str | None = None) -> Scope:
    """The monthly report's scope: one month."""
    return resolve_scope(actor, now, offset_hours, wilayah, month, month)


def quarter_scope(actor: Actor, now: datetime, offset_hours: int, year: int, quarter: int,
                  wilayah: str | None = None) -> Scope:
    """The quarterly monitoring report's scope: three months (quarter 1 to 4)."""
    if quarter not in (1, 2, 3, 4):
        raise InvalidInput(N_("Triwulan tidak valid"), errors={"triwulan": N_("1 sampai 4")})
    first = 3 * (quarter - 1) + 1
    return resolve_scope(actor, now, offset_hours, wilayah, f"{year:04d}-{first:02d}", f"{year:04d}-{first + 2:02d}")


@dataclass
class Dashboard:
    scope: Scope
    area_name: str | None
    headline: list = field(default_factory=list)  # [(label, value, unit)]
    sections: list = field(default_factory=list)  # [(title, [Table, ...])]

    def tables(self) -> dict[str, tables.Table]:
        return {table.key: table for _title, tables in self.sections for table in tables}


def dashboard(actor: Actor, scope: Scope, now: datetime) -> Dashboard:
    """Every indicator of the scope (the caller has resolved it with `resolve_scope`)."""
    if not access.may_view_dashboard(actor, scope.wilayah):
        raise Forbidden(N_("Anda tidak berwenang melihat dasbor wilayah ini"), wilayah=scope.wilayah)
    rollups.require_counted_in(scope.offset_hours)
    cases, closing, trend, profile = _summed_cases(scope)
    tasks = _summed_tasks(scope, now)
    areas = _summed_areas(scope)
    registry = _registry_groups(scope)
    programs = catalogue.codes(active_only=False)

    result = Dashboard(scope, _area_name(scope.wilayah))
    result.sections = [
        (N_("Lima butir Pedoman"), [
            tables.proposals(cases), tables.participation(registry, cases, programs),
            tables.combinations(registry, programs), tables.gaps(registry, programs), tables.registry_profile(registry), tables.complainant_profile(profile),
        ]),
        (N_("Pengaduan yang diterima"), [
            tables.by_dimension(cases, "kanal", KANAL), tables.by_dimension(cases, "jenis_keluhan", JENIS_KELUHAN),
            tables.by_dimension(cases, "kategori", KATEGORI), tables.by_dimension(cases, "program", programs),
            tables.by_area(areas, _region_names(areas)), tables.trend(trend, scope.months),
        ]),
        (N_("Penanganan"), [
            tables.resolution(cases), tables.final_results(cases), tables.agencies(tasks["agencies"], tasks["answer_times"]),
            tables.on_time(tasks["sla"]), tables.open_stages(tasks["open"]), tables.closing_times(closing, programs),
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
    overdue = func.coalesce(func.sum(sql_case((HumanTask.due_at <= now, 1), else_=0)), 0)
    return [tuple(row) for row in db.session.execute(
        select(HumanTask.name, func.count(), overdue)
        .where(HumanTask.status == TaskStatus.SIAP, in_area(HumanTask.wilayah, scope.wilayah)).group_by(HumanTask.name))]


# --- the registry and area names (not period figures: read as they stand) ----------------------

# In the order of the summary rows' dimensions d1..d9 (engine/reports/rollups.py CASE_DIMENSIONS).
_CASE_DIMENSIONS = rollups.CASE_DIMENSIONS


def _registry_groups(scope):
    """Households by (program list as stored, desil) and members by (program list, sex, disability).

    The registry changes only by import, which stamps every household it touches, so these
    aggregates are kept per app (engine/state.py) and area until the registry's row counts or latest stamp move.
    """
    households, stamp = db.session.execute(select(func.count(), func.max(Household.updated_at))).one()
    members = db.session.scalar(select(func.count()).select_from(HouseholdMember))
    key = (str(db.engine.url), scope.wilayah, households, stamp, members)
    cache = state.current().registry_groups
    groups = cache.get(key)
    if groups is None:
        groups = _read_registry_groups(scope)
        cache.put(key, groups)
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
