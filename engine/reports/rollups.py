"""The dashboards' summary rows, kept in step with the cases and tasks in the same transaction.

Every figure the dashboards show over a period is a sum of facts, one or none per case row or
task row; a fact is (figure, local month, village, dimensions…, duration bucket) with a count
and an on-time count. A change subtracts the facts of the rows as they were and adds the facts
of the rows as they are now, so the table always equals what `computed_from_scratch` derives
from the rows themselves (the tests check exactly that). The dashboards then read a few
thousand summary rows instead of scanning every case and task of the period.

Figures (jenis) and their dimensions d1..d9:
- diterima: cases by local month registered — status, kanal, jenis_keluhan, kategori, program,
  terdaftar_dtks, hasil_akhir, hasil_verifikasi, tanggapan_rujukan;
- pelapor: cases by month registered — the complainant's sex and disability;
- selesai: cases by month closed — program ("-" when none), with the time to close bucketed;
- tugas_selesai: finished tasks with a due time, by month completed — name; on time counted;
- rujukan: live referral tasks (program managers') by month created — agency, status, decision;
  answered on time counted; jawaban: the answered ones' answer times, by agency, bucketed;
- banding: live appeal tasks by month created — status, decision.
Each fact is kept for the village and again for every area above it (wilayah "" is the nation).

Durations are bucketed in tenths of a day, rounded half up from whole seconds: the resolution
the dashboards print (days with one decimal), so nearest-rank percentiles read from the bucket
counts are the printed values exactly.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection

from engine import state
from engine.domain import roles
from engine.domain import timezones
from engine.domain.statuses import TaskStatus
from engine.domain.vocabulary import APPEAL_TASK
from engine.errors import Unavailable
from engine.reports.scope import Scope
from engine.store import statements
from engine.store.models import db
from engine.store.rollup_table import CASE_COLUMNS, CASE_DIMENSIONS, DIMENSIONS, TASK_COLUMNS  # noqa: F401 (used as rollups.*)
from engine.i18n import N_


_ZONE = statements.ROLLUP_ZONE
# A fact: ((jenis, bulan, wilayah, dims, ember), (n, tepat)); a change or a table: {key: (n, tepat)}.
Fact = tuple[tuple[Any, ...], tuple[int, int]]
Delta = dict[tuple[Any, ...], tuple[int, ...]]


def current_offset() -> int:
    """The UTC offset this installation counts months in (config.yaml, sla.utc_offset_jam)."""
    return state.current().offset_hours


# The zone row holds ZONED + the installation's offset: months are local to each village's province (WIB,
# WITA, WIT; engine/domain/timezones.py), the installation's offset only for an area without a province.
# Rows counted before (the zone row holding the bare offset, one zone for every area) read as stale.
ZONED = 100


def _month(instant, offset, area=None):
    """The local month ('2026-11') of an instant in the area's zone (`offset`: for an area without one)."""
    local = instant + timedelta(hours=timezones.offset_hours(area, offset))
    return f"{local.year:04d}-{local.month:02d}"  # strftime("%Y-%m"), without its format parsing


def bucket(later: datetime, earlier: datetime) -> int:
    """Tenths of a day from `earlier` to `later`, rounded half up from whole seconds."""
    seconds = round((later - earlier).total_seconds())
    return (seconds + 4320) // 8640


def _flag(value):
    return None if value is None else "1" if value else "0"


LEVELS = (0, 2, 4, 6, 10)  # the area code lengths a dashboard can be scoped to


def _at_every_level(facts):
    """Each village fact again for the village's kecamatan, kabupaten, province and the nation, so a
    dashboard reads only the rows of its own area (a few thousand) instead of summing its villages."""
    return [((jenis, month, area[:digits], dims, ember), counts)
            for (jenis, month, area, dims, ember), counts in facts for digits in LEVELS if digits <= len(area)]


def case_facts(row: Mapping[Any, Any], offset: int) -> list[Fact]:
    """The facts one case row contributes: [((jenis, bulan, wilayah, dims, ember), (n, tepat))]."""
    return _at_every_level(_case_facts(row, offset))


