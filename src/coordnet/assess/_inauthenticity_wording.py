"""Number formatting shared by the reasons of :mod:`.inauthenticity` (sentences to quote)."""

from __future__ import annotations

__all__ = ["days", "pct", "quote"]


def pct(x: float) -> str:
    """A share in words: ``12 %``, ``<1 %``."""
    return "<1 %" if 0 < x < 0.005 else f"{100 * x:.0f} %"


def days(x: float) -> str:
    """An age in words: ``less than a day``, ``12 days``."""
    return "less than a day" if x < 1 else f"{x:.0f} days"


def quote(text: str, width: int = 40) -> str:
    """A value quoted in a sentence, cut to ``width`` characters."""
    return repr(text if len(text) <= width else text[: width - 1] + "…")
