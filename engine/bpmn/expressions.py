"""Find every expression a process spec will evaluate, and check each against the sandbox."""

import ast
from collections.abc import Iterable, Iterator
from typing import Any

from engine.bpmn.sandbox import check_source
from engine.errors import ExpressionRejected
from engine.i18n import N_

MAX_CELL_LENGTH = 4_000  # characters of one decision-table cell


def substitute_placeholder(cell: str, name: str) -> str:
    """`cell` with each `?` outside quotes replaced by `name`, in one pass over the text.

    SpiffWorkflow replaces an unquoted `?` in a DMN cell with the input value, using the pattern
    ``(\\?)(?=(?:[^'"]|['"][^'"]*['"])*$)``: a `?` is replaced when the rest of the cell splits
    into plain characters and quote-to-quote runs, that is when an even number of quote characters
    (either kind) follows it. That pattern rescans the rest of the cell for every `?` (quadratic);
    counting quotes from the end gives the same answer in linear time.
    """
    if "?" not in cell:
        return cell
    parts, quotes_after = [], 0
    for char in reversed(cell):
        if char in "'\"":
            quotes_after += 1
        elif char == "?" and quotes_after % 2 == 0:
            parts.append(name[::-1])
            continue
        parts.append(char)
    return "".join(parts)[::-1]


def iter_expressions(process_spec: Any) -> Iterator[tuple[str, str, str]]:
    """Yield (element_id, source, mode) for every expression and script in one process spec."""
    for task_spec in process_spec.task_specs.values():
        element_id = getattr(task_spec, "bpmn_id", None) or task_spec.name
        for condition, _target in getattr(task_spec, "cond_task_specs", []) or []:
            source = _condition_source(condition)
            if source is not None:
                yield element_id, source, "eval"
        for attr in ("script", "prescript", "postscript"):
            source = getattr(task_spec, attr, None)
            if source:
                yield element_id, source, "exec"
        for attr in ("cardinality", "condition"):
            source = getattr(task_spec, attr, None)
            if isinstance(source, str) and source:
                yield element_id, source, "eval"
        definition = getattr(task_spec, "event_definition", None)
        for event in [definition, *getattr(definition, "event_definitions", [])] if definition else []:
            source = getattr(event, "expression", None)
            if source:
                yield element_id, source, "eval"
        engine = getattr(task_spec, "dmnEngine", None)
        if engine is not None:
            yield from _decision_expressions(element_id, engine.decision_table)


def _condition_source(condition):
    if condition is None:
        return None
    if isinstance(condition, str):
        return condition
    args = getattr(condition, "args", None)
    return args[0] if args else None


def _decision_expressions(element_id, table):
    for table_input in table.inputs:
        if table_input.expression:
            yield element_id, table_input.expression, "dmn-input"
    for rule in table.rules:
        for entry in rule.inputEntries:
            for cell in entry.lhs:
                if cell is not None and cell.strip() not in ("", "-"):
                    yield element_id, cell, "dmn-cell"
        for entry in rule.outputEntries:
            if entry.text:
                yield element_id, entry.text, "eval"


def check(source: str, mode: str, functions: Iterable[str] = frozenset()) -> None:
    """Raise ExpressionRejected if `source` would not run inside the sandbox."""
    if mode == "dmn-input":
        check_source(source, "eval", functions)
    elif mode == "dmn-cell":
        _check_dmn_cell(source, functions)
    else:
        check_source(source, mode, functions)


def _check_dmn_cell(cell, functions):
    if len(cell) > MAX_CELL_LENGTH:
        raise ExpressionRejected(N_("sel tabel keputusan terlalu panjang ({n} karakter; batas {batas})",
                                    n=len(cell), batas=MAX_CELL_LENGTH), expression=cell[:80])
    text = substitute_placeholder(cell, "dmninput")
    if "dmninput" not in text:
        try:
            ast.parse(text, mode="eval")
        except SyntaxError:
            # A cell such as `!= "x"` or `> 3` is glued to the input by SpiffWorkflow.
            text = f"dmninput {text}"
    check_source(text, "eval", functions)
