"""The public directory, the booklet's web twin: the case studies of the rounds staff publish,
one page per round and one per case study, in Japanese and English.

What a case study shows follows the booklet's rules exactly (services.case_studies): an
approved response whose case study staff included, whose company consents to publish and has
not withdrawn that consent; of its texts only the parts consented to. Nothing here names the
response: a case study's address is its random `public_key`. Never shown: contacts, e-mail
addresses, the company code, the response's id or link, answers other than the consented
narrative parts, single questions' points, review comments, staff notes, evidence files.
Scores by area are shown as the booklet prints them, in its area chart.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from markupsafe import Markup
from sqlmodel import Session, select

from assess.db import write_transaction
from assess.i18n import N_, gettext
from assess.models import CasePhoto, CaseStudy, Response, Round, StaffUser, utcnow
from assess.presentation.charts import area_chart, goal_tiles
from assess.presentation.explain import maturity_levels
from assess.presentation.labels import NARRATIVE_NAMES
from assess.questionnaire.model import NARRATIVE_KEYS, Questionnaire
from assess.questionnaire.registry import Registry
from assess.scoring import score
from assess.services.actions import published_plan
from assess.services.audit import audit
from assess.services.case_profile import area_rows, company_profile, signature_goals, signature_targets
from assess.services.case_studies import (
    BookletEntry,
    booklet_entries,
    consented,
    entries_query,
    new_public_key,
    set_withdrawn,
)
from assess.services.photos import find_photo, photos_by_response
from assess.services.responses import load_answers
from assess.services.startup import Definitions
from assess.vocab import PhotoKind

SECTIONS = ("story", "initiatives", "challenges", "support")  # under their headings, in this order


@dataclass(frozen=True)
class PublicPhoto:
    """What a page shows of a photo or logo; its address carries `version` (the start of its
    digest), so a replaced image is a new address and the old one may be cached for long."""

    id: int
    kind: str
    caption: str
    credit: str
    width: int
    height: int
    version: str


@dataclass(frozen=True)
class DirectoryRound:
    slug: str
    name: str
    organiser: str
    region: str
    fiscal_year: int
    cases: int = 0


@dataclass(frozen=True)
class DirectoryEntry:
    """One company on its round's page."""

    public_key: str
    company: str
    location: str
    industry: str
    motto: str
    goals: list[dict]  # number, short, color, ink
    logo: PublicPhoto | None


@dataclass(frozen=True)
class PublicCase:
    """One case study's public page."""

    round: DirectoryRound
    public_key: str
    company: str
    location: str
    industry: str
    motto: str
    sections: list[tuple[str, str]]  # (heading, text) of the consented parts
    goals: list[dict]  # number, short, color, ink, tier, reason
    tiles: Markup | str
    targets: list[dict]  # code, text
    chart: Markup
    logo: PublicPhoto | None
    photos: list[PublicPhoto] = field(default_factory=list)
    actions: list[dict] = field(default_factory=list)  # the action plan, when the company shows it


# --- staff: publishing a round -----------------------------------------------------------


def publish_round(db: Session, round_: Round, staff: StaffUser, published: bool) -> Round:
    """Put the round in the public directory, or take it out. Case studies made before they had
    a public address get one now."""
    with write_transaction(db):
        if published:
            round_.published_at = round_.published_at or utcnow()
            _give_public_keys(db, round_.id)
        else:
            round_.published_at = None
        db.add(round_)
        audit(db, staff.email, "round.publish" if published else "round.unpublish", "round", round_.id)
    db.refresh(round_)
    return round_


def _give_public_keys(db: Session, round_id: int) -> None:
    studies = db.exec(
        select(CaseStudy)
        .join(Response, CaseStudy.response_id == Response.id)
        .where(Response.round_id == round_id, CaseStudy.public_key.is_(None))
    ).all()
    for study in studies:
        study.public_key = new_public_key()
        db.add(study)


# --- reading ------------------------------------------------------------------------------


