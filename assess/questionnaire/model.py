"""Stage 3 of loading: immutable typed models of a checked questionnaire."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from assess.definitions.text import Text

OTHER = "other"  # reserved option value for "other (please specify)"
NARRATIVE_KEYS = ("motto", "story", "initiatives", "challenges", "support")
ROLES = (
    "company.name",
    "company.prefecture",
    "company.municipality",
    "company.industry",
    "company.employees",
    "company.founded",
    "company.legal_form",
    *(f"narrative.{key}" for key in NARRATIVE_KEYS),
    "consent.publication",
    "support.needed",
)


def other_key(question_id: str) -> str:
    """Answer key under which the 'other (please specify)' text is kept."""
    return f"{question_id}.other"


@dataclass(frozen=True, slots=True)
class Option:
    value: str
    label: Text
    score: float = 0.0
    practices: tuple[str, ...] = ()
    exclusive: bool = False
    not_applicable: bool = False  # choosing it leaves the question out of the score


@dataclass(frozen=True, slots=True)
class Scale:
    min_label: Text
    max_label: Text
    scores: tuple[float, ...] = (0.0, 1.0, 2.0, 3.0, 4.0)


# Conditions are data: a comparison on one earlier question, or a combination.
@dataclass(frozen=True, slots=True)
class Comparison:
    question: str
    test: str  # equals | in | contains | gte | lte | answered
    value: Any


@dataclass(frozen=True, slots=True)
class AllOf:
    conditions: tuple[Condition, ...]


@dataclass(frozen=True, slots=True)
class AnyOf:
    conditions: tuple[Condition, ...]


@dataclass(frozen=True, slots=True)
class Not:
    condition: Condition


Condition = Comparison | AllOf | AnyOf | Not


@dataclass(frozen=True, slots=True)
class Question:
    id: str
    type: str
    label: Text
    section_id: str
    help: Text | None = None
    required: bool = False
    weight: float = 1.0
    options: tuple[Option, ...] = ()
    other: bool = False
    show_if: Condition | None = None
    scale: Scale | None = None
    unit: Text | None = None
    min: float | None = None
    max: float | None = None
    integer: bool = False
    max_length: int | None = None
    max_score: float | None = None
    practices: tuple[str, ...] = ()
    practice_min: int = 4
    role: str | None = None
    attachments: bool = False  # the company may attach files (PDF, JPEG, PNG) to its answer
    attachments_max: int | None = None  # most files on this question (default: the per-response limit)
    scored: bool = False  # true when the question counts in an area score
    line: int = field(default=0, compare=False)  # where it is defined, for messages

    def option(self, value: str) -> Option | None:
        for option in self.options:
            if option.value == value:
                return option
        return None

    @property
    def option_values(self) -> tuple[str, ...]:
        values = tuple(o.value for o in self.options)
        return values + ((OTHER,) if self.other else ())


@dataclass(frozen=True, slots=True)
class Section:
    id: str
    title: Text
    questions: tuple[Question, ...]
    intro: Text | None = None
    area: str | None = None


@dataclass(frozen=True, slots=True)
class Area:
    id: str
    label: Text
    description: Text | None = None


@dataclass(frozen=True, slots=True)
class MaturityLevel:
    id: str
    min: float
    label: Text
    description: Text | None = None


@dataclass(frozen=True, eq=False)  # identity: one loaded instance per version, cheap to hash
class Questionnaire:
    id: str
    version: int
    content_hash: str
    title: Text
    description: Text
    estimated_minutes: int
    areas: tuple[Area, ...]
    maturity_levels: tuple[MaturityLevel, ...]
    sections: tuple[Section, ...]
    source: str = field(default="", compare=False)

    @property
    def key(self) -> tuple[str, int]:
        return (self.id, self.version)

    @cached_property
    def questions(self) -> tuple[Question, ...]:
        return tuple(q for s in self.sections for q in s.questions)

    @cached_property
    def conditions(self) -> tuple[tuple[str, Condition | None], ...]:
        """(question id, show_if) in order: what visibility needs, nothing more."""
        return tuple((q.id, q.show_if) for q in self.questions)

    @cached_property
    def question_index(self) -> dict[str, Question]:
        return {q.id: q for q in self.questions}

    @cached_property
    def section_index(self) -> dict[str, Section]:
        return {s.id: s for s in self.sections}

    @cached_property
    def roles(self) -> dict[str, Question]:
        return {q.role: q for q in self.questions if q.role}

    def question(self, question_id: str) -> Question:
        return self.question_index[question_id]

    def section(self, section_id: str) -> Section:
        return self.section_index[section_id]

    def level_for(self, score: float) -> MaturityLevel:
        chosen = self.maturity_levels[0]
        for level in self.maturity_levels:
            if score >= level.min:
                chosen = level
        return chosen

    @cached_property
    def practice_ids(self) -> frozenset[str]:
        ids: set[str] = set()
        for q in self.questions:
            ids.update(q.practices)
            for o in q.options:
                ids.update(o.practices)
        return frozenset(ids)
