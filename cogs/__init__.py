"""CoGS — Composing Global Solutions: 2-layer quadratic networks on finite groups as algebraic
objects (docs/mathematics.md).

The front door for Python users. Construct a provably optimal network, train some, read them,
and compose networks with the semi-ring's operations:

>>> import cogs
>>> net = cogs.construct("Z7", strategy="f46")       # a global minimiser, with its certificate
>>> net.order, net.certificate.passed, net.loss() < 1e-12
(14, True, True)
>>> runs = cogs.train("Z7", hidden=24, epochs=5, seeds=[1, 2])   # two runs, in memory
>>> report = cogs.analyze([r.network for r in runs])                 # orders, families, Table 2
>>> (net + runs[0].network).order, (net * cogs.Networks("Z7").one()).isclose(net)
(38, True)

The names, each loaded on first use (``import cogs`` imports neither torch nor the rest of
the package):

=======================  ==============================================================
``group(spec)``          a finite group from its spec (``"Z23"``, ``"Z2xZ3xZ4"``)
``construct``            a certified global solution (a :class:`Network`) by a strategy
``load``                 a :class:`Network` from a weights file or a torch checkpoint
``train``                trained runs (each ``.network``, ``.metrics``, ``.config``)
``analyze``              the reading of trained networks (``.to_dict()`` = ``cogs analyze --json``)
``compare``              construct, train, analyse and compare: the main job's report
``sweep``                one of the paper's experiments (a registered preset)
``discover``             a search for an exact minimiser at a fixed order
``bounds``               how many hidden nodes a group needs
``Network``              the network value type; ``Networks(G)`` its semi-ring
``STRATEGIES``           registered construction strategies (``register_strategy``)
``PRESETS``              registered sweep presets (``register_preset``)
``ANALYSES``             registered report analyses (``register_analysis``)
``register_generator``   add a partial-solution generator to the registry
=======================  ==============================================================

The ``cogs`` command line is a thin shell over these functions (docs/cli.md).

Reference: Y. Tian, *Composing Global Solutions to Reasoning Tasks via Algebraic Objects in
Neural Nets*, NeurIPS 2025, arXiv:2410.01779.
"""

__all__ = [
    "ANALYSES",
    "Network",
    "Networks",
    "PRESETS",
    "STRATEGIES",
    "analyze",
    "bounds",
    "compare",
    "construct",
    "discover",
    "group",
    "load",
    "register_analysis",
    "register_generator",
    "register_preset",
    "register_strategy",
    "sweep",
    "train",
]


def group(spec):
    """The finite group a spec names: ``"Z23"``, ``"23"``, ``"Z2xZ3xZ4"``, ``"2x3x4"``
    (case-insensitive); a group object is returned as it is. Groups are cached and immutable.

    >>> import cogs
    >>> G = cogs.group("Z2xZ3xZ4")
    >>> G.order, G.invariant_factors(), G is cogs.group("2x3x4")
    (24, (2, 12), True)
    """
    from groups import parse_group

    return parse_group(spec)


def __getattr__(name: str):
    # plain import statements, one per name (never importlib: tests/test_layers.py reads each edge)
    if name == "Network":
        from models.network import Network as value
    elif name == "Networks":
        from models.network import Networks as value
    elif name == "load":
        from models.network import load as value
    elif name == "construct":
        from cogs.solver.strategies import construct as value
    elif name == "STRATEGIES":
        from cogs.solver.strategies import STRATEGIES as value
    elif name == "register_strategy":
        from cogs.solver.strategies import register_strategy as value
    elif name == "bounds":
        from cogs.solver.bounds import bounds as value
    elif name == "train":
        from cogs.jobs.train import train as value
    elif name == "compare":
        from cogs.jobs.compare import compare as value
    elif name == "sweep":
        from cogs.jobs.sweep import sweep as value
    elif name == "PRESETS":
        from cogs.jobs.sweep import PRESETS as value
    elif name == "register_preset":
        from cogs.jobs.sweep import register_preset as value
    elif name == "analyze":
        from cogs.reports.analyze import analyze as value
    elif name == "ANALYSES":
        from cogs.reports.analyses import ANALYSES as value
    elif name == "register_analysis":
        from cogs.reports.analyses import register as value
    elif name == "discover":
        from cogs.discovery.engine import discover as value
    elif name == "register_generator":
        import cogs.reading.equivalence  # noqa: F401 - registration then warns about an equivalent family
        from cogs.generators.scope import register_generator as value
    else:
        raise AttributeError(f"module 'cogs' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(__all__))
