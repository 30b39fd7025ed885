"""What analysts do with diagram versions: validate, upload a draft, publish, history, diff, retire,
roll back, migrate running cases; built on the store of versions (engine/processes/versions.py). Who may read (``access.DIAGRAMS_VIEW``) and who may change (``access.DIAGRAMS_EDIT``)
is the access table's (engine/domain/access.py): analysts change things, auditors read.
"""


import json
from datetime import datetime
from typing import Any, cast

from lxml import etree
from sqlalchemy import func, select

from engine.bpmn import budget
from engine.bpmn.diff import diff as diff_files
from engine.bpmn.lint import Finding, has_errors, lint_files
from engine.bpmn.parser import ProcessBundle, content_hash, load_bundle, safe_xml
from engine.bpmn.migrate import migration_problems, rebind
from engine.domain import access
from engine.domain.actor import Actor
from engine.domain.statuses import CaseStatus, VersionStatus
from engine.errors import Conflict, DiagramError, Forbidden, InvalidInput, NotFound
from engine.people import catalogue
from engine.i18n import N_
from engine.cases import persistence
from engine.processes import versions
from engine.audit.eventlog import next_event
from engine.store.database import write_transaction
from engine.store import statements
from engine.store.models import Case, DiagramChange, DiagramVersion, db

def require_reader(actor: Actor) -> None:
    if not access.allowed(actor, access.DIAGRAMS_VIEW):
        raise Forbidden(N_("Peran Anda tidak berwenang melihat pengelolaan diagram"), action=access.DIAGRAMS_VIEW)


def require_analyst(actor: Actor) -> None:
    if not access.allowed(actor, access.DIAGRAMS_EDIT):
        raise Forbidden(N_("Peran Anda tidak berwenang mengubah diagram"), action=access.DIAGRAMS_EDIT)


def validate(actor: Actor, files: dict[str, str], process_id: str | None) -> list[dict[str, Any]]:
    """Every finding for an unsaved set of files (nothing is stored); diagram editors only, since
    checking evaluates expressions (timers) of content nobody has reviewed yet."""
    require_analyst(actor)
    check_names(files)
    with budget.request_pool():
        return [f.to_dict() for f in lint_files(files, process_id)]


def check_names(files: dict[str, str]) -> None:
    if not files:
        raise InvalidInput(N_("Tidak ada berkas diagram"), errors={"files": N_("unggah minimal satu berkas .bpmn")})
    for name in files:
        # .json: a SpiffArena user task's form schema, uploaded beside its diagram (engine/bpmn/spiff_dialect.py)
        if not name.endswith((".bpmn", ".dmn", ".json")) or "/" in name.replace("workflows/", "").replace("rules/", ""):
            raise InvalidInput(N_("Nama berkas tidak valid"), errors={"files": N_("'{berkas}' bukan .bpmn atau .dmn", berkas=name)})


def scope_for(actor: Actor, cakupan: str | None) -> str:
    """The scope a version of this analyst gets (their own area unless named); Forbidden outside it."""
    require_analyst(actor)
    scope = access.own_scope(actor) if cakupan is None else cakupan.strip()
    if len(scope) not in access.SCOPE_DIGITS or not scope.isdigit() and scope:
        raise InvalidInput(N_("Cakupan tidak valid"), errors={"cakupan": N_(
            "kosong (nasional), kode provinsi 2 angka atau kode kabupaten/kota 4 angka")})
    require_scope(actor, scope)
    return scope


def require_scope(actor: Actor, cakupan: str) -> None:
    """Forbidden unless the analyst may change versions of this scope (inside their area)."""
    if not access.may_edit_scope(actor, cakupan):
        raise Forbidden(N_("Anda hanya dapat mengubah diagram untuk wilayah Anda ({wilayah}); versi ini berlaku "
                           "untuk {cakupan}", wilayah=actor.wilayah or "nasional", cakupan=cakupan or "nasional"),
                        action=access.DIAGRAMS_EDIT, cakupan=cakupan)


