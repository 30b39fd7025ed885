"""Validate a set of BPMN/DMN files before publishing, reporting every problem against its element.

Works on bytes only (never on a path a file names): each file goes through the hardened XML
parser (no DTD, no entities, no network), then static checks over the XML (constructs the
engine would run wrongly, references, lanes, forms, timers, every expression through the
sandbox, decision tables), then — when nothing static is wrong — SpiffWorkflow builds the
spec of each process exactly as publishing would. Nothing in here raises on bad input: an
unexpected failure is itself a finding.
"""

import re
from collections.abc import Iterable, Mapping
from typing import Any
from dataclasses import asdict, dataclass

from lxml import etree

from engine.bpmn import expressions, spiff_dialect
from engine.bpmn.construct_lint import lint_constructs, lint_set
from engine.bpmn.dmn_lint import lint_dmn
from engine.bpmn.forms import FIELD_TYPES, OPTIONS_PROPERTY
from engine.bpmn.functions import CLOCK_FUNCTION_NAMES
from engine.bpmn.parser import BPMN_NS, called_variable, file_kind, load_bundle, safe_xml
from engine.bpmn.timer_lint import JUEL as _JUEL, timer_problem
from engine.domain.roles import role_for_lane
from engine.errors import DiagramError, ExpressionRejected
from engine.i18n import N_

CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn"
ZEEBE_NS = "http://camunda.org/schema/zeebe/1.0"
_NCNAME = re.compile(r"^[A-Za-z_][\w.\-]*$")
_FORM_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
# Elements the engine has no (correct) execution for, with the reason shown to the analyst.
UNSUPPORTED = {
    "linkEventDefinition": N_("event link diabaikan oleh mesin (alur akan terputus); gunakan alur urutan biasa"),
    "compensateEventDefinition": N_("event kompensasi tidak dijalankan dengan benar oleh mesin ini"),
    "cancelEventDefinition": N_("event pembatalan transaksi tidak didukung mesin ini"),
    "complexGateway": N_("gateway kompleks tidak didukung mesin ini"),
    "adHocSubProcess": N_("subproses ad-hoc tidak didukung mesin ini"),
    "transaction": N_("subproses transaksi tidak didukung mesin ini"),
}
SERVICE_ATTRIBUTES = ("class", "delegateExpression", "expression", "type")


@dataclass(frozen=True)
class Finding:
    """One problem, against the element it is about."""

    element_id: str | None
    element_name: str | None
    line: int | None
    file: str | None
    severity: str  # error, warning, info
    message: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def has_errors(findings: Iterable[Finding]) -> bool:
    return any(f.severity == "error" for f in findings)


def lint_files(files: Mapping[str, str | bytes], process_id: str | None = None,
               functions: Iterable[str] = CLOCK_FUNCTION_NAMES) -> list[Finding]:
    """Every finding for {filename: bytes or text}; an empty list means the set can be published."""
    functions = frozenset(functions)
    roots, found = {}, []
    for name, content in files.items():
        if spiff_dialect.side_file(name):
            continue  # a form's JSON schema, read where its SpiffArena user task names it
        try:
            root = safe_xml(content, name)
        except DiagramError as exc:
            found.append(Finding(None, name, exc.line or 1, name, "error", exc.message))
            continue
        except Exception as exc:  # lxml can raise more than XMLSyntaxError on hostile input
            found.append(Finding(None, name, 1, name, "error", N_("berkas tidak dapat dibaca: {sebab}", sebab=str(exc))))
            continue
        if file_kind(root) is None:
            found.append(_finding(name, root, "error", N_("elemen akar '{elemen}' bukan bpmn:definitions atau dmn:definitions (namespace tidak "
                                     "dikenal)", elemen=etree.QName(root).localname)))
            continue
        if file_kind(root) == "bpmn" and spiff_dialect.is_spiff(root):
            for element_id, problem in spiff_dialect.adapt(root, files):
                found.append(_finding(name, _by_id({name: root}, element_id), "error", problem))
        roots[name] = root
    decisions = _decision_ids(roots)
    processes = _process_ids(roots)
    for name, root in roots.items():
        try:
            if file_kind(root) == "dmn":
                found.extend(lint_dmn(root, name, lambda el, sev, msg, n=name: _finding(n, el, sev, msg), functions))
            else:
                found.extend(_lint_bpmn(name, root, decisions, processes, functions))
        except Exception as exc:  # a bug here must not crash the upload; report it against the file
            found.append(Finding(None, name, None, name, "error", N_("pemeriksaan gagal: {sebab}", sebab=f"{type(exc).__name__}: {exc}")))
    found.extend(lint_set(roots, lambda n: lambda el, sev, msg: _finding(n, el, sev, msg)))
    if not has_errors(found):
        found.extend(_build(files, roots, process_id, functions))
    return found


