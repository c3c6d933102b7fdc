"""The staff page of one round, shared by the round routes and the invitation routes
(route modules never import each other)."""

from __future__ import annotations

from fastapi import HTTPException

from assess.models import Round
from assess.presentation.labels import profile_labels
from assess.services.invitations import invitations_of
from assess.services.rounds import round_counts
from assess.web.rendering import render


def get_round(db, round_id: int) -> Round:
    round_ = db.get(Round, round_id)
    if round_ is None:
        raise HTTPException(404)
    return round_


def detail_page(
    request,
    db,
    context,
    base_url: str,
    round_: Round,
    *,
    notice=None,
    error="",
    csv_report=None,
    confirm=None,
    status=200,
):
    """`csv_report`: (lines ready, refused lines with reasons); `confirm`: the invitations
    that may be existing companies, for staff to confirm (see staff_invitations)."""
    locale = request.state.locale
    return render(
        request,
        "staff/round.html",
        {
            "round": round_,
            "counts": round_counts(db).get(round_.id, {}),
            "base_url": base_url,
            "invitations": invitations_of(db, round_, context.secret),
            "public_link": f"{base_url}/r/{round_.slug}",
            "notice": notice,
            "error": error,
            "csv_report": csv_report,
            "confirm": confirm,
            "prefectures": profile_labels(context.definitions.registry.all(), locale)["prefecture"],
        },
        status,
    )
