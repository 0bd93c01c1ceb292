"""Figures of the comparison report (matplotlib is an optional extra: ``pip install cogs[plots]``).

Each function takes plain arrays, writes one PNG atomically and returns its path, or returns
None when matplotlib is not installed.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np


def _plt():
    try:
        import matplotlib

        matplotlib.use("Agg", force=True)
        import matplotlib.pyplot as plt
    except ImportError:  # pragma: no cover - exercised only without the extra
        return None
    return plt


def _save(fig, path: Path) -> Path:
    from models.atomic import atomic_path

    with atomic_path(path) as tmp:
        fig.savefig(tmp, dpi=110, bbox_inches="tight", format="png")
    return Path(path)


def order_histogram(path, histograms: dict[str, dict[int, int]], title: str, *,
                    xlabel: str = "order of the orbit (number of active nodes)",
                    ylabel: str = "number of orbits", marks: dict[str, list[int]] | None = None) -> Path | None:
    """Bar chart of per-orbit orders (like the paper's Fig. 4). ``histograms`` maps a
    series label (e.g. 'complex orbits', 'real orbits') to {order: count}; ``xlabel`` and
    ``ylabel`` name what is counted (per irreducible: orders of irreducibles, networks).
    ``marks``: label → the orders a construction has per orbit (e.g. 'f46': [4, 6]), drawn as
    dashed vertical lines at those orders, one colour per label."""
    plt = _plt()
    if plt is None:
        return None
    marks = {k: sorted(set(int(o) for o in v)) for k, v in (marks or {}).items() if v}
    orders = sorted({o for h in histograms.values() for o in h} | {o for v in marks.values() for o in v})
    fig, ax = plt.subplots(figsize=(6.4, 3.6))
    width = 0.8 / max(1, len(histograms))
    for i, (label, h) in enumerate(histograms.items()):
        xs = np.arange(len(orders)) + i * width
        ax.bar(xs, [h.get(o, 0) for o in orders], width=width, label=label)
    centres = np.arange(len(orders)) + width * (len(histograms) - 1) / 2
    step = max(1, int(np.ceil(len(orders) / 16)))  # at most ~16 labelled ticks
    ax.set_xticks(centres[::step])
    ax.set_xticklabels([str(o) for o in orders[::step]], rotation=0 if step == 1 and len(orders) <= 16 else 45)
    cmap = plt.get_cmap("Set1")
    for i, (label, os_) in enumerate(marks.items()):
        for j, o in enumerate(os_):
            x = centres[orders.index(o)] + (i - (len(marks) - 1) / 2) * 0.06
            ax.axvline(x, ls="--", lw=1.2, color=cmap(i % 9), label=f"constructed {label}" if j == 0 else None)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    if len(histograms) > 1 or marks:
        ax.legend(fontsize=8)
    fig.tight_layout()
    out = _save(fig, path)
    plt.close(fig)
    return out


def frequency_maps(path, panels: list[tuple[str, np.ndarray]], title: str) -> Path | None:
    """Node-by-frequency magnitude maps side by side (like the paper's Fig. 2).

    Each panel is (label, M) with M of shape (q, d): |A_kj| per node j (rows, sorted by
    dominant frequency) and frequency k (columns)."""
    plt = _plt()
    if plt is None:
        return None
    from matplotlib.ticker import MaxNLocator

    # one colour scale for every panel (trained and constructed maps read against each other)
    vmax = max((float(np.max(M)) for _, M in panels if np.size(M)), default=1.0) or 1.0
    fig, axes = plt.subplots(1, len(panels), figsize=(4.2 * len(panels), 4.6), squeeze=False)
    im = None
    for ax, (label, M) in zip(axes[0], panels):
        im = ax.imshow(M, aspect="auto", interpolation="nearest", cmap="viridis", vmin=0.0, vmax=vmax)
        ax.set_title(label, fontsize=10)
        ax.set_xlabel("frequency k")
        ax.set_ylabel("hidden node (sorted by dominant frequency)")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    if im is not None:
        cb = fig.colorbar(im, ax=list(axes[0]), fraction=0.046 / max(1, len(panels)) ** 0.5, pad=0.02)
        cb.set_label("|A_kj| (coefficient units: (1/d)·Σ_g W_a[j,g]·conj χ_k(g)); one scale for all panels", fontsize=8)
    fig.suptitle(title)
    out = _save(fig, path)
    plt.close(fig)
    return out


def sp_dynamics(path, epochs: np.ndarray, series: dict[str, np.ndarray], title: str,
                ylabels: dict[str, str] | None = None, line_groups: dict[str, list] | None = None) -> Path | None:
    """SP trajectories over training (like the paper's Fig. 3). ``series`` maps a panel title
    to an array of shape (len(epochs),) or (len(epochs), n) (n thin lines, e.g. per orbit);
    ``ylabels`` gives each panel's y-axis label; ``line_groups[title]`` gives, per line, a
    group label (e.g. the orbit's final order): lines are coloured by group, with a legend.
    The x axis is symmetric-log, linear below 1, so that epoch 0 is drawn at 0."""
    plt = _plt()
    if plt is None:
        return None
    n = len(series)
    fig, axes = plt.subplots(1, n, figsize=(4.4 * n, 3.6), squeeze=False)
    ep = np.asarray(epochs, dtype=float)
    ylabels = ylabels or {}
    line_groups = line_groups or {}
    for ax, (label, ys) in zip(axes[0], series.items()):
        ys = np.asarray(ys, dtype=float)
        if ys.ndim == 1:
            ax.plot(ep, ys, lw=1.6)
        elif label in line_groups:
            groups = list(line_groups[label])
            names = sorted(set(groups), key=str)
            cmap = plt.get_cmap("tab10")
            for gi, g in enumerate(names):
                idx = [i for i, x in enumerate(groups) if x == g]
                for j, i in enumerate(idx):
                    ax.plot(ep, ys[:, i], lw=0.8, alpha=0.8, color=cmap(gi % 10), label=str(g) if j == 0 else None)
            ax.legend(fontsize=7, title="final order", title_fontsize=7)
        else:
            ax.plot(ep, ys, lw=0.7, alpha=0.7)
        ax.set_xscale("symlog", linthresh=1)
        ax.set_xlim(left=0)
        ax.set_xlabel("epoch (log scale above 1)")
        ax.set_ylabel(ylabels.get(label, label), fontsize=9)
        ax.set_title(label, fontsize=10)
    fig.suptitle(title)
    fig.tight_layout()
    out = _save(fig, path)
    plt.close(fig)
    return out