def _finding(file, element, severity, message):
    element_id = element.get("id") if element is not None else None
    name = element.get("name") or element.get("label") if element is not None else None
    line = element.sourceline if element is not None else None
    return Finding(element_id, name or etree.QName(element).localname if element is not None else None,
                   line, file, severity, message)


def _local(element):
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _bpmn(root, name):
    return [node for node in root.iter() if _local(node) == name]


def _decision_ids(roots):
    return {node.get("id") for name, root in roots.items() if file_kind(root) == "dmn"
            for node in root.iter() if _local(node) == "decision"}


def _process_ids(roots):
    return {node.get("id") for root in roots.values() if file_kind(root) == "bpmn" for node in _bpmn(root, "process")}


def _lint_bpmn(file, root, decisions, processes, functions):
    say = lambda element, severity, message: _finding(file, element, severity, message)  # noqa: E731
    found = []
    found += _structure(root, say)
    found += _unsupported(root, say)
    found += lint_constructs(root, say)
    found += _tasks(root, say, decisions, processes)
    found += _lanes(root, say)
    found += _forms(root, say)
    found += _conditions_and_scripts(root, say, functions)
    found += _timers(root, say, functions)
    return found


def _structure(root, say):
    found = []
    seen = {}
    for node in root.iter():
        if not isinstance(node.tag, str) or etree.QName(node).namespace in (CAMUNDA_NS, ZEEBE_NS):
            continue  # form fields and their options have ids of their own, unique per form
        element_id = node.get("id")
        if element_id is None:
            continue
        if element_id in seen:
            found.append(say(node, "error", N_("id '{id}' dipakai lebih dari sekali (juga di baris {baris}); id harus unik",
                                id=element_id, baris=seen[element_id])))
        else:
            seen[element_id] = node.sourceline
        if not _NCNAME.match(element_id):
            found.append(say(node, "error", N_("id '{id}' tidak valid (harus diawali huruf atau garis bawah, lalu huruf, angka, "
                                "'-', '_' atau '.')", id=element_id[:60])))
    ids = set(seen)
    for node in root.iter():
        if not isinstance(node.tag, str) or etree.QName(node).namespace != BPMN_NS:
            continue
        for attr in ("sourceRef", "targetRef", "attachedToRef", "default", "processRef"):
            ref = node.get(attr)
            if ref and ref not in ids:
                found.append(say(node, "error", N_("{atribut} merujuk '{ref}' yang tidak ada dalam berkas", atribut=attr, ref=ref)))
    processes = _bpmn(root, "process")
    if not processes:
        found.append(say(root, "error", N_("berkas BPMN tidak berisi proses")))
    for process in processes:
        nodes = [n for n in process if _local(n) not in ("laneSet", "documentation", "extensionElements")]
        if process.get("isExecutable") == "false" and nodes:
            found.append(say(process, "error", N_("proses ditandai tidak dapat dijalankan (isExecutable=false); centang 'Executable' "
                                "di modeler bila proses ini memang untuk mesin")))
    return found


def _unsupported(root, say):
    found = []
    for node in root.iter():
        reason = UNSUPPORTED.get(_local(node))
        if reason:
            owner = node.getparent() if _local(node).endswith("EventDefinition") else node
            found.append(say(owner, "error", reason))
        if isinstance(node.tag, str) and etree.QName(node).namespace == ZEEBE_NS:
            owner = _flow_owner(node)
            found.append(say(owner, "error", N_("ekstensi Camunda 8 (zeebe:{unsur}) tidak dijalankan mesin ini",
                                                unsur=_local(node))))
    return _unique(found)


def _flow_owner(node):
    """The nearest BPMN element with an id at or above `node` (the one a finding is about)."""
    while node is not None and not (isinstance(node.tag, str) and etree.QName(node).namespace == BPMN_NS
                                    and node.get("id")):
        node = node.getparent()
    return node


def _unique(found):
    seen, result = set(), []
    for finding in found:
        key = (finding.element_id, finding.message)
        if key not in seen:
            seen.add(key)
            result.append(finding)
    return result


