"""Assess a detected network: coordination scores, inauthenticity indicators, attribution hints.

Each part is reported separately, with reasons in plain words: coordination says how the
accounts act together, inauthenticity how fake the accounts look, attribution where the
operation is likely run from.
"""
