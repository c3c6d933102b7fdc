"""A questionnaire as a blank paper form: numbered questions, answer spaces and notes in words.

Every question prints, numbered Q1..Qn across the form, so that a question shown
only after certain answers (`show_if`) can carry a note such as "Answer if you
answered “Yes” to Q12". Each question type has its paper answer space here
(`SPACES`, keyed by type name); a type without one cannot print, and a test
iterating the type registry says so.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from assess.i18n import N_, gettext
from assess.questionnaire.model import AllOf, Comparison, Condition, Not, Question, Questionnaire
from assess.questionnaire.types import get_type
from assess.questionnaire.types import scale as scale_type
from assess.questionnaire.types import yes_no_na as yes_no_na_type

TEXT_LINES = {"short_text": 1, "long_text": 4}
LONG_TEXT_SHORT = 300  # characters: a long text limited to this many gets fewer lines
# Options drawn in columns: how many half-width characters fit on a line of a column,
# by the number of columns. A label may wrap onto a second line, but not too many.
COLUMN_CAPACITY = ((6, 12), (5, 16), (4, 21), (3, 30), (2, 46))
WRAPPING_SHARE = 0.2  # of the labels, at most, that need a second line

ONE = N_("Tick one.")
ALL = N_("Tick all that apply.")
SCALE = N_("Tick one box from 1 to 5.")
ALONE = N_("tick this alone")
OTHER_LABEL = N_("Other (please specify)")
WRITE = N_("Write your answer on the lines.")
NUMBER = N_("Write a number.")
WHOLE = N_("Write a whole number.")
BETWEEN = N_("From {min} to {max}")
AT_LEAST = N_("{min} or more")
AT_MOST = N_("{max} or less")
UP_TO = N_("Up to {n} characters.")
QUESTION_REF = N_("Q{n}")
QUOTED = N_("“{label}”")
LIST_OR = N_("{items} or {last}")
BOTH = N_("{first} and {second}")
EITHER = N_("{first}, or {second}")
GROUP = N_("({clause})")
ANSWER_IF = N_("Answer if {condition}.")
# Comparisons in words, as they hold (True) or fail (under "not").
CLAUSES: dict[tuple[str, bool], str] = {
    ("equals", True): N_("you answered {value} to {q}"),
    ("equals", False): N_("you did not answer {value} to {q}"),
    ("in", True): N_("your answer to {q} was {value}"),
    ("in", False): N_("your answer to {q} was other than {value}"),
    ("contains", True): N_("you ticked {value} in {q}"),
    ("contains", False): N_("you did not tick {value} in {q}"),
    ("gte", True): N_("your answer to {q} was {value} or more"),
    ("gte", False): N_("your answer to {q} was less than {value}"),
    ("lte", True): N_("your answer to {q} was {value} or less"),
    ("lte", False): N_("your answer to {q} was more than {value}"),
    ("answered", True): N_("you answered {q}"),
    ("answered", False): N_("you left {q} blank"),
}


@dataclass(frozen=True)
class PaperOption:
    label: str
    note: str = ""  # e.g. "tick this alone" for an exclusive option
    write_in: bool = False  # "other (please specify)": a line to write on


@dataclass(frozen=True)
class AnswerSpace:
    kind: str  # ticks | scale | number | lines
    hint: str = ""
    options: tuple[PaperOption, ...] = ()
    columns: int = 1  # for ticks
    lines: int = 0  # for lines
    unit: str = ""  # for number
    range: str = ""  # for number
    min_label: str = ""  # for scale
    max_label: str = ""
    points: tuple[int, ...] = ()


@dataclass(frozen=True)
class PaperQuestion:
    number: int
    ref: str  # "Q12", 「問12」
    id: str
    type: str
    label: str
    help: str
    required: bool
    condition: str  # "" for a question always shown, else "Answer if …"
    space: AnswerSpace


@dataclass(frozen=True)
class PaperSection:
    id: str
    title: str
    intro: str
    questions: tuple[PaperQuestion, ...]


@dataclass(frozen=True)
class PaperForm:
    id: str
    version: int
    locale: str
    title: str
    description: str
    estimated_minutes: int
    sections: tuple[PaperSection, ...]

    @property
    def questions(self) -> tuple[PaperQuestion, ...]:
        return tuple(q for s in self.sections for q in s.questions)


# --- answer spaces, one per question type -------------------------------------------


def _width(text: str) -> int:
    """Printed width in half-width characters: CJK and full-width characters count twice."""
    return sum(1 if ord(c) < 0x2E80 or 0xFF61 <= ord(c) <= 0xFFDC else 2 for c in text)


def _columns(options: tuple[PaperOption, ...]) -> int:
    widths = [_width(o.label) + (_width(o.note) + 3 if o.note else 0) for o in options if not o.write_in]
    for columns, capacity in COLUMN_CAPACITY:
        if columns > len(widths):
            continue
        wrapping = sum(1 for w in widths if w > capacity)
        if all(w <= 2 * capacity for w in widths) and wrapping <= WRAPPING_SHARE * len(widths):
            return columns
    return 1


def _ticks(question: Question, locale: str, hint: str) -> AnswerSpace:
    alone = gettext(locale, ALONE)
    options = tuple(
        PaperOption(o.label.get(locale), alone if o.exclusive and hint == ALL else "")
        for o in question.options
    )
    if question.other:
        options += (PaperOption(gettext(locale, OTHER_LABEL), write_in=True),)
    return AnswerSpace("ticks", gettext(locale, hint), options, columns=_columns(options))


def one_choice(question: Question, locale: str) -> AnswerSpace:
    return _ticks(question, locale, ONE)


def many_choice(question: Question, locale: str) -> AnswerSpace:
    return _ticks(question, locale, ALL)


def yes_no_na(question: Question, locale: str) -> AnswerSpace:
    labels, values = yes_no_na_type.LABELS, yes_no_na_type.VALUES
    options = tuple(PaperOption(gettext(locale, labels[v])) for v in values)
    return AnswerSpace("ticks", gettext(locale, ONE), options, columns=len(options))


def scale_row(question: Question, locale: str) -> AnswerSpace:
    scale = question.scale
    return AnswerSpace(
        "scale",
        gettext(locale, SCALE),
        min_label=scale.min_label.get(locale) if scale else "",
        max_label=scale.max_label.get(locale) if scale else "",
        points=scale_type.VALUES,
    )


def number_box(question: Question, locale: str) -> AnswerSpace:
    lo, hi = _plain(question.min), _plain(question.max)
    if lo and hi:
        span = gettext(locale, BETWEEN, min=lo, max=hi)
    elif lo or hi:
        span = gettext(locale, AT_LEAST, min=lo) if lo else gettext(locale, AT_MOST, max=hi)
    else:
        span = ""
    return AnswerSpace(
        "number",
        gettext(locale, WHOLE if question.integer else NUMBER),
        unit=question.unit.get(locale) if question.unit else "",
        range=span,
    )


def text_lines(question: Question, locale: str) -> AnswerSpace:
    lines = TEXT_LINES.get(question.type, 1)
    if lines > 2 and question.max_length and question.max_length <= LONG_TEXT_SHORT:
        lines = 2
    hint = ""
    if lines > 1:  # a short answer's limit is more than its line holds
        limit = question.max_length or get_type(question.type).max_length
        hint = gettext(locale, WRITE) + (f" {gettext(locale, UP_TO, n=f'{limit:,}')}" if limit else "")
    return AnswerSpace("lines", hint, lines=lines)


SPACES: Mapping[str, Callable[[Question, str], AnswerSpace]] = {
    "single_choice": one_choice,
    "dropdown": one_choice,
    "multiple_choice": many_choice,
    "yes_no_na": yes_no_na,
    "scale": scale_row,
    "number": number_box,
    "short_text": text_lines,
    "long_text": text_lines,
}


class NoPaperSpace(KeyError):
    """A question type without a paper answer space (add one to SPACES)."""


def answer_space(question: Question, locale: str) -> AnswerSpace:
    try:
        draw = SPACES[question.type]
    except KeyError:
        raise NoPaperSpace(f"question type {question.type!r} has no paper answer space") from None
    return draw(question, locale)


# --- conditions in words ---------------------------------------------------------------


def _plain(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else str(value)


@dataclass(frozen=True)
class _Words:
    questionnaire: Questionnaire
    numbers: Mapping[str, int]
    locale: str

    def t(self, text: str, **params: Any) -> str:
        return gettext(self.locale, text, **params)

    def value(self, target: Question, value: Any) -> str:
        qtype = get_type(target.type)
        if "gte" in qtype.tests and isinstance(value, (int, float)) and not isinstance(value, bool):
            number = _plain(value)
            if target.unit is None:
                return number
            unit = target.unit.get(self.locale)
            return f"{number}{unit}" if self.locale == "ja" else f"{number} {unit}"
        label = qtype.answer_text(target, value, {}, self.locale) or str(value)
        return self.t(QUOTED, label=label)

    def values(self, target: Question, values: tuple) -> str:
        words = [self.value(target, v) for v in values]
        if len(words) == 1:
            return words[0]
        joiner = "、" if self.locale == "ja" else ", "
        return self.t(LIST_OR, items=joiner.join(words[:-1]), last=words[-1])

    def comparison(self, condition: Comparison, holds: bool) -> str:
        target = self.questionnaire.question(condition.question)
        q = self.t(QUESTION_REF, n=self.numbers[condition.question])
        test, value = condition.test, condition.value
        if test == "answered":
            return self.t(CLAUSES[("answered", bool(value) == holds)], q=q)
        if test == "in" or isinstance(value, tuple):
            words = self.values(target, tuple(value))
            if len(value) == 1 and test == "in":
                test = "equals"
        else:
            words = self.value(target, value)
        return self.t(CLAUSES[(test, holds)], q=q, value=words)

    def clause(self, condition: Condition, holds: bool = True, nested: bool = False) -> str:
        if isinstance(condition, Comparison):
            return self.comparison(condition, holds)
        if isinstance(condition, Not):
            return self.clause(condition.condition, not holds, nested)
        # De Morgan: "not (a and b)" is "not a, or not b".
        both = isinstance(condition, AllOf) == holds
        items = condition.conditions if both or not holds else _merged(condition.conditions)
        parts = [self.clause(c, holds, nested=True) for c in items]
        text = parts[0]
        for part in parts[1:]:
            text = self.t(BOTH if both else EITHER, first=text, second=part)
        return self.t(GROUP, clause=text) if nested and len(parts) > 1 else text


def _merged(conditions: tuple[Condition, ...]) -> list[Condition]:
    """Alternatives on one question as one comparison: "ticked A, or ticked B in Q7" is
    "ticked A or B in Q7", and "answered A, or answered B or C to Q6" is "answered A, B or C"."""
    out: list[Condition] = []
    for condition in conditions:
        last = out[-1] if out else None
        if (
            isinstance(condition, Comparison)
            and isinstance(last, Comparison)
            and last.question == condition.question
            and _kind(last) == _kind(condition) is not None
        ):
            values = _listed(last) + tuple(v for v in _listed(condition) if v not in _listed(last))
            test = "contains" if last.test == "contains" else "in"
            out[-1] = Comparison(
                last.question, test, values if test == "in" or len(values) > 1 else values[0]
            )
        else:
            out.append(condition)
    return out


def _kind(condition: Comparison) -> str | None:
    return {"contains": "contains", "equals": "in", "in": "in"}.get(condition.test)


def _listed(condition: Comparison) -> tuple:
    value = condition.value
    return tuple(value) if isinstance(value, (tuple, list)) else (value,)


def condition_note(
    questionnaire: Questionnaire, condition: Condition | None, numbers: Mapping[str, int], locale: str
) -> str:
    """'Answer if …' for a question shown only after certain answers; '' for one always shown."""
    if condition is None:
        return ""
    words = _Words(questionnaire, numbers, locale)
    return gettext(locale, ANSWER_IF, condition=words.clause(condition))


# --- the form -----------------------------------------------------------------------------


def paper_form(questionnaire: Questionnaire, locale: str) -> PaperForm:
    """The questionnaire as a blank paper form in one language."""
    numbers = {q.id: n for n, q in enumerate(questionnaire.questions, 1)}
    sections = []
    for section in questionnaire.sections:
        questions = tuple(
            PaperQuestion(
                number=numbers[q.id],
                ref=gettext(locale, QUESTION_REF, n=numbers[q.id]),
                id=q.id,
                type=q.type,
                label=q.label.get(locale),
                help=q.help.get(locale) if q.help else "",
                required=q.required,
                condition=condition_note(questionnaire, q.show_if, numbers, locale),
                space=answer_space(q, locale),
            )
            for q in section.questions
        )
        sections.append(
            PaperSection(
                section.id,
                section.title.get(locale),
                section.intro.get(locale) if section.intro else "",
                questions,
            )
        )
    return PaperForm(
        id=questionnaire.id,
        version=questionnaire.version,
        locale=locale,
        title=questionnaire.title.get(locale),
        description=questionnaire.description.get(locale),
        estimated_minutes=questionnaire.estimated_minutes,
        sections=tuple(sections),
    )


@dataclass(frozen=True)
class PaperCover:
    """What the first page names besides the questionnaire: the round, and for a known
    invitation the company and its private link (printed with a QR code)."""

    round_name: str = ""
    organiser: str = ""
    contact: str = ""
    answer_by: str = ""  # the round's last day, as ISO date
    company: str = ""
    link: str = ""  # the web form's address
    private: bool = False  # the link is the company's own: keep the paper safe
