"""What changed between two submissions of a response, for reviewers.

`answer_diff()` compares two sets of answers question by question, in the
questionnaire's order: options added and removed for choice questions, an
inline diff for free text, old → new for everything else. `score_change()`
compares the scores and signature goals two submissions were given.

Pure: plain values in, plain values out. Nothing here is markup: the templates
escape every text (Jinja autoescape), so what a company typed stays text.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from assess.i18n import N_, gettext
from assess.presentation.explain import fmt
from assess.questionnaire.conditions import visibility
from assess.questionnaire.model import Question, Questionnaire, other_key
from assess.questionnaire.types import answer_text, chosen_other, get_type

ADDED, REMOVED, CHANGED = "added", "removed", "changed"
SAME, INS, DEL = "same", "ins", "del"
CHOICE, TEXT, VALUE = "choice", "text", "value"  # how a change is shown
KIND_NAMES = {ADDED: N_("Newly answered"), REMOVED: N_("Answer removed"), CHANGED: N_("Changed")}

# Japanese and Chinese put no spaces between words: each of their characters is a token.
# Other scripts diff by words and single marks, the spaces between them tokens of their own.
_CJK = (
    "\u2e80-\u2fff\u3000-\u303f\u3040-\u309f\u30a0-\u30ff\u3100-\u31ff\u3400-\u4dbf"
    "\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
)
_TOKENS = re.compile(rf"[{_CJK}]|\s+|(?:(?![{_CJK}])\w)+|.", re.DOTALL)
# Below this similarity an inline diff is mostly noise: the old text deleted, the new inserted.
MIN_RATIO = 0.2


# --- answers -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Segment:
    kind: str  # same | ins | del
    text: str


@dataclass(frozen=True)
class AnswerChange:
    """One question answered differently in the two submissions."""

    question_id: str
    label: str
    section: str  # the section's title
    kind: str  # added | removed | changed
    kind_label: str
    style: str  # choice | text | value
    old: str  # the answer as people read it; "" for none
    new: str
    added: tuple[str, ...] = ()  # option labels now chosen (choice questions)
    removed: tuple[str, ...] = ()  # option labels no longer chosen
    segments: tuple[Segment, ...] = ()  # the inline diff (free text)
    entered_by: str = ""  # who entered the new answer (the old one, when removed): "" the company


def tokens(text: str) -> list[str]:
    """CJK text by characters; other text by words, runs of spaces and single marks."""
    return _TOKENS.findall(text)


def text_diff(old: str, new: str) -> tuple[Segment, ...]:
    """The two texts as one, with what was deleted and what was inserted marked."""
    a, b = tokens(old or ""), tokens(new or "")
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    if a and b and matcher.ratio() < MIN_RATIO:
        return (Segment(DEL, old), Segment(INS, new))
    parts: list[Segment] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(Segment(SAME, "".join(a[i1:i2])))
            continue
        if op in ("delete", "replace"):
            parts.append(Segment(DEL, "".join(a[i1:i2])))
        if op in ("insert", "replace"):
            parts.append(Segment(INS, "".join(b[j1:j2])))
    return tuple(_merged(_runs(parts)))


def _runs(parts: Sequence[Segment]) -> list[Segment]:
    """One deletion then one insertion per run of changes that only spaces separate:
    "the red car" → "a blue bike" reads better as one replacement than as three."""
    out: list[Segment] = []
    deleted: list[str] = []
    inserted: list[str] = []
    for index, part in enumerate(parts):
        inside = bool(deleted or inserted) and index + 1 < len(parts)
        if part.kind == SAME and not (inside and not part.text.strip()):
            out += [Segment(DEL, "".join(deleted)), Segment(INS, "".join(inserted)), part]
            deleted, inserted = [], []
        elif part.kind == SAME:  # spaces inside a run belong to both sides
            deleted.append(part.text)
            inserted.append(part.text)
        else:
            (deleted if part.kind == DEL else inserted).append(part.text)
    return out + [Segment(DEL, "".join(deleted)), Segment(INS, "".join(inserted))]


def _merged(parts: Iterable[Segment]) -> list[Segment]:
    merged: list[Segment] = []
    for part in parts:
        if not part.text:
            continue
        if merged and merged[-1].kind == part.kind:
            merged[-1] = Segment(part.kind, merged[-1].text + part.text)
        else:
            merged.append(part)
    return merged


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == []


def _shown(questionnaire: Questionnaire, answers: Mapping[str, Any]) -> dict[str, Any]:
    """The answers as submitted: a question an earlier answer hid counts as not answered."""
    visible = visibility(questionnaire, answers)
    return {q.id: answers.get(q.id) for q in questionnaire.questions if visible[q.id]}


def _other(question: Question, value: Any, answers: Mapping[str, Any]) -> str:
    """The 'other (please specify)' text, when the answer picks 'other'."""
    return str(answers.get(other_key(question.id)) or "") if chosen_other(question, value) else ""


def answer_diff(
    questionnaire: Questionnaire,
    old_answers: Mapping[str, Any],
    new_answers: Mapping[str, Any],
    locale: str,
    entered_by: Mapping[str, str] | None = None,
    entered_by_before: Mapping[str, str] | None = None,
) -> list[AnswerChange]:
    """Every question answered differently, in the questionnaire's order.

    `entered_by` names who entered each answer of the new submission, `entered_by_before`
    of the old one (shown for answers removed): "" the company, else a staff e-mail."""
    old, new = _shown(questionnaire, old_answers), _shown(questionnaire, new_answers)
    changes = []
    for section in questionnaire.sections:
        for question in section.questions:
            before, after = old.get(question.id), new.get(question.id)
            if _empty(before) and _empty(after):
                continue
            if before == after and _other(question, before, old_answers) == _other(
                question, after, new_answers
            ):
                continue
            kind = ADDED if _empty(before) else REMOVED if _empty(after) else CHANGED
            who = (entered_by_before if kind == REMOVED else entered_by) or {}
            shown = _shown_change(question, before, after, old_answers, new_answers, locale)
            changes.append(
                AnswerChange(
                    question_id=question.id,
                    label=question.label.get(locale),
                    section=section.title.get(locale),
                    kind=kind,
                    kind_label=gettext(locale, KIND_NAMES[kind]),
                    entered_by=who.get(question.id, ""),
                    **shown,
                )
            )
    return changes


def _shown_change(
    question: Question,
    before: Any,
    after: Any,
    old_answers: Mapping[str, Any],
    new_answers: Mapping[str, Any],
    locale: str,
) -> dict[str, Any]:
    """How one change reads: both answers as text, and the options or the text diff."""
    qtype = get_type(question.type)
    old = "" if _empty(before) else answer_text(question, before, old_answers, locale)
    new = "" if _empty(after) else answer_text(question, after, new_answers, locale)
    if qtype.choice:
        was = _labels(question, before, old_answers, locale)
        now = _labels(question, after, new_answers, locale)
        return {
            "style": CHOICE,
            "old": old,
            "new": new,
            "added": tuple(label for label in now if label not in was),
            "removed": tuple(label for label in was if label not in now),
        }
    if qtype.max_length is not None:  # free text
        return {"style": TEXT, "old": old, "new": new, "segments": text_diff(old, new)}
    return {"style": VALUE, "old": old, "new": new}


def _labels(question: Question, value: Any, answers: Mapping[str, Any], locale: str) -> list[str]:
    """Each chosen option's label ('Other (…)' with its text), through the type's answer text."""
    if _empty(value):
        return []
    items = value if isinstance(value, list) else [value]
    return [answer_text(question, [item], answers, locale) for item in items]


# --- scores -------------------------------------------------------------------------------


class Scored(Protocol):
    """What a submission keeps of its scores (models.history.Submission has these)."""

    overall_score: float | None
    overall_level: str | None
    areas: dict
    signature: list


@dataclass(frozen=True)
class ScoreDelta:
    key: str  # an area id, or "overall"
    label: str
    old: float | None
    new: float | None
    delta: float | None  # None when either has no score
    old_text: str
    new_text: str
    delta_text: str  # "+2.5", "−1", "±0", or "–"
    direction: str  # up | down | same | "" (not comparable)


@dataclass(frozen=True)
class GoalMark:
    number: int
    label: str


@dataclass(frozen=True)
class ScoreChange:
    overall: ScoreDelta
    areas: tuple[ScoreDelta, ...]  # in the questionnaire's order
    level_old: str  # maturity level labels
    level_new: str
    signature_old: tuple[GoalMark, ...]  # in rank order
    signature_new: tuple[GoalMark, ...]
    goals_gained: tuple[GoalMark, ...]  # signature goals now and not before, in the new rank order
    goals_lost: tuple[GoalMark, ...]  # signature goals before and no longer, in the old rank order

    @property
    def changed(self) -> bool:
        moved = any(d.direction in ("up", "down") for d in (self.overall, *self.areas))
        return moved or self.signature_old != self.signature_new or self.level_old != self.level_new


def delta(key: str, label: str, old: float | None, new: float | None) -> ScoreDelta:
    if old is None or new is None:
        return ScoreDelta(key, label, old, new, None, fmt(old), fmt(new), "–", "")
    change = round(float(new) - float(old), 4)
    shown = fmt(abs(change))
    if shown == "0":
        return ScoreDelta(key, label, old, new, change, fmt(old), fmt(new), "±0", "same")
    up = change > 0
    return ScoreDelta(
        key, label, old, new, change, fmt(old), fmt(new), ("+" if up else "−") + shown, "up" if up else "down"
    )


def score_change(
    old: Scored,
    new: Scored,
    area_labels: Mapping[str, str],
    goal_labels: Mapping[int, str] | None = None,
    level_labels: Mapping[str, str] | None = None,
    overall_label: str = "",
) -> ScoreChange:
    """Per area (the labelled ones in their order, then any other a submission scored) the old
    and new score and the difference; the overall score and level; signature goals gained and lost."""
    goals, levels = goal_labels or {}, level_labels or {}
    old_areas, new_areas = dict(old.areas or {}), dict(new.areas or {})
    keys = list(area_labels) + [k for k in {**old_areas, **new_areas} if k not in area_labels]
    areas = tuple(
        delta(k, area_labels.get(k, k), old_areas.get(k), new_areas.get(k))
        for k in keys
        if k in old_areas or k in new_areas
    )

    def marks(numbers: Iterable[int]) -> tuple[GoalMark, ...]:
        return tuple(GoalMark(int(n), goals.get(int(n), "")) for n in numbers)

    before, after = [int(n) for n in old.signature or []], [int(n) for n in new.signature or []]
    return ScoreChange(
        overall=delta("overall", overall_label, old.overall_score, new.overall_score),
        areas=areas,
        level_old=levels.get(old.overall_level or "", old.overall_level or ""),
        level_new=levels.get(new.overall_level or "", new.overall_level or ""),
        signature_old=marks(before),
        signature_new=marks(after),
        goals_gained=marks(n for n in after if n not in before),
        goals_lost=marks(n for n in before if n not in after),
    )
