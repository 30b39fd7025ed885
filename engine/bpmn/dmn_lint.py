"""Check DMN decision tables before publishing: what the engine runs, and whether the rules are complete.

The engine runs one decision table per file, hit policies UNIQUE (first match), FIRST and a
plain COLLECT, and Python in every cell. A table is checked for rules that overlap under
UNIQUE and for input combinations no rule covers, where that is decidable: every cell of a
column is `-`, a literal, `? in (...)`, `? not in (...)`, `? == x` or `? != x`. Each column's
domain is then the literals it names plus "any other value", and every combination is tried.
A column with another kind of cell (`> 3`, a function call) is reported as not analysed.
"""

import ast
import itertools
import re
from collections.abc import Callable, Iterable
from typing import Any

from lxml import etree

from engine.bpmn import expressions
from engine.errors import ExpressionRejected
from engine.i18n import N_

SUPPORTED_HIT_POLICIES = ("UNIQUE", "FIRST", "COLLECT")
MAX_COMBINATIONS = 50_000
MAX_RULES = 10_000  # per decision table
MAX_SHOWN_RULES = 10  # rules named in one overlap finding
_FEEL_HINTS = re.compile(r"^\s*(\[|\]|\(|not\()|\.\.|date\(|date and time\(|duration\(")


class _Other:
    """Any value a column's cells do not name."""

    def __repr__(self):
        return "nilai lain"


OTHER = _Other()


def lint_dmn(root: Any, file: str, finding: Callable[..., Any], functions: Iterable[str]) -> list:
    """Findings for one parsed DMN file; `finding(element, severity, message)` builds each."""
    found = []
    decisions = _children(root, "decision")
    if not decisions:
        return [finding(root, "error", N_("berkas DMN tidak berisi keputusan (decision)"))]
    if len(decisions) > 1:
        names = ", ".join(d.get("id", "?") for d in decisions)
        found.append(finding(decisions[1], "error",
                             N_("berkas DMN berisi {jumlah} keputusan ({nama}); mesin hanya menjalankan satu keputusan "
                                "per berkas — pisahkan menjadi satu berkas per keputusan", jumlah=len(decisions),
                                nama=names)))
    for decision in decisions:
        tables = _children(decision, "decisionTable")
        if not tables:
            found.append(finding(decision, "error", N_("keputusan ini bukan tabel keputusan (mis. ekspresi literal atau BKM); "
                                    "mesin hanya menjalankan decisionTable")))
            continue
        for required in _descendants(decision, "informationRequirement"):
            found.append(finding(decision, "error", N_("keputusan bergantung pada keputusan/masukan lain (informationRequirement); "
                                    "rantai keputusan (DRG) tidak dijalankan mesin ini")))
            break
        for table in tables:
            found.extend(_lint_table(decision, table, finding, functions))
    return found


def _lint_table(decision, table, finding, functions):
    found = []
    for node in table.iter():
        if isinstance(node, etree._Comment):
            found.append(finding(table, "error", N_("komentar XML di dalam decisionTable membuat parser gagal; hapus")))
            break
    policy = (table.get("hitPolicy") or "UNIQUE").upper()
    if policy not in SUPPORTED_HIT_POLICIES or (policy == "COLLECT" and table.get("aggregation")):
        shown = policy + (f" {table.get('aggregation')}" if table.get("aggregation") else "")
        found.append(finding(table, "error", N_("hit policy {kebijakan} tidak dijalankan dengan benar oleh mesin ini (didukung: "
                                "{didukung} tanpa agregasi)", kebijakan=shown,
                                didukung=", ".join(SUPPORTED_HIT_POLICIES))))
    inputs = _children(table, "input")
    outputs = _children(table, "output")
    rules = _children(table, "rule")
    if not outputs:
        found.append(finding(table, "error", N_("tabel keputusan tidak punya kolom keluaran")))
    for column in outputs:
        if not column.get("name"):
            found.append(finding(column, "error", N_("kolom keluaran tanpa nama variabel (name)")))
    columns, booleans = [], []
    for column in inputs:
        expression = _first(column, "inputExpression")
        booleans.append(expression is not None and (expression.get("typeRef") or "").lower() == "boolean")
        text = _text(expression)
        if not text:
            found.append(finding(column, "error", N_("kolom masukan tanpa ekspresi masukan")))
        else:
            found.extend(_check(column, text, "dmn-input", finding, functions))
        columns.append(column.get("label") or text or column.get("id"))
    if len(rules) > MAX_RULES:
        found.append(finding(table, "error", N_("tabel keputusan berisi {jumlah} aturan; batasnya {batas} aturan per tabel "
                                                "— pecah menjadi beberapa tabel", jumlah=len(rules), batas=MAX_RULES)))
        return found
    cells = []
    for rule in rules:
        entries = _children(rule, "inputEntry")
        outs = _children(rule, "outputEntry")
        if len(entries) != len(inputs) or len(outs) != len(outputs):
            found.append(finding(rule, "error", N_("jumlah sel aturan tidak sama dengan jumlah kolom tabel")))
            continue
        row = []
        for entry in entries:
            cell = _text(entry)
            if cell not in (None, "", "-"):
                found.extend(_check(entry, cell, "dmn-cell", finding, functions, rule))
            row.append(cell)
        for entry in outs:
            cell = _text(entry)
            if cell:
                found.extend(_check(entry, cell, "eval", finding, functions, rule))
        cells.append((rule, row))
    if not any(f.severity == "error" for f in found) and rules:
        found.extend(_completeness(table, policy, columns, booleans, cells, finding))
    return found