def directory_rounds(db: Session) -> list[Round]:
    """The published rounds, latest fiscal year first."""
    return list(
        db.exec(
            select(Round).where(Round.published_at.is_not(None)).order_by(Round.fiscal_year.desc(), Round.id)
        )
    )


def published_round(db: Session, slug: str) -> Round | None:
    return db.exec(select(Round).where(Round.slug == slug, Round.published_at.is_not(None))).first()


def round_view(round_: Round, locale: str, cases: int = 0) -> DirectoryRound:
    return DirectoryRound(
        slug=round_.slug,
        name=round_.name(locale),
        organiser=round_.organiser(locale),
        region=round_.region,
        fiscal_year=round_.fiscal_year,
        cases=cases,
    )


def directory_index(db: Session, registry: Registry, locale: str) -> list[DirectoryRound]:
    """The published rounds with the number of case studies each shows."""
    return [
        round_view(r, locale, len(_shown(booklet_entries(db, [r.id], registry))))
        for r in directory_rounds(db)
    ]


def round_directory(
    db: Session, round_: Round, definitions: Definitions, locale: str
) -> list[DirectoryEntry]:
    """The round's companies in booklet order; [] when the round is not published."""
    if round_.published_at is None:
        return []
    entries = _shown(booklet_entries(db, [round_.id], definitions.registry))
    photos = photos_by_response(db, [e.response.id for e in entries])
    out = []
    for entry in entries:
        profile = company_profile(entry.questionnaire, entry.company, locale)
        result = score(entry.questionnaire, entry.answers, definitions.practices)
        out.append(
            DirectoryEntry(
                public_key=entry.study.public_key or "",
                company=entry.company.name if entry.company else "",
                location=profile["location"],
                industry=profile["industry"],
                motto=_motto(entry),
                goals=[_chip(g) for g in signature_goals(result, definitions.practices, locale)],
                logo=_logo(photos.get(entry.response.id, []), locale),
            )
        )
    return out


def public_case(
    db: Session, round_slug: str, public_key: str, definitions: Definitions, locale: str
) -> PublicCase | None:
    """A case study's public page, or None when it is not to be seen (the round is not
    published; the response not approved; the case study not included or withdrawn; the
    company's consent gone)."""
    entry = visible_entry(db, round_slug, public_key, definitions.registry)
    if entry is None:
        return None
    questionnaire, study, catalogue = entry.questionnaire, entry.study, definitions.practices
    allowed = consented(questionnaire, entry.answers)
    result = score(questionnaire, entry.answers, catalogue)
    goals = [g | {"ink": _ink(g["color"])} for g in signature_goals(result, catalogue, locale)]
    profile = company_profile(questionnaire, entry.company, locale)
    photos = photos_by_response(db, [entry.response.id]).get(entry.response.id, [])
    title = gettext(locale, N_("Signature goals"))
    return PublicCase(
        round=round_view(entry.round, locale),
        public_key=public_key,
        company=entry.company.name if entry.company else "",
        location=profile["location"],
        industry=profile["industry"],
        motto=_motto(entry),
        sections=[
            (gettext(locale, NARRATIVE_NAMES[k]), getattr(study, k))
            for k in SECTIONS
            if k in allowed and getattr(study, k).strip()
        ],
        goals=goals,
        tiles=goal_tiles(goals, title, columns=6, size=72, in_order=True) if goals else "",
        targets=signature_targets(result, catalogue, locale),
        chart=area_chart(
            area_rows(result, questionnaire, locale),
            maturity_levels(questionnaire, locale),
            gettext(locale, N_("Scores by area")),
            width=520,
        ),
        logo=_logo(photos, locale),
        photos=[_photo(p, locale) for p in photos if p.kind == PhotoKind.PHOTO],
        actions=published_plan(db, entry.company, catalogue, locale),
    )


