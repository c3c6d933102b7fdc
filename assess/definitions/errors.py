"""One catalogue of coded messages for definition and mapping files.

Every problem found in a questionnaire or practice file is a `DefinitionError`
made from a `Rule` here, so the same mistake always reads the same way and
says where it is, which rule it breaks and how to fix it.
"""

from __future__ import annotations

import difflib
import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Rule:
    code: str
    message: str  # str.format template
    fix: str  # str.format template
    warning: bool = False


_RULES = [
    # Q1xx: reading and structure
    Rule("Q100", "the file is not valid YAML: {detail}", "{fix_hint}"),
    Rule("Q101", "key '{key}' appears twice", "remove or rename one of them"),
    Rule("Q102", "expected {expected}, found {found}", "write {expected} here"),
    Rule("Q103", "unknown key '{key}'{suggestion}", "use one of: {valid}"),
    Rule("Q104", "required field '{field}' is missing", "add '{field}'"),
    Rule("Q106", "'{field}' is empty", "give at least one item"),
    Rule(
        "Q107",
        "'{value}' is not a valid identifier",
        "use lowercase letters, digits, '_' and '-', starting with a letter",
    ),
    Rule(
        "Q108",
        "the file is empty",
        "write the definition: see docs/questionnaire-format.md, or docs/sdg-mapping.md for practices",
    ),
    # Q109-Q117: the file itself, checked before and while its YAML is read
    Rule("Q109", "the file cannot be read: {reason}", "{fix_hint}"),
    Rule(
        "Q110",
        "the file is {size} bytes, more than the limit of {limit} for a definition file",
        "check that this is the right file: definitions are far smaller; split or shorten it",
    ),
    Rule("Q111", "the file is not plain text: {detail}", "{fix_hint}"),
    Rule(
        "Q112",
        "the file is not UTF-8 text: {detail}",
        "save it as UTF-8: in most editors, Save As and choose the encoding UTF-8",
    ),
    Rule(
        "Q113",
        "YAML anchors, aliases and merge keys are not allowed in definition files, found {found}",
        "write the value out in full wherever it is needed",
    ),
    Rule(
        "Q114",
        "the file nests mappings and lists more than {limit} levels deep",
        "definitions need far fewer levels: look for unclosed brackets or a runaway structure",
    ),
    Rule("Q115", "tabs are not allowed for indentation", "use spaces: indent each level by two spaces"),
    Rule("Q116", "this line is indented differently from the lines around it{detail}", "{fix_hint}"),
    Rule(
        "Q117",
        "start-up loads only .yaml files, so this file would never be loaded",
        "rename {name} to {expected}",
    ),
    # Q2xx: references and conditions
    Rule(
        "Q201", "duplicate {kind} '{value}' (first at line {first_line})", "give every {kind} a unique value"
    ),
    Rule("Q202", "unknown question '{name}'{suggestion}", "refer to a question defined earlier in the file"),
    Rule(
        "Q203",
        "condition refers to '{name}', which comes later in the questionnaire",
        "refer only to questions asked before this one, or move the question",
    ),
    Rule("Q204", "condition cycle: {cycle}", "break the cycle: a question cannot depend on itself"),
    Rule("Q205", "a comparison needs exactly one test, found {found}", "use one of: {valid}"),
    Rule("Q206", "'{value}' is not an option of question '{name}'{suggestion}", "use one of: {valid}"),
    Rule("Q207", "test '{test}' does not apply to question '{name}' of type {qtype}", "{fix_hint}"),
    Rule("Q208", "unknown area '{name}'{suggestion}", "use one of the areas: {valid}"),
    Rule(
        "Q209",
        "unknown option list '{name}'{suggestion}",
        "define it under option_lists or use one of: {valid}",
    ),
    Rule("Q210", "unknown role '{name}'{suggestion}", "use one of: {valid}"),
    Rule(
        "Q211", "role '{name}' is already used by question '{other}'", "give each role to one question only"
    ),
    Rule(
        "Q212",
        "a condition is a mapping with 'question' or one of all / any / not, found {found}",
        "write e.g. {{question: q, equals: v}} or {{all: [...]}}",
    ),
    # Q3xx: types and values
    Rule("Q301", "unknown question type '{name}'{suggestion}", "use one of: {valid}"),
    Rule("Q302", "'{field}' must be {expected}, found {found}", "write {expected}"),
    Rule(
        "Q303",
        "'{field}' is given on a question that is not scored ({reason})",
        "remove '{field}', or put the question in a scored section with a choice, scale or yes/no type",
    ),
    Rule("Q304", "question type {qtype} needs options", "add 'options' or 'options_from'"),
    Rule("Q305", "'options' and 'options_from' are both given", "keep one of them"),
    Rule("Q306", "'{field}' does not apply to type {qtype}", "remove '{field}'"),
    Rule("Q307", "min ({min}) is greater than max ({max})", "swap or correct the limits"),
    Rule("Q308", "scale scores must be five numbers, found {found}", "give one score for each of 1 to 5"),
    Rule("Q309", "'exclusive' is only allowed on multiple_choice options", "remove 'exclusive'"),
    Rule(
        "Q310",
        "option value 'other' is reserved",
        "set 'other: true' on the question instead, or rename the value",
    ),
    Rule(
        "Q311",
        "maturity levels: {detail}",
        "list levels from lowest to highest, the first with min 0, mins rising and at most 100",
    ),
    Rule("Q312", "'{field}' must not be negative, found {value}", "use 0 or a positive number"),
    Rule("Q313", "practice_min must be between 1 and 5, found {value}", "use a scale value from 1 to 5"),
    Rule(
        "Q314",
        "consent option '{value}' names no narrative role{suggestion}",
        "use one of: {valid}, or mark a 'none' option exclusive",
    ),
    Rule(
        "Q315",
        "question {name} has options but none earns points",
        "give the better options a positive score, or set weight: 0",
    ),
    Rule(
        "Q316",
        "a 'not_applicable' option of a multiple_choice question must also be 'exclusive'",
        "add 'exclusive: true': not applicable cannot be combined with other choices",
    ),
    Rule("Q317", "only one option may be 'not_applicable', found {found}", "keep one not-applicable option"),
    Rule(
        "Q318",
        "'attachments_max' is given on a question that takes no attachments",
        "add 'attachments: true', or remove 'attachments_max'",
    ),
    # Q4xx: translations
    Rule("Q401", "missing {lang} text", "add '{lang}: ...' with the {language} text"),
    Rule(
        "Q402",
        "text must be a mapping of languages {{ja: ..., en: ...}}, found {found}",
        "write {{ja: ..., en: ...}}",
    ),
    Rule("Q403", "unknown language '{lang}'", "use only 'ja' and 'en'"),
    # Q5xx: versions
    Rule(
        "Q501",
        "questionnaire {qid} version {version} already has responses, and this file's content differs "
        "from the content they were given (locked hash {old}{since}; this file's hash {new}); only the "
        "hash of the locked content is kept, so the changed field cannot be named",
        "undo the change: restore the copy that 'assess questionnaire check' shows with hash {old}, e.g. "
        "from version control; or publish it as a new file with version {next_version}",
    ),
    Rule(
        "Q502",
        "questionnaire {qid} version {version} is also defined in {other}",
        "give each file its own version",
    ),
    # Warnings
    Rule("W101", "file name does not match id and version", "name the file {expected}", warning=True),
    # P1xx: practice catalogue (sdg_map/practices.yaml)
    Rule(
        "P101",
        "unknown SDG target '{name}'{suggestion}",
        "use a target code from sdg_map/data/sdg_targets.json, e.g. 8.5 or 12.a",
    ),
    Rule(
        "P102",
        "practice '{name}' is used by {where} but not defined{suggestion}",
        "define it in sdg_map/practices.yaml or correct the id",
    ),
    Rule(
        "P103",
        "practice '{name}' is defined but no question asks about it",
        "link it from a questionnaire option, or remove it",
        warning=True,
    ),
    Rule("P104", "target {name} is linked twice", "keep one link per target"),
    Rule(
        "P105",
        "a practice links 1 to 4 targets, found {found}",
        "keep the 1 to 4 targets the practice describes best",
    ),
    Rule("P106", "strength must be 'direct' or 'indirect', found '{found}'", "use direct or indirect"),
    Rule("P107", "unknown SSE feature '{name}'{suggestion}", "use one of: {valid}"),
    Rule(
        "P108",
        "prevalence must be above 0 and at most 1, found {found}",
        "give the estimated share of community SMEs that show the practice, e.g. 0.3",
    ),
    Rule(
        "P109",
        "practice '{name}' names {kind} '{value}', which no questionnaire offers{suggestion}",
        "use one of: {valid}",
    ),
]

