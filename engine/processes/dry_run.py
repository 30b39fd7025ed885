"""The scenario suite (scenarios/*.yaml): load it, and dry-run it against a draft before publishing.

A scenario is one complaint journey: the intake, then each step as (officer, task, form data),
and what must hold at the end. The test suite plays them through the HTTP API; a dry run plays
them in memory on the published version and on a draft, without writing anything, and reports
which scenarios end differently.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select

from engine.bpmn import budget
from engine.bpmn.parser import ProcessBundle, load_bundle
from engine.config import Settings
from engine.domain import access
from engine.domain.actor import Actor
from engine.domain.statuses import CaseStatus
from engine.errors import SlrtError
from engine.cases import commands
from engine.processes import versions
from engine.cases import intake
from engine.demo import seed
from engine.processes.editing import refuse_if_invalid, require_analyst, require_reader
from engine.store.models import User, db

REQUIRED = ("nama", "pengaduan", "langkah", "harapan")
PLACEHOLDERS = {"KNOWN_NIK": seed.KNOWN_NIK, "UNREGISTERED_NIK": seed.UNREGISTERED_NIK,
                "DEMO_VILLAGE": seed.DEMO_VILLAGE, "KENDARI_VILLAGE": seed.KENDARI_VILLAGE}
DEFAULT_INTAKE = {"kanal": "sekretariat", "wilayah": seed.DEMO_VILLAGE, "jenis_keluhan": "pengaduan",
                  "program": "PKH", "uraian": "Uraian pengaduan dalam skenario.",
                  "pelapor": {"nik": seed.KNOWN_NIK, "nama": "Euis Komalasari", "telepon": "081300000001",
                              "jenis_kelamin": "P"}}
COMPARED = ("peran", "selesai", "tujuan_rujukan", "saluran_rujukan", "hasil_akhir", "pesan_keluar", "gagal")


def fill(value: Any) -> Any:
    """The scenario with its placeholders (KNOWN_NIK, DEMO_VILLAGE, ...) replaced by demo data."""
    if isinstance(value, str):
        return PLACEHOLDERS.get(value, value)
    if isinstance(value, dict):
        return {k: fill(v) for k, v in value.items()}
    if isinstance(value, list):
        return [fill(v) for v in value]
    return value


def load(path: Path) -> dict[str, Any]:
    """One scenario file, filled in; ValueError names what is missing."""
    scenario = fill(yaml.safe_load(path.read_text(encoding="utf-8")))
    for key in REQUIRED:
        if key not in scenario:
            raise ValueError(f"{path.name}: '{key}' tidak ada")
    return scenario


def suite(settings: Settings) -> list[tuple[str, dict[str, Any]]]:
    """[(name, scenario)] of every scenario file, in name order."""
    return [(path.stem, load(path)) for path in sorted(settings.path(settings.scenarios_dir).glob("*.yaml"))]


def intake_payload(scenario: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """(officer username, intake payload) of a scenario."""
    spec = dict(scenario["pengaduan"])
    officer = spec.pop("oleh", "fo.cianjur")
    payload = {**DEFAULT_INTAKE, **spec}
    return officer, payload


@dataclass
class _Officers:
    by_name: dict

    def get(self, username):
        if username not in self.by_name:
            user = db.session.scalar(select(User).where(User.username == username))
            self.by_name[username] = Actor.of(user) if user is not None else None
        return self.by_name[username]


def play(bundle: ProcessBundle, scenario: dict[str, Any], start_data: dict[str, Any], now: datetime) -> dict[str, Any]:
    """Play one scenario in memory on a bundle; return its outcome (nothing is stored)."""
    runner = commands.RUNNER
    outcome: dict[str, Any] = {"peran": [], "selesai": False, "tujuan_rujukan": None, "saluran_rujukan": None, "hasil_akhir": None,
               "pesan_keluar": [], "gagal": None}
    try:
        workflow = runner.start(bundle, start_data, now)
        _collect(runner, workflow, outcome)
        for number, step in enumerate(scenario["langkah"], start=1):
            now += timedelta(minutes=5)
            ready = {t.element_id: t for t in runner.ready_tasks(bundle, workflow)}
            task = ready.get(step["tugas"])
            if task is None:
                outcome["gagal"] = (f"langkah {number}: tugas '{step['tugas']}' tidak siap "
                                    f"(yang siap: {', '.join(sorted(ready)) or 'tidak ada'})")
                break
            runner.complete(bundle, workflow, task.id, step.get("data", {}), now)
            outcome["peran"].append(task.role)
            _collect(runner, workflow, outcome)
    except SlrtError as exc:
        outcome["gagal"] = f"{exc.message}"
        return outcome
    data = runner.case_data(workflow)
    outcome.update(selesai=workflow.completed, tujuan_rujukan=data.get("tujuan_rujukan"),
                   saluran_rujukan=data.get("saluran_rujukan"), hasil_akhir=data.get("hasil_akhir"))
    return outcome


def _collect(runner, workflow, outcome):
    variables = runner.case_data(workflow)
    for kind, payload in runner.take_messages(workflow):
        body = payload if isinstance(payload, dict) else {}
        outcome["pesan_keluar"].append([kind, body.get("tujuan_rujukan", variables.get("tujuan_rujukan")),
                                        body.get("saluran_rujukan", variables.get("saluran_rujukan"))])


def unmet(expected: dict[str, Any], outcome: dict[str, Any]) -> list[str]:
    """The expectations (harapan) of a scenario that an in-memory outcome does not meet."""
    missed = []
    for key, value in expected.items():
        if key == "status":
            actual = CaseStatus.SELESAI if outcome["selesai"] else CaseStatus.TERBUKA
        elif key in ("peran", "tujuan_rujukan", "saluran_rujukan", "hasil_akhir", "pesan_keluar"):
            actual = outcome[key]
        else:
            continue  # open tasks and who views the case are checked by the API suite only
        if actual != value:
            missed.append(key)
    if outcome["gagal"]:
        missed.append("gagal")
    return missed


def dry_run(actor: Actor, version_id: int, settings: Settings, now: datetime) -> dict[str, Any]:
    """Play the suite on the version new cases of the candidate's scope start on now and on version
    `version_id`; report what changes."""
    require_reader(actor)
    candidate = versions.get_version(version_id)
    return _compare_suite(candidate.process_id, candidate.cakupan, versions.bundle_for(candidate.id), candidate.id,
                          candidate.version, settings, now)


def dry_run_files(actor: Actor, process_id: str, files: dict[str, str], settings: Settings,
                  now: datetime) -> dict[str, Any]:
    """The same for files not stored yet (the modeler's edits), compared with the version new cases of the
    analyst's scope start on now (their district's variant, if there is one); DiagramError if they do not
    validate. Diagram editors only: it runs expressions nobody has reviewed yet."""
    require_analyst(actor)
    refuse_if_invalid(files, process_id)
    return _compare_suite(process_id, access.own_scope(actor), load_bundle(files, process_id), None, None,
                          settings, now)


def _compare_suite(process_id, scope, candidate_bundle, candidate_id, candidate_version, settings, now):
    current = versions.latest_version(process_id, scope)
    before_bundle = versions.bundle_for(current.id)
    officers = _Officers({})
    results = []
    pool = [budget.MAX_REQUEST_UNITS]  # the candidate's expressions share one pool over the whole suite
    for name, scenario in suite(settings):
        officer, payload = intake_payload(scenario)
        try:
            start = intake.prepare(officers.get(officer), payload, now)
        except SlrtError as exc:
            results.append({"nama": name, "judul": scenario["nama"], "berubah": False, "perbedaan": [],
                            "sebelum": None, "sesudah": None, "gagal_dimulai": exc.message,
                            "meleset_sebelum": [], "meleset_sesudah": []})
            continue
        finally:
            db.session.rollback()  # a dry run keeps nothing it read
        before = play(before_bundle, scenario, start, now)
        with budget.request_pool(pool):
            after = play(candidate_bundle, scenario, start, now)
        changed = [key for key in COMPARED if before[key] != after[key]]
        results.append({"nama": name, "judul": scenario["nama"], "berubah": bool(changed), "perbedaan": changed,
                        "sebelum": before, "sesudah": after, "gagal_dimulai": None,
                        "meleset_sebelum": unmet(scenario["harapan"], before),
                        "meleset_sesudah": unmet(scenario["harapan"], after)})
    return {"dari": current.id, "dari_versi": current.version, "dari_cakupan": current.cakupan, "ke": candidate_id, "ke_versi": candidate_version,
            "jumlah": len(results), "berubah": [r["nama"] for r in results if r["berubah"]], "skenario": results}
