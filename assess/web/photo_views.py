"""The photo panel of the company's photo page and of staff's case-study page."""

from __future__ import annotations

from fastapi import Request
from sqlmodel import Session

from assess.models import Response
from assess.services.photos import MAX_PER_KIND, photos_of, refusal_limits, refusal_text
from assess.vocab import PhotoKind

# ?pn= after a redirect: what was done
NOTICES = ("added", "saved", "deleted")


def photo_panel(request: Request, db: Session, response: Response, action: str) -> dict:
    """What the photo panel of a page (survey/_photos_panel.html) shows: the photos, the room
    left, what was done, and why a file was refused."""
    photos = photos_of(db, response.id)
    query = request.query_params
    counts = {kind: sum(1 for p in photos if p.kind == kind) for kind in PhotoKind}
    return {
        "photos": photos,
        "action": action,
        "room": {str(kind): MAX_PER_KIND[kind] - counts[kind] for kind in PhotoKind},
        "error": refusal_text(query.get("pe", ""), request.state.locale),
        "notice": query.get("pn", "") if query.get("pn", "") in NOTICES else "",
        "limits": refusal_limits(),
    }
