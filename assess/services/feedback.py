"""The feedback a response gets, scored from its stored answers (see presentation.feedback)."""

from __future__ import annotations

from sqlmodel import Session

from assess.models import Response
from assess.presentation.feedback import FeedbackView, feedback_view
from assess.questionnaire.model import Questionnaire
from assess.scoring import ScoreResult, score
from assess.services.responses import load_answers
from assess.services.startup import Definitions


def questionnaire_of(definitions: Definitions, response: Response) -> Questionnaire:
    return definitions.registry.get(response.questionnaire_id, response.questionnaire_version)


def score_response(db: Session, definitions: Definitions, response: Response) -> ScoreResult:
    return score(
        questionnaire_of(definitions, response), load_answers(db, response.id), definitions.practices
    )


def response_feedback(
    db: Session, definitions: Definitions, response: Response, locale: str, medium: str = "screen"
) -> FeedbackView:
    questionnaire = questionnaire_of(definitions, response)
    answers = load_answers(db, response.id)
    result = score(questionnaire, answers, definitions.practices)
    return feedback_view(result, questionnaire, definitions.practices, answers, locale, medium)
