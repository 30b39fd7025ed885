"""A Babel extraction method for the analysts' diagrams: the texts people read on the pages.

Registered in ``babel.cfg`` as ``[web.translations.diagrams.extract: workflows/*.bpmn]`` (and
``rules/*.dmn``). From BPMN it yields every text bpmn-js draws on the case diagram (the names of
tasks, call activities, sub-processes, events, gateways, sequence flows, lanes and pools, and text
annotations; the process name heads the drawing), the labels of ``camunda:formField`` and the names of their ``camunda:value``
options. From DMN it yields decision names. Each text is its own msgid, as the analyst wrote it.
``extract_programs`` yields the program names of the initial program catalogue (rules/program.yaml).

``translated_xml`` gives a diagram with those texts in the reader's language, for bpmn-js.
"""

from collections.abc import Callable

import yaml
from lxml import etree

SHOWN = {"task", "userTask", "manualTask", "serviceTask", "scriptTask", "sendTask", "receiveTask",
         "businessRuleTask", "callActivity", "subProcess", "startEvent", "endEvent",
         "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent", "decision",
         "exclusiveGateway", "inclusiveGateway", "parallelGateway", "eventBasedGateway", "complexGateway",
         "sequenceFlow", "lane", "participant", "process"}
ATTRIBUTE = {"formField": "label", "value": "name"}
BPMN_MODEL = "http://www.omg.org/spec/BPMN/20100524/MODEL"


def _shown(root):
    """(element, attribute or None for its text) for every shown text of a parsed diagram, in document order."""
    for element in root.iter(etree.Element):
        local = etree.QName(element).localname
        if local == "text" and etree.QName(element.getparent()).localname == "textAnnotation":
            if (element.text or "").strip():
                yield element, None
            continue
        attribute = "name" if local in SHOWN else ATTRIBUTE.get(local)
        if attribute and (element.get(attribute) or "").strip():
            yield element, attribute


def texts(root):
    """(line, text) for every shown text of a parsed diagram, in document order."""
    for element, attribute in _shown(root):
        yield element.sourceline, (element.get(attribute) if attribute else element.text).strip()


def extract(fileobj, keywords, comment_tags, options):
    """Babel's extraction protocol: (line, funcname, message, comments) per text."""
    root = etree.parse(fileobj, etree.XMLParser(resolve_entities=False, no_network=True)).getroot()
    for line, text in texts(root):
        yield line, None, text, []


def extract_programs(fileobj, keywords, comment_tags, options):
    """The program names of the initial catalogue (rules/program.yaml), shown in option lists."""
    for number, row in enumerate(yaml.safe_load(fileobj) or [], start=1):
        if (row.get("nama") or "").strip():
            yield number, None, row["nama"].strip(), []


def translated_xml(xml: str, gettext: Callable[[str], str]) -> str:
    """The diagram with every shown text through `gettext` (texts outside the catalogue stay as written)."""
    root = etree.fromstring(xml.encode("utf-8"), etree.XMLParser(resolve_entities=False, no_network=True))
    for element, attribute in list(_shown(root)):
        if attribute:
            element.set(attribute, gettext(element.get(attribute).strip()))
        else:
            element.text = gettext(element.text.strip())
    return etree.tostring(root, encoding="unicode")
