"""Small diagrams written for the construct tests: a process whose flow nodes all sit in role lanes."""

import re

HEAD = ('<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
        'xmlns:camunda="http://camunda.org/schema/1.0/bpmn" '
        'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="Defs_{pid}" '
        'targetNamespace="http://bpmn.io/schema/bpmn">')
FLOW_NODES = re.compile(r'<bpmn:(?!sequenceFlow|message\b|error\b|conditionExpression|script\b|multiInstance|'
                        r'standardLoop|incoming|outgoing|timeDuration|timeDate|extensionElements|loopCardinality|'
                        r'completionCondition|\w+EventDefinition)(\w+) id="([^"]+)"')


def process(body: str, pid: str = "P", lanes: dict[str, str] | None = None, extra: str = "") -> str:
    """A BPMN file with one executable process `pid` around `body` (flow nodes and flows).

    Each flow node goes into the lane of the role `lanes` names for its id (default Front Office);
    nodes inside subprocesses are listed in the lane too, as Camunda Modeler does.
    """
    lanes = lanes or {}
    by_lane: dict[str, list[str]] = {}
    for _kind, node_id in FLOW_NODES.findall(body):
        by_lane.setdefault(lanes.get(node_id, "Front Office"), []).append(node_id)
    lane_xml = "".join(
        f'<bpmn:lane id="Lane_{pid}_{i}" name="{name}">'
        + "".join(f"<bpmn:flowNodeRef>{n}</bpmn:flowNodeRef>" for n in ids) + "</bpmn:lane>"
        for i, (name, ids) in enumerate(by_lane.items()))
    return (HEAD.format(pid=pid) + extra + f'<bpmn:process id="{pid}" isExecutable="true">'
            f'<bpmn:laneSet id="LaneSet_{pid}">{lane_xml}</bpmn:laneSet>{body}</bpmn:process></bpmn:definitions>')


def flow(source: str, target: str, condition: str | None = None) -> str:
    cond = f"<bpmn:conditionExpression>{condition}</bpmn:conditionExpression>" if condition else ""
    return f'<bpmn:sequenceFlow id="F_{source}_{target}" sourceRef="{source}" targetRef="{target}">{cond}</bpmn:sequenceFlow>'


def chain(*ids: str) -> str:
    return "".join(flow(a, b) for a, b in zip(ids, ids[1:]))


def user_task(task_id: str, field: str = "catatan", kind: str = "string", extra: str = "") -> str:
    return (f'<bpmn:userTask id="{task_id}" name="{task_id}"{extra}><bpmn:extensionElements><camunda:formData>'
            f'<camunda:formField id="{field}" label="{field}" type="{kind}" /></camunda:formData>'
            f'</bpmn:extensionElements></bpmn:userTask>')


def script(task_id: str, code: str) -> str:
    return f'<bpmn:scriptTask id="{task_id}" scriptFormat="python"><bpmn:script>{code}</bpmn:script></bpmn:scriptTask>'