def _tasks(root, say, decisions, processes):
    found = []
    for task in _bpmn(root, "businessRuleTask"):
        ref = task.get(f"{{{CAMUNDA_NS}}}decisionRef")
        if not ref:
            found.append(say(task, "error", N_("tugas aturan bisnis tanpa camunda:decisionRef (tabel keputusan)")))
        elif ref not in decisions:
            found.append(say(task, "error", N_("tabel keputusan '{ref}' tidak ada di antara berkas DMN yang diunggah",
                                                            ref=ref)))
    for call in _bpmn(root, "callActivity"):
        called = call.get("calledElement")
        if not called:
            found.append(say(call, "error", N_("call activity tanpa calledElement (proses yang dipanggil)")))
        elif called not in processes and not called_variable(called):  # `${var}`: variable_call.py
            found.append(say(call, "error", N_("proses '{proses}' yang dipanggil tidak ada di antara berkas yang diunggah",
                                proses=called)))
    for kind in ("serviceTask", "sendTask", "businessRuleTask"):
        for task in _bpmn(root, kind):
            used = [a for a in SERVICE_ATTRIBUTES if task.get(f"{{{CAMUNDA_NS}}}{a}")]
            if used or any(_local(n) == "connector" for n in task.iter()):
                found.append(say(task, "error", N_("implementasi Java/eksternal/konektor Camunda ({atribut}) tidak dijalankan mesin "
                                    "ini; tugas ini akan dilewati tanpa berbuat apa-apa",
                                    atribut=", ".join(used) or "connector")))
    for task in _bpmn(root, "scriptTask"):
        language = (task.get("scriptFormat") or "python").lower()
        if language not in ("python", "text/python", "py"):
            found.append(say(task, "error", N_("bahasa skrip '{bahasa}' tidak didukung; mesin hanya menjalankan Python",
                                bahasa=language)))
        elif task.get(f"{{{CAMUNDA_NS}}}resource"):
            found.append(say(task, "error", N_("skrip dari berkas luar (camunda:resource) tidak didukung")))
    return found


def _lanes(root, say):
    found = []
    lane_of = {}
    for lane in _bpmn(root, "lane"):
        for ref in lane:
            if _local(ref) == "flowNodeRef" and ref.text:
                lane_of[ref.text.strip()] = lane
    for kind in ("userTask", "manualTask"):
        for task in _bpmn(root, kind):
            lane = lane_of.get(task.get("id"))
            if lane is None:
                found.append(say(task, "error", N_("tugas manusia tidak berada di lajur (lane); lajur menentukan peran yang "
                                    "mengerjakannya")))
            elif role_for_lane(lane.get("name")) is None:
                found.append(say(lane, "error", N_("lajur '{lajur}' bukan nama peran yang dikenal (berisi tugas '{tugas}')",
                                    lajur=lane.get("name") or "", tugas=task.get("name") or task.get("id"))))
    return _unique(found)


def _forms(root, say):
    found = []
    for task in _bpmn(root, "userTask"):
        external = task.get(f"{{{CAMUNDA_NS}}}formKey") or task.get(f"{{{CAMUNDA_NS}}}formRef")
        if external and not list(task.iter(f"{{{CAMUNDA_NS}}}formData")):
            found.append(say(task, "error", N_("formulir eksternal (camunda:formKey/formRef) tidak didukung; gunakan formulir "
                                "tertanam (camunda:formData)")))
        seen = set()
        for field in task.iter(f"{{{CAMUNDA_NS}}}formField"):
            field_id, kind = field.get("id") or "", field.get("type") or "string"
            where = {"kolom": field_id, "tugas": task.get("name") or task.get("id")}
            if not _FORM_ID.match(field_id):
                found.append(say(task, "error", N_("kolom formulir '{kolom}' pada tugas '{tugas}': id tidak valid (huruf, angka, "
                                                    "garis bawah)", **where)))
            elif field_id in seen:
                found.append(say(task, "error", N_("kolom formulir '{kolom}' pada tugas '{tugas}' muncul dua kali",
                                                    **where)))
            seen.add(field_id)
            if kind not in FIELD_TYPES:
                found.append(say(task, "error", N_("kolom formulir '{kolom}' pada tugas '{tugas}': tipe '{tipe}' "
                                                    "tidak didukung ({pilihan})", tipe=kind,
                                                    pilihan=", ".join(FIELD_TYPES), **where)))
            sourced = any(p.get("id") == OPTIONS_PROPERTY for p in field.iter(f"{{{CAMUNDA_NS}}}property"))
            if kind == "enum" and not sourced and not list(field.iter(f"{{{CAMUNDA_NS}}}value")):
                found.append(say(task, "error", N_("kolom formulir '{kolom}' pada tugas '{tugas}': kolom pilihan tanpa nilai",
                                                    **where)))
            if _JUEL.search(field.get("defaultValue") or ""):
                found.append(say(task, "error", N_("kolom formulir '{kolom}' pada tugas '{tugas}': nilai bawaan JUEL "
                                                    "${{...}} tidak didukung", **where)))
    return found


