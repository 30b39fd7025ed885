"""Diagrams saved by SpiffArena's modeler, rewritten into the dialect this engine runs (Camunda 7's).

What has an equivalent here is rewritten before anything else reads the file:
- `spiffworkflow:preScript` / `postScript` on a task become script tasks just before / after it;
- a message's `spiffworkflow:messagePayload` (on the bpmn:message, or on the event as older
  versions wrote it) becomes the throw's `camunda:expression`; `spiffworkflow:messageVariable`
  becomes a script task after the catch that copies the received payload (`pesan`) into it;
- `spiffworkflow:calledDecisionId` becomes `camunda:decisionRef`;
- a user task's form from the JSON-schema file uploaded beside it (`formJsonSchemaFilename`)
  becomes `camunda:formData` (`formUiSchemaFilename` only lays the form out and is dropped).
Every other `spiffworkflow:` extension stays and is refused by validation, naming the dialect and
the extension (engine/bpmn/construct_lint.py). Element ids and source lines are kept, so findings
point at what the analyst drew.
"""

import json
from collections.abc import Mapping
from typing import Any

from lxml import etree

from engine.i18n import N_

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn"
SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"
FORM_PROPERTY, UI_PROPERTY = "formJsonSchemaFilename", "formUiSchemaFilename"
SCHEMA_TYPES = {"string": "string", "integer": "long", "boolean": "boolean"}
SCHEMA_KEYWORDS = {"type", "title", "description", "default", "enum", "oneOf", "format", "minLength", "maxLength",
                   "minimum", "maximum"}
MAX_SCHEMA_BYTES = 256 * 1024


def _b(local):
    return f"{{{BPMN_NS}}}{local}"


def _s(local):
    return f"{{{SPIFF_NS}}}{local}"


def _c(local):
    return f"{{{CAMUNDA_NS}}}{local}"


def is_spiff(root: Any) -> bool:
    return SPIFF_NS in (root.nsmap or {}).values() or next(root.iter(f"{{{SPIFF_NS}}}*"), None) is not None


def side_file(name: str) -> bool:
    """A file uploaded beside the diagrams that is not itself one (a form's JSON schema)."""
    return name.endswith(".json")


def adapt(root: Any, files: Mapping[str, Any]) -> list[tuple[str | None, str]]:
    """Rewrite a SpiffArena-dialect BPMN tree in place; return [(element id, problem)] of what could not be."""
    problems: list[tuple[str | None, str]] = []
    messages = {m.get("id"): m for m in root.iter(_b("message"))}
    for process in list(root.iter(_b("process"), _b("subProcess"))):
        for node in list(process):
            if not isinstance(node.tag, str) or etree.QName(node).namespace != BPMN_NS:
                continue
            _decision(node)
            _message(node, process, messages)
            _scripts(node, process)
            if etree.QName(node).localname == "userTask":
                problems.extend(_form(node, files))
    for message in messages.values():  # moved onto the events that use them
        for extension in list(message.iter(_s("messagePayload"), _s("messageVariable"))):
            extension.getparent().remove(extension)
    return problems


def _extensions(node):
    found = node.find(_b("extensionElements"))
    return found if found is not None else None


def _take(node, local):
    """Remove and return the text of the task's spiffworkflow:<local> extension (None when absent)."""
    extensions = _extensions(node)
    if extensions is None:
        return None
    found = extensions.find(_s(local))
    if found is None:
        return None
    extensions.remove(found)
    return found.text or ""


def _decision(node):
    decision = _take(node, "calledDecisionId")
    if decision is not None and etree.QName(node).localname == "businessRuleTask":
        node.set(_c("decisionRef"), decision.strip())


def _script_task(process, element_id, code, before):
    task = etree.Element(_b("scriptTask"), id=element_id, scriptFormat="python")
    task.tail = before.tail
    etree.SubElement(task, _b("script")).text = code
    before.addnext(task)
    _lane_with(process, before.get("id"), element_id)
    return task


def _lane_with(process, existing, added):
    for ref in process.getroottree().iter(_b("flowNodeRef")):
        if (ref.text or "").strip() == existing:
            extra = etree.Element(_b("flowNodeRef"))
            extra.text = added
            ref.addnext(extra)
            return


def _flow(process, source, target, anchor):
    flow = etree.Element(_b("sequenceFlow"), id=f"{source}_ke_{target}", sourceRef=source, targetRef=target)
    anchor.addnext(flow)


def _outgoing(process, element_id):
    return [f for f in process if f.tag == _b("sequenceFlow") and f.get("sourceRef") == element_id]


def _incoming(process, element_id):
    return [f for f in process if f.tag == _b("sequenceFlow") and f.get("targetRef") == element_id]


def _after(process, node, element_id, code):
    """A script task right after `node`: its outgoing flows leave from the script instead."""
    script = _script_task(process, element_id, code, node)
    for flow in _outgoing(process, node.get("id")):
        flow.set("sourceRef", element_id)
    _flow(process, node.get("id"), element_id, script)


