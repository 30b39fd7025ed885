"""The modeler's unpublished edits, kept on the server per analyst and process: saving a draft stores
nothing anyone else sees and publishes nothing; reopening the modeler offers it again."""

from datetime import datetime
from typing import Any

from sqlalchemy import select

from engine.bpmn.parser import MAX_FILE_BYTES
from engine.domain.actor import Actor
from engine.errors import InvalidInput
from engine.i18n import N_
from engine.processes import versions
from engine.processes.editing import check_names, require_analyst
from engine.store.database import write_transaction
from engine.store.models import ModelerDraft, db

MAX_FILES = 60


def save(actor: Actor, process_id: str, base_version_id: int, files: dict[str, str], now: datetime) -> dict[str, Any]:
    """Keep the analyst's edits of a process (replacing their earlier draft of it); nothing is validated
    or published, so half-finished work is never lost."""
    require_analyst(actor)
    check_names(files)
    if len(files) > MAX_FILES or any(len(text.encode("utf-8")) > MAX_FILE_BYTES for text in files.values()):
        raise InvalidInput(N_("Draf terlalu besar"), errors={"files": N_(
            "paling banyak {n} berkas, masing-masing {kb} KB", n=MAX_FILES, kb=MAX_FILE_BYTES // 1024)})
    base = versions.get_version(base_version_id)  # NotFound names it
    if base.process_id != process_id:
        raise InvalidInput(N_("Versi dasar bukan dari proses ini"), errors={"dasar": N_("versi dasar bukan dari proses ini")})
    with write_transaction() as session:
        draft = session.scalar(select(ModelerDraft).where(ModelerDraft.username == actor.username,
                                                          ModelerDraft.process_id == process_id))
        if draft is None:
            session.add(ModelerDraft(username=actor.username, process_id=process_id, base_version_id=base.id,
                                     files=dict(files), saved_at=now))
        else:
            draft.base_version_id, draft.files, draft.saved_at = base.id, dict(files), now
    return load(actor, process_id)


def load(actor: Actor, process_id: str) -> dict[str, Any]:
    """The analyst's saved draft of a process (`files` empty when there is none)."""
    require_analyst(actor)
    draft = db.session.scalar(select(ModelerDraft).where(ModelerDraft.username == actor.username,
                                                         ModelerDraft.process_id == process_id))
    if draft is None:
        return {"process_id": process_id, "dasar": None, "files": {}, "saved_at": None}
    return {"process_id": process_id, "dasar": draft.base_version_id, "files": dict(draft.files),
            "saved_at": draft.saved_at}


def discard(actor: Actor, process_id: str) -> None:
    """Drop the analyst's draft of a process (after publishing it, or to start again)."""
    require_analyst(actor)
    with write_transaction() as session:
        for draft in session.scalars(select(ModelerDraft).where(ModelerDraft.username == actor.username,
                                                                ModelerDraft.process_id == process_id)):
            session.delete(draft)


def publish_preview(actor: Actor, version_id: int) -> dict[str, Any]:
    """What publishing a version would do, for the confirmation before it: the diff (old -> new) from the
    version cases of its scope start on now, and the open cases of each version of its process in that
    scope (they carry on on their version; the one published now retires)."""
    from sqlalchemy import func

    from engine.bpmn.diff import diff as diff_files
    from engine.domain.statuses import CaseStatus
    from engine.processes.editing import require_reader
    from engine.store.models import Case, DiagramVersion

    require_reader(actor)
    version = versions.get_version(version_id)
    current = versions.get_version(versions.latest_version_id(version.process_id, version.cakupan))
    rows = db.session.execute(
        select(DiagramVersion.id, DiagramVersion.version, DiagramVersion.status, func.count(Case.id))
        .join(Case, Case.diagram_version_id == DiagramVersion.id)
        .where(DiagramVersion.process_id == version.process_id, DiagramVersion.cakupan == version.cakupan,
               Case.status == CaseStatus.TERBUKA)
        .group_by(DiagramVersion.id, DiagramVersion.version, DiagramVersion.status).order_by(DiagramVersion.version)).all()
    running = [{"id": r[0], "versi": r[1], "status": r[2], "kasus_berjalan": r[3]} for r in rows]
    return {"ke": version.id, "ke_versi": version.version, "cakupan": version.cakupan, "dari": current.id,
            "dari_versi": current.version, "beda": diff_files(current.sources, version.sources),
            "kasus_berjalan": running, "jumlah_kasus_berjalan": sum(r["kasus_berjalan"] for r in running)}


def preview_files(actor: Actor, process_id: str, files: dict[str, str]) -> dict[str, Any]:
    """What publishing the modeler's unsaved files in the analyst's own scope would do, before anything is
    stored (see _preview); DiagramError with the findings if the files do not validate."""
    from engine.processes.editing import refuse_if_invalid, scope_for

    scope = scope_for(actor, None)
    check_names(files)
    refuse_if_invalid(files, process_id)
    return _preview(process_id, scope, files)


def preview_version(actor: Actor, version_id: int) -> dict[str, Any]:
    """The same for a stored draft (an upload), in its own scope; Forbidden outside the analyst's area."""
    from engine.processes.editing import require_scope

    require_analyst(actor)
    version = versions.get_version(version_id)
    require_scope(actor, version.cakupan)
    preview = _preview(version.process_id, version.cakupan, dict(version.sources))
    preview.update(ke=version.id, ke_versi=version.version, status=version.status)
    return preview


def _preview(process_id: str, scope: str, files: dict[str, str]) -> dict[str, Any]:
    """The diff (old -> new) from the version new cases of the scope start on now, and the open cases of
    the scope's area on each version of the process (they carry on on their version)."""
    from sqlalchemy import func

    from engine.bpmn.diff import diff as diff_files
    from engine.domain.statuses import CaseStatus
    from engine.registry.regions import area_name
    from engine.store.models import Case, DiagramVersion

    current = versions.get_version(versions.latest_version_id(process_id, scope))
    rows = db.session.execute(
        select(DiagramVersion.id, DiagramVersion.version, DiagramVersion.status, DiagramVersion.cakupan,
               func.count(Case.id))
        .join(Case, Case.diagram_version_id == DiagramVersion.id)
        .where(DiagramVersion.process_id == process_id, Case.wilayah.startswith(scope, autoescape=True),
               Case.status == CaseStatus.TERBUKA)
        .group_by(DiagramVersion.id, DiagramVersion.version, DiagramVersion.status, DiagramVersion.cakupan)
        .order_by(DiagramVersion.version)).all()
    running = [{"id": r[0], "versi": r[1], "status": r[2], "cakupan": r[3], "kasus_berjalan": r[4]} for r in rows]
    return {"cakupan": scope, "nama_cakupan": area_name(scope), "dari": current.id, "dari_versi": current.version,
            "dari_cakupan": current.cakupan, "beda": diff_files(current.sources, files), "kasus_berjalan": running,
            "jumlah_kasus_berjalan": sum(r["kasus_berjalan"] for r in running)}
