"""Evidence on the web: the files and document requests shown under each question of a section
page, the company's and staff's views of them, and downloads that are never shown inline."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from fastapi import HTTPException, Request
from jinja2 import Environment
from starlette.responses import FileResponse

from assess.db import session
from assess.models import Response
from assess.questionnaire.model import Questionnaire, Section
from assess.services.attachments import (
    evidence_of,
    limits,
    path_of,
    refusal_text,
    store_of,
    takes_files,
)
from assess.templating import i18n_context
from assess.vocab import ResponseStatus
from assess.web.deps import context_of

# ?an= after a redirect: what was done
NOTICES = ("attached", "deleted")


def store(request: Request) -> Path:
    return store_of(context_of(request).settings.data_dir)


def section_evidence(
    request: Request,
    templates: Environment,
    token: str,
    response: Response,
    questionnaire: Questionnaire,
    section: Section,
    locale: str,
    state: dict[str, dict],
) -> dict:
    """Put each question's files, upload box and open requests into `state` (the section's
    placeholders, see web.fragments), and return what the page needs for its upload and delete
    forms, which live outside the answers form (HTML forms do not nest)."""
    if response.status != ResponseStatus.RETURNED and not any(q.attachments for q in section.questions):
        return {}  # documents are asked for only with a return: no file can be here (no query)
    with session(context_of(request).engine) as db:
        evidence = evidence_of(db, response.id)
    query = request.query_params
    error_code, error_question = query.get("ae", ""), query.get("aq", "")
    notice = query.get("an", "") if query.get("an", "") in NOTICES else ""
    uploads: list[str] = []
    template = templates.get_template("survey/_attachments.html")
    for question in section.questions:
        accepting = takes_files(questionnaire, evidence, question.id)
        files = evidence.files.get(question.id, [])
        if question.id not in state or not (accepting or files):
            continue
        here = question.id == error_question
        state[question.id]["evidence"] = template.render(
            {
                **i18n_context(locale),
                "qid": question.id,
                "token": token,
                "files": files,
                "requests": evidence.open_requests(question.id),
                "accepting": accepting is not None,
                "limits": limits(question),
                "error": refusal_text(error_code, locale, question) if here else "",
                "notice": notice if here else "",
            }
        )
        if accepting:
            uploads.append(question.id)
    has_files = any(evidence.files.get(q.id) for q in section.questions)
    return {"uploads": uploads, "deletes": has_files, "token": token} if uploads or has_files else {}


def download(store_path: Path, stored: str, name: str, media_type: str) -> FileResponse:
    """A stored file as a download: never shown inline, never cached, never sniffed; 404 when
    its bytes are gone (deleted meanwhile)."""
    path = path_of(store_path, stored)
    if not path.is_file():
        raise HTTPException(404)
    ascii_name = name.encode("ascii", "replace").decode("ascii").replace("?", "_").replace('"', "_")
    disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"
    return FileResponse(
        path,
        media_type=media_type,
        headers={
            "content-disposition": disposition,
            "x-content-type-options": "nosniff",
            "cache-control": "no-store",
            "content-security-policy": "default-src 'none'; sandbox",
        },
    )


def staff_evidence(db, response: Response, questionnaire: Questionnaire, locale: str) -> dict:
    """The staff page's view: each question's files and requests, and the questions staff may
    ask a document for when returning the response."""
    evidence = evidence_of(db, response.id)
    rows = [
        {
            "id": q.id,
            "label": q.label.get(locale),
            "files": evidence.files.get(q.id, []),
            "requests": evidence.requests.get(q.id, []),
        }
        for q in questionnaire.questions
        if evidence.files.get(q.id) or evidence.requests.get(q.id)
    ]
    choices = [
        (
            s.title.get(locale),
            [{"id": q.id, "label": q.label.get(locale), "flagged": q.attachments} for q in s.questions],
        )
        for s in questionnaire.sections
    ]
    return {"rows": rows, "choices": choices}
