"""What scoring returns: plain, immutable values.

Points are kept as integer units of a common denominator (`unit`), so sums are
exact and fast; `earned` and `possible` give them back as fractions.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, is_dataclass
from enum import StrEnum
from fractions import Fraction
from typing import Any, NamedTuple

ZERO = Fraction(0)


class QuestionStatus(StrEnum):
    SCORED = "scored"
    UNANSWERED = "unanswered"  # counts zero and is listed
    NOT_APPLICABLE = "not_applicable"  # left out of the score
    HIDDEN = "hidden"  # not asked because of an earlier answer: left out
    UNSCORED = "unscored"  # background information


class GoalLevel(StrEnum):
    NONE = "none"
    SOME = "some"
    STRONG = "strong"


class SseLevel(StrEnum):
    NONE = "none"
    PARTIAL = "partial"
    CLEAR = "clear"


class AreaScore(NamedTuple):
    area: str  # area id, or "overall"
    score: Fraction | None  # 0–100; None when nothing in the area applies
    earned_units: int
    possible_units: int
    unit: int
    level: str | None  # maturity level id
    unanswered: tuple[str, ...] = ()

    @property
    def earned(self) -> Fraction:
        return Fraction(self.earned_units, self.unit)

    @property
    def possible(self) -> Fraction:
        return Fraction(self.possible_units, self.unit)


class QuestionExplanation(NamedTuple):
    """One question's part in the score; its share of the area and overall
    scores is `ScoreResult.contribution()`."""

    question: str
    area: str | None
    status: QuestionStatus
    answer: Any
    earned_units: int
    possible_units: int
    unit: int
    chosen: tuple[str, ...] = ()  # option values behind the points
    practices: tuple[str, ...] = ()  # practices the answer evidences

    @property
    def earned(self) -> Fraction:
        return Fraction(self.earned_units, self.unit)

    @property
    def possible(self) -> Fraction:
        return Fraction(self.possible_units, self.unit)


class Evidence(NamedTuple):
    question: str
    answer: Any  # the option value, "yes", or the scale value
    practice: str


PracticeLink = tuple[str, str]  # (practice id, link strength: direct | indirect)


class TargetContribution(NamedTuple):
    code: str
    goal: int
    contribution: float
    practices: tuple[PracticeLink, ...]  # see ScoreResult.chain


class GoalResult(NamedTuple):
    number: int
    aggregate: float  # sum of the contributions of its targets
    level: GoalLevel  # by the aggregate: how much the practices contribute
    targets: tuple[str, ...]
    distinctiveness: float = 0.0  # how much it stands out for this company (scoring.signature)
    rank: int = 0  # by distinctiveness; equal values share a rank
    signature: bool = False
    drivers: tuple[str, ...] = ()  # practices behind its distinctiveness, largest part first


class Opportunity(NamedTuple):
    practice: str
    questions: tuple[str, ...]
    points: float  # overall score points it could add
    sdg: float  # target contribution it would add
    new_targets: tuple[str, ...]
    value: float  # points + sdg: the ranking key


class SseFeature(NamedTuple):
    feature: str  # economic | social | democratic
    level: SseLevel
    shown: tuple[str, ...]  # practices evidenced
    reachable: tuple[str, ...]  # practices the questionnaire can evidence
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True)
class ScoreResult:
    questionnaire: str
    version: int
    content_hash: str
    overall: AreaScore
    areas: tuple[AreaScore, ...]
    explanation: tuple[QuestionExplanation, ...]
    unanswered: tuple[str, ...]
    evidence: tuple[Evidence, ...]
    targets: tuple[TargetContribution, ...]
    goals: tuple[GoalResult, ...]  # ranked by distinctiveness, most distinctive first
    opportunities: tuple[Opportunity, ...]  # ranked, most valuable first
    sse: tuple[SseFeature, ...]

    @property
    def signature_goals(self) -> tuple[GoalResult, ...]:
        """The company's signature goals, most distinctive first; () when nothing stands out yet."""
        return tuple(g for g in self.goals if g.signature)

    def area(self, area_id: str) -> AreaScore:
        return next(a for a in self.areas if a.area == area_id)

    def contribution(self, item: QuestionExplanation) -> Fraction:
        """Points of its area's score that a question gives."""
        area = self.area(item.area) if item.area else None
        if area is None or not area.possible_units:
            return ZERO
        return Fraction(100 * item.earned_units, area.possible_units)

    def overall_contribution(self, item: QuestionExplanation) -> Fraction:
        possible = self.overall.possible_units
        return Fraction(100 * item.earned_units, possible) if possible else ZERO

    def chain(self, target: TargetContribution) -> list[tuple[Evidence, str]]:
        """The evidence behind a target: each answer → practice, with the link's strength."""
        strength = dict(target.practices)
        return [(e, strength[e.practice]) for e in self.evidence if e.practice in strength]

    def to_dict(self) -> dict:
        data = {f.name: _plain(getattr(self, f.name)) for f in fields(self) if f.name != "explanation"}
        data["explanation"] = [
            {
                "question": e.question,
                "area": e.area,
                "status": str(e.status),
                "answer": e.answer,
                "earned": _plain(e.earned),
                "possible": _plain(e.possible),
                "contribution": _plain(self.contribution(e)),
                "overall_contribution": _plain(self.overall_contribution(e)),
                "chosen": list(e.chosen),
                "practices": list(e.practices),
            }
            for e in self.explanation
        ]
        return data


def _plain(value: Any) -> Any:
    """JSON-ready values: named records as mappings, fractions rounded."""
    if hasattr(value, "_asdict"):
        return {k: _plain(v) for k, v in value._asdict().items()}
    if isinstance(value, Fraction):
        return round(float(value), 4)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if is_dataclass(value) and not isinstance(value, type):
        return _plain(asdict(value))
    return value


def apportion(parts: list[Fraction], decimals: int = 1) -> list[float]:
    """Round parts so that the rounded parts add up to the rounded total
    (largest remainder), for showing an explanation that sums exactly."""
    unit = Fraction(1, 10**decimals)
    total_units = round(sum(parts, ZERO) / unit)
    floors = [int(p // unit) for p in parts]
    short = total_units - sum(floors)
    by_remainder = sorted(range(len(parts)), key=lambda i: parts[i] / unit - floors[i], reverse=True)
    for i in by_remainder[: max(short, 0)]:
        floors[i] += 1
    return [round(f * float(unit), decimals) for f in floors]
