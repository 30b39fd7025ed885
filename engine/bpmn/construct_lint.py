"""Constructs a diagram may use only if the engine runs them to completion.

Every BPMN construct here is either driven by a test to its end (user, script and business-rule
tasks, call activities, embedded and event subprocesses, exclusive/parallel/inclusive and
event-based gateways, timer and message catches, error and terminate events, loops and
multi-instance) or refused at validation, naming the construct and what to use instead. A case
never waits on something nothing can trigger.

Also across the whole set of files: call cycles (a process that calls itself, directly or through
others) and a decision id defined by two DMN files (the last one loaded would silently win).
"""

from collections.abc import Callable, Mapping
from typing import Any

from lxml import etree

from engine.bpmn.parser import BPMN_NS, called_variable, file_kind
from engine.i18n import N_

CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn"
SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"

# Flow elements with no execution here that ends, with what to use instead.
REFUSED_ELEMENTS = {
    "task": N_("tugas tanpa jenis (task) tidak dikerjakan siapa pun dan kasus akan berhenti di sini; gunakan "
               "userTask di lajur peran, scriptTask atau businessRuleTask"),
    "manualTask": N_("tugas manual (manualTask) tidak muncul di kotak masuk siapa pun; gunakan userTask "
                     "(tugas pengguna) di lajur peran"),
    "serviceTask": N_("tugas layanan (serviceTask) tidak dijalankan mesin ini; gunakan scriptTask, atau event "
                      "pesan (intermediateThrowEvent) untuk mengirim lewat outbox"),
    "sendTask": N_("tugas kirim (sendTask) tidak didukung; gunakan event lempar pesan (intermediateThrowEvent "
                   "dengan messageEventDefinition)"),
    "receiveTask": N_("tugas terima (receiveTask) tidak didukung; gunakan event tangkap pesan "
                      "(intermediateCatchEvent dengan messageEventDefinition)"),
    "dataStoreReference": N_("penyimpanan data (dataStore) tidak didukung; simpan data sebagai variabel kasus"),
}
# Event definitions nothing here can trigger, with what to use instead.
REFUSED_EVENTS = {
    "signalEventDefinition": N_("event sinyal (signal) tidak dapat dipicu di mesin ini; gunakan event pesan "
                                "(dikirim ke kasus lewat API pesan) atau timer"),
    "conditionalEventDefinition": N_("event bersyarat (conditional) tidak pernah dievaluasi di mesin ini; gunakan "
                                     "gateway eksklusif dengan kondisi"),
    "escalationEventDefinition": N_("event eskalasi (escalation) tidak didukung; gunakan event error "
                                    "(errorEventDefinition)"),
}
# camunda: extensions that change behaviour but that the engine would silently ignore.
REFUSED_CAMUNDA = {
    "inputOutput": N_("pemetaan camunda:inputOutput diabaikan mesin ini; tulis pemetaan variabel di scriptTask"),
    "executionListener": N_("camunda:executionListener tidak dijalankan mesin ini; gunakan scriptTask sebelum "
                            "atau sesudah langkah ini"),
    "taskListener": N_("camunda:taskListener tidak dijalankan mesin ini; gunakan scriptTask sebelum atau sesudah "
                       "tugas ini"),
    "failedJobRetryTimeCycle": N_("camunda:failedJobRetryTimeCycle tidak didukung; langkah yang gagal menjadi "
                                  "insiden pada kasus"),
}
SPIFF_DIALECT = N_("dialek SpiffArena: ekstensi spiffworkflow:{ekstensi} tidak didukung mesin ini")

Say = Callable[[Any, str, str], Any]


def _local(node):
    return etree.QName(node).localname if isinstance(node.tag, str) else ""


def _ns(node):
    return etree.QName(node).namespace if isinstance(node.tag, str) else None


def _owner(node):
    """The nearest BPMN element with an id at or above `node`."""
    while node is not None and not (_ns(node) == BPMN_NS and node.get("id")):
        node = node.getparent()
    return node


