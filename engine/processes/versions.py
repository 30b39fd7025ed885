"""The store of diagram versions: read them, load their bundles, add, publish and retire one.

What analysts do with versions (upload a draft, publish it, retire, roll back, migrate cases) is
built on these in engine/processes/editing.py."""

import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any, cast

from sqlalchemy import func, select
from sqlalchemy.orm import defer

from engine import state
from engine.bpmn.parser import ProcessBundle, content_hash, load_bundle
from engine.bpmn.serializer import StateSerializer
from engine.config import Settings
from engine.domain.actor import Actor
from engine.domain.statuses import TaskStatus, VersionStatus
from engine.errors import NotFound
from engine.store import statements
from engine.i18n import N_
from engine.store.models import DiagramChange, DiagramVersion, db

def read_diagram_files(settings: Settings) -> dict[str, str]:
    """{filename: text} of every workflows/*.bpmn and rules/*.dmn."""
    files = {}
    for folder, pattern in ((settings.workflows_dir, "*.bpmn"), (settings.rules_dir, "*.dmn")):
        for path in sorted(settings.path(folder).glob(pattern)):
            files[f"{folder}/{path.name}"] = path.read_text(encoding="utf-8")
    return files


def publish(files: dict[str, str], process_id: str, actor: str, now: datetime) -> DiagramVersion:
    """Check the files and store them as the newest published national version of `process_id`.

    Publishing the same content twice returns the existing version.
    """
    existing = find_by_content(process_id, content_hash(files), "")
    if existing is not None:
        return existing
    bundle = load_bundle(files, process_id)
    version = add_version(process_id, files, bundle, actor, now, cakupan="")
    make_latest(version, actor, now, "dari berkas di disk")
    current = state.current()
    with current.bundles_lock:
        current.bundles[version.id] = bundle
    return version


def find_by_content(process_id: str, digest: str, cakupan: str) -> DiagramVersion | None:
    """The stored version of a process in this scope with exactly these files (by content hash), or None."""
    return db.session.scalar(select(DiagramVersion).where(
        DiagramVersion.process_id == process_id, DiagramVersion.content_hash == digest,
        DiagramVersion.cakupan == cakupan).order_by(DiagramVersion.version.desc()).limit(1))


def add_version(process_id: str, files: dict[str, str], bundle: ProcessBundle | None, actor: str, now: datetime,
                copy_of: DiagramVersion | None = None, cakupan: str = "") -> DiagramVersion:
    """Store files as the process's next version number, a draft for scope `cakupan`; `copy_of`: a stored
    version whose files these are, whose name, hash and spec are reused (then `bundle` may be None)."""
    latest = db.session.scalar(select(func.max(DiagramVersion.version)).where(DiagramVersion.process_id == process_id))
    version = DiagramVersion(
        process_id=process_id, version=(latest or 0) + 1, name=bundle.name if bundle else cast(DiagramVersion, copy_of).name,
        status=VersionStatus.DRAFT, content_hash=copy_of.content_hash if copy_of else content_hash(files),
        sources=files, spec_json=copy_of.spec_json if copy_of else StateSerializer().spec_json(bundle),
        created_by=actor, created_at=now, cakupan=cakupan,
    )
    db.session.add(version)
    db.session.flush()
    return version


def sync_from_disk(settings: Settings, now: datetime, actor: str = "sistem") -> DiagramVersion:
    """Publish the diagrams on disk for the main process if they changed; return the version."""
    version = publish(read_diagram_files(settings), settings.main_process, actor, now)
    db.session.commit()
    return version


def latest_version(process_id: str, wilayah: str = "") -> DiagramVersion:
    """The newest published version of a process for an area (its large sources and spec load only if read)."""
    return db.session.get_one(DiagramVersion, latest_version_id(process_id, wilayah),
                              options=[defer(DiagramVersion.sources), defer(DiagramVersion.spec_json)])


def latest_version_id(process_id: str, wilayah: str = "") -> int:
    """The id of the version a new case in `wilayah` starts on: the newest published one of the most
    specific scope that covers it (the district's variant, else the province's, else the national)."""
    version_id = statements.LATEST_VERSION_ID.execute({"_process": process_id, "_national": "",
                                                       "_province": wilayah[:2], "_district": wilayah[:4]}).scalar()
    if version_id is None:
        raise NotFound(N_("Belum ada diagram terbit untuk proses '{proses}'", proses=process_id), process_id=process_id)
    return version_id


