"""Hostile diagram shapes (issue 19) and decision tables of a chosen size, for the bounds tests and
bench/validation.py."""

from tests.processes.test_workflow_versions import files

DMN_NS = "https://www.omg.org/spec/DMN/20191111/MODEL/"


def decision_table(rules: int, second_column: int = 0, cell: str | None = None, decision_id: str = "besar") -> str:
    """A UNIQUE table of `rules` literal rules (`"a<i>"`), optionally a second column cycling through
    `second_column` literals, and optionally one more rule whose first cell is `cell`."""
    inputs = ['<input id="Masukan_A" label="A"><inputExpression id="Ekspresi_A" typeRef="string">'
              '<text>kolom_a</text></inputExpression></input>']
    if second_column:
        inputs.append('<input id="Masukan_B" label="B"><inputExpression id="Ekspresi_B" typeRef="string">'
                      '<text>kolom_b</text></inputExpression></input>')
    rows = []
    cells = [(f'"a{i}"', f'"b{i % second_column}"' if second_column else None) for i in range(rules)]
    if cell is not None:
        cells.append((cell, "-" if second_column else None))
    for number, (first, second) in enumerate(cells):
        entries = f'<inputEntry id="R{number}_A"><text>{first}</text></inputEntry>'
        if second is not None:
            entries += f'<inputEntry id="R{number}_B"><text>{second}</text></inputEntry>'
        rows.append(f'<rule id="R{number}">{entries}<outputEntry id="R{number}_O"><text>"X"</text></outputEntry></rule>')
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<definitions xmlns="{DMN_NS}" id="Def_{decision_id}" '
            f'name="Besar" namespace="http://camunda.org/schema/1.0/dmn"><decision id="{decision_id}" name="Besar">'
            f'<decisionTable id="Tabel_{decision_id}" hitPolicy="UNIQUE">{"".join(inputs)}'
            f'<output id="Keluaran" label="Hasil" name="hasil" typeRef="string" />{"".join(rows)}'
            f'</decisionTable></decision></definitions>')


TIMER = ("workflows/keluhan.bpmn", '<bpmn:timeDate xsi:type="bpmn:tFormalExpression">pengingat_sla("penerusan")',
         '<bpmn:timeDate xsi:type="bpmn:tFormalExpression">{}')


def _timer(expression):
    name, old, new = TIMER
    return files([(name, old, new.format(expression))])


def shapes() -> dict[str, dict[str, str]]:
    """{name: the shipped diagram set with one hostile change}."""
    cell_60k = files([("rules/tujuan_pip.dmn", '<text>? != "madrasah"</text>', "<text>" + "?" * 60_000 + "</text>")])
    many_rules = {**files(), "rules/besar.dmn": decision_table(600, second_column=80)}
    self_call = files([("workflows/keluhan.bpmn", 'calledElement="sop_kepesertaan"', 'calledElement="keluhan"')])
    return {
        "sel_60rb_tanda_tanya": cell_60k,
        "600_aturan_literal": many_rules,
        "pengulangan_besar": _timer("'P' + str(len('a' * 1500000000)) + 'D'"),
        "perulangan_bersarang": _timer("'P' + str(len([1 for a in 'x' * 15000 for b in 'x' * 15000])) + 'D'"),
        "memanggil_dirinya": self_call,
    }


