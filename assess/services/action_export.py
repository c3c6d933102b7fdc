"""The action plans of a round's companies as a table: CSV and XLSX for spreadsheets.

One row per action (see services.actions.actions_of_round), labels in the chosen
language; text a spreadsheet would run as a formula is neutralised.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from assess.db import write_transaction
from assess.i18n import N_, gettext
from assess.models import Round
from assess.presentation.labels import ACTION_STATUS_NAMES
from assess.scoring.catalogue import PracticeCatalogue
from assess.services.actions import actions_of_round, practice_label
from assess.services.audit import audit
from assess.services.spreadsheet import safe_cell, to_csv, to_xlsx

COLUMNS = (
    N_("Company"),
    N_("Round"),
    N_("Action"),
    N_("Next step"),
    N_("Person in charge"),
    N_("Due date"),
    N_("Status"),
    N_("Achieved in"),
    N_("Note"),
    N_("Staff comments"),
)


def action_table(
    db: Session, round_: Round, catalogue: PracticeCatalogue, locale: str, as_text: bool = True
) -> tuple[list[str], list[list[Any]]]:
    """The header and the rows; due dates as "YYYY-MM-DD" text, or dates with as_text=False."""
    header = [safe_cell(gettext(locale, column)) for column in COLUMNS]
    rows = []
    for item in actions_of_round(db, round_.id):
        a = item.action
        due = a.due_on.isoformat() if as_text and a.due_on else a.due_on
        row = [
            item.company_name,
            item.planned_in.name(locale),
            a.title,
            practice_label(catalogue, a.practice, locale),
            a.owner,
            due if a.due_on else "",
            gettext(locale, ACTION_STATUS_NAMES[a.status]),
            item.achieved_in.name(locale) if item.achieved_in else "",
            a.note,
            item.comments,
        ]
        rows.append([safe_cell(v) for v in row])
    return header, rows


def export_actions(
    db: Session, round_: Round, catalogue: PracticeCatalogue, locale: str, fmt: str, actor: str
) -> bytes:
    """The round's action plans as CSV or XLSX; every export is audited."""
    header, rows = action_table(db, round_, catalogue, locale, as_text=fmt == "csv")
    with write_transaction(db):
        audit(db, actor, f"round.export_actions_{fmt}", "round", round_.id, detail=f"{len(rows)} rows")
    if fmt == "csv":
        return to_csv(header, rows)
    return to_xlsx(header, rows, f"{round_.slug}-actions"[:31])