def bundle_for(version_id: int) -> ProcessBundle:
    """The parsed bundle of a stored version, parsed once per app."""
    current = state.current()
    bundle = current.bundles.get(version_id)
    if bundle is not None:
        return bundle
    version = db.session.get(DiagramVersion, version_id)
    if version is None:
        raise NotFound(N_("Versi diagram tidak ditemukan"), diagram_version_id=version_id)
    sources = version.sources if isinstance(version.sources, dict) else json.loads(version.sources)
    bundle = load_bundle(sources, version.process_id)
    with current.bundles_lock:
        current.bundles[version_id] = bundle
    return bundle


def forget_cached_bundles() -> None:
    """Drop the current app's parsed bundles (tests that recreate its database call this)."""
    current = state.current()
    with current.bundles_lock:
        current.bundles.clear()


def list_versions(actor: Actor) -> list[DiagramVersion]:
    """Every stored diagram version, newest first (any signed-in officer may read the list)."""
    return list(db.session.scalars(
        select(DiagramVersion).order_by(DiagramVersion.process_id, DiagramVersion.version.desc())))


def make_latest(version: DiagramVersion, actor: str, now: datetime, note: str = "") -> None:
    """Publish `version` and retire the versions of its scope published before it (their running cases
    carry on); other scopes' versions stay as they are."""
    for older in db.session.scalars(select(DiagramVersion).where(
            DiagramVersion.process_id == version.process_id, DiagramVersion.status == VersionStatus.PUBLISHED,
            DiagramVersion.cakupan == version.cakupan, DiagramVersion.id != version.id)):
        retire(older, actor, now, f"digantikan versi {version.version}")
    version.status = VersionStatus.PUBLISHED
    record_change(version, "diterbitkan", actor, now, note)


def retire(version: DiagramVersion, actor: str, now: datetime, note: str = "") -> None:
    """Take a version out of use: no new case starts on it (its running cases carry on)."""
    version.status = VersionStatus.RETIRED
    record_change(version, "dipensiunkan", actor, now, note)


# The actions record_change stores, as the history on the diagrams page shows them (`_(action)`).
CHANGE_ACTIONS = (N_("diunggah"), N_("diterbitkan"), N_("dipulihkan"), N_("dipensiunkan"), N_("migrasi"))


def record_change(version: DiagramVersion, action: str, actor: str, now: datetime, note: str = "") -> None:
    db.session.add(DiagramChange(diagram_version_id=version.id, action=action, actor=actor, at=now, note=note))


def get_version(version_id: int) -> DiagramVersion:
    version = db.session.get(DiagramVersion, version_id)
    if version is None:
        raise NotFound(N_("Versi diagram tidak ditemukan"), diagram_version_id=version_id)
    return version


def drawings_for_case(view: dict[str, Any]) -> list[dict[str, Any]]:
    """The process diagrams of a case's version that it has touched, with its completed and open steps."""
    from lxml import etree

    version = get_version(view["diagram_version_id"])
    done = sorted({t["element_id"] for t in view["tasks"] if t["status"] == TaskStatus.SELESAI})
    current = sorted({t["element_id"] for t in view["tasks"] if t["status"] == TaskStatus.SIAP})
    drawings = []
    for name, text in sorted(version.sources.items(), key=lambda item: (not item[0].endswith("keluhan.bpmn"), item[0])):
        if not name.endswith(".bpmn"):
            continue
        root = etree.fromstring(text.encode("utf-8"))
        ids = set(root.xpath("//@id"))
        if name.endswith(f"/{version.process_id}.bpmn") or ids & (set(done) | set(current)):
            titles = root.xpath("//*[local-name()='process']/@name")  # what the page calls it (a msgid)
            drawings.append({"file": name, "title": titles[0] if titles else name, "xml": text,
                             "done": [i for i in done if i in ids], "current": [i for i in current if i in ids]})
    return drawings



def drawings_for_elements(version_id: int, element_ids: Iterable[str]) -> list[dict[str, Any]]:
    """The BPMN files of a version that contain any of these elements (the main process always)."""
    from lxml import etree

    version = get_version(version_id)
    drawings = []
    for name, text in sorted(version.sources.items(), key=lambda item: (not item[0].endswith(f"/{version.process_id}.bpmn"), item[0])):
        if not name.endswith(".bpmn"):
            continue
        ids = set(etree.fromstring(text.encode("utf-8")).xpath("//@id"))
        if name.endswith(f"/{version.process_id}.bpmn") or ids & set(element_ids):
            drawings.append({"file": name, "xml": text})
    return drawings