def process_chain(elements: int) -> str:
    """A valid process of `elements` script tasks in one lane, one after another."""
    refs = ["Start", *(f"S{i}" for i in range(elements)), "End"]
    nodes = ['<bpmn:startEvent id="Start"/>', '<bpmn:endEvent id="End"/>']
    nodes += [f'<bpmn:scriptTask id="S{i}" scriptFormat="python"><bpmn:script>x{i} = {i} + 1</bpmn:script>'
              '</bpmn:scriptTask>' for i in range(elements)]
    flows = [f'<bpmn:sequenceFlow id="F{i}" sourceRef="{a}" targetRef="{b}"/>' for i, (a, b) in enumerate(zip(refs, refs[1:]))]
    lane = ('<bpmn:laneSet id="Lanes"><bpmn:lane id="Lane_FO" name="Front Office">'
            + "".join(f"<bpmn:flowNodeRef>{r}</bpmn:flowNodeRef>" for r in refs) + "</bpmn:lane></bpmn:laneSet>")
    return ('<?xml version="1.0" encoding="UTF-8"?><bpmn:definitions '
            'xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="Def_Rantai" targetNamespace="x">'
            f'<bpmn:process id="rantai" isExecutable="true">{lane}{"".join(nodes)}{"".join(flows)}</bpmn:process>'
            '</bpmn:definitions>')


_HEAD = ('<?xml version="1.0" encoding="UTF-8"?><bpmn:definitions '
         'xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="Def_{0}" targetNamespace="x">')


def _process(pid: str, nodes: list[str], flows: list[tuple[str, str]], extra: str = "") -> str:
    refs = [n.split('id="', 1)[1].split('"', 1)[0] for n in nodes]
    lane = (f'<bpmn:laneSet id="Lanes_{pid}"><bpmn:lane id="Lane_{pid}" name="Front Office">'
            + "".join(f"<bpmn:flowNodeRef>{r}</bpmn:flowNodeRef>" for r in refs) + "</bpmn:lane></bpmn:laneSet>")
    edges = "".join(f'<bpmn:sequenceFlow id="F_{pid}_{i}" sourceRef="{a}" targetRef="{b}"/>' for i, (a, b) in enumerate(flows))
    return (_HEAD.format(pid) + extra + f'<bpmn:process id="{pid}" isExecutable="true">{lane}{"".join(nodes)}{edges}'
            '</bpmn:process></bpmn:definitions>')


def event_gateways(count: int) -> str:
    """A process of `count` event-based gateways side by side, each waiting for a message or a day."""
    nodes, flows = ['<bpmn:startEvent id="S"/>', '<bpmn:parallelGateway id="Split"/>',
                    '<bpmn:parallelGateway id="Join"/>', '<bpmn:endEvent id="E"/>'], [("S", "Split"), ("Join", "E")]
    for i in range(count):
        nodes += [f'<bpmn:eventBasedGateway id="G{i}"/>',
                  f'<bpmn:intermediateCatchEvent id="M{i}"><bpmn:messageEventDefinition id="Md{i}" messageRef="Msg"/>'
                  '</bpmn:intermediateCatchEvent>',
                  f'<bpmn:intermediateCatchEvent id="T{i}"><bpmn:timerEventDefinition id="Td{i}"><bpmn:timeDuration>'
                  'P1D</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>',
                  f'<bpmn:exclusiveGateway id="X{i}"/>']
        flows += [("Split", f"G{i}"), (f"G{i}", f"M{i}"), (f"G{i}", f"T{i}"), (f"M{i}", f"X{i}"), (f"T{i}", f"X{i}"),
                  (f"X{i}", "Join")]
    return _process("gerbang", nodes, flows, '<bpmn:message id="Msg" name="jawaban"/>')


def call_chain(count: int) -> dict[str, str]:
    """`count` processes in their own files, each calling the next (the last one runs a script)."""
    files = {}
    for i in range(count):
        step = (f'<bpmn:callActivity id="C{i}" calledElement="p{i + 1}"/>' if i + 1 < count else
                f'<bpmn:scriptTask id="C{i}" scriptFormat="python"><bpmn:script>x = 1</bpmn:script></bpmn:scriptTask>')
        files[f"workflows/p{i}.bpmn"] = _process(f"p{i}", [f'<bpmn:startEvent id="S{i}"/>', step, f'<bpmn:endEvent id="E{i}"/>'],
                                                 [(f"S{i}", f"C{i}"), (f"C{i}", f"E{i}")])
    return files
