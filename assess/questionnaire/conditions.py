"""Conditions (`show_if`): parsing with checks, and evaluation against answers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from assess.definitions.checker import Checker, kind_of
from assess.definitions.errors import did_you_mean, valid_list
from assess.definitions.reader import KeyPath
from assess.questionnaire.model import AllOf, AnyOf, Comparison, Condition, Not, Question, Questionnaire
from assess.questionnaire.types import CONDITION_TESTS, get_type

TESTS = CONDITION_TESTS
COMBINATORS = ("all", "any", "not")


def parse_condition(
    ck: Checker,
    path: KeyPath,
    raw: Any,
    owner: str,
    earlier: Mapping[str, Question],
    order: Mapping[str, int],
    refs: list[tuple[str, str, KeyPath]],
) -> Condition | None:
    """Check and build a condition of question `owner`.

    `earlier` holds the questions already built (those before `owner`),
    `order` the position of every question id in the file; every reference
    is also appended to `refs` for cycle detection.
    """
    return ConditionReader(ck, owner, earlier, order, refs).read(path, raw)


@dataclass
class ConditionReader:
    ck: Checker
    owner: str
    earlier: Mapping[str, Question]
    order: Mapping[str, int]
    refs: list[tuple[str, str, KeyPath]]

    def read(self, path: KeyPath, raw: Any) -> Condition | None:
        if not isinstance(raw, dict):
            self.ck.err("Q212", path, found=kind_of(raw))
            return None
        combinators = [k for k in COMBINATORS if k in raw]
        if combinators and "question" not in raw:
            return self.combination(path, raw, combinators[0])
        if "question" not in raw:
            self.ck.err("Q212", path, found="a mapping without 'question'")
            return None
        return self.comparison(path, raw)

    def combination(self, path: KeyPath, raw: dict, key: str) -> Condition | None:
        self.ck.mapping(path, raw, {c: False for c in COMBINATORS})
        if len(raw) != 1:
            self.ck.err("Q212", path, found=f"{len(raw)} keys")
            return None
        if key == "not":
            inner = self.read(path + ("not",), raw["not"])
            return Not(inner) if inner is not None else None
        items = self.ck.items(path + (key,), raw[key], key)
        parts = [self.read(path + (key, i), item) for i, item in enumerate(items)]
        if not items or any(p is None for p in parts):
            return None
        return (AllOf if key == "all" else AnyOf)(tuple(p for p in parts if p is not None))

    def comparison(self, path: KeyPath, raw: dict) -> Comparison | None:
        self.ck.mapping(path, raw, {"question": True, **{t: False for t in TESTS}})
        tests = [t for t in TESTS if t in raw]
        if len(tests) != 1:
            self.ck.err("Q205", path, found=len(tests), valid=", ".join(TESTS))
            return None
        test, value = tests[0], raw[tests[0]]
        target = self.target(path + ("question",), raw["question"])
        if target is None or not _check_value(self.ck, path + (test,), test, value, target):
            return None
        return Comparison(question=target.id, test=test, value=tuple(value) if test == "in" else value)

    def target(self, qpath: KeyPath, name: Any) -> Question | None:
        """The earlier question a comparison names, or None after saying what is wrong."""
        if not isinstance(name, str):
            self.ck.err("Q302", qpath, field="question", expected="a question id", found=kind_of(name))
            return None
        self.refs.append((self.owner, name, qpath))
        if name == self.owner:
            self.ck.err("Q204", qpath, cycle=f"{self.owner} -> {self.owner}")
        elif name not in self.order:
            mine = self.order[self.owner]
            before = (q for q in self.order if self.order[q] < mine)  # did_you_mean reads only a bounded part
            self.ck.err("Q202", qpath, name=name, suggestion=did_you_mean(name, before))
        elif name not in self.earlier:
            self.ck.err("Q203", qpath, name=name)
        else:
            return self.earlier[name]
        return None


def _check_value(ck: Checker, path: KeyPath, test: str, value: Any, target: Question) -> bool:
    qtype = get_type(target.type)
    if test not in qtype.tests:
        hint = f"on a {target.type} question use one of: {', '.join(sorted(qtype.tests))}"
        ck.err("Q207", path, test=test, name=target.id, qtype=target.type, fix_hint=hint)
        return False
    if test == "answered":
        if not isinstance(value, bool):
            ck.err("Q302", path, field="answered", expected="true or false", found=kind_of(value))
            return False
        return True
    if test in ("gte", "lte"):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            ck.err("Q302", path, field=test, expected="a number", found=kind_of(value))
            return False
        return True
    if test == "in" and (not isinstance(value, list) or not value):
        ck.err("Q302", path, field="in", expected="a non-empty list of values", found=kind_of(value))
        return False
    allowed = qtype.condition_values(target)
    if allowed is None:
        return True
    ok = True
    for v in value if test == "in" else [value]:
        if v not in allowed:
            names = [str(a) for a in allowed]
            ck.err(
                "Q206",
                path,
                value=v,
                name=target.id,
                suggestion=did_you_mean(str(v), names),
                valid=valid_list(names),
            )
            ok = False
    return ok


def find_cycles(refs: list[tuple[str, str, KeyPath]]) -> list[tuple[list[str], KeyPath]]:
    """Cycles among condition references, each with the path of one edge in it."""
    graph: dict[str, list[tuple[str, KeyPath]]] = {}
    for owner, name, path in refs:
        if owner != name:
            graph.setdefault(owner, []).append((name, path))
    cycles: list[tuple[list[str], KeyPath]] = []
    seen_sets: set[frozenset[str]] = set()
    for start in graph:
        stack: list[tuple[str, list[str], KeyPath | None]] = [(start, [start], None)]
        while stack:
            node, trail, first_path = stack.pop()
            for nxt, path in graph.get(node, []):
                if nxt == start:
                    key = frozenset(trail)
                    if key not in seen_sets:
                        seen_sets.add(key)
                        cycles.append((trail + [start], first_path or path))
                elif nxt not in trail:
                    stack.append((nxt, trail + [nxt], first_path or path))
    return cycles


# --- evaluation -------------------------------------------------------------


def holds(condition: Condition, answers: Mapping[str, Any], visible: Mapping[str, bool]) -> bool:
    if isinstance(condition, Comparison):
        shown = visible.get(condition.question, True)
        answer = answers.get(condition.question) if shown else None
        answered = answer is not None and answer != [] and answer != ""
        if condition.test == "answered":
            return answered == condition.value
        if not answered:
            return False
        if condition.test == "equals":
            return answer == condition.value
        if condition.test == "in":
            return answer in condition.value
        if condition.test == "contains":
            return isinstance(answer, list) and condition.value in answer
        if not isinstance(answer, (int, float)) or isinstance(answer, bool):
            return False
        return answer >= condition.value if condition.test == "gte" else answer <= condition.value
    if isinstance(condition, AllOf):
        return all(holds(c, answers, visible) for c in condition.conditions)
    if isinstance(condition, AnyOf):
        return any(holds(c, answers, visible) for c in condition.conditions)
    return not holds(condition.condition, answers, visible)


def visibility(questionnaire: Questionnaire, answers: Mapping[str, Any]) -> dict[str, bool]:
    """Which questions are shown, in one pass: conditions only look backwards."""
    visible: dict[str, bool] = {}
    for qid, condition in questionnaire.conditions:
        visible[qid] = condition is None or holds(condition, answers, visible)
    return visible


def effective_answers(questionnaire: Questionnaire, answers: Mapping[str, Any]) -> dict[str, Any]:
    """Answers of visible questions only; stale answers of hidden ones are ignored."""
    visible = visibility(questionnaire, answers)
    out = {}
    for q in questionnaire.questions:
        if visible[q.id] and answers.get(q.id) is not None:
            out[q.id] = answers[q.id]
            other = f"{q.id}.other"
            if other in answers:
                out[other] = answers[other]
    return out
