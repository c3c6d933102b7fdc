"""Printing, as the web and the command line ask for it. The PDF front end
implements `Printer`; the app hands one to the web front end, so the two
never import each other."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from sqlmodel import Session

from assess.db import write_transaction
from assess.i18n import N_
from assess.models import Response, Round
from assess.presentation.paper import PaperCover
from assess.questionnaire.model import Questionnaire
from assess.services.audit import audit
from assess.services.errors import DomainError

Progress = Callable[[int], None]


class PrintFailed(DomainError):
    """A part of a booklet could not be rendered; the detail names its case studies."""

    code = "print"
    message = N_("The booklet could not be printed: {detail}")


class NothingToPrint(DomainError):
    code = "no_cases"
    message = N_("No approved, consented case study is marked for inclusion in these rounds.")


class Printer(Protocol):
    def booklet(
        self,
        db: Session,
        round_ids: list[int],
        locale: str,
        progress: Progress | None = None,
        for_print: bool = False,
    ) -> tuple[bytes, int]:
        """The booklet's PDF and the number of case studies in it; `for_print` adds the print
        shop's bleed and crop marks."""
        ...

    def report(self, db: Session, response: Response, locale: str, with_details: bool = False) -> bytes:
        """One company's feedback report; `with_details` adds the per-question appendix."""
        ...

    def case_preview(self, db: Session, response: Response, locale: str) -> bytes:
        """A case study's pages as they would print."""
        ...

    def case_overlong(self, db: Session, response: Response, locale: str) -> int:
        """The characters to cut for a case study to fit a spread, estimated without printing."""
        ...

    def paper(self, questionnaire: Questionnaire, locale: str, cover: PaperCover | None = None) -> bytes:
        """A blank paper questionnaire; `cover` names the round, and for a known invitation
        the company and its private link."""
        ...


def print_booklet(
    db: Session, printer: Printer, round_: Round, locale: str, actor: str, for_print: bool = False
) -> bytes:
    pdf, cases = printer.booklet(db, [round_.id], locale, for_print=for_print)
    detail = f"{cases} case studies, {locale}" + (", for the print shop" if for_print else "")
    with write_transaction(db):
        audit(db, actor, "round.booklet", "round", round_.id, detail=detail)
    return pdf
