"""Load BPMN and DMN files into checked, runnable process specs.

Files are parsed with a hardened XML parser (no DTDs, no entities, no network), handed to
SpiffWorkflow's Camunda parser, and the resulting specs are normalised (unquoted ISO-8601
timers, engine-clock timers) and checked: every expression passes the sandbox, every
decision and called process exists, every user task sits in a lane named after a role.
"""

import hashlib
import re
from collections.abc import Iterable
from typing import Any
from dataclasses import dataclass, field

from lxml import etree
from SpiffWorkflow.bpmn.parser.BpmnParser import full_tag
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.specs.defaults import CallActivity, StartEvent
from SpiffWorkflow.bpmn.specs.mixins.subworkflow_task import SubWorkflowTask
from SpiffWorkflow.camunda.parser import CamundaParser
from SpiffWorkflow.bpmn.parser.event_parsers import (CONDITIONAL_EVENT_XPATH, ERROR_EVENT_XPATH, MESSAGE_EVENT_XPATH,
                                                     SIGNAL_EVENT_XPATH, TIMER_EVENT_XPATH)
from SpiffWorkflow.camunda.parser.event_parsers import CamundaStartEventParser
from SpiffWorkflow.dmn.engine.DMNEngine import DMNEngine
from SpiffWorkflow.exceptions import SpiffWorkflowException

from engine.bpmn import bounded_loops, expressions, spiff_dialect
from engine.bpmn.forms import form_of
from engine.bpmn.functions import CLOCK_FUNCTION_NAMES
from engine.bpmn.timers import CLOCKED, quote_iso_literal
from engine.bpmn.variable_call import VariableCallActivityParser, called_variable, variable_calls
from engine.domain.roles import role_for_lane
from engine.errors import DiagramError, ExpressionRejected, WorkflowFailure
from engine.i18n import N_

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
DMN_NAMESPACES = (
    "http://www.omg.org/spec/DMN/20151101/dmn.xsd",
    "http://www.omg.org/spec/DMN/20180521/MODEL/",
    "https://www.omg.org/spec/DMN/20191111/MODEL/",
    "https://www.omg.org/spec/DMN/20230324/MODEL/",
)
MAX_FILE_BYTES = 5 * 1024 * 1024


class StrictDMNEngine(DMNEngine):
    """A decision table that fails loudly when no rule matches, instead of deciding nothing."""

    def result(self, task: Any) -> Any:
        if not self.decide(task):
            table = self.decision_table
            raise WorkflowFailure(
                N_("Tabel keputusan '{tabel}' tidak punya aturan yang cocok untuk data kasus ini", tabel=table.name or table.id),
                element_id=task.task_spec.bpmn_id,
                decision=table.id,
            )
        return super().result(task)

    def evaluate(self, input_expr: Any, match_expr: Any, task: Any) -> Any:
        """SpiffWorkflow's cell evaluation, with the `?` placeholder found in one pass (its own regex
        rescans the cell for every `?`; see expressions.substitute_placeholder)."""
        if match_expr is None:
            return True
        script_engine = task.workflow.script_engine
        match_expr = expressions.substitute_placeholder(match_expr, "dmninputexpr")
        if "dmninputexpr" in match_expr:
            external = {"dmninputexpr": script_engine.evaluate(task, input_expr)}
            return script_engine.evaluate(task, match_expr, external_context=external)
        script_engine.validate(input_expr)
        expression = (f"({input_expr}) == ({match_expr})" if self.needs_eq(script_engine, match_expr)
                      else input_expr + match_expr)
        return script_engine.evaluate(task, expression)


_BY_ID = re.compile(r'^\.//bpmn:(\w+)\[@id="([^"]*)"\]$')


class IndexedLookups:
    """Answers SpiffWorkflow's whole-document lookups by id (`.//bpmn:message[@id="..."]`, made once per
    event) from an index built once per document and parse, so parsing stays linear in a file's events."""

    def doc_xpath(self, xpath: str) -> Any:
        found = _BY_ID.match(xpath)
        if found is None:
            return super().doc_xpath(xpath)  # type: ignore[misc]
        owner: Any = getattr(self, "process_parser", None) or self
        indexes = owner.parser.__dict__.setdefault("slrt_id_indexes", {})  # one parse's documents
        root = getattr(self, "node").getroottree().getroot()
        kept = indexes.get(id(root))
        if kept is None or kept[0] is not root:
            index: dict[tuple[str, str], list[Any]] = {}
            for element in root.iter():
                if isinstance(element.tag, str) and element.get("id") is not None and \
                        etree.QName(element).namespace == BPMN_NS:
                    index.setdefault((etree.QName(element).localname, element.get("id")), []).append(element)
            kept = indexes[id(root)] = (root, index)
        return list(kept[1].get((found.group(1), found.group(2)), []))


