"""From signal edges to networks: fusion, backbone and clustering, and the reporting rule."""

from __future__ import annotations

from coordnet.network.cluster import ClusterParams, backbone_mask, leiden_clusters
from coordnet.network.decide import Decided, DecisionParams, decide
from coordnet.network.fuse import FusionParams, fuse_edges

__all__ = [
    "ClusterParams",
    "Decided",
    "DecisionParams",
    "FusionParams",
    "backbone_mask",
    "decide",
    "fuse_edges",
    "leiden_clusters",
]