def task_facts(row: Mapping[Any, Any], offset: int) -> list[Fact]:
    """The facts one human-task row contributes."""
    return _at_every_level(_task_facts(row, offset))


def _case_facts(row, offset):
    if not row["revision"]:  # a case is inserted and run to its first task in one transaction
        return []
    area = row["wilayah"]
    month = _month(row["created_at"], offset, area)
    dims = tuple(_flag(row[n]) if n == "terdaftar_dtks" else row[n] for n in CASE_DIMENSIONS)
    facts = [(("diterima", month, area, dims, None), (1, 0)),
             (("pelapor", month, area, (row["jenis_kelamin"], _flag(row["disabilitas"])), None), (1, 0))]
    if row["closed_at"] is not None:
        facts += _histogram("selesai", _month(row["closed_at"], offset, area), area, row["program"] or "-",
                            bucket(row["closed_at"], row["created_at"]))
    return facts


def _histogram(jenis, month, area, group, tenths):
    """A duration counted twice: by whole day under `jenis`, and by tenth of a day under
    'jenis:day', so a percentile reads the day histogram and then only the day its rank falls in."""
    day = tenths // 10
    return [((jenis, month, area, (group,), day), (1, 0)), ((f"{jenis}:{day}", month, area, (group,), tenths), (1, 0))]


def _task_facts(row, offset):
    facts, status = [], row["status"]
    done = status == TaskStatus.SELESAI and row["completed_at"] is not None
    on_time = int(done and row["due_at"] is not None and row["completed_at"] <= row["due_at"])
    if done and row["due_at"] is not None:
        month = _month(row["completed_at"], offset, row["wilayah"])
        facts.append((("tugas_selesai", month, row["wilayah"], (row["name"],), None), (1, on_time)))
    if status not in (TaskStatus.SIAP, TaskStatus.SELESAI):
        return facts
    created = _month(row["created_at"], offset, row["wilayah"])
    if row["role"] == roles.PENGELOLA_PROGRAM and row["instansi"] is not None:
        facts.append((("rujukan", created, row["wilayah"], (row["instansi"], status, row.get("hasil")), None),
                      (1, on_time)))
        if done:
            facts += _histogram("jawaban", created, row["wilayah"], row["instansi"],
                                bucket(row["completed_at"], row["created_at"]))
    if row["role"] == roles.MANAJER and row["element_id"] == APPEAL_TASK:
        facts.append((("banding", created, row["wilayah"], (status, row.get("hasil")), None), (1, 0)))
    return facts


# --- the write path -----------------------------------------------------------------------------

def case_change(case_id: int, values: Mapping[str, Any], old: Mapping[Any, Any] | None = None) -> Delta:
    """Before a case row is updated with `values`: the change that moves its village facts from the
    old row to the new one (give it to `apply`). `old`: the row's CASE_COLUMNS as they are, when the caller
    has just read them (else read here)."""
    if old is None:
        old = db.session.connection().execute(statements.ROLLUP_CASE, {"_id": case_id}).mappings().one()
    new = dict(old)
    new.update({name: values[name] for name in CASE_COLUMNS if name in values})
    offset = current_offset()
    return _difference(_case_facts(old, offset), _case_facts(new, offset))


def task_changes(closed_ids: Iterable[str], added_ids: Iterable[str],
                 known: dict[str, Mapping[Any, Any]] | None = None) -> Delta:
    """After tasks open until this change were finished or cancelled (`closed_ids`) and new ones
    added (`added_ids`): the change that moves the closed ones' facts from their open state to their
    final one (give it to `apply`). `known`: {task id: its row as written now} for rows the caller
    has in hand; the rest are read."""
    ids = list(closed_ids) + list(added_ids)
    if not ids:
        return {}
    offset, closed, known = current_offset(), set(closed_ids), known or {}
    rows = [known[task_id] for task_id in ids if task_id in known]
    unknown = [task_id for task_id in ids if task_id not in known]
    if unknown:
        rows += list(db.session.connection().execute(statements.ROLLUP_TASKS, {"_ids": unknown}).mappings())
    before, after = [], []
    for row in rows:
        if row["id"] in closed:
            before += _task_facts(dict(row, status=TaskStatus.SIAP, completed_at=None, hasil=None), offset)
        after += _task_facts(row, offset)
    return _difference(before, after)


