"""Scoring: answers → area scores and maturity levels, the SDG profile, opportunities and the SSE lens,
every point explained. Pure functions on plain values; exact arithmetic."""

from assess.scoring.engine import fingerprint, score
from assess.scoring.result import ScoreResult, apportion

__all__ = ["ScoreResult", "apportion", "fingerprint", "score"]
