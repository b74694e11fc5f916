"""Run several signals with one set of parameters: the API behind ``coordnet signals run``.

Parameters have the same names everywhere: ``window``, ``min_shared`` and ``max_evidence``
apply to every signal; signal-specific ones (``text_form``, ``min_hashtags``, ...) are given
per signal. A TOML config says the same thing::

    [signals]
    window = 60            # every signal
    [signals.co_text]
    text_form = "peer"     # one signal
"""

from __future__ import annotations

import inspect
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from coordnet.engine.protocol import SqlEngine
from coordnet.errors import InputError
from coordnet.signals._base import ProgressFactory, Signal
from coordnet.signals.registry import SIGNALS, get_signal

__all__ = ["COMMON_PARAMS", "build_signals", "load_signal_config", "run_signals", "run_summary"]

#: Parameters every signal takes.
COMMON_PARAMS = ("window", "min_shared", "max_evidence")


def _accepted(cls: type[Signal]) -> set[str]:
    return {p for p in inspect.signature(cls.__init__).parameters if p != "self"}


def build_signals(
    names: Iterable[str] | None = None,
    common: Mapping[str, Any] | None = None,
    params: Mapping[str, Mapping[str, Any]] | None = None,
) -> list[Signal]:
    """Signal estimators for ``names`` (all registered when ``None``), parameters applied.

    ``common`` holds parameters for every signal; ``params`` maps a signal key (or CLI name)
    to its own parameters, which win over ``common``.
    """
    chosen = [get_signal(n) for n in names] if names else list(SIGNALS.values())
    common = dict(common or {})
    for key in common:
        if key not in COMMON_PARAMS:
            raise InputError(
                f"{key!r} is not a parameter of every signal ({', '.join(COMMON_PARAMS)}); "
                "give it for one signal instead"
            )
    own = {get_signal(k).name: dict(v) for k, v in (params or {}).items()}
    out = []
    for cls in chosen:
        kwargs = {**common, **own.pop(cls.name, {})}
        unknown = set(kwargs) - _accepted(cls)
        if unknown:
            raise InputError(
                f"{cls.name} has no parameter {', '.join(sorted(unknown))}; it takes "
                f"{', '.join(sorted(_accepted(cls)))}"
            )
        signal = cls(**kwargs)
        signal._validate()
        out.append(signal)
    if own:
        raise InputError(f"parameters given for signals not run: {', '.join(sorted(own))}")
    return out


def load_signal_config(path: str | Path) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """``(common, per-signal)`` parameters from the ``[signals]`` table of a TOML file."""
    try:
        with open(path, "rb") as fh:
            doc = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise InputError(f"{path}: cannot read signal config: {exc}") from exc
    table = doc.get("signals", {})
    common = {k: v for k, v in table.items() if not isinstance(v, dict)}
    per = {k: v for k, v in table.items() if isinstance(v, dict)}
    return common, per


def run_signals(
    store: Any,
    names: Iterable[str] | None = None,
    *,
    common: Mapping[str, Any] | None = None,
    params: Mapping[str, Mapping[str, Any]] | None = None,
    engine: SqlEngine | None = None,
    progress: ProgressFactory | None = None,
) -> list[Signal]:
    """Fit the chosen signals on ``store`` one after the other; returns the fitted estimators."""
    signals = build_signals(names, common, params)
    return [s.fit(store, engine=engine, progress=progress) for s in signals]


def run_summary(signal: Signal, alpha: float = 0.05) -> dict[str, Any]:
    """A fitted signal in one row: its name, ``stats_`` and how many edges have q <= alpha."""
    return {"signal": signal.name, **signal.stats_, "significant": signal.n_significant(alpha)}
