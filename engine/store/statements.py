"""The named statements the services run: written here once, called by name elsewhere.

Most are `Statement`s run on the driver (engine/store/direct.py), compiled once per dialect; the
others are plain Core statements the session runs (SQLAlchemy caches their compiled form), where
they need a row lock, an expanding IN list, streaming, or (the functions at the end) a shape that
depends on the call. Services build no driver statement of their own; what they still query
through the ORM session (loading entities to change them) stays with them.
"""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Insert, Select, and_, bindparam, delete, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from engine.domain.statuses import OutboxStatus, TaskStatus, TimerStatus, VersionStatus
from engine.domain.vocabulary import INDEXED_PELAPOR, INDEXED_VARIABLES
from engine.store import rollup_table
from engine.store.direct import CheckedUpdate, Statement
from engine.store.models import (
    ApiToken, Case, DiagramVersion, Event, HumanTask, OutboxMessage, Program, Region, TicketCounter, Timer, User, db,
)
from engine.store.rollup_table import ROLLUPS

CASES, TASKS, TIMERS, EVENTS = Case.__table__, HumanTask.__table__, Timer.__table__, Event.__table__
OUTBOX, COUNTERS, VERSIONS = OutboxMessage.__table__, TicketCounter.__table__, DiagramVersion.__table__


def run(statement: Any, params: Any) -> Any:
    """Run a statement in the session's transaction (a direct Statement on the driver)."""
    if isinstance(statement, Statement):
        return statement.execute(params)
    return db.session.connection().execute(statement, params)


# --- a case and its change (engine/cases/persistence.py, commands.py) ---------------------------

# the case's reference: what a change needs to compare-and-set and chain its event
CASE_COLUMNS = (CASES.c.id, CASES.c.revision, CASES.c.event_count, CASES.c.last_event_hash,
                CASES.c.diagram_version_id, CASES.c.wilayah, CASES.c.aparat_desa)
# the case's dashboard columns as they are, read with the reference (the summary rows move their facts)
DASHBOARD_COLUMNS = tuple(CASES.c[name].label(f"r_{name}") for name in rollup_table.CASE_COLUMNS)
_STATE_COLUMNS = (*INDEXED_VARIABLES, *INDEXED_PELAPOR, "state", "data", "revision", "event_count",
                  "last_event_hash", "updated_at", "status", "closed_at", "tahap")
_SAME_REVISION = (CASES.c.id == bindparam("_id"), CASES.c.revision == bindparam("_revision"))

ADD_CASE = Statement(insert(CASES).returning(CASES.c.id))
SAVE_CASE = CheckedUpdate(update(CASES).where(*_SAME_REVISION)
                      .values({name: bindparam(name) for name in _STATE_COLUMNS}))
BUMP_CASE = CheckedUpdate(update(CASES).where(*_SAME_REVISION)
                      .values({name: bindparam(name) for name in ("revision", "event_count", "last_event_hash",
                                                                  "updated_at")}))
CASE_STATE = Statement(select(CASES.c.state).where(CASES.c.id == bindparam("_id")))
# a case's reference for firing its timers (lockable: `.with_for_update(skip_locked=True)`)
CASE_FOR_TIMERS = (select(*CASE_COLUMNS, *DASHBOARD_COLUMNS, CASES.c.ticket)
                   .where(CASES.c.id == bindparam("_id")))
ADD_EVENT = Statement(insert(EVENTS))
LAST_EVENT = Statement(select(EVENTS.c.type, EVENTS.c.element_id)
                       .where(EVENTS.c.case_id == bindparam("_case"), EVENTS.c.seq == bindparam("_seq")))
# moving a running case onto another diagram version (engine/processes/editing.py)
CASE_REF = select(*CASE_COLUMNS).where(CASES.c.id == bindparam("_id"))
MOVE_CASE_TO_VERSION = (update(CASES).where(*_SAME_REVISION)
                        .values({name: bindparam(name) for name in ("state", "diagram_version_id", "revision",
                                                                    "event_count", "last_event_hash", "updated_at")}))
RENAME_TASK = update(TASKS).where(TASKS.c.id == bindparam("_id")).values(name=bindparam("name"),
                                                                          role=bindparam("role"))

# a task with its case's reference (columns c_*) and dashboard columns (r_*)
TASK_WITH_CASE = (select(TASKS, *[c.label(f"c_{c.name}") for c in CASE_COLUMNS])
                  .join(CASES, CASES.c.id == TASKS.c.case_id))
TASK_FOR_CHANGE = Statement(TASK_WITH_CASE.add_columns(*DASHBOARD_COLUMNS).where(TASKS.c.id == bindparam("_id")))
TASKS_CLAIMED_BY = Statement(TASK_WITH_CASE.where(TASKS.c.assignee_id == bindparam("_user"),
                                                  TASKS.c.status == TaskStatus.SIAP)
                             .order_by(TASKS.c.case_id, TASKS.c.created_at))