def _scripts(node, process):
    pre, post = _take(node, "preScript"), _take(node, "postScript")
    node_id = node.get("id")
    if pre and pre.strip():
        script_id = f"{node_id}_praskrip"
        script = _script_task(process, script_id, pre, node)
        for flow in _incoming(process, node_id):
            flow.set("targetRef", script_id)
        _flow(process, script_id, node_id, script)
        node.addprevious(script)  # keep the drawn order: the pre-script before the task
    if post and post.strip():
        _after(process, node, f"{node_id}_pascaskrip", post)


def _message(node, process, messages):
    for definition in node.findall(_b("messageEventDefinition")):
        message = messages.get(definition.get("messageRef"))
        payload = _first_text(definition, message, "messagePayload")
        variable = _first_text(definition, message, "messageVariable")
        for extension in list(definition.iter(_s("messagePayload"), _s("messageVariable"))):
            extension.getparent().remove(extension)
        kind = etree.QName(node).localname
        if kind in ("intermediateThrowEvent", "endEvent") and payload and payload.strip():
            definition.set(_c("expression"), payload.strip())
        elif kind in ("intermediateCatchEvent", "boundaryEvent", "startEvent") and variable and variable.strip():
            _after(process, node, f"{node.get('id')}_isi_pesan", f"{variable.strip()} = pesan")


def _first_text(definition, message, local):
    for owner in (definition, message):
        if owner is not None:
            found = next(owner.iter(_s(local)), None)
            if found is not None:
                return found.text or ""
    return None


def _form(task, files):
    extensions = _extensions(task)
    properties = extensions.find(_s("properties")) if extensions is not None else None
    if properties is None:
        return []
    wanted = {p.get("name"): p for p in properties.findall(_s("property"))}
    schema_name = wanted.pop(FORM_PROPERTY, None)
    ui = wanted.pop(UI_PROPERTY, None)
    for prop in (schema_name, ui):
        if prop is not None:
            properties.remove(prop)
    if not len(properties):
        extensions.remove(properties)
    if schema_name is None:
        return []
    filename = schema_name.get("value") or ""
    found = [content for name, content in files.items() if name.rsplit("/", 1)[-1] == filename]
    if not found:
        return [(task.get("id"), N_("dialek SpiffArena: berkas skema formulir '{berkas}' tidak ikut diunggah; unggah "
                                    "berkas JSON itu bersama diagram", berkas=filename))]
    fields, problems = _schema_fields(found[0], filename)
    if problems:
        return [(task.get("id"), p) for p in problems]
    form = etree.SubElement(extensions, _c("formData"))
    for field in fields:
        form.append(field)
    return []


def _schema_fields(content, filename):
    data = content.encode("utf-8") if isinstance(content, str) else content
    if len(data) > MAX_SCHEMA_BYTES:
        return [], [N_("skema formulir '{berkas}' terlalu besar", berkas=filename)]
    try:
        schema = json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        return [], [N_("skema formulir '{berkas}' bukan JSON yang valid: {sebab}", berkas=filename, sebab=str(exc)[:120])]
    if not isinstance(schema, dict) or schema.get("type", "object") != "object" or \
            not isinstance(schema.get("properties", {}), dict):
        return [], [N_("skema formulir '{berkas}' harus objek dengan 'properties'", berkas=filename)]
    required = set(schema.get("required") or [])
    fields, problems = [], []
    for field_id, spec in schema.get("properties", {}).items():
        field, problem = _field(field_id, spec if isinstance(spec, dict) else {}, field_id in required)
        if problem:
            problems.append(N_("dialek SpiffArena: kolom '{kolom}' di skema '{berkas}': {sebab}", kolom=field_id,
                               berkas=filename, sebab=problem))
        else:
            fields.append(field)
    return fields, problems


def _field(field_id, spec, required):
    unknown = sorted(set(spec) - SCHEMA_KEYWORDS)
    if unknown:
        return None, N_("kata kunci JSON-schema {kunci} tidak didukung", kunci=", ".join(unknown))
    options = [(str(v), str(v)) for v in spec.get("enum", [])] or [
        (str(o.get("const")), str(o.get("title") or o.get("const"))) for o in spec.get("oneOf", []) if isinstance(o, dict)]
    kind = "enum" if options else "date" if spec.get("format") == "date" else SCHEMA_TYPES.get(spec.get("type"))
    if kind is None:
        return None, N_("tipe '{tipe}' tidak didukung (string, integer, boolean, tanggal, pilihan)",
                        tipe=str(spec.get("type")))
    field = etree.Element(_c("formField"), id=field_id, label=str(spec.get("title") or field_id), type=kind)
    if "default" in spec:
        field.set("defaultValue", str(spec["default"]).lower() if isinstance(spec["default"], bool) else str(spec["default"]))
    checks = [("required", None)] if required else []
    for keyword, name in (("minLength", "minlength"), ("maxLength", "maxlength"), ("minimum", "min"), ("maximum", "max")):
        if keyword in spec:
            checks.append((name, str(spec[keyword])))
    if checks:
        validation = etree.SubElement(field, _c("validation"))
        for name, config in checks:
            constraint = etree.SubElement(validation, _c("constraint"), name=name)
            if config is not None:
                constraint.set("config", config)
    for value_id, label in options:
        etree.SubElement(field, _c("value"), id=value_id, name=label)
    return field, None
