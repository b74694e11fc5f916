"""The HTML report of a store's reported networks (``report.html``).

:func:`write_report` writes one self-contained, offline file: a ranked, sortable list of the
networks and, per network, an interactive graph, activity charts, evidence tables and the
inauthenticity and attribution assessments. See ``docs/report.md``.
"""

from __future__ import annotations

from coordnet.report.html import write_report

__all__ = ["write_report"]
