"""Managing diagram versions: validate, history, diff, retire, roll back, migrate running cases.

Uploading a draft and publishing it live in `diagrams`; this module is what analysts do
around that. Who may read (``access.DIAGRAMS_VIEW``) and who may change (``access.DIAGRAMS_EDIT``)
is the access table's (engine/domain/access.py): analysts change things, auditors read.
"""


from sqlalchemy import func, select, update

from engine.bpmn.diff import diff as diff_files
from engine.bpmn.lint import lint_files
from engine.bpmn.migrate import migration_problems, rebind
from engine.domain import access
from engine.errors import Conflict, Forbidden, InvalidInput, NotFound
from engine.i18n import N_
from engine.cases import persistence
from engine.processes import versions
from engine.audit.eventlog import next_event
from engine.store.database import write_transaction
from engine.store.models import Case, DiagramChange, DiagramVersion, HumanTask, db

def require_reader(actor):
    if not access.allowed(actor, access.DIAGRAMS_VIEW):
        raise Forbidden("Peran Anda tidak berwenang melihat pengelolaan diagram", action=access.DIAGRAMS_VIEW)


def require_analyst(actor):
    if not access.allowed(actor, access.DIAGRAMS_EDIT):
        raise Forbidden("Peran Anda tidak berwenang mengubah diagram", action=access.DIAGRAMS_EDIT)


def validate(actor, files, process_id):
    """Every finding for an unsaved set of files (nothing is stored)."""
    require_reader(actor)
    _check_names(files)
    return [f.to_dict() for f in lint_files(files, process_id)]


def _check_names(files):
    if not files:
        raise InvalidInput(N_("Tidak ada berkas diagram"), errors={"files": N_("unggah minimal satu berkas .bpmn")})
    for name in files:
        if not name.endswith((".bpmn", ".dmn")):
            raise InvalidInput(N_("Nama berkas tidak valid"), errors={"files": N_("'{berkas}' bukan .bpmn atau .dmn", berkas=name)})


def describe(version, changes=None):
    """A version as a dict with its history (who did what, when)."""
    if changes is None:
        changes = history(version.id)
    published = [c for c in changes if c["action"] in ("diterbitkan", "dipulihkan")]
    return {
        "id": version.id, "process_id": version.process_id, "version": version.version, "name": version.name,
        "status": version.status, "content_hash": version.content_hash, "created_by": version.created_by,
        "created_at": version.created_at, "files": sorted(version.sources),
        "published_by": published[-1]["actor"] if published else None,
        "published_at": published[-1]["at"] if published else None,
        "changes": changes,
    }


def history(version_id):
    rows = db.session.scalars(select(DiagramChange).where(DiagramChange.diagram_version_id == version_id)
                              .order_by(DiagramChange.at, DiagramChange.id))
    return [{"action": c.action, "actor": c.actor, "at": c.at, "note": c.note} for c in rows]


def overview(actor):
    """Every version, newest first per process, each with its history and number of open cases.

    Callers hold ``access.DIAGRAMS_VIEW`` (checked here too, as every reader of this module does).
    """
    require_reader(actor)
    changes = {}
    for c in db.session.scalars(select(DiagramChange).order_by(DiagramChange.at, DiagramChange.id)):
        changes.setdefault(c.diagram_version_id, []).append(
            {"action": c.action, "actor": c.actor, "at": c.at, "note": c.note})
    open_cases = dict(db.session.execute(select(Case.diagram_version_id, func.count()).where(
        Case.status == "terbuka").group_by(Case.diagram_version_id)).all())
    result = []
    for version in versions.list_versions(actor):
        item = describe(version, changes.get(version.id, []))
        item["open_cases"] = open_cases.get(version.id, 0)
        result.append(item)
    return result


def detail(actor, version_id):
    """One version with its files' text."""
    require_reader(actor)
    version = versions.get_version(version_id)
    item = describe(version)
    item["sources"] = dict(sorted(version.sources.items()))
    return item


def source(actor, version_id, filename):
    """(filename, text) of one file of a version, for download."""
    require_reader(actor)
    version = versions.get_version(version_id)
    if filename not in version.sources:
        raise NotFound("Berkas tidak ada pada versi ini", file=filename)
    return filename, version.sources[filename]


def diff(actor, version_id, other_id):
    """Elements added, removed and changed from version `other_id` to `version_id`."""
    require_reader(actor)
    new, old = versions.get_version(version_id), versions.get_version(other_id)
    result = diff_files(old.sources, new.sources)
    result.update({"dari": old.id, "ke": new.id, "dari_versi": old.version, "ke_versi": new.version})
    return result


