"""Layers without back-edges: the packages form the layers algebra < groups < models < cogs,
read from the source with ``ast`` (module-level and function-level imports alike, so a lazy
import inside a function is an edge too):

(a) no module imports a module of a higher layer;
(a') inside cogs, no module imports a sub-package of a higher sub-layer, in the order
     sp < generators < solver < reading < discovery < reports < distributed < jobs
     < cogs (the front door, cogs/__init__.py) < cli;
(b) only cogs/cli imports cogs.cli;
(c) no ``__import__(...)`` or ``importlib.import_module(...)``, except in the subcommand loader
    of cogs/cli/main.py (its SUBCOMMANDS table);
(d) no import cycles between modules (strongly connected components of the import graph).

An edge goes to the module an import names: ``import a.b`` → a.b, ``from a import x`` → a.x
when x is a submodule, else a (its ``__init__``); a relative import is resolved first.

And the start-up stays light: ``import algebra``, ``import groups``, the numpy maths of
models.element, ``cogs --help`` and ``cogs groups Z12`` do not import torch (checked in fresh
interpreters; benchmarks/startup.py measures the times, never asserted here).
"""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = {"algebra": 0, "groups": 1, "models": 2, "cogs": 3}
# cogs' own sub-layers, lowest first (docs/extending.md, "The layout"); "cogs" is its front door
COGS_SUBLAYERS = ("sp", "generators", "solver", "reading", "discovery", "reports", "distributed", "jobs", "", "cli")
# the one place a module may be loaded by name: cogs.cli.main's loader of the SUBCOMMANDS table
DYNAMIC_ALLOWED = {("cogs.cli.main", "_available")}


def _modules() -> dict[str, Path]:
    mods = {}
    for pkg in LAYERS:
        for path in sorted((ROOT / pkg).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            mods[".".join(parts)] = path
    return mods


MODULES = _modules()


def _ours(name: str) -> bool:
    return name.split(".")[0] in LAYERS


def _resolve(name: str) -> str | None:
    """The longest prefix of ``name`` that is one of our modules (None: not ours)."""
    while name:
        if name in MODULES:
            return name
        name = name.rpartition(".")[0]
    return None


def _is_package(module: str) -> bool:
    return MODULES[module].name == "__init__.py"


def _absolute(module: str, node: ast.ImportFrom) -> str:
    """The absolute name of a ``from`` import's module (relative ones resolved)."""
    if not node.level:
        return node.module or ""
    base = module.split(".")
    if not _is_package(module):
        base = base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


class _Reader(ast.NodeVisitor):
    """The import edges and dynamic imports of one module, with line and enclosing function."""

    def __init__(self, module: str, path: Path):
        self.module, self.path = module, path
        self.edges: list[tuple[str, str, str]] = []  # (target module, where, statement)
        self.dynamic: list[tuple[str | None, str, str]] = []  # (function, where, call)
        self._func: list[str] = []

    def _where(self, node) -> str:
        return f"{self.path.relative_to(ROOT)}:{node.lineno}"

    def _edge(self, target: str, node) -> None:
        found = _resolve(target) if _ours(target) else None
        edge = (found, self._where(node), ast.unparse(node))
        if found is not None and found != self.module and edge not in self.edges:
            self.edges.append(edge)

    def visit_FunctionDef(self, node):
        self._func.append(node.name)
        self.generic_visit(node)
        self._func.pop()

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Import(self, node):
        for alias in node.names:
            self._edge(alias.name, node)

    def visit_ImportFrom(self, node):
        base = _absolute(self.module, node)
        for alias in node.names:
            sub = f"{base}.{alias.name}"
            self._edge(sub if sub in MODULES else base, node)

    def visit_Call(self, node):
        f = node.func
        name = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else None
        if name in ("__import__", "import_module", "spec_from_file_location", "exec_module", "run_module", "run_path"):
            self.dynamic.append((self._func[0] if self._func else None, self._where(node), ast.unparse(node)))
        self.generic_visit(node)


def _read_all():
    readers = {}
    for module, path in MODULES.items():
        reader = _Reader(module, path)
        reader.visit(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)))
        readers[module] = reader
    return readers


READERS = _read_all()


def _layer(module: str) -> int:
    return LAYERS[module.split(".")[0]]


def _lines(items) -> str:
    return "\n  " + "\n  ".join(items)


def _fmt(src: str, dst: str, where: str, stmt: str) -> str:
    return f"{src} -> {dst}   ({where}: {stmt})"


def test_the_reader_sees_every_kind_of_import():
    # control: module-level, function-level, from-submodule, from-package and relative imports
    code = textwrap.dedent(
        """
        import models.limits
        from groups import parse_group
        from models.training import config
        from . import safe_files
        from .training.trainer import train
        import numpy

        def f():
            from cogs.sp import dynamics
            import importlib
            return importlib.import_module("x"), __import__("y")
        """
    )
    r = _Reader("models.io", MODULES["models.io"])
    r.visit(ast.parse(code))
    assert sorted(e[0] for e in r.edges) == sorted(
        ["models.limits", "groups", "models.training.config", "models.safe_files", "models.training.trainer",
         "cogs.sp.dynamics"])
    assert [(fn, call) for fn, _, call in r.dynamic] == [("f", "importlib.import_module('x')"), ("f", "__import__('y')")]