def _check(element, source, mode, finding, functions, rule=None):
    if len(source) > expressions.MAX_CELL_LENGTH:  # before any parsing: cost stays proportional to the cap
        return [finding(rule if rule is not None else element, "error",
                        N_("sel '{sel}…' terlalu panjang ({n} karakter; batas {batas})", sel=source.strip()[:40],
                           n=len(source), batas=expressions.MAX_CELL_LENGTH))]
    try:
        expressions.check(source, mode, functions)
    except ExpressionRejected as exc:
        message = (N_("sel '{sel}': {pesan} — tampaknya FEEL; mesin ini menjalankan Python",
                      sel=source.strip()[:80], pesan=exc.message) if _FEEL_HINTS.search(source)
                   else N_("sel '{sel}': {pesan}", sel=source.strip()[:80], pesan=exc.message))
        return [finding(rule if rule is not None else element, "error", message)]
    return []


def _completeness(table, policy, columns, booleans, cells, finding):
    """Overlap (under UNIQUE) and coverage findings, or an info finding saying why not decidable."""
    predicates = []
    opaque = set()
    for rule, row in cells:
        parsed = []
        for index, cell in enumerate(row):
            predicate = cell_predicate(cell)
            if predicate is None:
                opaque.add(index)
            parsed.append(predicate)
        predicates.append((rule, parsed))
    if opaque:
        names = ", ".join(str(columns[i]) for i in sorted(opaque))
        return [finding(table, "info", N_("kelengkapan dan tumpang-tindih aturan tidak dapat diperiksa otomatis: kolom "
                           "{kolom} memakai sel selain daftar literal, kesamaan atau '-'", kolom=names))]
    domains = []
    for index in range(len(columns)):
        values = dict.fromkeys(value for _rule, parsed in predicates for value in parsed[index][1])
        if booleans[index]:  # a boolean input is True, False or not filled in
            domains.append([*values, *(v for v in (True, False, None) if v not in values)])
        else:
            domains.append([*values, OTHER])
    total = 1
    for domain in domains:
        total *= len(domain)
    if total > MAX_COMBINATIONS:
        return [finding(table, "info", N_("terlalu banyak kombinasi masukan ({jumlah}) untuk diperiksa otomatis",
                                                  jumlah=total))]
    columns_masks = [_value_masks(index, domain, predicates) for index, domain in enumerate(domains)]
    overlaps, gaps, gap_count = {}, [], 0
    for combination in itertools.product(*columns_masks):
        matched = combination[0][1]
        for _value, mask in combination[1:]:
            if not matched:
                break
            matched &= mask
        if not matched:
            gap_count += 1
            if len(gaps) < 3:
                gaps.append(tuple(value for value, _mask in combination))
        elif policy == "UNIQUE" and matched & (matched - 1) and matched not in overlaps and len(overlaps) < 5:
            overlaps[matched] = tuple(value for value, _mask in combination)
    found = []
    for matched, combination in overlaps.items():
        numbers = _rule_numbers(matched)
        shown = ", ".join(_rule_label(n, cells) for n in numbers[:MAX_SHOWN_RULES])
        if len(numbers) > MAX_SHOWN_RULES:
            shown = N_("{aturan} (dan {jumlah} aturan lain)", aturan=shown, jumlah=len(numbers) - MAX_SHOWN_RULES)
        found.append(finding(cells[numbers[1]][0], "error", N_("aturan tumpang-tindih pada hit policy UNIQUE: aturan "
                                "{aturan} sama-sama cocok untuk {data}", aturan=shown,
                                data=_describe(columns, combination))))
    if gaps:
        shown = "; ".join(_describe(columns, c) for c in gaps)
        if gap_count > 3:
            shown = N_("{data} (dan {jumlah} kombinasi lain)", data=shown, jumlah=gap_count - 3)
        found.append(finding(table, "error", N_("tidak ada aturan yang cocok untuk {data}; kasus dengan data ini "
                                                "akan gagal — tambahkan aturan atau aturan 'selain itu'", data=shown)))
    return found


