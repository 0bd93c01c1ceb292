"""Every function that takes a registry honours ``scoped_registry``, and the generator, solver
and analysis packages are layered without back-edges.

* ``search()`` with ``registry=None`` reads the *current* registry: inside a scope that lacks
  a generator it neither finds nor uses it, and a generator registered only in the scope is
  found; outside the scope the default answer is back.
* ``resolve_matchers()`` (and so ``analyze_network(registry=None)``) reads the current
  registry too.
* The SPs the analysis attributes to each built-in family are the ones its generator declares
  in the registry (not a second table).
* No import cycle (lazy imports inside functions count) and no ``__import__`` /
  ``import_module`` in ``cogs.generators``, ``cogs.solver`` and the analysis modules that
  name factors.
"""

from __future__ import annotations

import ast
import itertools
import pathlib

import numpy as np

from cogs.reading import default_matchers, resolve_matchers
from cogs.reading.classify import vanishing_of
from cogs.generators import Signature, current_registry, default_registry, register_generator, scoped_registry
from cogs.solver import plan_layout, requirement, search

ROOT = pathlib.Path(__file__).resolve().parents[1]
W = np.exp(2j * np.pi / 3)
ZI = [(1, 1, 1), (1j, -1j, 1)]
W3 = [(W**-m, 1, W**m) for m in range(3)]
#: z_nu_i * w3 as one order-6 generator: every complex SP vanishes, r_kkk = 6
SIX = [(a1 * a2, b1 * b2, c1 * c2) for (a1, b1, c1), (a2, b2, c2) in itertools.product(ZI, W3)]


def test_search_without_a_registry_reads_the_scoped_one():
    assert search("complex", requirement("complex")).name == "z_nu*z_syn"
    with scoped_registry() as reg:
        reg.unregister("z_syn")
        assert "z_syn" not in current_registry()
        plan = search("complex", requirement("complex"))
        assert "z_syn" not in plan.factors and plan.name == search("complex", requirement("complex"), registry=reg).name
        assert plan.order == 6 and plan.vanishing >= requirement("complex")
        # the layout (and so construct) sees the same registry
        assert "z_syn" not in plan_layout("Z7", "f6").complex_plan.factors
    assert search("complex", requirement("complex")).name == "z_nu*z_syn"


def test_search_finds_a_generator_registered_only_in_the_scope():
    with scoped_registry():
        register_generator(name="z6", order=6, signature=Signature(6, sorted(requirement("complex"))))(lambda: SIX)
        assert search("complex", requirement("complex")).name == "z6"
    assert "z6" not in default_registry()
    assert search("complex", requirement("complex")).name == "z_nu*z_syn"


def test_resolve_matchers_without_a_registry_reads_the_scoped_one():
    def z_tw():
        z = np.exp(2j * np.pi / 5)
        return [(1, 1, 1), (2 * z, z / 2, z**-2)]

    default_names = [m.name for m in resolve_matchers()]
    assert "z_nu" in default_names and "z_tw" not in default_names
    with scoped_registry() as reg:
        reg.unregister("z_nu")
        register_generator(name="z_tw", order=2, signature=Signature(2, ()), verify=False)(z_tw)
        names = [m.name for m in resolve_matchers()]
        assert "z_tw" in names and "z_nu" not in names
        assert names == [m.name for m in resolve_matchers(reg)]
    assert [m.name for m in resolve_matchers()] == default_names


def test_builtin_families_kill_what_their_generators_declare():
    reg = default_registry()
    for m in default_matchers():
        gen = reg[m.name]
        for kind in ("complex", "real"):
            want = set(gen.signature(kind).vanishing) if kind in gen.kinds else set()
            assert vanishing_of(m, kind) == want, (m.name, kind)
    # the table of docs/solutions.md#partial-solutions, typed in here, for the families the analysis names
    assert vanishing_of(default_matchers()[3], "complex") == {"abc'"}  # z_xi
    assert vanishing_of(default_matchers()[5], "real") == {"aac", "bbc"}  # z_real


