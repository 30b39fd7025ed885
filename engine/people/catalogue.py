"""The program catalogue (the `programs` table): the one list of programs a complaint can be about.

Intake, the `program` fields of task forms (enum fields marked `pilihan = katalog_program`), the
SOP a referral runs (`proses_sop`) and the default back-office sector (`sektor_bawaan`) all read
it. Its initial content is rules/program.yaml; administrators edit it at /admin/program.
"""

import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import ColumnElement, literal, or_, select

from engine.bpmn.forms import OPTION_SOURCES
from engine.domain.vocabulary import PROGRAM_VARIABLES, SEKTOR
from engine.errors import InvalidInput
from engine.i18n import N_, Message
from engine.store import statements
from engine.store.models import Program, db

INITIAL_FILE = Path(__file__).resolve().parents[2] / "rules" / "program.yaml"
SOURCE = OPTION_SOURCES[0]  # "katalog_program"
FALLBACK_SECTOR = "lainnya"
CODE = re.compile(r"^[A-Z0-9][A-Z0-9_-]{0,19}$")
PROCESS_ID = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]{0,99}$")


def programs(active_only: bool = True, area: str | None = None, within: str | None = None) -> list[Program]:
    """The catalogue rows in display order: with `area` (a case's village) only the programs valid
    there (national, its province's, its district's); with `within` (an officer's area) those valid
    somewhere inside it."""
    query = select(Program).order_by(Program.urutan, Program.code)
    if active_only:
        query = query.where(Program.active.is_(True))
    if area is not None:
        query = query.where(applies_to(area))
    if within is not None:
        query = query.where(inside(within))
    return list(db.session.scalars(query))


def codes(active_only: bool = True, within: str | None = None) -> tuple[str, ...]:
    """The program codes in display order (the active ones read straight on the driver: every intake asks)."""
    if active_only and within is None:
        return tuple(row.code for row in statements.ACTIVE_PROGRAM_CODES.execute({}).all())
    return tuple(p.code for p in programs(active_only, within=within))


def options(active_only: bool = True, area: str | None = None, within: str | None = None) -> tuple[tuple[str, str], ...]:
    """((code, label), ...) for a choice of program (`area`, `within`: as `programs`); the label
    'BPNT (Bantuan Pangan Non Tunai)' is a Message, so a page shows the catalogue's name in its language
    (names of the initial catalogue are msgids)."""
    return tuple((p.code, N_("{kode} ({nama})", kode=p.code, nama=Message(p.name)))
                 for p in programs(active_only, area, within))


def option_sources(active_only: bool = False, area: str | None = None) -> dict[str, tuple[tuple[str, str], ...]]:
    """{source: options} for the runner: a completion accepts every catalogued code (replay too);
    with `area` (the case's village) only the programs valid there."""
    return {SOURCE: options(active_only, area)}


def sources_in(area: str, active_only: bool = False) -> Callable[[], dict[str, tuple[tuple[str, str], ...]]]:
    """The option sources of a form of a case in the village `area` (asked only when a form has such a field)."""
    return lambda: option_sources(active_only, area)


def deriving_in(area: str) -> Callable[[Mapping[str, Any]], dict[str, str | None]]:
    """`derive` for a completion on a case in the village `area`: a submitted program not valid there (in a
    field of any type) is refused, so an officer cannot put another district's program on the case."""
    def derive_here(values: Mapping[str, Any]) -> dict[str, str | None]:
        code = values.get("program")
        if code and not (isinstance(code, str) and offered_in(code, area)):
            raise InvalidInput(N_("Data formulir tidak valid"), errors={"program": area_error(code, area)})
        return derive(values)
    return derive_here


def area_error(code: Any, area: str) -> str:
    """The Indonesian message refusing program `code` on a case in `area`, naming the valid ones."""
    return N_("Program '{kode}' tidak berlaku di wilayah kasus ini; pilih salah satu dari: {pilihan}",
              kode=code, pilihan=", ".join(p.code for p in programs(True, area)))


def variables_for(code: Any) -> dict[str, str | None]:
    """{proses_sop, sektor_bawaan} of a program (None / the fallback sector when it is not catalogued)."""
    row = statements.PROGRAM_ROUTING.execute({"_code": code}).first() if isinstance(code, str) else None
    return dict(zip(PROGRAM_VARIABLES, (row.proses_sop if row else None,
                                         (row.sektor if row else None) or FALLBACK_SECTOR)))


def offered_in(code: str, wilayah: str) -> bool:
    """True when a catalogued program applies to the village `wilayah` (national ones everywhere)."""
    row = statements.PROGRAM_ROUTING.execute({"_code": code}).first()
    return row is not None and wilayah.startswith(row.wilayah or "")


def applies_to(area: str) -> ColumnElement[bool]:
    """SQL: the program's area contains `area` (national programs contain every area)."""
    return literal(area or "").startswith(Program.wilayah, autoescape=False)


def inside(area: str) -> ColumnElement[bool]:
    """SQL: the program is valid somewhere in `area`: it contains `area` or lies inside it."""
    return or_(applies_to(area), Program.wilayah.startswith(area or "", autoescape=True))


def derive(values: Mapping[str, Any]) -> dict[str, str | None]:
    """The program's variables when submitted values name a program, else nothing."""
    return variables_for(values["program"]) if values.get("program") else {}


def intake_error(code: Any) -> str | None:
    """The Indonesian message for a program intake must refuse, or None when it is offered."""
    if code in (None, ""):
        return N_("{kolom} wajib diisi", kolom=N_("Program"))
    if not isinstance(code, str) or code not in codes():
        return N_("Program '{kode}' tidak ada di katalog program aktif; pilih salah satu dari: {pilihan}",
                  kode=code, pilihan=", ".join(codes()))
    return None


def missing_sop_processes(process_ids: Iterable[str]) -> list[tuple[str, str | None]]:
    """[(code, proses_sop)] of active programs whose SOP process is not among `process_ids`."""
    return [(p.code, p.proses_sop) for p in programs() if p.proses_sop not in set(process_ids)]


def check_fields(fields: Mapping[str, Any], errors: dict[str, Any]) -> tuple[str, str]:
    """Validate an administrator's SOP process and sector entries into `errors`; return them."""
    proses = (fields.get("proses_sop") or "").strip()
    sektor = (fields.get("sektor") or "").strip()
    if not PROCESS_ID.match(proses):
        errors["proses_sop"] = N_("id proses SOP wajib diisi (huruf, angka, garis bawah), mis. sop_pkh")
    if sektor not in SEKTOR:
        errors["sektor"] = N_("sektor harus salah satu dari: {pilihan}", pilihan=", ".join(SEKTOR))
    return proses, sektor


def initial_rows(path: str | Path = INITIAL_FILE) -> list[Program]:
    """The catalogue's initial content as Program rows (not yet added to a session)."""
    rows = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or []
    return [Program(code=r["kode"], name=r["nama"], agency=r["instansi"], level=r["tingkat"],
                    proses_sop=r["proses_sop"], sektor=r["sektor"], description=r.get("uraian", ""),
                    criteria=r.get("kriteria", ""), active=r.get("aktif", True), urutan=number)
            for number, r in enumerate(rows, start=1)]
