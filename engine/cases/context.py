"""The decision context of a case: what every earlier step recorded, by whom and when, as labels.

Built from the case's event log (the facts as they were recorded, not as the variables stand
today): the intake, then each completed task with the fields its officer submitted (labelled by
the diagram's own form: field labels and option labels) and what the decision tables set right
after it (destination agency and channel by name, sector). The complainant's identity is never
part of it; the task and case pages show it, masked, where the viewer may not see it.
Every label is a gettext msgid; `translate` says whether a value is one (free text is not).
"""

import json
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select

from engine.domain import roles
from engine.domain.labels import value_label, variable_label
from engine.i18n import N_
from engine.people import catalogue
from engine.processes import versions
from engine.store.models import Event, Region, User, db

# What the intake recorded that helps a decision (identity excluded).
INTAKE_FACTS = ("kanal", "jenis_keluhan", "program", "uraian")
# What decision tables and catalogue rows set after a step, shown with it when no form asked for it
# (marked "ditetapkan aturan": set by a decision table, the program catalogue or the intake rules).
DECIDED_FACTS = ("kategori", "sektor", "tujuan_rujukan", "saluran_rujukan", "tingkat")
# Never in the context, whoever looks: the complainant's identity and the engine's own bookkeeping.
HIDDEN = frozenset({"pelapor", "nik", "no_kk", "nama", "telepon", "alamat", "proses_sop", "sektor_bawaan"})
STEP_EVENTS = ("kasus_dibuat", "tugas_selesai")


def _fact(variable: str, value: Any, label: str | None = None, options: dict[str, str] | None = None) -> dict:
    shown = value_label(variable, value, options)
    return {"variable": variable, "label": label or variable_label(variable), "value": shown,
            "translate": shown is not value or isinstance(value, bool)}


def _form_of(diagram_version_id: int | None, element_id: str | None):
    if diagram_version_id is None or not element_id:
        return None
    return versions.bundle_for(diagram_version_id).user_tasks.get(element_id)


def _step(event: Event, people: Mapping[str, tuple[str, str | None]], program_names: Mapping[str, str]) -> dict:
    data = json.loads(event.data or "{}")
    outcome = json.loads(event.outcome or "{}") if event.outcome else {}
    decided_now = outcome.get("set", {})
    facts, shown = [], set()
    if event.type == "kasus_dibuat":
        title: Any = N_("Pengaduan dicatat")
        for name in INTAKE_FACTS:
            if data.get(name) not in (None, ""):
                facts.append(_program_fact(data[name], program_names) if name == "program" else _fact(name, data[name]))
                shown.add(name)
        if "terdaftar_dtks" in decided_now:
            facts.append(_fact("terdaftar_dtks", bool(decided_now["terdaftar_dtks"])))
    else:
        info = _form_of(event.diagram_version_id, event.element_id)
        title = info.name if info else (event.element_id or "")
        fields = {f.id: f for f in info.form} if info else {}
        for name, value in data.items():
            if name in HIDDEN or value in (None, ""):
                continue
            field = fields.get(name)
            if name == "program" and not (field and field.options):
                facts.append(_program_fact(value, program_names))
            else:
                facts.append(_fact(name, value, field.label if field else None,
                                   dict(field.options) if field and field.options else None))
            shown.add(name)
    decided = [_fact(name, decided_now[name]) for name in DECIDED_FACTS
               if name not in shown and decided_now.get(name) not in (None, "")]
    full_name, role = people.get(event.actor or "", (event.actor or "", None))
    return {"seq": event.seq, "at": event.at, "title": title, "actor": full_name,
            "role": roles.ROLE_LABELS.get(role or "", role or ""), "facts": facts, "decided": decided}


def _program_fact(code: str, program_names: Mapping[str, str]) -> dict:
    name = program_names.get(code)
    if name:
        return {"variable": "program", "label": variable_label("program"), "value": name, "translate": True}
    return _fact("program", code)


def area_names(wilayah: str) -> list[dict[str, Any]]:
    """[{'level': 'Desa/kelurahan', 'name': 'Mandonga'}, ...] from the village up to the district."""
    codes = [wilayah[:n] for n in (10, 6, 4) if len(wilayah or "") >= n]
    found = {r.code: r for r in db.session.scalars(select(Region).where(Region.code.in_(codes)))}
    levels = {10: N_("Desa/kelurahan"), 6: N_("Kecamatan"), 4: N_("Kabupaten/kota")}
    return [{"level": levels[len(code)], "name": found[code].name} for code in codes if code in found]


def decision_context(case: Any) -> dict[str, Any]:
    """The context of a case the caller has already been allowed to see (`case`: its row)."""
    events = list(db.session.scalars(select(Event).where(
        Event.case_id == case.id, Event.type.in_(STEP_EVENTS)).order_by(Event.seq)))
    people = {u.username: (u.full_name, u.role) for u in db.session.scalars(
        select(User).where(User.username.in_({e.actor for e in events if e.actor})))}
    program_names = dict(catalogue.options(active_only=False))
    variables = json.loads(case.data or "{}")
    referral = None
    if variables.get("tujuan_rujukan"):
        referral = {"tujuan": value_label("tujuan_rujukan", variables["tujuan_rujukan"]),
                    "saluran": value_label("saluran_rujukan", variables.get("saluran_rujukan"))
                    if variables.get("saluran_rujukan") else None}
    return {"area": area_names(case.wilayah or ""), "referral": referral,
            "steps": [_step(e, people, program_names) for e in events]}
