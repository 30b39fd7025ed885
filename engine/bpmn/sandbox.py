"""Evaluate diagram expressions and scripts inside an AST allow-list.

Gateway conditions, script tasks, timer expressions and DMN cells are Python written by
analysts. SpiffWorkflow would `eval`/`exec` them with full builtins; here every source is
parsed and checked node by node before it is compiled, and runs with a tiny builtins
table. Compiled code is cached, so a checked expression costs one dict lookup later.
"""

import ast
import math
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment

from engine.bpmn import budget
from engine.errors import ExpressionRejected
from engine.i18n import N_

MAX_SOURCE_LENGTH = 20_000

_ALLOWED_NODES = (
    ast.Expression, ast.Module, ast.Expr, ast.Assign, ast.AugAssign, ast.If, ast.For, ast.Pass,
    ast.Break, ast.Continue, ast.Delete,
    ast.BoolOp, ast.And, ast.Or, ast.BinOp, ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv,
    ast.Mod, ast.UnaryOp, ast.Not, ast.USub, ast.UAdd,
    ast.Compare, ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.In, ast.NotIn,
    ast.Is, ast.IsNot, ast.IfExp,
    ast.Constant, ast.Name, ast.Load, ast.Store, ast.Del, ast.Tuple, ast.List, ast.Dict, ast.Set,
    ast.Subscript, ast.Slice, ast.Attribute, ast.Call, ast.keyword, ast.Starred,
    ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp, ast.comprehension,
    ast.JoinedStr, ast.FormattedValue,
)

# Methods of str / dict / list that read or build plain values. `format` and `format_map`
# are absent on purpose: "{0.__class__}".format(x) reaches attributes by string.
_ALLOWED_METHODS = frozenset({
    "get", "keys", "values", "items", "lower", "upper", "strip", "lstrip", "rstrip", "title",
    "startswith", "endswith", "split", "join", "replace", "count", "index", "isdigit",
    "append", "extend", "copy",
})


def _safe_round(number, ndigits=None):
    return round(number, ndigits)


SAFE_BUILTINS = {
    "len": len, "str": str, "int": int, "float": float, "bool": bool, "abs": abs,
    "min": min, "max": max, "sum": sum, "round": _safe_round, "sorted": sorted,
    "any": any, "all": all, "list": list, "dict": dict, "set": set, "tuple": tuple,
    "floor": math.floor, "ceil": math.ceil,
}

_METERED_BUILTINS = budget.metered_builtins(SAFE_BUILTINS)


class _Checker(ast.NodeVisitor):
    """Refuse any node, name, attribute or call outside the allow-list."""

    def __init__(self, callables):
        self.callables = callables

    def generic_visit(self, node):
        if not isinstance(node, _ALLOWED_NODES):
            raise _Refused(f"konstruksi {type(node).__name__} tidak diizinkan")
        super().generic_visit(node)

    def visit_Name(self, node):
        if node.id.startswith("_"):
            raise _Refused(f"nama '{node.id}' tidak diizinkan")
        self.generic_visit(node)

    def visit_Attribute(self, node):
        if node.attr.startswith("_"):
            raise _Refused(f"atribut '{node.attr}' tidak diizinkan")
        if node.attr not in _ALLOWED_METHODS:
            raise _Refused(f"atribut '{node.attr}' tidak diizinkan")
        self.generic_visit(node)

    def visit_Call(self, node):
        func = node.func
        if isinstance(func, ast.Name):
            if func.id not in self.callables:
                raise _Refused(f"pemanggilan '{func.id}' tidak diizinkan")
        elif isinstance(func, ast.Attribute):
            if func.attr not in _ALLOWED_METHODS:
                raise _Refused(f"pemanggilan metode '{func.attr}' tidak diizinkan")
        else:
            raise _Refused("pemanggilan tidak langsung tidak diizinkan")
        self.generic_visit(node)

    def visit_FormattedValue(self, node):
        problem = budget.format_spec_problem(node.format_spec)
        if problem:
            raise _Refused(problem)
        self.generic_visit(node)

    def visit_Constant(self, node):
        if isinstance(node.value, bytes):
            raise _Refused("literal bytes tidak diizinkan")