def upload(actor: Actor, process_id: str, files: dict[str, str], now: datetime, cakupan: str | None = None) -> int:
    """Check uploaded files and keep them as a draft version of the scope (the analyst's area unless
    named); DiagramError names what is wrong."""
    scope = scope_for(actor, cakupan)
    check_names(files)
    with write_transaction():
        same = versions.find_by_content(process_id, content_hash(files), scope)
        if same is not None:
            return same.id
        refuse_if_invalid(files, process_id)
        bundle = load_bundle(files, process_id)
        refuse_missing_sop(bundle)
        version = versions.add_version(process_id, files, bundle, actor.username, now, cakupan=scope)
        versions.record_change(version, "diunggah", actor.username, now)
        return version.id


def refuse_if_invalid(files: dict[str, str], process_id: str) -> list[Finding]:
    """Raise DiagramError naming the first error (and carrying every finding) if the set has errors."""
    with budget.request_pool():  # every upload, publish and dry run of files checks through here
        findings = lint_files(files, process_id)
    if has_errors(findings):
        first = next(f for f in findings if f.severity == "error")
        raise DiagramError(first.message, element_id=first.element_id, file=first.file, line=first.line,
                           findings=[f.to_dict() for f in findings])
    return findings


def refuse_missing_sop(bundle: ProcessBundle) -> None:
    """Raise DiagramError when the bundle routes by the catalogue and an active program's SOP is missing.

    A diagram whose call activity names its process by a variable (`${proses_sop}`) calls the
    process the catalogue gives the case's program; each active program's one must be in the set.
    """
    if not bundle.variable_calls:
        return
    known = {bundle.process_id, *bundle.subprocess_specs}
    findings = [{"element_id": sop, "element_name": None, "line": None, "file": None, "severity": "error",
                 "message": f"program {code} di katalog memakai proses SOP '{sop or '-'}' yang tidak ada di "
                            "antara berkas diagram; unggah diagram SOP-nya atau ubah katalog program"}
                for code, sop in catalogue.missing_sop_processes(known)]
    if findings:
        raise DiagramError(findings[0]["message"], element_id=findings[0]["element_id"], findings=findings)


def publish_draft(actor: Actor, version_id: int, now: datetime | None = None) -> int:
    """Make a draft version the one new cases start on; running cases keep theirs."""
    require_analyst(actor)
    with write_transaction():
        version = versions.get_version(version_id)
        require_scope(actor, version.cakupan)
        if version.status != VersionStatus.DRAFT:
            raise Conflict(N_("Versi ini berstatus '{status}', bukan draf", status=version.status),
                           diagram_version_id=version_id)
        refuse_missing_sop(versions.bundle_for(version.id))
        versions.make_latest(version, actor.username, now or cast(datetime, version.created_at))
        return version.id