def lint_constructs(root: Any, say: Say, supported_spiff: frozenset[str] = frozenset()) -> list[Any]:
    """Findings for the constructs of one BPMN file that the engine does not run to completion."""
    found, seen = [], set()
    index: dict[str, Any] = {}  # built once, on the first event-based gateway (lookups stay linear)

    def refuse(node, message):
        key = (node.get("id"), node.sourceline, message)
        if key not in seen:
            seen.add(key)
            found.append(say(node, "error", message))

    for node in root.iter():
        local, ns = _local(node), _ns(node)
        if ns == BPMN_NS:
            if local in REFUSED_ELEMENTS:
                refuse(node, REFUSED_ELEMENTS[local])
            elif local in REFUSED_EVENTS:
                refuse(_owner(node.getparent()), REFUSED_EVENTS[local])
            elif local == "startEvent":
                _start_event(node, refuse)
            elif local == "multiInstanceLoopCharacteristics":
                _multi_instance(node, refuse)
            elif local == "standardLoopCharacteristics":
                _standard_loop(node, refuse)
            elif local == "eventBasedGateway":
                _event_gateway(_flow_index(root, index), node, refuse)
            elif local in ("subProcess", "transaction"):
                starts = [c for c in node if _local(c) == "startEvent"]
                if len(starts) != 1:
                    refuse(node, N_("subproses harus berisi tepat satu start event (ditemukan {jumlah}); buka "
                                    "subproses dan gambar alurnya", jumlah=len(starts)))
            elif local == "messageEventDefinition" and not node.get("messageRef") and \
                    _local(node.getparent()) in ("intermediateCatchEvent", "boundaryEvent", "startEvent"):
                refuse(node.getparent(), N_("event pesan tanpa pesan (messageRef); pilih pesan agar kasus dapat "
                                            "menerimanya"))
        elif ns == CAMUNDA_NS and local in REFUSED_CAMUNDA:
            refuse(_owner(node), REFUSED_CAMUNDA[local])
        elif ns == SPIFF_NS and local not in supported_spiff and _top_spiff(node):
            refuse(_owner(node), N_(SPIFF_DIALECT, ekstensi=local))
    return found


LOOPED = ("userTask", "scriptTask")
MAX_LOOPS = 100


def _multi_instance(node, refuse):
    task = node.getparent()
    if _local(task) not in LOOPED:
        refuse(task, N_("multi-instance hanya didukung pada userTask dan scriptTask, bukan {unsur}",
                        unsur=_local(task)))
        return
    if _local(task) != "userTask":
        if not any(_local(c) in ("loopCardinality", "loopDataInputRef") for c in node):
            refuse(task, N_("multi-instance pada scriptTask perlu loopCardinality (jumlah) atau loopDataInputRef"))
        return
    collection = node.get(f"{{{CAMUNDA_NS}}}collection")
    element = node.get(f"{{{CAMUNDA_NS}}}elementVariable")
    fields = [f.get("id") for f in task.iter(f"{{{CAMUNDA_NS}}}formField")]
    if not collection or not element or fields != [element]:
        refuse(task, N_("tugas pengguna multi-instance perlu camunda:collection dan camunda:elementVariable, dan "
                        "formulirnya tepat satu kolom dengan id yang sama dengan elementVariable (jawaban tiap "
                        "petugas disimpan ke koleksi; kolom lain akan hilang)"))


def _standard_loop(node, refuse):
    task = node.getparent()
    if _local(task) not in LOOPED:
        refuse(task, N_("perulangan (standard loop) hanya didukung pada userTask dan scriptTask, bukan {unsur}",
                        unsur=_local(task)))
        return
    maximum = node.get("loopMaximum") or ""
    if not maximum.isdigit() or not 1 <= int(maximum) <= MAX_LOOPS:
        refuse(task, N_("perulangan (standard loop) perlu batas loopMaximum 1 sampai {maks} agar tidak berputar "
                        "tanpa akhir", maks=MAX_LOOPS))


def _flow_index(root: Any, index: dict[str, Any]) -> dict[str, Any]:
    """{"targets": {source id: [target ids]}, "nodes": {id: BPMN element}} of one file, made once."""
    if not index:
        targets: dict[str, list[str]] = {}
        nodes: dict[str, Any] = {}
        for node in root.iter():
            if _ns(node) != BPMN_NS or not node.get("id"):
                continue
            if _local(node) == "sequenceFlow":
                targets.setdefault(node.get("sourceRef"), []).append(node.get("targetRef"))
            else:
                nodes.setdefault(node.get("id"), node)
        index.update(targets=targets, nodes=nodes)
    return index


def _event_gateway(index, gateway, refuse):
    for target_id in dict.fromkeys(index["targets"].get(gateway.get("id"), [])):
        target = index["nodes"].get(target_id)
        if target is None:
            continue
        kinds = {_local(c) for c in target}
        if _local(target) != "intermediateCatchEvent" or not kinds & {"messageEventDefinition", "timerEventDefinition"}:
            refuse(gateway, N_("gateway berbasis event hanya boleh diikuti event tangkap pesan atau timer"))


def _top_spiff(node):
    """Only the outermost spiffworkflow: element is named (its children belong to it)."""
    parent = node.getparent()
    return parent is None or _ns(parent) != SPIFF_NS


def _start_event(node, refuse):
    definitions = [c for c in node if _local(c).endswith("EventDefinition")]
    if not definitions:
        return
    container = node.getparent()
    in_event_subprocess = _local(container) == "subProcess" and container.get("triggeredByEvent") == "true"
    kinds = {_local(d) for d in definitions}
    if in_event_subprocess and node.get("isInterrupting", "true") != "false" and kinds & {
            "messageEventDefinition", "timerEventDefinition"}:
        refuse(node, N_("subproses event dengan pesan atau timer harus tidak menyela (non-interrupting): alur utama "
                        "tidak dihentikan mesin ini; hilangkan centang 'Interrupting', atau pakai boundary event pada "
                        "tugasnya"))
    elif not in_event_subprocess:
        refuse(node, N_("start event dengan pemicu ({pemicu}) tidak didukung: kasus dimulai dari penerimaan "
                        "pengaduan; gunakan start event biasa (atau letakkan pemicu di subproses event)",
                        pemicu=", ".join(_local(d).removesuffix("EventDefinition") for d in definitions)))