def test_every_package_is_read():
    assert {m.split(".")[0] for m in MODULES} == set(LAYERS)
    assert {"models.training.trainer", "cogs.sp.dynamics", "cogs.cli.main", "algebra", "groups._fourier"} <= set(MODULES)


def _upward(readers) -> list[str]:
    return [_fmt(src, dst, where, stmt) for src, r in readers.items() for dst, where, stmt in r.edges
            if _layer(dst) > _layer(src)]


def test_the_layer_rule_fires_on_an_upward_import():
    # control: groups importing models, and models importing cogs inside a function
    up = _Reader("groups._base", MODULES["groups._base"])
    up.visit(ast.parse("from models import io\n"))
    lazy = _Reader("models.io", MODULES["models.io"])
    lazy.visit(ast.parse("def f():\n    import cogs.sp.loss\n"))
    side = _Reader("models.io", MODULES["models.io"])
    side.visit(ast.parse("from groups import parse_group\nimport algebra\n"))
    assert len(_upward({"groups._base": up, "models.io": lazy})) == 2
    assert _upward({"models.io": side}) == []


def _sublayer(module: str) -> int:
    """The rank of a cogs module's sub-package (the front door for ``cogs`` itself)."""
    parts = module.split(".")
    return COGS_SUBLAYERS.index(parts[1] if len(parts) > 1 else "")


def _upward_in_cogs(readers) -> list[str]:
    return [_fmt(src, dst, where, stmt) for src, r in readers.items() for dst, where, stmt in r.edges
            if src.startswith("cogs") and dst.startswith("cogs") and _sublayer(dst) > _sublayer(src)]


def test_every_cogs_module_has_a_sublayer():
    loose = [m for m in MODULES if m.startswith("cogs.") and m.split(".")[1] not in COGS_SUBLAYERS]
    assert not loose, f"modules outside cogs' sub-packages (give each a sub-layer): {loose}"


def test_the_sublayer_rule_fires():
    # control: the SP maths importing the solver, and the solver importing a job inside a function
    up = _Reader("cogs.sp.loss", MODULES["cogs.sp.loss"])
    up.visit(ast.parse("from cogs.solver import construct\n"))
    lazy = _Reader("cogs.solver.strategies", MODULES["cogs.solver.strategies"])
    lazy.visit(ast.parse("def f():\n    from cogs.jobs.compare import compare\n"))
    down = _Reader("cogs.jobs.compare", MODULES["cogs.jobs.compare"])
    down.visit(ast.parse("from cogs.solver import construct\nfrom cogs.reports import Readings\n"))
    assert len(_upward_in_cogs({"cogs.sp.loss": up, "cogs.solver.strategies": lazy})) == 2
    assert _upward_in_cogs({"cogs.jobs.compare": down}) == []


def test_no_cogs_module_imports_a_higher_sublayer():
    bad = _upward_in_cogs(READERS)
    if bad:
        pytest.fail("imports of a higher sub-layer of cogs (order " + " < ".join(n or "cogs" for n in COGS_SUBLAYERS)
                    + "):" + _lines(bad), pytrace=False)


def test_no_module_imports_a_higher_layer():
    bad = _upward(READERS)
    if bad:
        pytest.fail("imports of a higher layer (order algebra < groups < models < cogs):" + _lines(bad), pytrace=False)


def test_only_the_cli_imports_the_cli():
    bad = [_fmt(src, dst, where, stmt) for src, r in READERS.items() for dst, where, stmt in r.edges
           if (dst == "cogs.cli" or dst.startswith("cogs.cli.")) and not (src == "cogs.cli" or src.startswith("cogs.cli."))]
    if bad:
        pytest.fail("modules outside cogs/cli importing cogs.cli:" + _lines(bad), pytrace=False)


