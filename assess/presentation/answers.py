"""A response's answers as people read them, section by section (review pages, staff detail)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from assess.questionnaire.conditions import visibility
from assess.questionnaire.model import Questionnaire
from assess.questionnaire.pages import missing_required
from assess.questionnaire.types import answer_text


def review_sections(questionnaire: Questionnaire, answers: Mapping[str, Any], locale: str) -> list[dict]:
    """Each section with its shown questions, their answers and which required ones are missing."""
    visible = visibility(questionnaire, answers)
    missing = {q.id for q in missing_required(questionnaire, answers)}
    out = []
    for section in questionnaire.sections:
        rows = [
            {
                "id": q.id,
                "label": q.label.get(locale),
                "answer": answer_text(q, answers.get(q.id), answers, locale),
                "missing": q.id in missing,
                "required": q.required,
            }
            for q in section.questions
            if visible[q.id]
        ]
        out.append(
            {
                "id": section.id,
                "title": section.title.get(locale),
                "rows": rows,
                "missing": sum(1 for r in rows if r["missing"]),
            }
        )
    return out