def lint_set(roots: Mapping[str, Any], say_in: Callable[[str], Say]) -> list[Any]:
    """Findings across the whole set: call cycles and decision ids defined twice."""
    return _call_cycles(roots, say_in) + _duplicate_decisions(roots, say_in)


def _call_cycles(roots: Mapping[str, Any], say_in: Callable[[str], Say]) -> list[Any]:
    """A finding for each group of processes that call each other round (in time linear in the
    processes and calls: strongly connected components, then one route found inside each)."""
    processes: dict[str, tuple[str, Any]] = {}  # id -> (file, element)
    for name, root in roots.items():
        if file_kind(root) == "bpmn":
            for node in root.iter(f"{{{BPMN_NS}}}process"):
                processes.setdefault(node.get("id"), (name, node))
    calls: dict[str, list[tuple[Any, str]]] = {}  # process id -> [(call element, called process id)]
    by_variable = []  # (process id, call element) of calls that name the process by a case variable
    for process_id, (_name, process) in processes.items():
        edges = calls.setdefault(process_id, [])
        for call in process.iter(f"{{{BPMN_NS}}}callActivity"):
            target = call.get("calledElement") or ""
            if called_variable(target):
                by_variable.append((process_id, call))
            elif target in processes:
                edges.append((call, target))
    found = []
    callers = list(dict.fromkeys(p for p, _call in by_variable))
    if len(callers) >= 2:  # each may name the other: a cycle whatever the data says
        first, second = callers[0], callers[1]
        call = next(c for p, c in by_variable if p == second)
        found.append(_cycle_finding(processes, say_in, [(first, None), (second, call)]))
    elif callers:  # one process naming any other by a variable: an edge to each of them
        caller = callers[0]
        call = next(c for p, c in by_variable if p == caller)
        calls[caller] = calls[caller] + [(call, other) for other in processes if other != caller]
    for component in _components(processes, calls):
        route = _route_within(component, calls)
        if route is not None:
            found.append(_cycle_finding(processes, say_in, route))
    return found


def _cycle_finding(processes, say_in, path):
    """The finding for a call route [(process, call element that leads on)], reported at its last call."""
    process_id, call = path[-1]
    route = " → ".join([p for p, _call in path] + [path[0][0]])
    return say_in(processes[process_id][0])(call, "error", N_(
        "pemanggilan berputar: {jalur}; proses tidak boleh memanggil dirinya sendiri, langsung atau lewat "
        "proses lain (kasus akan berputar tanpa akhir)", jalur=route))


def _components(processes: dict[str, Any], calls: dict[str, list[tuple[Any, str]]]) -> list[list[str]]:
    """Strongly connected groups of processes (Tarjan's algorithm, iterative), members in file order."""
    order = {p: i for i, p in enumerate(processes)}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups = []
    for root in processes:
        if root in index:
            continue
        work = [(root, iter(calls.get(root, ())))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, edges = work[-1]
            edge = next(edges, None)
            if edge is not None:
                target = edge[1]
                if target not in index:
                    index[target] = low[target] = len(index)
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, iter(calls.get(target, ()))))
                elif target in on_stack:
                    low[node] = min(low[node], index[target])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                groups.append(sorted(group, key=order.__getitem__))
    return sorted(groups, key=lambda g: order[g[0]])


def _route_within(component: list[str], calls: dict[str, list[tuple[Any, str]]]) -> list[tuple[str, Any]] | None:
    """[(process, call)] of one call route from the group's first process back to it, else None."""
    start, members = component[0], set(component)
    came_from: dict[str, tuple[str, Any]] = {}
    queue, seen = [start], {start}
    for process_id in queue:  # breadth first: the shortest route
        for call, target in calls.get(process_id, ()):
            if target == start:
                path = [(process_id, call)]
                while path[0][0] != start:
                    previous, previous_call = came_from[path[0][0]]
                    path.insert(0, (previous, previous_call))
                return path
            if target in members and target not in seen:
                seen.add(target)
                came_from[target] = (process_id, call)
                queue.append(target)
    return None


def _duplicate_decisions(roots, say_in):
    found, first = [], {}
    for name, root in roots.items():
        if file_kind(root) != "dmn":
            continue
        for node in root.iter():
            if _local(node) != "decision" or not node.get("id"):
                continue
            decision_id = node.get("id")
            if decision_id in first and first[decision_id] != name:
                found.append(say_in(name)(node, "error", N_(
                    "id keputusan '{id}' sudah didefinisikan di berkas {berkas}; id keputusan harus unik di antara "
                    "berkas DMN (yang dimuat terakhir akan menang diam-diam)", id=decision_id,
                    berkas=first[decision_id])))
            else:
                first.setdefault(decision_id, name)
    return found