def test_a_scoped_replacement_of_a_builtin_family_brings_its_own_vanishing_set():
    """Replace z_nu inside a scope by a generator of the same name that declares nothing
    vanishing: the analysis must use that declaration, not the default registry's."""
    from cogs.reading import classify_block

    default_z_nu = next(m for m in resolve_matchers() if m.name == "z_nu")
    assert vanishing_of(default_z_nu, "complex") == {"aac", "bbc"}  # docs/solutions.md, typed in

    def z_nu_free(nu=0.5 + 0.5j):
        return [(1, 1, 1), (nu, -nu, -nu**-2)]

    with scoped_registry() as reg:
        reg.unregister("z_nu")
        register_generator(name="z_nu", order=2, signature=Signature(2, ()), verify=False)(z_nu_free)
        scoped = next(m for m in resolve_matchers() if m.name == "z_nu")
        assert vanishing_of(scoped, "complex") == set()
        block = np.array([[1, 1j], [1, -1j], [1, 1]])  # z_nu_i: named with the scope's matchers
        assert classify_block(block)[1].family == "z_nu_i"
    assert vanishing_of(next(m for m in resolve_matchers() if m.name == "z_nu"), "complex") == {"aac", "bbc"}


# -- layering -----------------------------------------------------------------------------------
OWN = ("cogs/generators", "cogs/solver")
OWN_ANALYSIS = ("classify", "registry", "normal_forms", "matchers", "generic_matcher", "naming")


def _modules() -> dict[str, pathlib.Path]:
    out = {}
    for pkg in ("algebra", "groups", "models", "cogs"):
        for p in (ROOT / pkg).rglob("*.py"):
            name = ".".join(p.relative_to(ROOT).with_suffix("").parts)
            out[name.removesuffix(".__init__")] = p
    return out


def _own(name: str) -> bool:
    return name.startswith(("cogs.generators", "cogs.solver")) or name in {f"cogs.reading.{m}" for m in OWN_ANALYSIS}


def test_generators_solver_and_naming_have_no_import_cycles_or_hidden_imports():
    mods = _modules()

    def resolve(name):
        while name and name not in mods:
            name = name.rpartition(".")[0]
        return name or None

    edges: dict[str, set] = {}
    hidden = []
    for name, path in mods.items():
        if not _own(name):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            targets = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                targets = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) in ("__import__", "import_module"):
                hidden.append(name)
            for t in targets:
                r = resolve(t)
                if r is not None and r != name and _own(r):
                    edges.setdefault(name, set()).add(r)
    assert not hidden
    # a cycle exists iff some module reaches itself
    for start in edges:
        seen, todo = set(), list(edges[start])
        while todo:
            m = todo.pop()
            assert m != start, f"import cycle through {start}"
            if m not in seen:
                seen.add(m)
                todo.extend(edges.get(m, ()))


def test_a_matcher_registered_in_a_scope_ends_with_the_scope():
    """register_matcher belongs to a registry: a global one applies in every scope, a scoped
    one only inside its scope (it used to stay registered for the rest of the process)."""
    from cogs.reading import register_matcher

    class Fixed:  # a closed-form matcher that names nothing
        order, kinds = 2, ("complex",)

        def __init__(self, name):
            self.name = name

        def fit(self, v, kind):
            return None

    def mine():
        return [type(m).__name__ for m in resolve_matchers()].count("Fixed")

    assert mine() == 0
    register_matcher("z_nu", Fixed("z_nu"))  # global
    try:
        with scoped_registry():
            assert mine() == 1  # the global one applies inside
            register_matcher("z_xi", Fixed("z_xi"))
            assert mine() == 2
        assert mine() == 1  # the scoped one ended with its scope
    finally:
        register_matcher("z_nu", None)
    assert mine() == 0
