"""Bounds on one evaluation of a diagram expression: a cost meter and the AST rewrite that feeds it.

The sandbox (engine/bpmn/sandbox.py) decides *what* an expression may do; this module bounds *how
much* it may do. After a source passes the allow-list it is rewritten so that

- every loop iteration and every comprehension step costs one unit;
- `+`, `*` and `%` on sequences, the allowed methods and the builtins check the size of what they
  would build *before* building it (so `'a' * 1500000000` fails without allocating), and charge one
  unit per `SIZE_UNIT` elements or characters they touch;
- f-string values and `str()` of containers are measured before they are rendered.

The meter counts units, so a given expression on given data always stops at the same point (replay
reproduces it); a wall-clock deadline is only a backstop for work the units under-count. One meter
serves one evaluation; `request_pool()` lets a request (a validation, a dry run) share one overall
pool of units across all the evaluations it makes, so many runaways cannot add up.
"""

import ast
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from engine.errors import ExpressionBudgetExceeded
from engine.i18n import N_

MAX_UNITS = 100_000  # per evaluation: loop steps plus touched elements / SIZE_UNIT
MAX_SIZE = 100_000  # elements or characters of one value an expression builds
MAX_INT_BITS = 4_096
MAX_SECONDS = 1.0  # backstop per evaluation
MAX_REQUEST_UNITS = 100_000  # shared by all evaluations of one validation or dry run (the suite uses ~500)
SIZE_UNIT = 100
CLOCK_EVERY = 256

_METER: ContextVar["Meter | None"] = ContextVar("slrt_expression_meter", default=None)
_REQUEST_POOL: ContextVar[list[int] | None] = ContextVar("slrt_expression_pool", default=None)
_WIDE_PERCENT = re.compile(r"%[^a-zA-Z%]*(\*|\d{4})")


class Meter:
    """Units left, the request's shared pool (if any) and the instant after which the evaluation stops."""

    __slots__ = ("left", "deadline", "pool", "next_clock")

    def __init__(self, units: int = MAX_UNITS, seconds: float = MAX_SECONDS):
        self.left = units
        self.deadline = time.monotonic() + seconds
        self.pool = _REQUEST_POOL.get()
        self.next_clock = units - CLOCK_EVERY  # the clock is read every CLOCK_EVERY units, not every step

    def charge(self, units: int) -> None:
        self.left -= units
        if self.left < 0:
            raise ExpressionBudgetExceeded(N_("ekspresi melebihi batas langkah ({n} satuan) — periksa perulangan "
                                              "atau data yang sangat besar", n=MAX_UNITS), limit="langkah")
        if self.pool is not None:
            self.pool[0] -= units
            if self.pool[0] < 0:
                raise ExpressionBudgetExceeded(N_("ekspresi-ekspresi dalam permintaan ini bersama-sama melebihi batas "
                                                  "langkahnya"), limit="langkah")
        if self.left <= self.next_clock:
            self.next_clock = self.left - CLOCK_EVERY
            if time.monotonic() > self.deadline:
                raise ExpressionBudgetExceeded(N_("ekspresi melebihi batas waktu evaluasi"), limit="waktu")


@contextmanager
def metered() -> Iterator[Meter]:
    """A fresh meter for the evaluation run inside the block."""
    meter = Meter()
    token = _METER.set(meter)
    try:
        yield meter
    finally:
        _METER.reset(token)


@contextmanager
def request_pool(pool: list[int] | None = None) -> Iterator[list[int]]:
    """All evaluations inside the block draw on one pool (`[units left]`, a fresh one of
    MAX_REQUEST_UNITS by default) as well as their own budget, so a validation or dry run stays bounded
    however many expressions run away; yields the pool (pass it again to go on drawing on it)."""
    pool = pool if pool is not None else [MAX_REQUEST_UNITS]
    token = _REQUEST_POOL.set(pool)
    try:
        yield pool
    finally:
        _REQUEST_POOL.reset(token)


def _meter() -> Meter:
    meter = _METER.get()
    if meter is None:  # code compiled here only runs inside metered(); be safe anyway
        meter = Meter()
        _METER.set(meter)
    return meter


def _size(value: Any) -> int:
    if isinstance(value, (int, float, bool)) or value is None:
        return 0
    try:
        return len(value)
    except TypeError:
        return 0


