"""Diagram versions: register the files on disk as a published version, and load bundles."""

import json
import threading

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import defer

from engine.bpmn.lint import has_errors, lint_files
from engine.bpmn.parser import content_hash, load_bundle
from engine.bpmn.serializer import StateSerializer
from engine.domain import access
from engine.errors import Conflict, DiagramError, Forbidden, InvalidInput, NotFound
from engine.i18n import N_
from engine.store.database import write_transaction
from engine.store.direct import Statement
from engine.store.models import DiagramChange, DiagramVersion, db

_bundles = {}
_lock = threading.Lock()


def read_diagram_files(settings):
    """{filename: text} of every workflows/*.bpmn and rules/*.dmn."""
    files = {}
    for folder, pattern in ((settings.workflows_dir, "*.bpmn"), (settings.rules_dir, "*.dmn")):
        for path in sorted(settings.path(folder).glob(pattern)):
            files[f"{folder}/{path.name}"] = path.read_text(encoding="utf-8")
    return files


def publish(files, process_id, actor, now):
    """Check the files and store them as the newest published version of `process_id`.

    Publishing the same content twice returns the existing version.
    """
    digest = content_hash(files)
    existing = db.session.scalar(
        select(DiagramVersion).where(DiagramVersion.process_id == process_id, DiagramVersion.content_hash == digest)
    )
    if existing is not None:
        return existing
    bundle = load_bundle(files, process_id)
    latest = db.session.scalar(select(func.max(DiagramVersion.version)).where(DiagramVersion.process_id == process_id))
    version = DiagramVersion(
        process_id=process_id, version=(latest or 0) + 1, name=bundle.name, status="published",
        content_hash=digest, sources=files, spec_json=StateSerializer().spec_json(bundle),
        created_by=actor, created_at=now,
    )
    db.session.add(version)
    db.session.flush()
    make_latest(version, actor, now, "dari berkas di disk")
    with _lock:
        _bundles[version.id] = bundle
    return version


def sync_from_disk(settings, now, actor="sistem"):
    """Publish the diagrams on disk for the main process if they changed; return the version."""
    version = publish(read_diagram_files(settings), settings.main_process, actor, now)
    db.session.commit()
    return version


def latest_version(process_id):
    """The newest published version of a process (its large sources and spec load only if read)."""
    return db.session.get(DiagramVersion, latest_version_id(process_id),
                          options=[defer(DiagramVersion.sources), defer(DiagramVersion.spec_json)])


_VERSIONS = DiagramVersion.__table__
_LATEST_ID = Statement(select(_VERSIONS.c.id)
                       .where(_VERSIONS.c.process_id == bindparam("_process"), _VERSIONS.c.status == "published")
                       .order_by(_VERSIONS.c.version.desc()).limit(1))


def latest_version_id(process_id):
    """The id of the newest published version of a process (what a new case starts on)."""
    version_id = _LATEST_ID.execute({"_process": process_id}).scalar()
    if version_id is None:
        raise NotFound(N_("Belum ada diagram terbit untuk proses '{proses}'", proses=process_id), process_id=process_id)
    return version_id


def bundle_for(version_id):
    """The parsed bundle of a stored version, parsed once per process."""
    bundle = _bundles.get(version_id)
    if bundle is not None:
        return bundle
    version = db.session.get(DiagramVersion, version_id)
    if version is None:
        raise NotFound(N_("Versi diagram tidak ditemukan"), diagram_version_id=version_id)
    sources = version.sources if isinstance(version.sources, dict) else json.loads(version.sources)
    bundle = load_bundle(sources, version.process_id)
    with _lock:
        _bundles[version_id] = bundle
    return bundle


def forget_cached_bundles():
    """Drop parsed bundles (tests that recreate the database call this)."""
    with _lock:
        _bundles.clear()


def list_versions(actor):
    """Every stored diagram version, newest first (any signed-in officer may read the list)."""
    return list(db.session.scalars(
        select(DiagramVersion).order_by(DiagramVersion.process_id, DiagramVersion.version.desc())))