class ErrorStartEventParser(CamundaStartEventParser):
    """A start event that may also catch an error: the start of an error event subprocess.

    SpiffWorkflow's start event parser reads message, signal, timer and conditional triggers only,
    so an error start became a plain start and its event subprocess ran as soon as the process
    did. With the error read, the subprocess waits among the start's triggers until an error
    end event of the process throws it. (Outside event subprocesses, triggered start events are
    refused by the validator.)"""

    def create_task(self) -> Any:
        definition = self.get_event_definition([MESSAGE_EVENT_XPATH, SIGNAL_EVENT_XPATH, TIMER_EVENT_XPATH,
                                                CONDITIONAL_EVENT_XPATH, ERROR_EVENT_XPATH])
        task = self._create_task(definition)
        self.spec.start.connect(task)
        return task


def _indexed(classes: dict[str, Any]) -> dict[str, Any]:
    """The parser classes, each answering lookups by id from the document's index."""
    return {tag: (type(f"Indexed{parser.__name__}", (IndexedLookups, parser), {}), spec)
            for tag, (parser, spec) in classes.items()}


class SlrtParser(CamundaParser):
    """Camunda-dialect parser whose decision tables are strict, whose call activities may name
    the called process by a case variable (engine/bpmn/variable_call.py) and whose error event
    subprocesses wait for their error."""

    OVERRIDE_PARSER_CLASSES = _indexed({**CamundaParser.OVERRIDE_PARSER_CLASSES,
                                        full_tag("callActivity"): (VariableCallActivityParser, CallActivity),
                                        full_tag("startEvent"): (ErrorStartEventParser, StartEvent)})

    def get_engine(self, decision_ref: str, node: Any) -> StrictDMNEngine:
        engine = super().get_engine(decision_ref, node)
        return StrictDMNEngine(engine.decision_table)

    def get_subprocess_specs(self, name: str, specs: dict[str, Any] | None = None,
                             require_call_activity_specs: bool = True) -> dict[str, Any]:
        """The processes `name` calls; a call named by a variable may call any process of the set."""
        used = specs if specs is not None else {}
        for task_spec in self.get_spec(name).task_specs.values():
            if not isinstance(task_spec, SubWorkflowTask):
                continue
            called = [p for p in self.get_process_ids() if p != name] if called_variable(task_spec.spec) \
                else [task_spec.spec]
            for process_id in called:
                if process_id not in used:
                    used[process_id] = self.get_spec(process_id, required=require_call_activity_specs)
                    if used[process_id] is not None:
                        self.get_subprocess_specs(process_id, used)
        return used


