"""Scores generated valid responses and prints responses per second on one core.

    .venv/bin/python bench/scoring.py [N]

Last line: `scoring: N responses/s`.
"""

import gc
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assess.config import Settings
from assess.questionnaire.sample import sample_answers
from assess.scoring import score
from assess.services.startup import load_definitions


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    definitions = load_definitions(Settings())
    registry, catalogue = definitions.registry, definitions.practices
    questionnaire = registry.latest("community-sme")
    rng = random.Random(2019)
    responses = [sample_answers(questionnaire, rng) for _ in range(count)]
    score(questionnaire, responses[0], catalogue)  # build the lookup tables once
    # The 10,000 generated inputs are the harness's, not scoring's: keep the
    # garbage collector from re-walking them during the timed loop.
    gc.collect()
    gc.freeze()
    started = time.process_time()
    overall = 0.0
    for answers in responses:
        result = score(questionnaire, answers, catalogue)
        overall += float(result.overall.score or 0)
    elapsed = time.process_time() - started
    print(
        f"questionnaire: {questionnaire.id} v{questionnaire.version}, {len(questionnaire.questions)} "
        "questions"
    )
    print(f"responses: {count}, CPU time {elapsed:.2f} s, mean overall score {overall / count:.1f}")
    print(f"scoring: {count / elapsed:.0f} responses/s")


if __name__ == "__main__":
    main()
