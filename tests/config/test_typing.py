"""Every public function of the engine carries type hints (issue 21): each public top-level function
and each public method of a public class annotates its return and every parameter but self/cls, so
`mypy engine` checks their callers. Read with `ast`, so nothing is imported."""

import ast
from pathlib import Path

ENGINE = Path(__file__).resolve().parents[2] / "engine"
FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)


def _public(name):
    return not name.startswith("_")


def _unannotated(function, is_method):
    """Name what `function` leaves unannotated: its parameters, then "return"."""
    arguments = function.args
    positional = arguments.posonlyargs + arguments.args
    if is_method and positional and positional[0].arg in ("self", "cls"):
        positional = positional[1:]
    everything = positional + arguments.kwonlyargs + [a for a in (arguments.vararg, arguments.kwarg) if a]
    missing = [argument.arg for argument in everything if argument.annotation is None]
    if function.returns is None:
        missing.append("return")
    return missing


def _public_functions(tree):
    """Yield (qualified name, node, is method) for the public functions and public-class methods."""
    for node in tree.body:
        if isinstance(node, FUNCTIONS) and _public(node.name):
            yield node.name, node, False
        elif isinstance(node, ast.ClassDef) and _public(node.name):
            for member in node.body:
                if isinstance(member, FUNCTIONS) and _public(member.name):
                    yield f"{node.name}.{member.name}", member, True


def _gaps():
    gaps = []
    for path in sorted(ENGINE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        module = path.relative_to(ENGINE.parent).as_posix()
        for name, function, is_method in _public_functions(tree):
            missing = _unannotated(function, is_method)
            if missing:
                gaps.append(f"{module}:{function.lineno} {name}: {', '.join(missing)}")
    return gaps


def test_every_public_engine_function_annotates_its_parameters_and_return():
    gaps = _gaps()
    assert not gaps, "public engine functions lacking type hints:\n" + "\n".join(gaps)


def test_the_check_names_a_missing_parameter_and_return_but_spares_self_and_private_names():
    tree = ast.parse(
        "def public(a, b: int): pass\n"
        "def _private(a): pass\n"
        "class Shown:\n"
        "    def method(self, c: str, *rest, **extra) -> None: pass\n"
        "    @classmethod\n"
        "    def made(cls) -> 'Shown': pass\n"
        "    def _helper(self, d): pass\n"
        "class _Hidden:\n"
        "    def method(self, e): pass\n"
    )
    found = {name: _unannotated(function, is_method) for name, function, is_method in _public_functions(tree)}
    assert found == {"public": ["a", "return"], "Shown.method": ["rest", "extra"], "Shown.made": []}
