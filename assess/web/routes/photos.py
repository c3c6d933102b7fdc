"""Case-study photos and logos: the company adds them behind its private link once it has
submitted and consented to publish, staff on the case-study page. Every form answers with a
redirect back to its page, with the reason when a file was refused. The image bytes are only
ever served as downloads (an <img> still shows them), never sniffed, never cached."""

from __future__ import annotations

from fastapi import HTTPException, Request
from sqlmodel import Session
from starlette.datastructures import UploadFile

from assess.models import CasePhoto, Response
from assess.questionnaire.model import Questionnaire
from assess.services.case_studies import case_study, publishable
from assess.services.errors import DomainError
from assess.services.photos import (
    PhotoMissing,
    add_photo,
    delete_photo,
    find_photo,
    update_photo,
)
from assess.services.responses import load_answers
from assess.vocab import EDITABLE, PhotoKind
from assess.web.csrf import FormRouter
from assess.web.deps import BaseUrlDep, DbDep, DefinitionsDep, FormDep, RowId, StaffDep, on_db
from assess.web.evidence import download, store
from assess.web.photo_views import photo_panel
from assess.web.rendering import private, redirect, render
from assess.web.respondents import respondent, response_locale, survey_context

router = FormRouter()
FILE_FIELD = "photo.file"


def _texts(form) -> tuple[str, str, str]:
    """Caption (ja, en) and credit; a field sent as anything but text counts as empty."""
    values = [form.get(k, "") for k in ("caption_ja", "caption_en", "credit")]
    return tuple(v if isinstance(v, str) else "" for v in values)  # type: ignore[return-value]


def _kind(form) -> PhotoKind:
    return PhotoKind.LOGO if form.get("kind") == PhotoKind.LOGO else PhotoKind.PHOTO


def _upload(db: Session, request: Request, response: Response, form, actor: str) -> str:
    """Add the posted image; the query to redirect back with."""
    file = form.get(FILE_FIELD)
    try:
        if not isinstance(file, UploadFile) or (not file.filename and not file.size):
            raise PhotoMissing()
        consent = form.get("consent") == "1"
        kind = _kind(form)
        add_photo(db, store(request), response, file.file, file.filename, kind, _texts(form), consent, actor)
    except DomainError as exc:
        return f"pe={exc.code}"
    return "pn=added"


def _change(db: Session, request: Request, photo: CasePhoto, form, actor: str) -> str:
    try:
        if form.get("action") == "delete":
            delete_photo(db, store(request), photo, actor)
            return "pn=deleted"
        update_photo(db, photo, _texts(form), actor)
    except DomainError as exc:
        return f"pe={exc.code}"
    return "pn=saved"


# --- the company's link ------------------------------------------------------------------


def _company_response(db: Session, definitions, token: str) -> tuple[Response, Questionnaire, bool]:
    """The response of the link, its questionnaire, and whether it may add photos: submitted,
    and consenting."""
    response, questionnaire = respondent(db, definitions.registry, token)
    answers = load_answers(db, response.id)
    study = case_study(db, response, questionnaire, answers)
    allowed = response.status not in EDITABLE and publishable(questionnaire, answers, study)
    return response, questionnaire, allowed


@router.get("/s/{token}/photos")
@on_db
def company_photos(
    request: Request, token: str, db: DbDep, definitions: DefinitionsDep, base_url: BaseUrlDep
):
    response, questionnaire, allowed = _company_response(db, definitions, token)
    locale = response_locale(request, response)
    context = survey_context(base_url, token, response, questionnaire, locale, [])
    context.update({"allowed": allowed, "panel": photo_panel(request, db, response, f"/s/{token}/photos")})
    return private(render(request, "survey/photos.html", context))


@router.post("/s/{token}/photos")
def company_upload(request: Request, token: str, form: FormDep, db: DbDep, definitions: DefinitionsDep):
    response, _, allowed = _company_response(db, definitions, token)
    if not allowed:
        raise HTTPException(404)
    return redirect(f"/s/{token}/photos?{_upload(db, request, response, form, '')}")


@router.post("/s/{token}/photos/{photo_id}")
def company_change(
    request: Request, token: str, photo_id: RowId, form: FormDep, db: DbDep, definitions: DefinitionsDep
):
    response, _, allowed = _company_response(db, definitions, token)
    photo = find_photo(db, photo_id, response.id)
    if photo is None or not allowed:  # after a withdrawal the company changes nothing here
        raise HTTPException(404)
    return redirect(f"/s/{token}/photos?{_change(db, request, photo, form, '')}")


@router.get("/s/{token}/photos/{photo_id}")
@on_db
def company_image(request: Request, token: str, photo_id: RowId, db: DbDep, definitions: DefinitionsDep):
    response, _ = respondent(db, definitions.registry, token)
    return _image(request, find_photo(db, photo_id, response.id))


def _image(request: Request, photo: CasePhoto | None):
    if photo is None:
        raise HTTPException(404)
    extension = "png" if photo.media_type == "image/png" else "jpg"
    return download(store(request), photo.stored, f"{photo.kind}-{photo.id}.{extension}", photo.media_type)


# --- staff -------------------------------------------------------------------------------


def _staff_response(db: Session, response_id: int) -> Response:
    response = db.get(Response, response_id)
    if response is None:
        raise HTTPException(404)
    return response


@router.post("/staff/responses/{response_id}/photos")
def staff_upload(request: Request, response_id: RowId, staff: StaffDep, form: FormDep, db: DbDep):
    response = _staff_response(db, response_id)
    query = _upload(db, request, response, form, staff.email)
    return redirect(f"/staff/responses/{response_id}/case-study?{query}#photos")


@router.post("/staff/responses/{response_id}/photos/{photo_id}")
def staff_change(
    request: Request, response_id: RowId, photo_id: RowId, staff: StaffDep, form: FormDep, db: DbDep
):
    photo = find_photo(db, photo_id, _staff_response(db, response_id).id)
    if photo is None:
        raise HTTPException(404)
    query = _change(db, request, photo, form, staff.email)
    return redirect(f"/staff/responses/{response_id}/case-study?{query}#photos")


@router.get("/staff/responses/{response_id}/photos/{photo_id}")
@on_db
def staff_image(request: Request, response_id: RowId, photo_id: RowId, staff: StaffDep, db: DbDep):
    return _image(request, find_photo(db, photo_id, response_id))