class _Refused(Exception):
    pass


def check_source(source: str, mode: str = "eval", functions: Iterable[str] = ()) -> Any:
    """Raise ExpressionRejected unless `source` parses and uses only allowed constructs."""
    _compile_checked(source, mode, frozenset(functions))


@lru_cache(maxsize=4096)
def _compile_checked(source, mode, functions):
    if not isinstance(source, str):
        raise ExpressionRejected(N_("ekspresi harus berupa teks, bukan {tipe}", tipe=type(source).__name__))
    if len(source) > MAX_SOURCE_LENGTH:
        raise ExpressionRejected(N_("ekspresi terlalu panjang (lebih dari {n} karakter)", n=MAX_SOURCE_LENGTH))
    try:
        tree = ast.parse(source, mode=mode)
    except SyntaxError as exc:
        raise ExpressionRejected(N_("sintaks tidak valid: {sebab} (baris {baris})", sebab=exc.msg, baris=exc.lineno),
                                 expression=source)
    except (RecursionError, MemoryError):
        raise ExpressionRejected(N_("ekspresi terlalu dalam bersarang"), expression=source[:200])
    try:
        _Checker(set(SAFE_BUILTINS) | functions).visit(tree)
        return compile(budget.instrument(tree), "<diagram>", mode)
    except _Refused as exc:
        raise ExpressionRejected(N_("ekspresi ditolak oleh sandbox: {sebab}", sebab=str(exc)), expression=source)
    except (RecursionError, MemoryError):
        raise ExpressionRejected(N_("ekspresi terlalu dalam bersarang"), expression=source[:200])


class SandboxEnvironment(BasePythonScriptEngineEnvironment):
    """Script environment that runs only checked code, with safe builtins and named helpers."""

    def __init__(self, functions=None):
        super().__init__({})
        self.functions = dict(functions or {})
        self._function_names = frozenset(self.functions)

    def _globals(self, context, external_context):
        scope = dict(context)
        if external_context:
            scope.update(external_context)
        scope.update(self.functions)
        scope.update(budget.HELPERS)
        scope["__builtins__"] = _METERED_BUILTINS
        return scope

    def evaluate(self, expression: str, context: dict[str, Any], external_context: dict[str, Any] | None = None) -> Any:
        code = _compile_checked(expression, "eval", self._function_names)
        with budget.metered():
            return eval(code, self._globals(context, external_context))  # noqa: S307 - checked above

    def execute(self, script: str, context: dict[str, Any], external_context: dict[str, Any] | None = None) -> bool:
        code = _compile_checked(script, "exec", self._function_names)
        scope = self._globals(context, external_context)
        with budget.metered():
            exec(code, scope)  # noqa: S102 - checked above
        hidden = set(self.functions) | set(external_context or ()) | set(budget.HELPERS) | {"__builtins__"}
        for key in list(context):
            if key not in scope:
                del context[key]
        for key, value in scope.items():
            if key in hidden or callable(value):
                continue
            context[key] = value
        return True

    def call_service(self, context: Any, **kwargs: Any) -> Any:
        raise ExpressionRejected(N_("service task tidak didukung oleh mesin ini"))


class SandboxedScriptEngine(PythonScriptEngine):
    """Script engine for every diagram: sandboxed, and carrying the clock (`now`) timers use.

    `clock_functions` maps a name to f(now, *args); diagrams call it as name(*args) and it is
    given the engine's current instant (so calendars count from the time the engine runs at).
    """

    def __init__(self, functions=None, now=None, clock_functions=None):
        bound = {name: self._bind(f) for name, f in (clock_functions or {}).items()}
        super().__init__(environment=SandboxEnvironment({**(functions or {}), **bound}))
        self.now = now

    def _bind(self, function):
        def call(*args):
            return function(self.now, *args)
        return call

    @property
    def function_names(self) -> Any:
        return self.environment._function_names

    def validate(self, expression: str) -> None:
        # SpiffWorkflow's DMN engine relies on SyntaxError here to decide how to glue a cell.
        ast.parse(expression)
