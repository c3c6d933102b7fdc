"""The practice catalogue (`sdg_map/practices.yaml`): which SDG targets each
practice contributes to, how strongly and why. Loaded in stages like
questionnaires: read with line numbers → check → build immutable models.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from assess.definitions.checker import Checker, kind_of
from assess.definitions.errors import (
    DefinitionError,
    DefinitionFileError,
    did_you_mean,
    make_error,
    valid_list,
)
from assess.definitions.reader import KeyPath, content_hash, read_yaml
from assess.definitions.source import read_source
from assess.definitions.text import Text
from assess.questionnaire.model import Questionnaire
from assess.scoring.result import GoalLevel
from sdg_map import PRACTICES_PATH, SdgCatalogue, load_catalogue

STRENGTHS = ("direct", "indirect")
SSE_FEATURES = ("economic", "social", "democratic")
GOAL_LEVELS = ("some", "strong")
TOP = {"weights": True, "goal_levels": True, "practices": True}
PRACTICE = {
    "id": True,
    "label": True,
    "prevalence": True,
    "core": False,
    "industries": False,
    "sizes": False,
    "sse": False,
    "targets": True,
    "suggestion": True,
}
# What a practice's `industries` and `sizes` name: options of these questionnaire roles.
FIT_ROLES = {"industries": "company.industry", "sizes": "company.employees"}
LINK = {"target": True, "strength": True, "rationale": True}


@dataclass(frozen=True, slots=True)
class Link:
    target: str
    goal: int
    strength: str
    weight: float
    rationale: Text


@dataclass(frozen=True, slots=True)
class Practice:
    id: str
    label: Text
    links: tuple[Link, ...]
    suggestion: Text
    prevalence: float = 0.5  # estimated share of community SMEs that show it
    core: bool = False  # what the business itself does, not how it operates
    industries: tuple[str, ...] = ()  # where it fits as a next step; () everywhere
    sizes: tuple[str, ...] = ()  # employee bands where it fits as a next step; () all
    sse: tuple[str, ...] = ()
    line: int = 0

    def fits(self, industry: str | None, size: str | None) -> bool:
        """Whether it is a sensible next step for a company of this industry and size."""
        if self.industries and industry and industry not in self.industries:
            return False
        return not (self.sizes and size and size not in self.sizes)


@dataclass(frozen=True, eq=False)  # identity: one loaded instance, cheap to hash
class PracticeCatalogue:
    practices: dict[str, Practice]
    weights: dict[str, float]
    some: float
    strong: float
    source: str = ""
    content_hash: str = ""  # of the parsed file: which mapping a cached profile was made with

    def __getitem__(self, practice_id: str) -> Practice:
        return self.practices[practice_id]

    def __contains__(self, practice_id: object) -> bool:
        return practice_id in self.practices

    @cached_property
    def sdg(self) -> SdgCatalogue:
        return load_catalogue()

    def goal_level(self, aggregate: float) -> GoalLevel:
        if aggregate >= self.strong:
            return GoalLevel.STRONG
        return GoalLevel.SOME if aggregate >= self.some else GoalLevel.NONE


class PracticeChecker(Checker):
    def run(self, sdg: SdgCatalogue) -> PracticeCatalogue | None:
        top = self.mapping((), self.doc.data, TOP, "a mapping with weights, goal_levels and practices")
        if top is None:
            return None
        weights = self.numbers(("weights",), top.get("weights"), STRENGTHS)
        levels = self.numbers(("goal_levels",), top.get("goal_levels"), GOAL_LEVELS)
        practices: dict[str, Practice] = {}
        seen: dict[str, Any] = {}
        for i, raw in enumerate(self.items(("practices",), top.get("practices"), "practices")):
            practice = self.practice(("practices", i), raw, sdg, weights, seen)
            if practice is not None:
                practices[practice.id] = practice
        if len(weights) < 2 or len(levels) < 2:
            return None
        return PracticeCatalogue(
            practices, weights, levels["some"], levels["strong"], self.doc.file, content_hash(self.doc.data)
        )

    def numbers(self, path: KeyPath, raw: Any, keys: tuple[str, ...]) -> dict[str, float]:
        if self.mapping(path, raw, {k: True for k in keys}) is None:
            return {}
        return {k: v for k in keys if k in raw and (v := self.number(path, raw, k, minimum=0)) is not None}

    def practice(
        self, path: KeyPath, raw: Any, sdg: SdgCatalogue, weights: dict[str, float], seen: dict[str, KeyPath]
    ) -> Practice | None:
        if self.mapping(path, raw, PRACTICE) is None:
            return None
        pid = self.ident(path + ("id",), raw.get("id"))
        self.unique(seen, "practice id", pid, path + ("id",))
        label = self.text(path + ("label",), raw.get("label")) if "label" in raw else None
        suggestion = self.text(path + ("suggestion",), raw.get("suggestion")) if "suggestion" in raw else None
        sse = self.id_list(path + ("sse",), raw["sse"], "sse") if "sse" in raw else ()
        for j, feature in enumerate(sse):
            if feature not in SSE_FEATURES:
                self.err(
                    "P107",
                    path + ("sse", j),
                    name=feature,
                    suggestion=did_you_mean(feature, SSE_FEATURES),
                    valid=", ".join(SSE_FEATURES),
                )
        links, linked = [], {}
        items = self.items(path + ("targets",), raw.get("targets"), "targets")
        if items and not 1 <= len(items) <= 4:
            self.err("P105", path + ("targets",), found=len(items))
        for j, item in enumerate(items):
            link = self.link(path + ("targets", j), item, sdg, weights)
            if link is None:
                continue
            if link.target in linked:
                self.err("P104", path + ("targets", j, "target"), name=link.target)
                continue
            linked[link.target] = True
            links.append(link)
        prevalence = self.number(path, raw, "prevalence")
        if prevalence is not None and not 0 < prevalence <= 1:
            self.err("P108", path + ("prevalence",), found=prevalence)
            prevalence = None
        if not (pid and label and suggestion and links and prevalence is not None):
            return None
        return Practice(
            pid,
            label,
            tuple(links),
            suggestion,
            prevalence=prevalence,
            core=self.boolean(path, raw, "core"),
            industries=self.optional_ids(path, raw, "industries"),
            sizes=self.optional_ids(path, raw, "sizes"),
            sse=tuple(f for f in sse if f in SSE_FEATURES),
            line=self.doc.line(path),
        )

    def optional_ids(self, path: KeyPath, raw: dict, key: str) -> tuple[str, ...]:
        return self.id_list(path + (key,), raw[key], key) if key in raw else ()

    def link(self, path: KeyPath, raw: Any, sdg: SdgCatalogue, weights: dict[str, float]) -> Link | None:
        if self.mapping(path, raw, LINK) is None:
            return None
        code = raw.get("target")
        if isinstance(code, (int, float)) and not isinstance(code, bool):
            # YAML reads 8.10 as the number 8.1: insist on quotes rather than guess.
            self.err(
                "Q302",
                path + ("target",),
                field="target",
                expected='a quoted target code such as "8.10"',
                found=kind_of(code),
            )
            return None
        if "target" in raw and code not in sdg:
            near = sdg.nearest(str(code))
            hint = f" (did you mean {' or '.join(repr(c) for c in near)}?)" if near else ""
            self.err("P101", path + ("target",), name=code, suggestion=hint)
            code = None
        strength = raw.get("strength")
        if "strength" in raw and strength not in STRENGTHS:
            self.err("P106", path + ("strength",), found=strength)
            strength = None
        rationale = self.text(path + ("rationale",), raw.get("rationale")) if "rationale" in raw else None
        if not (code and strength and rationale):
            return None
        return Link(code, sdg.target(code).goal, strength, weights.get(strength, 0.0), rationale)


def load_practices(
    path: Path = PRACTICES_PATH, sdg: SdgCatalogue | None = None
) -> tuple[PracticeCatalogue | None, list[DefinitionError]]:
    path = Path(path)
    text, errors = read_source(path, str(path))  # bounded: size, directory, binary, UTF-8
    if text is None:
        return None, errors
    return load_practices_text(text, path.name, sdg)


def load_practices_text(
    text: str, file: str = "practices.yaml", sdg: SdgCatalogue | None = None
) -> tuple[PracticeCatalogue | None, list[DefinitionError]]:
    doc, errors = read_yaml(text, file)
    if doc is None:
        return None, errors
    checker = PracticeChecker(doc)
    catalogue = checker.run(sdg or load_catalogue())
    errors = errors + checker.errors
    if catalogue is None or any(not e.warning for e in errors):
        return None, errors
    return catalogue, errors


def cross_check(
    catalogue: PracticeCatalogue, questionnaires: Iterable[Questionnaire]
) -> list[DefinitionError]:
    """Practices used but not defined (errors), defined but never asked (warnings)."""
    questionnaires = list(questionnaires)
    errors, used = [], set()
    for q in questionnaires:
        for question in q.questions:
            for option_practices in [question.practices] + [o.practices for o in question.options]:
                for pid in option_practices:
                    used.add(pid)
                    if pid not in catalogue:
                        where = f"question '{question.id}'"
                        errors.append(
                            make_error(
                                "P102",
                                q.source,
                                question.line,
                                question.id,
                                name=pid,
                                where=where,
                                suggestion=did_you_mean(pid, catalogue.practices),
                            )
                        )
    for pid, practice in catalogue.practices.items():
        if pid not in used:
            errors.append(make_error("P103", catalogue.source, practice.line, f"practices.{pid}", name=pid))
    errors += _fit_errors(catalogue, list(questionnaires))
    # One message per missing id is enough, however many options use it.
    unique, seen = [], set()
    for e in errors:
        if (e.code, e.message) not in seen:
            seen.add((e.code, e.message))
            unique.append(e)
    return unique


def _fit_errors(catalogue: PracticeCatalogue, questionnaires: list[Questionnaire]) -> list[DefinitionError]:
    """Industries and sizes a practice names must be options some questionnaire offers."""
    errors = []
    for field, role in FIT_ROLES.items():
        offered = {o.value for q in questionnaires if role in q.roles for o in q.roles[role].options}
        if not offered:
            continue
        for pid, practice in catalogue.practices.items():
            for value in getattr(practice, field):
                if value not in offered:
                    errors.append(
                        make_error(
                            "P109",
                            catalogue.source,
                            practice.line,
                            f"practices.{pid}.{field}",
                            name=pid,
                            kind=field[:-1] if field == "sizes" else "industry",
                            value=value,
                            suggestion=did_you_mean(value, offered),
                            valid=valid_list(offered),
                        )
                    )
    return errors


def load_checked(questionnaires: Iterable[Questionnaire], path: Path = PRACTICES_PATH) -> PracticeCatalogue:
    """Load the catalogue and check it against the questionnaires, or raise."""
    catalogue, errors = load_practices(path)
    if catalogue is not None:
        errors = errors + cross_check(catalogue, questionnaires)
    problems = [e for e in errors if not e.warning]
    if catalogue is None or problems:
        raise DefinitionFileError(problems or errors)
    return catalogue