def _value_masks(index, domain, predicates):
    """[(value, bit mask of the rules whose cell in column `index` matches value)] for the column's domain.

    Built from the literals each rule names (one dictionary pass), so the cost grows with the number
    of cells, not with cells times values; a combination then matches the AND of its columns' masks.
    """
    any_mask = notin_mask = 0
    named_in: dict[Any, int] = {}
    named_notin: dict[Any, int] = {}
    for number, (_rule, parsed) in enumerate(predicates):
        kind, values = parsed[index]
        bit = 1 << number
        if kind == "any":
            any_mask |= bit
        else:
            target = named_in if kind == "in" else named_notin
            if kind == "notin":
                notin_mask |= bit
            for value in values:
                target[value] = target.get(value, 0) | bit
    masks = []
    for value in domain:  # (no big-number work for what a column does not use)
        if value is OTHER:
            masks.append((value, any_mask | notin_mask))
            continue
        mask = named_in.get(value, 0)
        if any_mask:
            mask |= any_mask
        if notin_mask:
            mask |= notin_mask & ~named_notin.get(value, 0)
        masks.append((value, mask))
    return masks


def _rule_numbers(mask):
    """Indexes of the set bits of `mask`, lowest first."""
    numbers = []
    while mask:
        low = mask & -mask
        numbers.append(low.bit_length() - 1)
        mask ^= low
    return numbers


def _rule_label(index, cells):
    return f"{index + 1} ({cells[index][0].get('id')})"


def _describe(columns, combination):
    parts = []
    for column, value in zip(columns, combination):
        parts.append(f"{column} = {'nilai lain' if value is OTHER else repr(value)}")
    return ", ".join(parts)


def cell_predicate(cell: str) -> tuple[str, tuple] | None:
    """('any'|'in'|'notin', literals) for an enumerable cell, else None (as SpiffWorkflow reads it)."""
    if cell is None or cell.strip() in ("", "-"):
        return ("any", ())
    text = expressions.substitute_placeholder(cell, "dmninput")
    if "dmninput" not in text:
        try:
            tree = ast.parse(text, mode="eval")
        except SyntaxError:
            text = f"dmninput {text}"
        else:
            literal = _literal(tree.body)
            return ("in", (literal[0],)) if literal is not None else None
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError:
        return None
    node = tree.body
    if not (isinstance(node, ast.Compare) and len(node.ops) == 1 and isinstance(node.left, ast.Name)
            and node.left.id == "dmninput"):
        return None
    op, right = node.ops[0], node.comparators[0]
    if isinstance(op, (ast.In, ast.NotIn)) and isinstance(right, (ast.Tuple, ast.List, ast.Set)):
        values = [_literal(element) for element in right.elts]
        if any(v is None for v in values):
            return None
        return ("in" if isinstance(op, ast.In) else "notin", tuple(v[0] for v in values))
    if isinstance(op, (ast.Eq, ast.NotEq, ast.Is, ast.IsNot)):
        value = _literal(right)
        if value is None:
            return None
        return ("in" if isinstance(op, (ast.Eq, ast.Is)) else "notin", (value[0],))
    return None


def _literal(node):
    """(value,) for a constant (or negative number), else None."""
    if isinstance(node, ast.Constant) and isinstance(node.value, (str, int, float, bool, type(None))):
        return (node.value,)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and isinstance(node.operand, ast.Constant) \
            and isinstance(node.operand.value, (int, float)):
        return (-node.operand.value,)
    return None


def _local(element):
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _children(element, name):
    return [child for child in element if _local(child) == name]


def _descendants(element, name):
    return [node for node in element.iter() if _local(node) == name]


def _first(element, name):
    found = _children(element, name)
    return found[0] if found else None


def _text(element):
    if element is None:
        return None
    text = _first(element, "text")
    return text.text.strip() if text is not None and text.text else None
