"""A Babel extraction method for the analysts' diagrams: the texts people read on the pages.

Registered in ``babel.cfg`` as ``[web.translations.diagrams.extract: workflows/*.bpmn]`` (and
``rules/*.dmn``). From BPMN it yields the names of tasks, call activities, sub-processes and
events (lanes are roles, translated with the roles; gateways and flows are not shown on the
pages), the labels of ``camunda:formField`` and the names of their ``camunda:value`` options.
From DMN it yields decision names. Each text is its own msgid, as the analyst wrote it.
"""

from lxml import etree

SHOWN = {"task", "userTask", "manualTask", "serviceTask", "scriptTask", "sendTask", "receiveTask",
         "businessRuleTask", "callActivity", "subProcess", "startEvent", "endEvent",
         "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent", "decision"}
ATTRIBUTE = {"formField": "label", "value": "name"}


def texts(root):
    """(line, text) for every shown text of a parsed diagram, in document order."""
    for element in root.iter(etree.Element):
        local = etree.QName(element).localname
        attribute = "name" if local in SHOWN else ATTRIBUTE.get(local)
        text = (element.get(attribute) or "").strip() if attribute else ""
        if text:
            yield element.sourceline, text


def extract(fileobj, keywords, comment_tags, options):
    """Babel's extraction protocol: (line, funcname, message, comments) per text."""
    root = etree.parse(fileobj, etree.XMLParser(resolve_entities=False, no_network=True)).getroot()
    for line, text in texts(root):
        yield line, None, text, []