def describe(version: DiagramVersion, changes: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """A version as a dict with its history (who did what, when)."""
    if changes is None:
        changes = history(version.id)
    published = [c for c in changes if c["action"] in ("diterbitkan", "dipulihkan")]
    return {
        "id": version.id, "process_id": version.process_id, "version": version.version, "name": version.name,
        "status": version.status, "cakupan": version.cakupan, "content_hash": version.content_hash, "created_by": version.created_by,
        "created_at": version.created_at, "files": sorted(version.sources),
        "published_by": published[-1]["actor"] if published else None,
        "published_at": published[-1]["at"] if published else None,
        "changes": changes,
    }


def history(version_id: int) -> list[dict[str, Any]]:
    rows = db.session.scalars(select(DiagramChange).where(DiagramChange.diagram_version_id == version_id)
                              .order_by(DiagramChange.at, DiagramChange.id))
    return [{"action": c.action, "actor": c.actor, "at": c.at, "note": c.note} for c in rows]


def overview(actor: Actor) -> list[dict[str, Any]]:
    """Every version, newest first per process, each with its history and number of open cases.

    Callers hold ``access.DIAGRAMS_VIEW`` (checked here too, as every reader of this module does).
    """
    require_reader(actor)
    changes: dict[int, list[dict[str, Any]]] = {}
    for c in db.session.scalars(select(DiagramChange).order_by(DiagramChange.at, DiagramChange.id)):
        changes.setdefault(c.diagram_version_id, []).append(
            {"action": c.action, "actor": c.actor, "at": c.at, "note": c.note})
    open_cases = dict(db.session.execute(select(Case.diagram_version_id, func.count()).where(
        Case.status == CaseStatus.TERBUKA).group_by(Case.diagram_version_id)).all())
    result = []
    for version in versions.list_versions(actor):
        item = describe(version, changes.get(version.id, []))
        item["open_cases"] = open_cases.get(version.id, 0)
        result.append(item)
    return result


def detail(actor: Actor, version_id: int) -> dict[str, Any]:
    """One version with its files' text."""
    require_reader(actor)
    version = versions.get_version(version_id)
    item = describe(version)
    item["sources"] = dict(sorted(version.sources.items()))
    return item


def source(actor: Actor, version_id: int, filename: str) -> tuple[str, str]:
    """(filename, text) of one file of a version, for download."""
    require_reader(actor)
    version = versions.get_version(version_id)
    if filename not in version.sources:
        raise NotFound(N_("Berkas tidak ada pada versi ini"), file=filename)
    return filename, version.sources[filename]


def diff(actor: Actor, version_id: int, other_id: int | None) -> dict[str, Any]:
    """Elements added, removed and changed from version `other_id` to `version_id`."""
    require_reader(actor)
    if other_id is None:
        raise InvalidInput(N_("Versi pembanding wajib"), errors={"dari": N_("id versi pembanding wajib diisi")})
    new, old = versions.get_version(version_id), versions.get_version(other_id)
    result: dict[str, Any] = diff_files(old.sources, new.sources)
    result.update({"dari": old.id, "ke": new.id, "dari_versi": old.version, "ke_versi": new.version})
    return result


def retire(actor: Actor, version_id: int, now: datetime) -> int:
    """Retire a draft (abandon it) or a published version that is not the only one new cases can take."""
    require_analyst(actor)
    with write_transaction() as session:
        version = versions.get_version(version_id)
        require_scope(actor, version.cakupan)
        if version.status == VersionStatus.RETIRED:
            raise Conflict(N_("Versi ini sudah dipensiunkan"), diagram_version_id=version_id)
        if version.status == VersionStatus.PUBLISHED and version.cakupan == "":  # a variant falls back to it
            others = session.scalar(select(func.count()).select_from(DiagramVersion).where(
                DiagramVersion.process_id == version.process_id, DiagramVersion.status == VersionStatus.PUBLISHED,
                DiagramVersion.cakupan == "", DiagramVersion.id != version.id))
            if not others:
                raise Conflict(N_("Ini satu-satunya versi terbit; terbitkan atau pulihkan versi lain dahulu"),
                               diagram_version_id=version_id)
        versions.retire(version, actor.username, now)
        return version.id


def rollback(actor: Actor, version_id: int, now: datetime) -> int:
    """Publish an earlier version again, as a new latest version with the same files, in its scope (or,
    for a version of a wider scope, such as the national one, in the analyst's own)."""
    require_analyst(actor)
    with write_transaction():
        target = versions.get_version(version_id)
        if target.status == VersionStatus.DRAFT:
            raise Conflict(N_("Draf belum pernah terbit; terbitkan draf itu saja"), diagram_version_id=version_id)
        scope = target.cakupan if access.may_edit_scope(actor, target.cakupan) else scope_for(actor, None)
        refuse_missing_sop(versions.bundle_for(target.id))
        copy = versions.add_version(target.process_id, dict(target.sources), None, actor.username, now,
                                    copy_of=target, cakupan=scope)
        versions.make_latest(copy, actor.username, now, f"pemulihan versi {target.version}")
        return copy.id


def migrate(actor: Actor, version_id: int, now: datetime) -> dict[str, Any]:
    """Move every open case of older versions of this process onto `version_id` where safe; report each."""
    require_analyst(actor)
    target = versions.get_version(version_id)
    require_scope(actor, target.cakupan)
    if target.status != VersionStatus.PUBLISHED:
        raise Conflict(N_("Kasus hanya dapat dipindahkan ke versi yang terbit"), diagram_version_id=version_id)
    new_bundle = versions.bundle_for(target.id)
    rows = db.session.execute(
        select(Case.id, Case.ticket, DiagramVersion.version).join(DiagramVersion, DiagramVersion.id ==
                                                                  Case.diagram_version_id)
        .where(DiagramVersion.process_id == target.process_id, DiagramVersion.version < target.version,
               DiagramVersion.cakupan == target.cakupan, Case.status == CaseStatus.TERBUKA).order_by(Case.id)).all()
    db.session.rollback()
    moved, kept = [], []
    for case_id, ticket, old_version in rows:
        problems = _migrate_case(actor, case_id, target, new_bundle, now)
        entry = {"case_id": case_id, "ticket": ticket, "dari_versi": old_version, "ke_versi": target.version}
        if problems:
            kept.append({**entry, "alasan": problems})
        else:
            moved.append(entry)
    with write_transaction():
        versions.record_change(versions.get_version(version_id), "migrasi", actor.username, now,
                               f"{len(moved)} kasus dipindahkan, {len(kept)} tidak")
    return {"ke": target.id, "ke_versi": target.version, "dipindahkan": moved, "tidak_dipindahkan": kept}


def _migrate_case(actor, case_id, target, new_bundle, now):
    """Move one case in its own transaction; return the reasons it cannot move ([] when it moved)."""
    with write_transaction() as session:
        case = session.execute(statements.CASE_REF, {"_id": case_id}).one()
        old_bundle = versions.bundle_for(case.diagram_version_id)
        workflow, before = persistence.take_workflow(case, old_bundle, now)
        problems = migration_problems(workflow, new_bundle)
        if problems:
            return problems
        moved = rebind(persistence.RUNNER, workflow, new_bundle, now)
        after = {t.id: t for t in persistence.RUNNER.ready_tasks(new_bundle, moved)}
        if sorted(t.element_id for t in after.values()) != sorted(t.element_id for t in before.ready.values()):
            return ["tugas yang terbuka akan berubah bila dipindahkan"]
        event = next_event(case.id, case.event_count + 1, case.last_event_hash, type="kasus_dimigrasi", at=now,
                           actor=actor.username, diagram_version_id=target.id,
                           data={"dari_versi_id": case.diagram_version_id, "ke_versi_id": target.id})
        result = session.execute(statements.MOVE_CASE_TO_VERSION, {
            "_id": case.id, "_revision": case.revision, "state": persistence.RUNNER.dump(moved),
            "diagram_version_id": target.id, "revision": case.revision + 1, "event_count": event["seq"],
            "last_event_hash": event["hash"], "updated_at": now})
        if result.rowcount != 1:
            raise Conflict(N_("Kasus diubah pada saat yang sama; coba pindahkan lagi"), case_id=case.id)
        for task_id, info in after.items():
            session.execute(statements.RENAME_TASK, {"_id": task_id, "name": info.name, "role": info.role})
        session.execute(statements.ADD_EVENT.statement, event)
    return []


def upload_over(actor: Actor, base_version_id: int | None, uploaded: dict[str, bytes], now: datetime,
                cakupan: str | None = None) -> int:
    """A draft made of a version's files with uploaded files (from a desktop modeler) put over them.

    `uploaded` is {file name: bytes}. A .bpmn or .dmn replaces the file of the base that defines the
    same process or decision (whatever either is named), else goes to the workflows or rules folder; a
    .json (a SpiffArena form schema, looked up by its name from the diagram) replaces the file of the
    same name, else goes beside the diagrams. Returns the draft's id.
    """
    require_analyst(actor)
    if not uploaded:
        raise InvalidInput(N_("Tidak ada berkas diagram"), errors={"berkas": N_("unggah minimal satu berkas .bpmn atau .dmn")})
    if base_version_id is None:
        raise InvalidInput(N_("Versi dasar wajib"), errors={"dasar": N_("wajib diisi")})
    base = versions.get_version(base_version_id)
    files = dict(base.sources)
    for name, content in uploaded.items():
        short = name.replace("\\", "/").rsplit("/", 1)[-1]
        if not short.endswith((".bpmn", ".dmn", ".json")) or not short.rsplit(".", 1)[0].strip(". "):
            raise InvalidInput(N_("Berkas '{berkas}' bukan .bpmn, .dmn atau skema formulir .json", berkas=short),
                               errors={"files": N_("'{berkas}' bukan .bpmn, .dmn atau .json", berkas=short)})
        try:
            text = content.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InvalidInput(N_("Berkas '{berkas}' harus berenkode UTF-8", berkas=short),
                               errors={"files": short}) from exc
        if short.endswith(".json"):
            files[_form_schema_place(files, text, short)] = text
            continue
        folder = "workflows" if short.endswith(".bpmn") else "rules"
        files[_same_definitions(files, text, short) or f"{folder}/{short}"] = text
    return upload(actor, base.process_id, files, now, cakupan)


def _form_schema_place(files: dict[str, str], text: str, short: str) -> str:
    """Where an uploaded form schema goes: over the file of the same name (a diagram names its schema
    file by name, engine/bpmn/spiff_dialect.py), else beside the diagrams; InvalidInput if it is not JSON."""
    from engine.bpmn.spiff_dialect import MAX_SCHEMA_BYTES

    if len(text.encode("utf-8")) > MAX_SCHEMA_BYTES:
        raise InvalidInput(N_("Berkas '{berkas}' terlalu besar untuk skema formulir (paling besar {kb} KB)",
                              berkas=short, kb=MAX_SCHEMA_BYTES // 1024), errors={"files": short})
    try:
        json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise InvalidInput(N_("Berkas '{berkas}' bukan JSON yang valid (baris {baris}): periksa tanda kutip, koma "
                              "dan kurung kurawalnya", berkas=short, baris=getattr(exc, "lineno", "?")),
                           errors={"files": short}) from exc
    same = [name for name in sorted(files) if name.rsplit("/", 1)[-1] == short]
    return same[0] if same else f"workflows/{short}"


def _defined_ids(text: str, filename: str) -> set[str]:
    """The ids of the processes (BPMN) or decisions (DMN) a file defines; none if it does not parse."""
    try:
        root = safe_xml(text, filename)
    except DiagramError:
        return set()  # the validation names what is wrong with it
    return {child.get("id") for child in root if isinstance(child.tag, str) and child.get("id")
            and etree.QName(child).localname in ("process", "decision")}


def _same_definitions(files: dict[str, str], text: str, short: str) -> str | None:
    """The name of the file in `files` defining a process or decision the upload defines too (so that
    keluhan_edited.bpmn defining process `keluhan` replaces workflows/keluhan.bpmn), else None."""
    wanted = _defined_ids(text, short)
    if not wanted:
        return None
    kind = short.rsplit(".", 1)[-1]
    for name in sorted(files):
        if name.endswith(f".{kind}") and _defined_ids(files[name], name) & wanted:
            return name
    return None


def save_and_publish(actor: Actor, process_id: str, files: dict[str, str], now: datetime,
                     cakupan: str | None = None) -> int:
    """Keep edited files as a draft (refused with findings if they have errors) and publish it at once."""
    version_id = upload(actor, process_id, files, now, cakupan)
    publish_draft(actor, version_id, now)
    return version_id