def _conditions_and_scripts(root, say, functions):
    found = []
    for node in root.iter():
        if isinstance(node.tag, str) and etree.QName(node).namespace == CAMUNDA_NS and _local(node) != "script":
            values = [node.text or "", *node.attrib.values()]
            if any(_JUEL.search(v) for v in values):
                found.append(say(_flow_owner(node), "error", N_("ekspresi JUEL pada camunda:{unsur} tidak didukung; mesin ini "
                                    "menjalankan Python", unsur=_local(node))))
        if _local(node) == "messageEventDefinition" and node.get(f"{{{CAMUNDA_NS}}}expression"):
            found.extend(_expression(say, _flow_owner(node.getparent()), node.get(f"{{{CAMUNDA_NS}}}expression"),
                                     "eval", functions))
    for node in root.iter():
        local = _local(node)
        if local == "script" and (node.getparent().get("scriptFormat") or "python").lower() not in (
                "python", "text/python", "py"):
            continue  # refused once for its language
        if local in ("conditionExpression", "condition", "completionCondition", "loopCardinality", "script"):
            owner = _flow_owner(node.getparent())
            text = (node.text or "").strip()
            if not text:
                continue
            mode = "exec" if local == "script" else "eval"
            found.extend(_expression(say, owner, text, mode, functions, node.get("language")))
    return found


def _expression(say, owner, text, mode, functions, language=None):
    if _JUEL.search(text):
        return [say(owner, "error", N_("ekspresi JUEL '{ekspresi}' tidak didukung; tulis ekspresi Python, mis. "
                       "status == \"setuju\"", ekspresi=text[:80]))]
    if text.startswith("=") or (language or "").lower() == "feel":
        return [say(owner, "error", N_("ekspresi FEEL '{ekspresi}' tidak didukung; tulis ekspresi Python",
                                          ekspresi=text[:80]))]
    if language and language.lower() not in ("python", "text/python"):
        return [say(owner, "error", N_("bahasa ekspresi '{bahasa}' tidak didukung; mesin hanya menjalankan Python",
                                          bahasa=language))]
    try:
        expressions.check(text, mode, functions)
    except ExpressionRejected as exc:
        return [say(owner, "error", N_("{pesan} — ekspresi: {ekspresi}", pesan=exc.message, ekspresi=text[:120]))]
    return []


def _timers(root, say, functions):
    found = []
    for definition in _bpmn(root, "timerEventDefinition"):
        owner = definition.getparent()
        values = [(k, n) for n in definition if (k := _local(n)) in ("timeDuration", "timeDate", "timeCycle")]
        if not values:
            found.append(say(owner, "error", N_("timer tanpa ekspresi waktu (durasi, tanggal atau siklus)")))
            continue
        for kind, node in values:
            text = (node.text or "").strip()
            problem = timer_problem(kind, text, functions)
            if problem:
                found.append(say(owner, "error", problem))
    return found


def _build(files, roots, process_id, functions):
    """Let SpiffWorkflow build each process the set would publish; report what it refuses."""
    bpmn_roots = {n: r for n, r in roots.items() if file_kind(r) == "bpmn"}
    if not bpmn_roots:
        return []
    if process_id:
        targets = [process_id]
    else:
        called = {c.get("calledElement") for r in bpmn_roots.values() for c in _bpmn(r, "callActivity")}
        targets = [p.get("id") for r in bpmn_roots.values() for p in _bpmn(r, "process")
                   if p.get("isExecutable") != "false" and p.get("id") not in called]
    found = []
    for target in targets:
        try:
            load_bundle(files, target, functions)
        except DiagramError as exc:
            element = _by_id(roots, exc.element_id)
            name = element.get("name") if element is not None else None
            found.append(Finding(exc.element_id or target, name, exc.line or (element.sourceline if element is not None
                                 else None), exc.file, "error", exc.message))
        except Exception as exc:
            element = _by_id(roots, target)
            found.append(Finding(target, element.get("name") if element is not None else None,
                                 element.sourceline if element is not None else None, None, "error",
                                 N_("mesin gagal membangun proses: {sebab}",
                                    sebab=f"{type(exc).__name__}: {str(exc)[:200]}")))
    return found


def _by_id(roots, element_id):
    if not element_id:
        return None
    for root in roots.values():
        hits = root.xpath("//*[@id=$id]", id=element_id)
        if hits:
            return hits[0]
    return None