def test_no_imports_by_name_except_the_subcommand_loader():
    bad = [f"{src}: {call}   ({where})" for src, r in READERS.items() for fn, where, call in r.dynamic
           if (src, fn) not in DYNAMIC_ALLOWED]
    if bad:
        pytest.fail("__import__ / importlib.import_module outside cogs/cli/main.py's subcommand loader:" + _lines(bad),
                    pytrace=False)
    # the loader loads the SUBCOMMANDS table and nothing else
    main = ast.parse(MODULES["cogs.cli.main"].read_text(encoding="utf-8"))
    loader = next(n for n in ast.walk(main) if isinstance(n, ast.FunctionDef) and n.name == "_available")
    assert any(isinstance(n, ast.Name) and n.id == "SUBCOMMANDS" for n in ast.walk(loader))
    from cogs.cli.main import SUBCOMMANDS

    assert all(module.startswith("cogs.cli.") for _, module, _ in SUBCOMMANDS)


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan, iterative)."""
    index, low, on, stack, out = {}, {}, set(), [], []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on.add(root)
        while work:
            v, children = work[-1]
            for w in children:
                if w not in index:
                    index[w] = low[w] = counter
                    counter += 1
                    stack.append(w)
                    on.add(w)
                    work.append((w, iter(sorted(graph[w]))))
                    break
                if w in on:
                    low[v] = min(low[v], index[w])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[v])
                if low[v] == index[v]:
                    comp = []
                    while True:
                        w = stack.pop()
                        on.discard(w)
                        comp.append(w)
                        if w == v:
                            break
                    if len(comp) > 1:
                        out.append(sorted(comp))
    return sorted(out)


def test_cycle_finder_finds_cycles():
    g = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a", "e"}, "e": {"d"}, "f": set()}
    assert _cycles(g) == [["a", "b", "c"], ["d", "e"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycles():
    graph = {m: {dst for dst, _, _ in r.edges} for m, r in READERS.items()}
    report = []
    for comp in _cycles(graph):
        members = set(comp)
        edges = defaultdict(list)
        for src in comp:
            for dst, where, stmt in READERS[src].edges:
                if dst in members:
                    edges[(src, dst)].append(f"{where}: {stmt}")
        report.append("cycle " + " <-> ".join(comp) + ":")
        report += [f"  {src} -> {dst}   ({'; '.join(sites)})" for (src, dst), sites in sorted(edges.items())]
    if report:
        pytest.fail("import cycles between modules (lazy imports included):" + _lines(report), pytrace=False)


# ------------------------------------------------------------------------------ start-up
def _fresh(code: str, *args: str) -> str:
    r = subprocess.run([sys.executable, "-c", textwrap.dedent(code), *args], capture_output=True, text=True,
                       cwd=ROOT, timeout=120)
    assert r.returncode == 0, r.stderr
    return r.stdout


@pytest.mark.parametrize("module", ["algebra", "groups", "models", "models.training", "models.limits", "cogs"])
def test_import_does_not_import_torch(module):
    out = _fresh(f"import sys, {module}\nprint('torch' in sys.modules)")
    assert out.strip() == "False", f"import {module} imports torch"


def test_the_front_door_is_lazy():
    """``import cogs`` loads nothing of the package; the first use of a name loads only what it needs."""
    out = _fresh(
        """
        import sys
        import cogs
        before = sorted(m for m in sys.modules if m.startswith(("cogs.", "models", "groups", "algebra")))
        G = cogs.group("Z6")
        print(before, "torch" in sys.modules, G.order, sorted(cogs.__all__) == sorted(set(cogs.__all__)))
        """
    )
    assert out.strip() == "[] False 6 True", out


def test_every_front_door_name_resolves():
    import cogs

    for name in cogs.__all__:
        assert getattr(cogs, name) is not None, name
        assert ">>> " in (getattr(cogs, name).__doc__ or ""), f"cogs.{name}'s docstring has no runnable example"
    with pytest.raises(AttributeError, match="no attribute"):
        cogs.no_such_name


def test_element_maths_do_not_import_torch():
    out = _fresh(
        """
        import sys
        import numpy as np
        from groups import parse_group
        from models.element import NetworkSemiring
        G = parse_group("Z2xZ3")
        S = NetworkSemiring(G)
        x = S.random(3, rng=np.random.default_rng(0))
        assert S.isclose(x * S.one(), x) and S.isclose(x + S.zero(), x)
        G.dft(np.arange(6.0)); G.idft(np.arange(6.0))
        print('torch' in sys.modules)
        """
    )
    assert out.strip() == "False", "models.element's numpy maths import torch"


_CLI = """
import sys
from cogs.cli.main import main
try:
    code = main(sys.argv[1:])
except SystemExit as e:
    code = e.code
print("torch imported:", "torch" in sys.modules, "exit:", code)
"""


def test_cogs_help_does_not_import_torch():
    from cogs.cli.main import SUBCOMMANDS

    out = _fresh(_CLI, "--help")
    assert out.splitlines()[-1] == "torch imported: False exit: 0", out
    for name, _, _ in SUBCOMMANDS:  # every subcommand's parser was built
        assert name in out


def test_cogs_groups_does_not_import_torch():
    out = _fresh(_CLI, "groups", "Z12")
    assert "order              12" in out
    assert out.splitlines()[-1] == "torch imported: False exit: 0", out


def test_startup_benchmark_runs(capsys):
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_startup", ROOT / "benchmarks" / "startup.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    assert bench.main(["--repeat", "1"]) == 0
    out = capsys.readouterr().out
    assert "cogs --help" in out and "cogs groups Z12" in out and "× numpy" in out
