"""Evidence: files attached to answers, for the company's link and for staff; document requests.

The company attaches files on its section pages: each upload box posts a form of its own (the
answers form is separate, so what was typed but not saved on the page is not sent with a file),
and the page comes back with the file listed, or with the reason it was refused beside the
question. Downloads are always attachments, never cached, never sniffed: only the response's own
link and signed-in staff reach them.
"""

from __future__ import annotations

from fastapi import HTTPException, Request
from fastapi.responses import StreamingResponse
from starlette.datastructures import UploadFile

from assess.db import retry_locked
from assess.models import Response, Round
from assess.services.attachment_export import export_round_files, zip_stream
from assess.services.attachments import (
    FileMissing,
    attach,
    delete,
    evidence_of,
    find_attachment,
    takes_files,
)
from assess.services.errors import DomainError
from assess.web.csrf import FormRouter
from assess.web.deps import ContextDep, DbDep, FormDep, LocaleDep, RowId, StaffDep, on_db
from assess.web.evidence import download, store
from assess.web.interview import interviewer
from assess.web.rendering import redirect
from assess.web.respondents import respondent

router = FormRouter()
FILE_FIELD = "evidence.file"  # no question id has a dot, so it never meets an answer's name


def _back(token: str, section_id: str, question_id: str, **params: str) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return f"/s/{token}/p/{section_id}?{query}&aq={question_id}#q-{question_id}"


# --- the company's link ------------------------------------------------------------------


@router.post("/s/{token}/attachments/{question_id}")
def upload(request: Request, token: str, question_id: str, form: FormDep, db: DbDep, context: ContextDep):
    # A plain function: FastAPI runs it in a worker thread, so copying and checking the file
    # never holds up the event loop.
    response, questionnaire = respondent(db, context.definitions.registry, token)
    question = takes_files(questionnaire, evidence_of(db, response.id), question_id)
    if question is None:
        raise HTTPException(404)
    file = form.get(FILE_FIELD)
    staff = interviewer(request, db, context.secret, response)
    try:
        if not isinstance(file, UploadFile) or (not file.filename and not file.size):
            raise FileMissing()
        attach(db, store(request), response, question, file.file, file.filename, staff.email if staff else "")
    except DomainError as exc:
        return redirect(_back(token, question.section_id, question.id, ae=exc.code))
    return redirect(_back(token, question.section_id, question.id, an="attached"))


@router.get("/s/{token}/attachments/{attachment_id}")
@on_db
def company_download(request: Request, token: str, attachment_id: RowId, db: DbDep, context: ContextDep):
    response, _ = respondent(db, context.definitions.registry, token)
    attachment = find_attachment(db, attachment_id, response.id)
    if attachment is None:
        raise HTTPException(404)
    return download(store(request), attachment.stored, attachment.name, attachment.media_type)


@router.post("/s/{token}/attachments/{attachment_id}/delete")
def company_delete(
    request: Request, token: str, attachment_id: RowId, form: FormDep, db: DbDep, context: ContextDep
):
    response, questionnaire = respondent(db, context.definitions.registry, token)
    attachment = find_attachment(db, attachment_id, response.id)
    if attachment is None:
        raise HTTPException(404)
    question = questionnaire.question_index.get(attachment.question_id)
    section_id = question.section_id if question else questionnaire.sections[0].id
    try:
        retry_locked(lambda: delete(db, store(request), attachment, response))
    except DomainError as exc:
        return redirect(_back(token, section_id, attachment.question_id, ae=exc.code))
    return redirect(_back(token, section_id, attachment.question_id, an="deleted"))


# --- staff ---------------------------------------------------------------------------------


@router.get("/staff/attachments/{attachment_id}")
def staff_download(request: Request, attachment_id: RowId, staff: StaffDep, db: DbDep):
    attachment = find_attachment(db, attachment_id)
    if attachment is None:
        raise HTTPException(404)
    return download(store(request), attachment.stored, attachment.name, attachment.media_type)


@router.post("/staff/attachments/{attachment_id}/delete")
def staff_delete(request: Request, attachment_id: RowId, staff: StaffDep, form: FormDep, db: DbDep):
    attachment = find_attachment(db, attachment_id)
    response = db.get(Response, attachment.response_id) if attachment else None
    if attachment is None or response is None:
        raise HTTPException(404)
    retry_locked(lambda: delete(db, store(request), attachment, response, actor=staff.email))
    return redirect(f"/staff/responses/{response.id}?n=deleted#evidence")


@router.get("/staff/rounds/{round_id}/attachments.zip")
def round_zip(
    request: Request, round_id: RowId, staff: StaffDep, db: DbDep, context: ContextDep, locale: LocaleDep
):
    round_ = db.get(Round, round_id)
    if round_ is None:
        raise HTTPException(404)
    name, entries = export_round_files(
        db, round_, context.definitions.registry, store(request), staff.email, locale
    )
    return StreamingResponse(
        zip_stream(entries, locale),
        media_type="application/zip",
        headers={
            "content-disposition": f'attachment; filename="{name}"',
            "x-content-type-options": "nosniff",
            "cache-control": "no-store",
        },
    )