def task_rows(ids: Iterable[str]) -> list[dict[str, Any]]:
    """The task rows' TASK_COLUMNS as they are now (to give task_changes as `known`, updated)."""
    ids = list(ids)
    if not ids:
        return []
    return [dict(row) for row in db.session.connection().execute(statements.ROLLUP_TASKS, {"_ids": ids}).mappings()]


def apply(*changes: Delta) -> None:
    """Add changes (from case_change and task_changes) to the summary rows: one statement.

    The changes are of the villages' facts; each is added to every area above its village here,
    after they are netted (fewer facts to expand than expanding each row's facts first)."""
    village = [(key, counts) for change in changes for key, counts in change.items()]
    _apply(_difference((), _at_every_level(village)))


def _difference(before, after):
    delta = defaultdict(lambda: [0, 0])
    for sign, facts in ((-1, before), (1, after)):
        for key, (n, on_time) in facts:
            delta[key][0] += sign * n
            delta[key][1] += sign * on_time
    return {key: tuple(v) for key, v in delta.items() if v != [0, 0]}


def _kunci(key):
    jenis, month, area, dims, ember = key
    return "|".join(["~" if v is None else str(v) for v in (jenis, month, area, *dims, ember)])


_NO_DIMENSIONS = (None,) * len(DIMENSIONS)


def _row(key, n, on_time, kunci=None):
    jenis, month, area, dims, ember = key
    row = dict(zip(DIMENSIONS, (*dims, *_NO_DIMENSIONS[len(dims):])))
    row.update(kunci=kunci or _kunci(key), jenis=jenis, bulan=month, wilayah=area, ember=ember, n=n, tepat=on_time)
    return row


def _apply(delta):
    if not delta:
        return
    # in key order, so two transactions touching the same rows lock them in the same order
    keyed = sorted(((_kunci(key), key) for key in delta), key=lambda pair: pair[0])
    rows = [_row(key, *delta[key], kunci=kunci) for kunci, key in keyed]
    statements.add_to_rollups(db.session.get_bind().dialect.name).execute(rows)


# --- from scratch -------------------------------------------------------------------------------

def computed_from_scratch(connection: Connection, offset: int) -> Delta:
    """{key: (n, tepat)} derived from every case and task row, the same way the write path does."""
    totals: defaultdict[tuple[Any, ...], list[int]] = defaultdict(lambda: [0, 0])
    for query, facts in ((statements.ROLLUP_CASE_SOURCE, case_facts), (statements.ROLLUP_TASK_SOURCE, task_facts)):
        for row in connection.execute(query).mappings():
            for key, (n, on_time) in facts(row, offset):
                totals[key][0] += n
                totals[key][1] += on_time
    return {key: tuple(v) for key, v in totals.items() if v != [0, 0]}


def stored(connection: Connection) -> Delta:
    """{key: (n, tepat)} as the table holds them (rows summed to zero left out)."""
    result: Delta = {}
    for row in connection.execute(statements.ROLLUP_ROWS).mappings():
        if row["n"] or row["tepat"]:
            dims = tuple(row[name] for name in DIMENSIONS)
            width = {"diterima": 9, "pelapor": 2, "selesai": 1, "tugas_selesai": 1, "rujukan": 3, "banding": 2,
                     "jawaban": 1}[row["jenis"].split(":")[0]]
            key = (row["jenis"], row["bulan"], row["wilayah"], dims[:width], row["ember"])
            result[key] = (row["n"], row["tepat"])
    return result


def rebuild(connection: Connection, offset: int | None = None) -> int:
    """Replace the table's rows with those derived from scratch (migration, bulk loads, a new offset)."""
    offset = current_offset() if offset is None else int(offset)
    facts = computed_from_scratch(connection, offset)
    connection.execute(statements.CLEAR_ROLLUPS)
    rows = [_row(key, n, on_time) for key, (n, on_time) in facts.items()]
    rows.append(_row((_ZONE, "", "", (), None), ZONED + offset, 0))
    for start in range(0, len(rows), 5000):
        connection.execute(statements.INSERT_ROLLUPS, rows[start:start + 5000])
    return len(rows)