def retire(actor, version_id, now):
    """Retire a draft (abandon it) or a published version that is not the only one new cases can take."""
    require_analyst(actor)
    with write_transaction() as session:
        version = versions.get_version(version_id)
        if version.status == "retired":
            raise Conflict(N_("Versi ini sudah dipensiunkan"), diagram_version_id=version_id)
        if version.status == "published":
            others = session.scalar(select(func.count()).select_from(DiagramVersion).where(
                DiagramVersion.process_id == version.process_id, DiagramVersion.status == "published",
                DiagramVersion.id != version.id))
            if not others:
                raise Conflict(N_("Ini satu-satunya versi terbit; terbitkan atau pulihkan versi lain dahulu"),
                               diagram_version_id=version_id)
        version.status = "retired"
        versions.record_change(version, "dipensiunkan", actor.username, now)
        return version.id


def rollback(actor, version_id, now):
    """Publish an earlier version again, as a new latest version with the same files."""
    require_analyst(actor)
    with write_transaction() as session:
        target = versions.get_version(version_id)
        if target.status == "draft":
            raise Conflict(N_("Draf belum pernah terbit; terbitkan draf itu saja"), diagram_version_id=version_id)
        latest = session.scalar(select(func.max(DiagramVersion.version)).where(
            DiagramVersion.process_id == target.process_id))
        copy = DiagramVersion(process_id=target.process_id, version=latest + 1, name=target.name, status="draft",
                              content_hash=target.content_hash, sources=dict(target.sources),
                              spec_json=target.spec_json, created_by=actor.username, created_at=now)
        session.add(copy)
        session.flush()
        versions.make_latest(copy, actor.username, now, f"pemulihan versi {target.version}")
        return copy.id


def migrate(actor, version_id, now):
    """Move every open case of older versions of this process onto `version_id` where safe; report each."""
    require_analyst(actor)
    target = versions.get_version(version_id)
    if target.status != "published":
        raise Conflict(N_("Kasus hanya dapat dipindahkan ke versi yang terbit"), diagram_version_id=version_id)
    new_bundle = versions.bundle_for(target.id)
    rows = db.session.execute(
        select(Case.id, Case.ticket, DiagramVersion.version).join(DiagramVersion, DiagramVersion.id ==
                                                                  Case.diagram_version_id)
        .where(DiagramVersion.process_id == target.process_id, DiagramVersion.version < target.version,
               Case.status == "terbuka").order_by(Case.id)).all()
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
        case = session.execute(select(*persistence.CASE_COLUMNS).where(Case.id == case_id)).one()
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
        result = session.execute(update(Case.__table__).where(
            Case.id == case.id, Case.revision == case.revision).values(
            state=persistence.RUNNER.dump(moved), diagram_version_id=target.id, revision=case.revision + 1,
            event_count=event["seq"], last_event_hash=event["hash"], updated_at=now))
        if result.rowcount != 1:
            raise Conflict("Kasus diubah pada saat yang sama; coba pindahkan lagi", case_id=case.id)
        for task_id, info in after.items():
            session.execute(update(HumanTask.__table__).where(HumanTask.id == task_id).values(
                name=info.name, role=info.role))
        session.execute(persistence.EVENTS.insert(), event)
    return []


def upload_over(actor, base_version_id, uploaded, now):
    """A draft made of a version's files with uploaded files (from a desktop modeler) put over them.

    `uploaded` is {file name: bytes}; a .bpmn goes to the workflows folder and a .dmn to the rules
    folder, replacing the file of the same name. Returns the draft's id.
    """
    require_analyst(actor)
    if not uploaded:
        raise InvalidInput(N_("Tidak ada berkas diagram"), errors={"berkas": "unggah minimal satu berkas .bpmn atau .dmn"})
    if base_version_id is None:
        raise InvalidInput("Versi dasar wajib", errors={"dasar": N_("wajib diisi")})
    base = versions.get_version(base_version_id)
    files = dict(base.sources)
    for name, content in uploaded.items():
        short = name.replace("\\", "/").rsplit("/", 1)[-1]
        if not short.endswith((".bpmn", ".dmn")) or not short.rsplit(".", 1)[0].strip(". "):
            raise InvalidInput(N_("Nama berkas tidak valid"), errors={"files": N_("'{berkas}' bukan .bpmn atau .dmn", berkas=short)})
        try:
            text = content.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InvalidInput(N_("Berkas harus berenkode UTF-8"), errors={"files": short}) from exc
        folder = "workflows" if short.endswith(".bpmn") else "rules"
        files[f"{folder}/{short}"] = text
    return versions.upload(actor, base.process_id, files, now)


def save_and_publish(actor, process_id, files, now):
    """Keep edited files as a draft (refused with findings if they have errors) and publish it at once."""
    version_id = versions.upload(actor, process_id, files, now)
    versions.publish_draft(actor, version_id, now)
    return version_id