CATALOGUE: dict[str, Rule] = {rule.code: rule for rule in _RULES}


@dataclass(frozen=True)
class DefinitionError:
    code: str
    file: str
    line: int
    path: str
    message: str
    fix: str
    warning: bool = False

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        path = f" {self.path}:" if self.path else ":"
        kind = "warning " if self.warning else ""
        return f"{where}{path} {kind}{self.code} {self.message} ({self.fix})"


MAX_SHOWN = 300  # characters of one value in a message: a value may be as long as the file


def make_error(code: str, file: str, line: int, path: str, **params: Any) -> DefinitionError:
    rule = CATALOGUE[code]
    params.setdefault("suggestion", "")
    for name, value in params.items():
        if not isinstance(value, (int, float)) and len(shown := str(value)) > MAX_SHOWN:
            params[name] = f"{shown[: MAX_SHOWN - 20]}… ({len(shown):,} characters)"
    return DefinitionError(
        code=code,
        file=file,
        line=line,
        path=path,
        message=rule.message.format(**params),
        fix=rule.fix.format(**params),
        warning=rule.warning,
    )


MAX_COMPARED = 300  # candidates compared for a suggestion (the shipped lists are shorter): difflib is slow
MAX_LOOKED_AT = 1000  # candidates looked at: a file may have thousands of unknown names


def did_you_mean(name: object, candidates: Iterable[str]) -> str:
    """A ' (did you mean 'x'?)' suffix for the closest candidate, or ''.

    Bounded: a file with thousands of unknown names among thousands of
    candidates must not take minutes, so a long list is narrowed to names of
    about the same length and the same first letter, at most MAX_COMPARED of
    the first MAX_LOOKED_AT."""
    if not isinstance(name, str) or not name or len(name) > 100:
        return ""
    pool = [c for c in itertools.islice(candidates, MAX_LOOKED_AT) if isinstance(c, str)]
    if len(pool) > MAX_COMPARED:
        pool = [c for c in pool if c[:1] == name[:1] and abs(len(c) - len(name)) <= 2][:MAX_COMPARED]
    close = difflib.get_close_matches(name, pool, n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def valid_list(candidates: Iterable[str], limit: int = 12) -> str:
    items = sorted(candidates)
    shown = ", ".join(items[:limit])
    return shown + (f", … ({len(items)} in all)" if len(items) > limit else "")


class DefinitionFileError(Exception):
    """A definition file could not be loaded; carries every error found."""

    def __init__(self, errors: list[DefinitionError]):
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))