SET_TASK_ASSIGNEE = Statement(update(TASKS).where(TASKS.c.id == bindparam("_id"))
                              .values(assignee_id=bindparam("assignee_id"), claimed_at=bindparam("claimed_at")))
ADD_TASKS = Statement(insert(TASKS))
FINISH_TASK = Statement(update(TASKS).where(TASKS.c.id == bindparam("_id"))
                        .values(status=TaskStatus.SELESAI, completed_at=bindparam("at"), completed_by=bindparam("by"),
                                hasil=bindparam("hasil")))
CANCEL_TASK = Statement(update(TASKS).where(TASKS.c.id == bindparam("_id"))
                        .values(status=TaskStatus.DIBATALKAN, completed_at=bindparam("at")))
ADD_TIMERS = Statement(insert(TIMERS))
FIRE_TIMER = Statement(update(TIMERS).where(TIMERS.c.id == bindparam("_id"))
                       .values(status=TimerStatus.TERPICU, fired_at=bindparam("at")))
CANCEL_TIMER = Statement(update(TIMERS).where(TIMERS.c.id == bindparam("_id")).values(status=TimerStatus.DIBATALKAN))
ADD_OUTBOX = Statement(insert(OUTBOX))

# --- the schedulers' sweeps (engine/cases/timers.py, outbox.py): what is due at `_now` ---------

DUE_TIMERS = (select(TIMERS.c.case_id, TIMERS.c.due_at)
              .where(TIMERS.c.status == TimerStatus.MENUNGGU, TIMERS.c.due_at <= bindparam("_now"))
              .order_by(TIMERS.c.due_at).limit(bindparam("_limit")))
DUE_MESSAGE_IDS = (select(OUTBOX.c.id)
                   .where(OUTBOX.c.status == OutboxStatus.MENUNGGU, OUTBOX.c.next_attempt_at <= bindparam("_now"))
                   .order_by(OUTBOX.c.next_attempt_at, OUTBOX.c.id).limit(bindparam("_limit")))

# --- the case page (engine/cases/queries.py): the row without its serialized workflow ------------

_VIEW_COLUMNS = [column for column in CASES.c if column.name != "state"]
CASE_BY_ID = Statement(select(*_VIEW_COLUMNS).where(CASES.c.id == bindparam("_key")))
CASE_BY_TICKET = Statement(select(*_VIEW_COLUMNS).where(CASES.c.ticket == bindparam("_key")))
CASE_TASKS = Statement(select(TASKS).where(TASKS.c.case_id == bindparam("_id")).order_by(TASKS.c.created_at, TASKS.c.id))
CASE_TIMERS = Statement(select(TIMERS.c.id, TIMERS.c.element_id, TIMERS.c.name, TIMERS.c.due_at, TIMERS.c.status,
                               TIMERS.c.fired_at)
                        .where(TIMERS.c.case_id == bindparam("_id")).order_by(TIMERS.c.due_at))
CASE_MESSAGES = Statement(select(OUTBOX.c.id, OUTBOX.c.kind, OUTBOX.c.tujuan, OUTBOX.c.saluran, OUTBOX.c.status,
                                 OUTBOX.c.attempts, OUTBOX.c.last_error, OUTBOX.c.created_at, OUTBOX.c.delivered_at)
                          .where(OUTBOX.c.case_id == bindparam("_id")).order_by(OUTBOX.c.id))

# --- intake (engine/cases/intake.py) ----------------------------------------------------------

REGION_CODE = Statement(select(Region.__table__.c.code).where(Region.__table__.c.code == bindparam("_code")))
NEXT_TICKET_NUMBER = Statement(update(COUNTERS)
                               .where(COUNTERS.c.kabupaten == bindparam("_kabupaten"),
                                      COUNTERS.c.year == bindparam("_year"))
                               .values(last_number=COUNTERS.c.last_number + 1)
                               .returning(COUNTERS.c.last_number))


def _dialect_insert(dialect):
    return pg_insert if dialect == "postgresql" else sqlite_insert


_OPEN_COUNTERS: dict[str, Insert] = {}


def open_ticket_counter(dialect: str) -> Insert:
    """Create a district's counter row for a year at 0, unless another transaction just did."""
    if dialect not in _OPEN_COUNTERS:
        _OPEN_COUNTERS[dialect] = (_dialect_insert(dialect)(COUNTERS)
                                   .values(kabupaten=bindparam("_kabupaten"), year=bindparam("_year"), last_number=0)
                                   .on_conflict_do_nothing())
    return _OPEN_COUNTERS[dialect]


# --- diagram versions (engine/processes/versions.py) ------------------------------------------

# The program catalogue as intake and forms read it: codes in display order, a program's routing.
_PROGRAMS = Program.__table__
ACTIVE_PROGRAM_CODES = Statement(select(_PROGRAMS.c.code).where(_PROGRAMS.c.active.is_(True))
                                 .order_by(_PROGRAMS.c.urutan, _PROGRAMS.c.code))