def _too_big(size: int) -> ExpressionBudgetExceeded:
    return ExpressionBudgetExceeded(N_("ekspresi membangun nilai terlalu besar ({n} elemen/karakter; batas {batas})",
                                       n=size, batas=MAX_SIZE), limit="ukuran")


def _allow(size: int) -> None:
    """Refuse building a value of `size`, else charge for it."""
    if size > MAX_SIZE:
        raise _too_big(size)
    _meter().charge(1 + size // SIZE_UNIT)


def rendered_size(value: Any, limit: int = MAX_SIZE) -> int:
    """Roughly how many characters str(value) gives; stops counting past `limit`."""
    total, stack = 0, [value]
    while stack and total <= limit:
        item = stack.pop()
        if isinstance(item, str):
            total += len(item) + 2
        elif isinstance(item, dict):
            total += 2 + len(item)
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, (list, tuple, set, frozenset)):
            total += 2 + len(item)
            stack.extend(item)
        else:
            total += 24
    return total


# ---- helpers the rewritten code calls (names start with "_", which diagram code cannot use) ----

def tick() -> bool:
    (_METER.get() or _meter()).charge(1)
    return True


def add(left: Any, right: Any) -> Any:
    if not isinstance(left, (int, float)) and not isinstance(right, (int, float)):
        _allow(_size(left) + _size(right))
    return left + right


def mul(left: Any, right: Any) -> Any:
    if isinstance(left, int) and isinstance(right, int):
        if left.bit_length() + right.bit_length() > MAX_INT_BITS:
            raise ExpressionBudgetExceeded(N_("ekspresi membangun bilangan terlalu besar"), limit="ukuran")
    elif isinstance(right, int):
        _allow(_size(left) * max(right, 0))
    elif isinstance(left, int):
        _allow(_size(right) * max(left, 0))
    return left * right


def mod(left: Any, right: Any) -> Any:
    if isinstance(left, str):
        if _WIDE_PERCENT.search(left):
            raise _too_big(MAX_SIZE + 1)
        _allow(len(left) + rendered_size(right))
    return left % right


def formatted(value: Any) -> Any:
    if not isinstance(value, (int, float, bool)) and value is not None:
        _allow(rendered_size(value))
    return value