def upload(actor, process_id, files, now):
    """Check uploaded files and keep them as a draft version; DiagramError names what is wrong."""
    _require_analyst(actor)
    if not files:
        raise InvalidInput(N_("Tidak ada berkas diagram"), errors={"files": N_("unggah minimal satu berkas .bpmn")})
    for name in files:
        if not name.endswith((".bpmn", ".dmn")) or "/" in name.replace("workflows/", "").replace("rules/", ""):
            raise InvalidInput(N_("Nama berkas tidak valid"), errors={"files": N_("'{berkas}' bukan .bpmn atau .dmn", berkas=name)})
    with write_transaction() as session:
        digest = content_hash(files)
        same = session.scalar(select(DiagramVersion).where(DiagramVersion.process_id == process_id,
                                                           DiagramVersion.content_hash == digest))
        if same is not None:
            return same.id
        refuse_if_invalid(files, process_id)
        bundle = load_bundle(files, process_id)
        latest = session.scalar(select(func.max(DiagramVersion.version)).where(DiagramVersion.process_id == process_id))
        version = DiagramVersion(process_id=process_id, version=(latest or 0) + 1, name=bundle.name, status="draft",
                                 content_hash=digest, sources=files, spec_json=StateSerializer().spec_json(bundle),
                                 created_by=actor.username, created_at=now)
        session.add(version)
        session.flush()
        record_change(version, "diunggah", actor.username, now)
        return version.id


def refuse_if_invalid(files, process_id):
    """Raise DiagramError naming the first error (and carrying every finding) if the set has errors."""
    findings = lint_files(files, process_id)
    if has_errors(findings):
        first = next(f for f in findings if f.severity == "error")
        raise DiagramError(first.message, element_id=first.element_id, file=first.file, line=first.line,
                           findings=[f.to_dict() for f in findings])
    return findings


def publish_draft(actor, version_id, now=None):
    """Make a draft version the one new cases start on; running cases keep theirs."""
    _require_analyst(actor)
    with write_transaction() as session:
        version = session.get(DiagramVersion, version_id)
        if version is None:
            raise NotFound(N_("Versi diagram tidak ditemukan"), diagram_version_id=version_id)
        if version.status != "draft":
            raise Conflict(N_("Versi ini berstatus '{status}', bukan draf", status=version.status), diagram_version_id=version_id)
        make_latest(version, actor.username, now or version.created_at)
        return version.id


def make_latest(version, actor, now, note=""):
    """Publish `version` and retire the versions published before it (their running cases carry on)."""
    for older in db.session.scalars(select(DiagramVersion).where(
            DiagramVersion.process_id == version.process_id, DiagramVersion.status == "published",
            DiagramVersion.id != version.id)):
        older.status = "retired"
        record_change(older, "dipensiunkan", actor, now, f"digantikan versi {version.version}")
    version.status = "published"
    record_change(version, "diterbitkan", actor, now, note)


def record_change(version, action, actor, now, note=""):
    db.session.add(DiagramChange(diagram_version_id=version.id, action=action, actor=actor, at=now, note=note))


def get_version(version_id):
    version = db.session.get(DiagramVersion, version_id)
    if version is None:
        raise NotFound(N_("Versi diagram tidak ditemukan"), diagram_version_id=version_id)
    return version


def _require_analyst(actor):
    if not access.allowed(actor, access.DIAGRAMS_EDIT):
        raise Forbidden("Peran Anda tidak berwenang mengunggah atau menerbitkan diagram", action=access.DIAGRAMS_EDIT)


def drawings_for_case(view):
    """The process diagrams of a case's version that it has touched, with its completed and open steps."""
    from lxml import etree

    version = get_version(view["diagram_version_id"])
    done = sorted({t["element_id"] for t in view["tasks"] if t["status"] == "selesai"})
    current = sorted({t["element_id"] for t in view["tasks"] if t["status"] == "siap"})
    drawings = []
    for name, text in sorted(version.sources.items(), key=lambda item: (not item[0].endswith("keluhan.bpmn"), item[0])):
        if not name.endswith(".bpmn"):
            continue
        ids = set(etree.fromstring(text.encode("utf-8")).xpath("//@id"))
        if name.endswith(f"/{version.process_id}.bpmn") or ids & (set(done) | set(current)):
            drawings.append({"file": name, "xml": text, "done": [i for i in done if i in ids],
                             "current": [i for i in current if i in ids]})
    return drawings



def drawings_for_elements(version_id, element_ids):
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