def safe_xml(content: str | bytes, filename: str) -> Any:
    """Parse XML bytes without DTDs, entity expansion or network access."""
    if isinstance(content, str):
        content = content.encode("utf-8")
    if len(content) > MAX_FILE_BYTES:
        raise DiagramError(N_("berkas terlalu besar (maksimum {kb} KB)", kb=MAX_FILE_BYTES // 1024), file=filename)
    upper = content.upper()
    if b"<!DOCTYPE" in upper or b"<!ENTITY" in upper:
        raise DiagramError(N_("DOCTYPE dan ENTITY tidak diizinkan dalam berkas diagram"), file=filename)
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False, huge_tree=False
    )
    try:
        root = etree.fromstring(content, parser=parser)
    except etree.XMLSyntaxError as exc:
        raise DiagramError(N_("XML tidak valid: {sebab}", sebab=exc.msg), file=filename, line=exc.lineno)
    if root is None:
        raise DiagramError(N_("berkas kosong"), file=filename)
    info = root.getroottree().docinfo
    if info.doctype or info.internalDTD is not None or info.externalDTD is not None:
        # a DOCTYPE in another encoding (UTF-16, ...) slips past the byte check above
        raise DiagramError(N_("DOCTYPE dan ENTITY tidak diizinkan dalam berkas diagram"), file=filename)
    return root


def file_kind(root: Any) -> str | None:
    """'bpmn' or 'dmn' from the root element's namespace, else None."""
    ns = etree.QName(root).namespace
    if ns == BPMN_NS:
        return "bpmn"
    if ns in DMN_NAMESPACES:
        return "dmn"
    return None


@dataclass
class UserTaskInfo:
    """What the engine needs to know about one user task, read once from the spec."""

    bpmn_id: str
    name: str
    lane: str | None
    role: str | None
    form: list = field(default_factory=list)


@dataclass
class ProcessBundle:
    """One process and everything it calls, parsed and checked; shared by all its cases."""

    process_id: str
    name: str
    spec: object
    subprocess_specs: dict
    user_tasks: dict
    content_hash: str
    sources: dict
    variable_calls: tuple = ()  # variables naming called processes (`${proses_sop}`), see variable_call.py


def content_hash(files: dict[str, Any]) -> str:
    """A stable hash over the file names and bytes of a diagram set."""
    digest = hashlib.sha256()
    for name in sorted(files):
        data = files[name].encode("utf-8") if isinstance(files[name], str) else files[name]
        digest.update(name.encode("utf-8") + b"\0" + hashlib.sha256(data).digest())
    return digest.hexdigest()


def load_bundle(files: dict[str, str], process_id: str, functions: Iterable[str] = CLOCK_FUNCTION_NAMES) -> ProcessBundle:
    """Parse {filename: bytes} and return the checked ProcessBundle for `process_id`."""
    parser = SlrtParser()
    roots = {}
    for name, content in files.items():
        if spiff_dialect.side_file(name):
            continue  # a form's JSON schema, read where its SpiffArena user task names it
        root = safe_xml(content, name)
        kind = file_kind(root)
        if kind is None:
            raise DiagramError(N_("bukan berkas BPMN atau DMN"), file=name)
        if kind == "bpmn" and spiff_dialect.is_spiff(root):
            problems = spiff_dialect.adapt(root, files)
            if problems:
                element_id, problem = problems[0]
                raise DiagramError(problem, element_id=element_id, file=name)
        roots[name] = root
        try:
            if kind == "bpmn":
                parser.add_bpmn_xml(etree.ElementTree(root), filename=name)
            else:
                parser.add_dmn_xml(root, filename=name)
        except ValidationException as exc:
            raise _diagram_error(exc, roots) from exc
    try:
        spec = parser.get_spec(process_id)
        subprocess_specs = parser.get_subprocess_specs(process_id)
        subprocess_specs.pop(process_id, None)
    except ValidationException as exc:
        raise _diagram_error(exc, roots) from exc
    except SpiffWorkflowException as exc:
        raise DiagramError(TOO_DEEP if _too_deep(exc) else str(exc), file=getattr(exc, "file_name", None)) from exc
    except RecursionError as exc:
        raise DiagramError(TOO_DEEP) from exc
    except KeyError as exc:
        raise DiagramError(N_("proses '{proses}' tidak ditemukan", proses=process_id), element_id=process_id) from exc
    user_tasks = {}
    properties = _event_properties(roots)
    for process_spec in [spec, *subprocess_specs.values()]:
        _normalise(process_spec)
        _read_event_properties(process_spec, properties)
        _check_expressions(process_spec, roots, frozenset(functions))
        for name, info in _user_tasks(process_spec, roots).items():
            if name in user_tasks:
                file, line = locate(roots, name)
                raise DiagramError(N_("id tugas '{tugas}' dipakai di lebih dari satu proses; id harus unik", tugas=name),
                                   element_id=name, file=file, line=line)
            user_tasks[name] = info
    return ProcessBundle(
        process_id=process_id,
        name=getattr(spec, "description", None) or process_id,
        spec=spec,
        subprocess_specs=subprocess_specs,
        user_tasks=user_tasks,
        content_hash=content_hash(files),
        sources=dict(files),
        variable_calls=variable_calls([spec, *subprocess_specs.values()]),
    )


def _normalise(process_spec):
    for task_spec in process_spec.task_specs.values():
        bounded_loops.bound(task_spec)
        for definition in _event_definitions(task_spec):
            if type(definition) in CLOCKED:
                definition.expression = quote_iso_literal(definition.expression)
                definition.__class__ = CLOCKED[type(definition)]


CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn"


def _event_properties(roots):
    """{element id: {name: value}} of every element's `camunda:property` entries, in one pass over the
    files (the first file defining an id wins)."""
    found: dict[str, dict[str, Any]] = {}
    for root in roots.values():
        for hit in root.iterfind(".//bpmn:extensionElements/camunda:properties/camunda:property",
                                 namespaces={"bpmn": BPMN_NS, "camunda": CAMUNDA_NS}):
            element = hit.getparent().getparent().getparent()
            element_id = element.get("id")
            if element_id is None:
                continue
            if element_id not in found:
                found[element_id] = {"_root": root}
            if found[element_id]["_root"] is root:
                found[element_id][hit.get("name")] = hit.get("value")
    return {k: {n: v for n, v in props.items() if n != "_root"} for k, props in found.items()}


def _read_event_properties(process_spec, properties):
    """Give events their `camunda:property` entries (Spiff's Camunda parser reads them only for tasks)."""
    for task_spec in process_spec.task_specs.values():
        if getattr(task_spec, "extensions", None) or _event_definitions(task_spec) == []:
            continue
        if properties.get(task_spec.bpmn_id):
            task_spec.extensions = dict(properties[task_spec.bpmn_id])


def _event_definitions(task_spec):
    definition = getattr(task_spec, "event_definition", None)
    if definition is None:
        return []
    return [definition, *getattr(definition, "event_definitions", [])]


def _check_expressions(process_spec, roots, functions):
    for element_id, source, mode in expressions.iter_expressions(process_spec):
        try:
            expressions.check(source, mode, functions)
        except ExpressionRejected as exc:
            file, line = locate(roots, element_id)
            raise ExpressionRejected(
                N_("{sebab} — ekspresi: {ekspresi}", sebab=exc.message, ekspresi=source.strip()[:200]),
                element_id=element_id, file=file, line=line
            ) from exc


def _user_tasks(process_spec, roots):
    found = {}
    for task_spec in process_spec.task_specs.values():
        if not getattr(task_spec, "manual", False) or not hasattr(task_spec, "form"):
            continue
        role = role_for_lane(task_spec.lane)
        if role is None:
            file, line = locate(roots, task_spec.bpmn_id)
            raise DiagramError(
                N_("tugas '{tugas}' berada di lajur '{lajur}' yang bukan nama peran yang dikenal",
                   tugas=task_spec.bpmn_name or task_spec.bpmn_id, lajur=task_spec.lane),
                element_id=task_spec.bpmn_id, file=file, line=line,
            )
        try:
            form = form_of(task_spec)
        except DiagramError as exc:
            file, line = locate(roots, task_spec.bpmn_id)
            raise DiagramError(exc.message, element_id=task_spec.bpmn_id, file=file, line=line) from exc
        found[task_spec.name] = UserTaskInfo(
            bpmn_id=task_spec.bpmn_id, name=task_spec.bpmn_name or task_spec.bpmn_id,
            lane=task_spec.lane, role=role, form=form,
        )
    return found


def locate(roots: dict[str, Any], element_id: str | None) -> tuple[str | None, int | None]:
    """Return (file, line) of the element with this id, searching every loaded file."""
    for name, root in roots.items():
        hits = root.xpath("//*[@id=$id]", id=element_id)
        if hits:
            return name, hits[0].sourceline
    return None, None


TOO_DEEP = N_("alur terlalu panjang untuk dibaca mesin: ratusan event atau gateway berturut-turut, atau rantai "
              "pemanggilan proses sepanjang itu; bagi alurnya ke dalam subproses atau call activity yang lebih pendek")


def _too_deep(exc):
    """Whether SpiffWorkflow's parser (which follows the flow recursively) ran out of stack under `exc`."""
    seen, current = set(), exc
    while current is not None and id(current) not in seen:
        if isinstance(current, RecursionError):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return "maximum recursion depth" in str(exc)


def _diagram_error(exc, roots):
    element_id = getattr(exc, "id", None) or None
    file, line = locate(roots, element_id) if element_id else (getattr(exc, "file_name", None), None)
    message = TOO_DEEP if _too_deep(exc) else str(exc).split("\n")[0]
    return DiagramError(message, element_id=element_id, file=file or getattr(exc, "file_name", None),
                        line=line or getattr(exc, "line_number", None) or None)
