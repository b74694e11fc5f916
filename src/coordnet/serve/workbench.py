"""The web app's one open store: every read and write goes through here, one at a time.

DuckDB allows one process to open a database file for writing, and one connection must not
run two statements at once from different threads. The app therefore opens the store once
(read-write, for the decisions) when it is created and serialises every use of it with one
lock: requests are served by a thread pool, and the lock makes their store work take turns,
so concurrent decisions can neither interleave their ``decision_id`` nor corrupt the file.
Queries inside one request still use all of DuckDB's threads.

Detection results do not change while the app holds the store (no other process can open
it for writing), so each network page but its decisions (the report JSON, the expensive
part, its members and history) is cached, least recently used, :data:`CACHE_SIZE`
networks; the latest monitoring run (:class:`~coordnet.serve.history.RunInfo`) is looked
up once. Decisions are read fresh on every request.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from markupsafe import Markup

from coordnet.errors import InputError
from coordnet.networks import has_results, reported_networks
from coordnet.report.html import embed_json
from coordnet.serve.decisions import ensure_decisions_table
from coordnet.serve.history import RunInfo, latest_run
from coordnet.serve.queue import QueueFilters, QueuePage, queue
from coordnet.serve.views import NetworkView, network_details, network_static, network_view
from coordnet.store import Store, open_store

__all__ = ["CACHE_SIZE", "PREFETCH", "Workbench"]

#: Networks whose page (report JSON included) is kept in memory.
CACHE_SIZE = 64
#: Networks whose report JSON is read together on a cache miss: the one asked for and the
#: next ones of the queue (reading several costs about as much as reading one).
PREFETCH = 16

T = TypeVar("T")


class Workbench:
    """The store of a running app, its lock and its cache.

    Parameters
    ----------
    store_path:
        A store that ``coordnet detect`` wrote to (it must exist and have results).
    salt_file:
        Secret salt for the disclosure export; None refuses that export.
    memory_limit:
        DuckDB's memory limit for the store, e.g. ``"4GB"``.
    """

    def __init__(
        self,
        store_path: str | Path,
        *,
        salt_file: str | Path | None = None,
        memory_limit: str | None = None,
    ) -> None:
        path = Path(store_path)
        if not path.is_file():
            raise InputError(f"store {store_path} does not exist; run coordnet detect first")
        if salt_file is not None and not Path(salt_file).is_file():
            raise InputError(f"salt file {salt_file} does not exist")
        self.store_path = str(path)
        self.salt_file = None if salt_file is None else str(salt_file)
        self._lock = threading.Lock()
        self._cache: OrderedDict[int, tuple[NetworkView, Markup]] = OrderedDict()
        self._details: OrderedDict[int, dict[str, Any]] = OrderedDict()
        self.store: Store = open_store(path, memory_limit=memory_limit)
        try:
            if not has_results(self.store):
                raise InputError(f"{path}: no detection results; run coordnet detect first")
            ensure_decisions_table(self.store)
            self.run_info: RunInfo = latest_run(self.store)
        except BaseException:
            self.store.close()
            raise
        self._closed = False

    @contextmanager
    def locked(self) -> Iterator[Store]:
        """The store, for the duration of the block, to this thread alone."""
        with self._lock:
            if self._closed:
                raise InputError("the store is closed: the server is shutting down")
            yield self.store

    def run(self, func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """``func(store, *args, **kwargs)`` under the lock."""
        with self.locked() as store:
            return func(store, *args, **kwargs)

    def _static(self, store: Store, cluster_id: int) -> tuple[NetworkView, Markup]:
        """A network page without decisions and its embedded report JSON, cached."""
        found = self._cache.get(cluster_id)
        if found is not None:
            self._cache.move_to_end(cluster_id)
            return found
        detail = self._details.pop(cluster_id, None)
        if detail is None:
            detail = self._fetch_details(store, cluster_id)
        static = network_static(store, cluster_id, detail=detail, run=self.run_info)
        entry = (static, embed_json(static.detail))
        _remember(self._cache, cluster_id, entry)
        return entry

    def _fetch_details(self, store: Store, cluster_id: int) -> dict[str, Any]:
        """The report JSON of ``cluster_id``, read with the next networks of the queue that
        are not cached yet (kept for their first view)."""
        order = reported_networks(store)
        after = order[order.index(cluster_id) + 1 :] if cluster_id in order else []
        more = [n for n in after if n not in self._cache and n not in self._details]
        found = network_details(store, [cluster_id, *more[: PREFETCH - 1]])
        for cid, detail in found.items():
            if cid != cluster_id:
                _remember(self._details, cid, detail)
        return found[cluster_id]

    def queue(
        self, filters: QueueFilters | None = None, *, limit: int = 100, offset: int = 0
    ) -> QueuePage:
        """One page of the triage queue (:func:`coordnet.serve.queue.queue`)."""
        with self.locked() as store:
            return queue(store, filters, limit=limit, offset=offset, run=self.run_info)

    def network(self, cluster_id: int) -> tuple[NetworkView, Markup]:
        """A network page's data (:func:`coordnet.serve.views.network_view`; all but the
        decisions from the cache) and its report JSON ready to embed in the page."""
        with self.locked() as store:
            static, embedded = self._static(store, cluster_id)
            return network_view(store, cluster_id, static=static, run=self.run_info), embedded

    def close(self) -> None:
        """Close the store (waits for the request using it, if any)."""
        with self._lock:
            if not self._closed:
                self._closed = True
                self.store.close()


def _remember(cache: OrderedDict[int, Any], key: int, value: Any) -> None:
    """Put ``value`` in a least-recently-used ``cache`` of :data:`CACHE_SIZE` entries."""
    cache[key] = value
    cache.move_to_end(key)
    while len(cache) > CACHE_SIZE:
        cache.popitem(last=False)
