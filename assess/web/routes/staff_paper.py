"""Staff: printable blank questionnaires, for a questionnaire version or a known invitation.

The language is the page's (`?lang=ja|en` chooses it). A blank form may name a round
(`?round=`): its name, organiser, contact and last day go on the first page, and for a
round anyone may answer its public link and QR code. An invitation's form also names
the company and carries its private link, so it is sent never to be cached.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import HTTPException, Query

from assess.models import Company, Invitation, Round
from assess.presentation.paper import PaperCover
from assess.questionnaire.model import Questionnaire
from assess.services.tokens import invitation_token
from assess.vocab import RoundAccess
from assess.web.csrf import FormRouter
from assess.web.deps import BaseUrlDep, ContextDep, DbDep, LocaleDep, PrinterDep, RowId, StaffDep
from assess.web.rendering import attachment, private
from assess.web.round_page import get_round

router = FormRouter()
RoundQuery = Annotated[int | None, Query(alias="round", ge=1, le=2_147_483_647)]


def _questionnaire(context, questionnaire_id: str, version: int) -> Questionnaire:
    try:
        return context.definitions.registry.get(questionnaire_id, version)
    except KeyError:
        raise HTTPException(404) from None


def _round_cover(round_: Round, locale: str, **more) -> PaperCover:
    return PaperCover(
        round_name=round_.name(locale),
        organiser=round_.organiser(locale),
        contact=round_.contact,
        answer_by=round_.closes_on.isoformat() if round_.closes_on else "",
        **more,
    )


def _filename(questionnaire: Questionnaire, locale: str, suffix: str = "") -> str:
    return f"{questionnaire.id}-v{questionnaire.version}-paper{suffix}-{locale}.pdf"


@router.get("/staff/questionnaires/{questionnaire_id}/{version}/paper.pdf")
def blank_paper(
    questionnaire_id: str,
    version: RowId,
    staff: StaffDep,
    db: DbDep,
    context: ContextDep,
    printer: PrinterDep,
    locale: LocaleDep,
    base_url: BaseUrlDep,
    for_round: RoundQuery = None,
):
    questionnaire = _questionnaire(context, questionnaire_id, version)
    cover = None
    if for_round is not None:
        round_ = get_round(db, for_round)
        if (round_.questionnaire_id, round_.questionnaire_version) != questionnaire.key:
            raise HTTPException(404)
        public = f"{base_url}/r/{round_.slug}" if round_.access == RoundAccess.OPEN else ""
        cover = _round_cover(round_, locale, link=public)
    pdf = printer.paper(questionnaire, locale, cover)
    return private(attachment(pdf, "application/pdf", _filename(questionnaire, locale)))


@router.get("/staff/rounds/{round_id}/invitations/{invitation_id}/paper.pdf")
def invitation_paper(
    round_id: RowId,
    invitation_id: RowId,
    staff: StaffDep,
    db: DbDep,
    context: ContextDep,
    printer: PrinterDep,
    locale: LocaleDep,
    base_url: BaseUrlDep,
):
    round_ = get_round(db, round_id)
    invitation = db.get(Invitation, invitation_id)
    if invitation is None or invitation.round_id != round_.id:
        raise HTTPException(404)
    company = db.get(Company, invitation.company_id)
    questionnaire = _questionnaire(context, round_.questionnaire_id, round_.questionnaire_version)
    # Invitations made before links could be shown again have no nonce: no link to print.
    link = f"{base_url}/i/{invitation_token(context.secret, invitation.nonce)}" if invitation.nonce else ""
    name = company.name if company else ""
    cover = _round_cover(round_, locale, company=name, link=link, private=bool(link))
    pdf = printer.paper(questionnaire, locale, cover)
    return private(attachment(pdf, "application/pdf", _filename(questionnaire, locale, f"-{invitation.id}")))