def visible_entry(db: Session, round_slug: str, public_key: str, registry: Registry) -> BookletEntry | None:
    """The case study at this public address if the directory shows it. The same rules as
    services.case_studies.booklet_entries, for one case study of a published round."""
    row = db.exec(
        entries_query().where(
            Round.slug == round_slug, Round.published_at.is_not(None), CaseStudy.public_key == public_key
        )
    ).first()
    if row is None:
        return None
    study, response, company, round_ = row
    questionnaire = registry.get(response.questionnaire_id, response.questionnaire_version)
    answers = load_answers(db, response.id)
    if not consented(questionnaire, answers):  # consent withdrawn since inclusion: never show
        return None
    return BookletEntry(study, response, company, round_, questionnaire, answers)


def public_photo(
    db: Session, round_slug: str, public_key: str, photo_id: int, registry: Registry
) -> CasePhoto | None:
    """A photo or logo of a case study the directory shows, else None."""
    entry = visible_entry(db, round_slug, public_key, registry)
    return find_photo(db, photo_id, entry.response.id) if entry is not None else None


def _shown(entries: list[BookletEntry]) -> list[BookletEntry]:
    # A case study saved before public addresses existed has none until its round is published.
    return [e for e in entries if e.study.public_key]


def _motto(entry: BookletEntry) -> str:
    return entry.study.motto if "motto" in consented(entry.questionnaire, entry.answers) else ""


def _logo(photos: list[CasePhoto], locale: str) -> PublicPhoto | None:
    logo = next((p for p in photos if p.kind == PhotoKind.LOGO), None)
    return _photo(logo, locale) if logo is not None else None


def _photo(photo: CasePhoto, locale: str) -> PublicPhoto:
    return PublicPhoto(
        id=photo.id or 0,
        kind=str(photo.kind),
        caption=photo.caption(locale),
        credit=photo.credit,
        width=photo.width,
        height=photo.height,
        version=photo.sha256[:16],
    )


def _chip(goal: dict) -> dict:
    return {k: goal[k] for k in ("number", "short", "color")} | {"ink": _ink(goal["color"])}


def _ink(color: str) -> str:
    """White text on a goal's colour, dark on the light ones (relative luminance, WCAG; the same
    rule as the goal tiles of presentation.charts)."""
    try:
        r, g, b = (int(color.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4))
    except ValueError:
        return "#1d2329"
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
    return "#1d2329" if 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2] > 0.4 else "#ffffff"


# --- the company's view of its publication ------------------------------------------------


@dataclass(frozen=True)
class Publication:
    """What the company's results page says of its publication."""

    parts: list[str]  # the narrative parts it consented to publish, in their order
    withdrawn: bool
    withdrawn_at: datetime | None
    round_slug: str  # "" unless the round is in the directory
    public_key: str  # "" unless the directory shows the case study now


def publication_of(
    db: Session, response: Response, questionnaire: Questionnaire, answers: dict, registry: Registry
) -> Publication | None:
    """None when the company consented to publish nothing."""
    allowed = consented(questionnaire, answers)
    if not allowed:
        return None
    study = db.exec(select(CaseStudy).where(CaseStudy.response_id == response.id)).first()
    round_ = db.get(Round, response.round_id)
    slug = round_.slug if round_ is not None and round_.published_at is not None else ""
    key = study.public_key if study is not None and study.public_key else ""
    shown = bool(slug and key and visible_entry(db, slug, key, registry))
    return Publication(
        parts=[k for k in NARRATIVE_KEYS if k in allowed],
        withdrawn=study is not None and study.withdrawn_at is not None,
        withdrawn_at=study.withdrawn_at if study is not None else None,
        round_slug=slug,
        public_key=key if shown else "",
    )


def change_consent(
    db: Session, response: Response, questionnaire: Questionnaire, withdrawn: bool
) -> CaseStudy | None:
    """The company withdraws its consent to publish, or gives it again; None (and nothing
    changed) when its answers consent to publish nothing."""
    answers = load_answers(db, response.id)
    if not consented(questionnaire, answers):
        return None
    return set_withdrawn(db, response, questionnaire, answers, withdrawn)
