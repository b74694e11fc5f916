"""A synthetic platform with planted coordinated campaigns, for measuring detection.

Public archives hold only the campaign side; here organic behaviour that fools naive
detectors (breaking news, fan communities, hashtag movements, news bots) is mixed with
campaigns of known style, and ``labels.csv`` says who is who.
"""

from __future__ import annotations

from coordnet.simulate.run import SimulationReport, simulate
from coordnet.simulate.scenario import Scenario, bundled_scenarios, load_scenario

__all__ = ["Scenario", "SimulationReport", "bundled_scenarios", "load_scenario", "simulate"]