# --- the read side -------------------------------------------------------------------------------

def counted_in(offset_hours: int, connection: Connection | None = None) -> bool:
    """Whether the table's months are each village's local months, this UTC offset for areas without a zone."""
    return (connection or db.session).scalar(statements.ROLLUP_OFFSET) == ZONED + int(offset_hours)


def require_counted_in(offset_hours: int) -> None:
    """Refuse to read figures from rows counted in another UTC offset (or never counted)."""
    if not counted_in(offset_hours):
        raise Unavailable(N_("Ringkasan dasbor belum dihitung dengan zona waktu yang berlaku (UTC{selisih}). Operator "
                             "perlu menjalankan `slrt rebuild-dashboards` (atau `slrt upgrade`).",
                             selisih=f"{int(offset_hours):+d}"), utc_offset_jam=int(offset_hours))


def rebuild_if_stale(connection: Connection) -> int | None:
    """Rebuild the rows when they were counted in another UTC offset than configured: the row count,
    or None when they were current."""
    if counted_in(current_offset(), connection):
        return None
    return rebuild(connection)


def read(jenis: str, scope: Scope, width: int, with_bucket: bool = False, by_month: bool = False,
         sub_areas: bool = False) -> list[tuple[Any, ...]]:
    """[(…, dims…, [ember], n, tepat)] of the scope's area summed over its months, grouped by the
    figure's first `width` dimensions (and the bucket, the month when asked); with `sub_areas`,
    of each area one level below the scope's instead, grouped by that area first."""
    groups = (["bulan"] if by_month else []) + (["wilayah"] if sub_areas else []) + list(DIMENSIONS[:width]) + (
        ["ember"] if with_bucket else [])
    query = statements.rollup_sums(jenis, scope.wilayah, scope.months, groups,
                                   scope.sub_digits if sub_areas else None)
    return [tuple(row) for row in db.session.execute(query) if row[-2] or row[-1]]


ALL = "semua"  # the key of a percentile figure over every group together


def percentiles(jenis: str, scope: Scope, percents: Iterable[int] = (50, 90)) -> dict[Any, tuple[Any, ...]]:
    """{group: (count, *nearest-rank percentiles in hours)}, and {ALL: ...} over every group, of a
    duration histogram ('selesai' or 'jawaban') in the scope: exact at a tenth of a day."""
    days: defaultdict[Any, defaultdict[int, int]] = defaultdict(lambda: defaultdict(int))
    for group, day, n, _ok in read(jenis, scope, 1, with_bucket=True):
        days[group][day] += n
        days[ALL][day] += n
    wanted = {}  # (group, percent) -> (day, rank within the day)
    for group, counts in days.items():
        total = sum(counts.values())
        for percent in percents:
            rank, seen = max(1, (percent * total + 99) // 100), 0
            for day in sorted(counts):
                if seen + counts[day] >= rank:
                    wanted[(group, percent)] = (day, rank - seen)
                    break
                seen += counts[day]
    tenths: defaultdict[tuple[Any, int], defaultdict[int, int]] = defaultdict(lambda: defaultdict(int))
    needed = sorted({f"{jenis}:{day}" for day, _rank in wanted.values()})
    if needed:
        for name, group, ember, n in db.session.execute(statements.rollup_buckets(needed, scope.wilayah,
                                                                                  scope.months)):
            day = int(name.split(":")[1])
            tenths[(group, day)][ember] += n
            tenths[(ALL, day)][ember] += n
    figures = {}
    for group, counts in days.items():
        picks = []
        for percent in percents:
            day, rank = wanted[(group, percent)]
            seen = 0
            for ember in sorted(tenths[(group, day)]):
                seen += tenths[(group, day)][ember]
                if seen >= rank:
                    picks.append(ember * 24 / 10)
                    break
        figures[group] = (sum(counts.values()), *picks)
    return figures
