"""The investigator's workbench: ``coordnet serve``, a web app on a detect run's store.

A queue of the reported networks ranked by score (confirmed networks that gained accounts
since the previous monitoring run first), each network's page with the report's graph,
charts and evidence, the ``explain`` view of each account, search by id, handle, URL or
hashtag, analysts' decisions kept in the store as an append-only audit trail, and exports
of the confirmed networks. A JSON API with an OpenAPI description serves the same data.

Modules: :mod:`~coordnet.serve.app` (factory and server), :mod:`~coordnet.serve.security`
(token, CSRF, headers, limits), :mod:`~coordnet.serve.workbench` (the one open store and
its lock), :mod:`~coordnet.serve.decisions` (the audit trail), :mod:`~coordnet.serve.queue`,
:mod:`~coordnet.serve.views`, :mod:`~coordnet.serve.search`,
:mod:`~coordnet.serve.history` (monitoring runs), :mod:`~coordnet.serve.exports`,
:mod:`~coordnet.serve.pages` and :mod:`~coordnet.serve.api` (routes). See ``docs/serve.md``.
"""

from __future__ import annotations

from coordnet.serve.app import create_app, serve
from coordnet.serve.decisions import (
    DECISIONS,
    Decision,
    current_decisions,
    decision_history,
    record_decision,
)

__all__ = [
    "DECISIONS",
    "Decision",
    "create_app",
    "current_decisions",
    "decision_history",
    "record_decision",
    "serve",
]
