"""Node positions for a network's graph view, computed once in Python.

The report's graph view only draws (sigma.js); positions come from here so that the page
needs no layout library and the same store always gives the same picture. The layout is
igraph's Fruchterman-Reingold, weighted by tie strength, started from seeded random
positions with igraph's random generator seeded too (it perturbs coincident nodes), then
scaled into [-1, 1].

Cost: O(iterations x n²) for n nodes (igraph switches to a grid approximation above 1,000
nodes); a few milliseconds for the tens of accounts of a typical network.

>>> pos = layout_positions(["a", "b", "c"], [("a", "b", 1.0), ("b", "c", 2.0)])
>>> sorted(pos) == ["a", "b", "c"] and all(-1 <= v <= 1 for xy in pos.values() for v in xy)
True
"""

from __future__ import annotations

import random
from collections.abc import Sequence

import igraph as ig
import numpy as np

__all__ = ["layout_positions"]


def layout_positions(
    nodes: Sequence[str],
    ties: Sequence[tuple[str, str, float]],
    *,
    seed: int = 42,
    iterations: int = 500,
) -> dict[str, tuple[float, float]]:
    """Positions in [-1, 1]² of ``nodes`` tied by ``ties`` (source, target, strength).

    Deterministic for given inputs and ``seed``: nodes are sorted first, so their order in
    the input does not matter.
    """
    names = sorted(set(nodes))
    if not names:
        return {}
    if len(names) == 1:
        return {names[0]: (0.0, 0.0)}
    index = {n: i for i, n in enumerate(names)}
    pairs = sorted(
        (min(index[a], index[b]), max(index[a], index[b]), float(w))
        for a, b, w in ties
        if a in index and b in index and a != b
    )
    graph = ig.Graph(n=len(names), edges=[(a, b) for a, b, _ in pairs])
    weights = [max(w, 1e-6) for _, _, w in pairs] or None
    rng = np.random.default_rng(seed)
    start = rng.uniform(-1, 1, size=(len(names), 2)).tolist()
    ig.set_random_number_generator(random.Random(seed))
    try:
        coords = np.asarray(
            graph.layout_fruchterman_reingold(
                weights=weights, niter=iterations, seed=start, grid="auto"
            ).coords
        )
    finally:
        # igraph's generator is process-wide: hand back the default (the random module).
        ig.set_random_number_generator(random)
    coords -= coords.mean(axis=0)
    scale = float(np.abs(coords).max()) or 1.0
    coords /= scale
    return {
        n: (round(float(x), 4), round(float(y), 4)) for n, (x, y) in zip(names, coords, strict=True)
    }
