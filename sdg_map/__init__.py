"""The SDG catalogue (17 goals, 169 targets, ja/en, official colours).

Data only plus a small lookup API; this package never imports `assess`.
The practice-to-target mapping lives beside it in `practices.yaml`.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
CATALOGUE_PATH = DATA_DIR / "sdg_targets.json"
SOURCES_PATH = DATA_DIR / "SOURCES.md"
PRACTICES_PATH = Path(__file__).resolve().parent / "practices.yaml"


class UnknownCodeError(KeyError):
    """An unknown goal number or target code; names the nearest valid ones."""

    def __init__(self, code: str, nearest: list[str]):
        self.code, self.nearest = code, nearest
        hint = f"; nearest valid codes: {', '.join(nearest)}" if nearest else ""
        super().__init__(f"unknown SDG code {code!r}{hint}")

    def __str__(self) -> str:
        return self.args[0]


@dataclass(frozen=True, slots=True)
class Goal:
    number: int
    color: str
    short: dict[str, str]
    title: dict[str, str]

    def short_in(self, locale: str) -> str:
        return self.short.get(locale) or self.short["en"]

    def title_in(self, locale: str) -> str:
        return self.title.get(locale) or self.title["en"]


@dataclass(frozen=True, slots=True)
class Target:
    code: str
    goal: int
    text: dict[str, str]

    def text_in(self, locale: str) -> str:
        return self.text.get(locale) or self.text["en"]


def _target_sort_key(code: str) -> tuple[int, int, str]:
    goal, _, rest = code.partition(".")
    return (int(goal), 0 if rest.isdigit() else 1, rest.zfill(3) if rest.isdigit() else rest)


class SdgCatalogue:
    def __init__(self, data: dict):
        self._goals = {
            g["number"]: Goal(g["number"], g["color"], dict(g["short"]), dict(g["title"]))
            for g in data["goals"]
        }
        self._targets = {t["code"]: Target(t["code"], t["goal"], dict(t["text"])) for t in data["targets"]}
        self._by_goal: dict[int, list[Target]] = {n: [] for n in self._goals}
        for target in sorted(self._targets.values(), key=lambda t: _target_sort_key(t.code)):
            self._by_goal[target.goal].append(target)

    def goals(self) -> list[Goal]:
        return [self._goals[n] for n in sorted(self._goals)]

    def goal(self, number: int) -> Goal:
        try:
            return self._goals[int(number)]
        except (KeyError, ValueError, TypeError):
            raise UnknownCodeError(str(number), self._nearest_goals(number)) from None

    def targets(self) -> list[Target]:
        return [t for n in sorted(self._by_goal) for t in self._by_goal[n]]

    def targets_of(self, goal: int) -> list[Target]:
        self.goal(goal)
        return list(self._by_goal[int(goal)])

    def target(self, code: str) -> Target:
        try:
            return self._targets[code]
        except (KeyError, TypeError):
            raise UnknownCodeError(str(code), self.nearest(str(code))) from None

    def __contains__(self, code: object) -> bool:
        return code in self._targets

    def nearest(self, code: str, n: int = 3) -> list[str]:
        """The valid target codes closest to a misspelt one, same goal first."""
        goal = code.partition(".")[0]
        same_goal = [c for c in self._targets if c.partition(".")[0] == goal]
        close = difflib.get_close_matches(code, same_goal, n=n, cutoff=0.3) if same_goal else []
        if len(close) < n:
            close += [
                c
                for c in difflib.get_close_matches(code, list(self._targets), n=n, cutoff=0.5)
                if c not in close
            ]
        return close[:n]

    def _nearest_goals(self, number: int | str) -> list[str]:
        try:
            n = int(number)
        except (ValueError, TypeError):
            return []
        return [str(g) for g in sorted(self._goals, key=lambda g: abs(g - n))[:2]]


@lru_cache(maxsize=1)
def load_catalogue() -> SdgCatalogue:
    with CATALOGUE_PATH.open(encoding="utf-8") as fp:
        return SdgCatalogue(json.load(fp))


def sources_text() -> str:
    return SOURCES_PATH.read_text(encoding="utf-8")
