"""How well the SDG profile tells companies apart, on the persona development set.

    .venv/bin/python bench/sdg_profiles.py [--personas bench/personas]

`bench/personas/stories.yaml` holds fictional companies, each with the goals its
story implies; `answers.yaml` the answers each would give to the latest
questionnaire. Both were written before the ranking was tuned, by someone who
saw neither the ranking nor the practice catalogue. For every persona this
prints its signature goals, the top five of its ranking and the goals its
story implies; then the figures:

- precision@5: the share of a persona's top five goals that its story implies,
  averaged; "constant" is the same for the best fixed list of five goals;
- distinct top-3: how many different sets of top three goals the personas get;
- max goal share: the largest share of personas that have one goal in their top three.

Last line: `sdg-profiles: precision@5 P (constant B), distinct top-3 D of N, max goal share S`.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assess.config import Settings
from assess.scoring import score
from assess.services.startup import load_definitions

TOP = 5


def personas(folder: Path) -> list[dict]:
    stories = yaml.safe_load((folder / "stories.yaml").read_text(encoding="utf-8"))
    answers = yaml.safe_load((folder / "answers.yaml").read_text(encoding="utf-8"))
    return [{**story, "answers": answers[story["id"]]} for story in stories if story["id"] in answers]


def best_constant(implied: list[set[int]]) -> tuple[list[int], float]:
    """The fixed list of five goals with the best mean precision: the five most often implied."""
    counts = Counter(goal for goals in implied for goal in goals)
    best = [goal for goal, _ in counts.most_common(TOP)]
    return best, sum(len(set(best) & goals) / TOP for goals in implied) / len(implied)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--personas", type=Path, default=ROOT / "bench" / "personas")
    parser.add_argument(
        "--method",
        choices=("distinctive", "aggregate"),
        default="distinctive",
        help="aggregate: rank goals by the sum of their targets' contributions, ties by goal "
        "number, as before signature goals (for comparison)",
    )
    args = parser.parse_args()
    definitions = load_definitions(Settings())
    questionnaire = definitions.registry.latest("community-sme")
    found = personas(args.personas)
    implied, tops, top3s = [], [], []
    for persona in found:
        result = score(questionnaire, persona["answers"], definitions.practices)
        ranked = (
            result.goals
            if args.method == "distinctive"
            else sorted(result.goals, key=lambda g: (-g.aggregate, g.number))
        )
        top = [g.number for g in ranked[:TOP]]
        goals = set(persona["goals"])
        implied.append(goals)
        tops.append(top)
        top3s.append(frozenset(top[:3]))
        signature = [g.number for g in result.signature_goals]
        hits = len(set(top) & goals)
        print(
            f"{persona['id']:<28} {persona['industry']:<26} signature {signature!s:<20} "
            f"top5 {top!s:<22} story {sorted(goals)!s:<18} {hits}/{TOP}"
        )
    precision = sum(len(set(top) & goals) / TOP for top, goals in zip(tops, implied, strict=True)) / len(
        found
    )
    constant, baseline = best_constant(implied)
    share = Counter(goal for top3 in top3s for goal in top3)
    top_goal, top_count = share.most_common(1)[0]
    print(f"best constant list: {constant}; goal {top_goal} is in {top_count} of {len(found)} top threes")
    print(
        f"sdg-profiles: precision@5 {precision:.3f} (constant {baseline:.3f}), "
        f"distinct top-3 {len(set(top3s))} of {len(found)}, max goal share {top_count / len(found):.2f}"
    )


if __name__ == "__main__":
    main()