def contained(value: Any) -> Any:
    _meter().charge(1 + _size(value) // SIZE_UNIT)
    return value


def built(value: Any) -> Any:
    _allow(_size(value))
    return value


def method(target: Any, name: str, *args: Any, **kwargs: Any) -> Any:
    size = _size(target)
    _meter().charge(1 + size // SIZE_UNIT)
    if name == "replace" and isinstance(target, str) and len(args) >= 2 and isinstance(args[0], str) \
            and isinstance(args[1], str):
        count = target.count(args[0]) if args[0] else size + 1
        if len(args) > 2 and isinstance(args[2], int) and args[2] >= 0:
            count = min(count, args[2])
        _allow(size + count * max(len(args[1]) - len(args[0]), 0))
    elif name == "join" and args:
        parts = list(args[0])
        _allow(sum(_size(part) for part in parts) + size * len(parts))
        args = (parts, *args[1:])
    elif name == "extend" and args:
        items = args[0] if isinstance(args[0], (list, tuple, str, dict, set, frozenset)) else list(args[0])
        _allow(size + _size(items))
        args = (items, *args[1:])
    elif name == "append":
        _allow(size + 1)
    result = getattr(target, name)(*args, **kwargs)
    if result is not target:
        _allow(_size(result))
    return result


def _sized_builtin(function):
    def call(*args, **kwargs):
        _meter().charge(1 + sum(_size(a) for a in args) // SIZE_UNIT)
        result = function(*args, **kwargs)
        if isinstance(result, (str, list, tuple, dict, set)):
            _allow(_size(result))
        return result
    call.__name__ = function.__name__
    return call


def _str(value: Any = "", *args: Any) -> str:
    if not isinstance(value, (str, int, float, bool)) and value is not None:
        _allow(rendered_size(value))
    return str(value, *args)


def _sum(values: Any, start: Any = 0) -> Any:
    if not isinstance(start, (int, float)):
        raise ExpressionBudgetExceeded(N_("sum() hanya menjumlahkan bilangan"), limit="ukuran")
    _meter().charge(1 + _size(values) // SIZE_UNIT)
    return sum(values, start)


def metered_builtins(plain: dict[str, Any]) -> dict[str, Any]:
    """The sandbox's builtins, each charging the meter for what it reads and builds."""
    wrapped = {name: _sized_builtin(function) for name, function in plain.items()}
    wrapped["str"] = _str
    wrapped["sum"] = _sum
    return wrapped


HELPERS = {"_slrt_tick": tick, "_slrt_add": add, "_slrt_mul": mul, "_slrt_mod": mod, "_slrt_fmt": formatted,
           "_slrt_in": contained, "_slrt_built": built, "_slrt_method": method}
_OPERATORS = {ast.Add: "_slrt_add", ast.Mult: "_slrt_mul", ast.Mod: "_slrt_mod"}


def _call(helper: str, *args: ast.expr) -> ast.Call:
    return ast.Call(func=ast.Name(id=helper, ctx=ast.Load()), args=list(args), keywords=[])


class Instrument(ast.NodeTransformer):
    """Rewrite checked code so that it charges the meter (see the module docstring)."""

    def visit_For(self, node: ast.For) -> ast.AST:
        self.generic_visit(node)
        node.body.insert(0, ast.Expr(value=_call("_slrt_tick")))
        return node

    def visit_comprehension(self, node: ast.comprehension) -> ast.AST:
        self.generic_visit(node)
        node.ifs.insert(0, _call("_slrt_tick"))
        return node

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        self.generic_visit(node)
        helper = _OPERATORS.get(type(node.op))
        return _call(helper, node.left, node.right) if helper else node

    def visit_AugAssign(self, node: ast.AugAssign) -> ast.AST:
        self.generic_visit(node)
        helper = _OPERATORS.get(type(node.op))
        if helper is None or isinstance(node.target, ast.Attribute):
            return node
        load = _as_load(node.target)
        return ast.Assign(targets=[node.target], value=_call(helper, load, node.value))

    def visit_FormattedValue(self, node: ast.FormattedValue) -> ast.AST:
        self.generic_visit(node)
        node.value = _call("_slrt_fmt", node.value)
        return node

    def visit_Compare(self, node: ast.Compare) -> ast.AST:
        self.generic_visit(node)
        node.comparators = [_call("_slrt_in", right) if isinstance(op, (ast.In, ast.NotIn)) else right
                            for op, right in zip(node.ops, node.comparators)]
        return node

    def visit_Call(self, node: ast.Call) -> ast.AST:
        self.generic_visit(node)
        if isinstance(node.func, ast.Attribute):
            target = node.func.value
            return ast.Call(func=ast.Name(id="_slrt_method", ctx=ast.Load()),
                            args=[target, ast.Constant(value=node.func.attr), *node.args], keywords=node.keywords)
        return node

    def _display(self, node: Any) -> ast.AST:
        self.generic_visit(node)
        starred = any(isinstance(e, ast.Starred) for e in getattr(node, "elts", ())) \
            or any(k is None for k in getattr(node, "keys", ()))
        loading = isinstance(getattr(node, "ctx", ast.Load()), ast.Load)
        return _call("_slrt_built", node) if starred and loading else node

    visit_List = visit_Tuple = visit_Set = visit_Dict = _display


def _as_load(target: ast.expr) -> ast.expr:
    """A reading copy of an assignment target (`a[i]` of `a[i] += x`)."""
    return ast.parse(ast.unparse(target), mode="eval").body


def instrument(tree: ast.AST) -> ast.AST:
    """The tree rewritten to charge the meter, with locations fixed for compile()."""
    return ast.fix_missing_locations(Instrument().visit(tree))


FORMAT_SPEC_DIGITS = re.compile(r"\d{4}")


def format_spec_problem(spec: ast.AST | None) -> str | None:
    """Why an f-string format spec is refused (a width or precision of 1,000 or more), else None."""
    if spec is None:
        return None
    for part in getattr(spec, "values", []):
        if isinstance(part, ast.FormattedValue):
            return "format dinamis di dalam f-string tidak diizinkan"
        if isinstance(part, ast.Constant) and isinstance(part.value, str) and FORMAT_SPEC_DIGITS.search(part.value):
            return "lebar/presisi format f-string terlalu besar"
    return None