PROGRAM_ROUTING = Statement(select(_PROGRAMS.c.proses_sop, _PROGRAMS.c.sektor, _PROGRAMS.c.wilayah)
                            .where(_PROGRAMS.c.code == bindparam("_code")))
# the newest published version of the most specific scope among national, the province and the district
LATEST_VERSION_ID = Statement(select(VERSIONS.c.id)
                              .where(VERSIONS.c.process_id == bindparam("_process"), VERSIONS.c.status == VersionStatus.PUBLISHED,
                                     VERSIONS.c.cakupan.in_([bindparam("_national"), bindparam("_province"),
                                                             bindparam("_district")]))
                              .order_by(func.length(VERSIONS.c.cakupan).desc(), VERSIONS.c.version.desc()).limit(1))

# --- sign-in by token (engine/people/auth.py): one statement per API request -------------------

TOKEN_USER = Statement(select(ApiToken.revoked_at, ApiToken.expires_at, User.id, User.username, User.role,
                              User.wilayah, User.sektor, User.instansi, User.full_name, User.active)
                       .join(User, User.id == ApiToken.user_id).where(ApiToken.token_hash == bindparam("digest")))

# --- the dashboards' summary rows (engine/reports/rollups.py) -----------------------------------

ROLLUP_ZONE = "zona"  # the row that records the UTC offset the months were counted in
ROLLUP_OFFSET = select(ROLLUPS.c.n).where(ROLLUPS.c.jenis == ROLLUP_ZONE)
ROLLUP_ROWS = select(ROLLUPS).where(ROLLUPS.c.jenis != ROLLUP_ZONE)
CLEAR_ROLLUPS = delete(ROLLUPS)
INSERT_ROLLUPS = insert(ROLLUPS)
# every case and task row with the columns their facts are counted from, streamed
ROLLUP_CASE_SOURCE = (select(*(CASES.c[name] for name in rollup_table.CASE_COLUMNS))
                      .execution_options(yield_per=20000))
ROLLUP_TASK_SOURCE = (select(*(TASKS.c[name] for name in rollup_table.TASK_COLUMNS))
                      .execution_options(yield_per=20000))
ROLLUP_CASE = select(*(CASES.c[name] for name in rollup_table.CASE_COLUMNS)).where(CASES.c.id == bindparam("_id"))
ROLLUP_TASKS = (select(*(TASKS.c[name] for name in rollup_table.TASK_COLUMNS))
                .where(TASKS.c.id.in_(bindparam("_ids", expanding=True))))
_ROLLUP_ADDS: dict[str, Statement] = {}


def add_to_rollups(dialect: str) -> Statement:
    """The statement that adds rows' counts to the summary rows with the same key (or inserts them)."""
    if dialect not in _ROLLUP_ADDS:
        statement = _dialect_insert(dialect)(ROLLUPS)
        _ROLLUP_ADDS[dialect] = Statement(statement.on_conflict_do_update(
            index_elements=[ROLLUPS.c.kunci],
            set_={"n": ROLLUPS.c.n + statement.excluded.n, "tepat": ROLLUPS.c.tepat + statement.excluded.tepat}))
    return _ROLLUP_ADDS[dialect]


def in_area(column: Any, prefix: str | None) -> ColumnElement[bool]:
    """`column` starts with the BPS code prefix, as a range both databases answer from an index."""
    if not prefix:
        return column.isnot(None)
    upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    return and_(column >= prefix, column < upper)


def rollup_sums(jenis: str, wilayah: str, months: Sequence[str], groups: Sequence[str],
                sub_digits: int | None = None) -> Select[Any]:
    """(groups…, sum n, sum tepat) of one figure's rows of an area over months, grouped by the named
    columns (bulan, wilayah, d1…, ember); with `sub_digits`, of the areas of that code length inside it."""
    columns = [ROLLUPS.c[name] for name in groups]
    area: tuple[ColumnElement[bool], ...]
    if sub_digits is None:
        area = (ROLLUPS.c.wilayah == wilayah,)
    else:
        area = (in_area(ROLLUPS.c.wilayah, wilayah), func.length(ROLLUPS.c.wilayah) == sub_digits)
    query = (select(*columns, func.sum(ROLLUPS.c.n), func.sum(ROLLUPS.c.tepat))
             .where(ROLLUPS.c.jenis == jenis, ROLLUPS.c.bulan.in_(months), *area))
    return query.group_by(*columns) if columns else query


def rollup_buckets(names: Sequence[str], wilayah: str, months: Sequence[str]) -> Select[Any]:
    """(jenis, d1, ember, sum n) of the duration rows of these figures ('selesai:3', …) of an area."""
    return (select(ROLLUPS.c.jenis, ROLLUPS.c.d1, ROLLUPS.c.ember, func.sum(ROLLUPS.c.n))
            .where(ROLLUPS.c.jenis.in_(names), ROLLUPS.c.bulan.in_(months), ROLLUPS.c.wilayah == wilayah)
            .group_by(ROLLUPS.c.jenis, ROLLUPS.c.d1, ROLLUPS.c.ember))
