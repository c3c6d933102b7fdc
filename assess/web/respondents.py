"""What the respondent's pages share: finding the response behind a private link,
and the parts of every page about it."""

from __future__ import annotations

from fastapi import HTTPException, Request
from sqlmodel import Session

from assess.models import Response
from assess.questionnaire.model import Questionnaire
from assess.questionnaire.registry import Registry
from assess.services.inputs import small_int
from assess.services.responses import find_response


def respondent(db: Session, registry: Registry, token: str) -> tuple[Response, Questionnaire]:
    """The response of a private link and its questionnaire, or 404."""
    response = find_response(db, token)
    if response is None:
        raise HTTPException(404)
    return response, registry.get(response.questionnaire_id, response.questionnaire_version)


def survey_context(
    base_url: str,
    token: str,
    response: Response,
    questionnaire: Questionnaire,
    locale: str,
    comments: list[str],
) -> dict:
    """What every page behind a private link shows; `comments`: the reviewer's, while returned."""
    return {
        "comments": comments,
        "token": token,
        "resume_url": f"{base_url}/s/{token}",
        "response": response,
        "title": questionnaire.title.get(locale),
        "sections": [(s.id, s.title.get(locale)) for s in questionnaire.sections],
    }


def revision_of(form) -> int:
    """The revision a form was loaded at (optimistic locking); -1 when missing or garbled."""
    revision = small_int(form.get("revision", ""))
    return -1 if revision is None else revision


def response_locale(request: Request, response: Response) -> str:
    """The page's language: the visitor's choice, else the language the response was answered in."""
    if not getattr(request.state, "locale_chosen", False) and response.locale:
        request.state.locale = str(response.locale)
    return request.state.locale
