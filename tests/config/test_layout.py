"""The layout rules of ARCHITECTURE.md, checked on the source: packages per domain without import
cycles, SpiffWorkflow only behind engine/bpmn, the engine independent of the web, short modules."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("engine", "web")


def _modules():
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            found[name.removesuffix(".__init__")] = path
    return found


MODULES = _modules()


def _imports(path):
    """Every module this file imports (at the top or inside a function), as names of MODULES."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                names.add(full if full in MODULES else node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def _graph():
    """module -> the project modules it imports; a package importing its own submodules (a blueprint
    package registering its routes) is not a dependency of the package on them."""
    return {name: {d for d in _imports(path) if d in MODULES and not d.startswith(name + ".")}
            for name, path in MODULES.items()}


def _cycles(graph):
    """The strongly connected groups of more than one module (Tarjan's algorithm, iteratively)."""
    index, low, on_stack, stack, groups, counter = {}, {}, set(), [], [], 0
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    groups.append(sorted(group))
    return groups


def test_no_import_cycle_between_modules():
    assert len(MODULES) > 80  # the scan sees the packages
    assert _cycles(_graph()) == []


def test_a_cycle_is_detected():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_only_engine_bpmn_imports_spiffworkflow_and_the_engine_never_imports_the_web():
    for name, path in MODULES.items():
        imported = _imports(path)
        if not name.startswith("engine.bpmn"):
            assert not any(n.startswith("SpiffWorkflow") for n in imported), name
        if name.startswith("engine"):
            assert not any(n == "web" or n.startswith("web.") for n in imported), name


def test_every_blueprint_package_defines_its_blueprint_in_its_init():
    packages = [ROOT / "web" / "api", *sorted(p for p in (ROOT / "web" / "pages").iterdir() if p.is_dir()
                                               and (p / "__init__.py").exists())]
    assert len(packages) >= 8
    for package in packages:
        assert "Blueprint(" in (package / "__init__.py").read_text(encoding="utf-8"), package
        for module in package.glob("*.py"):
            if module.name != "__init__.py":
                assert "Blueprint(" not in module.read_text(encoding="utf-8"), module


def test_no_module_over_400_lines():
    long = {}
    for folder in ("engine", "web", "bench", "migrations/env.py"):
        paths = [ROOT / folder] if folder.endswith(".py") else sorted((ROOT / folder).rglob("*.py"))
        for path in paths:
            lines = len(path.read_text(encoding="utf-8").splitlines())
            if lines > 400:
                long[str(path.relative_to(ROOT))] = lines
    assert long == {}
