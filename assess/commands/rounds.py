"""`assess round ...`, `assess invite` and `assess demo`: rounds from the command line."""

from __future__ import annotations

import typer
from sqlmodel import select

from assess.config import Settings

round_app = typer.Typer(help="Survey rounds.", no_args_is_help=True)
BASE_URL = "http://127.0.0.1:8000"


def _db():
    from assess import db
    from assess.db import make_engine

    engine = make_engine(Settings().db_url)
    db.upgrade(engine)
    return db.session(engine)


@round_app.command("add")
def add(
    slug: str = typer.Argument(..., help="Short name used in the link /r/SLUG, e.g. saga-2019."),
    name_ja: str = typer.Option(..., "--name-ja", help="Name in Japanese."),
    name_en: str = typer.Option(..., "--name-en", help="Name in English."),
    fiscal_year: int = typer.Option(..., "--fiscal-year", help="Fiscal year, e.g. 2019."),
    region: str = typer.Option("", help="Region, e.g. Saga Prefecture."),
    questionnaire: str = typer.Option("community-sme", help="Questionnaire id."),
    version: int = typer.Option(0, help="Questionnaire version (default: the latest loaded)."),
    status: str = typer.Option("open", help="draft, open or closed."),
    access: str = typer.Option("open", help="open (anyone with the link may start) or invitation."),
    organiser_ja: str = typer.Option("", "--organiser-ja", help="Who runs the survey, in Japanese."),
    organiser_en: str = typer.Option("", "--organiser-en", help="Who runs the survey, in English."),
    contact: str = typer.Option("", help="Contact shown on the start page."),
) -> None:
    """Create a survey round."""
    from assess.models import Round
    from assess.questionnaire.registry import load_directory
    from assess.responses import find_round

    if status not in ("draft", "open", "closed") or access not in ("open", "invitation"):
        raise typer.BadParameter("status must be draft, open or closed; access open or invitation")
    registry = load_directory(Settings().questionnaire_dir)
    try:
        q = registry.get(questionnaire, version) if version else registry.latest(questionnaire)
    except KeyError as exc:
        raise typer.BadParameter(str(exc.args[0])) from None
    with _db() as db:
        if find_round(db, slug) is not None:
            typer.echo(f"a round '{slug}' exists already", err=True)
            raise typer.Exit(1)
        db.add(Round(slug=slug, name_ja=name_ja, name_en=name_en, fiscal_year=fiscal_year, region=region,
                     questionnaire_id=q.id, questionnaire_version=q.version, status=status, access=access,
                     organiser_ja=organiser_ja, organiser_en=organiser_en, contact=contact))
        db.commit()
    typer.echo(f"round {slug}: {BASE_URL}/r/{slug}")


@round_app.command("list")
def list_rounds() -> None:
    """List survey rounds."""
    from assess.models import Round

    with _db() as db:
        for r in db.exec(select(Round).order_by(Round.id)):
            typer.echo(f"{r.slug}\t{r.status}\t{r.access}\t{r.fiscal_year}\t{r.name_en}\t{BASE_URL}/r/{r.slug}")


def invite(
    round_slug: str = typer.Argument(..., help="The round's slug."),
    company: str = typer.Argument(..., help="Company name."),
    note: str = typer.Option("", help="Contact notes kept with the company."),
) -> None:
    """Create an invitation link for a named company."""
    from assess.models import Company
    from assess.responses import create_invitation, find_round

    with _db() as db:
        round_ = find_round(db, round_slug)
        if round_ is None:
            typer.echo(f"no round '{round_slug}'", err=True)
            raise typer.Exit(1)
        record = Company(name=company, contact_note=note)
        db.add(record)
        db.commit()
        token = create_invitation(db, round_, record, Settings().resolved_secret_key())
    typer.echo(f"{company}: {BASE_URL}/i/{token}")


DEMO_ROUNDS = [
    dict(slug="saga-2019", name_ja="佐賀県 地域に根ざす中小企業調査 2019年度", name_en="Saga Prefecture community-based SME survey FY2019",
         region="佐賀県 / Saga Prefecture", fiscal_year=2019, organiser_ja="さが地域サステナビリティ支援ネットワーク（架空）",
         organiser_en="Saga Community Sustainability Support Network (fictional)"),
    dict(slug="tama-2019", name_ja="東京・多摩地域 中小企業サステナビリティ調査 2019年度", name_en="Tama region, Tokyo SME sustainability survey FY2019",
         region="東京都多摩地域 / Tama region, Tokyo", fiscal_year=2019, organiser_ja="多摩まちづくり企業フォーラム（架空）",
         organiser_en="Tama Community Business Forum (fictional)"),
]


def demo() -> None:
    """On an empty database: two rounds and twelve fictional companies at every
    stage (draft, submitted, returned, approved with case studies)."""
    from assess.commands.sdg import load_all
    from assess.demo import DEMO_EMAIL, DEMO_PASSWORD, create_demo
    from assess.models import Round

    settings = Settings()
    registry, practices = load_all(settings)
    q = registry.latest("community-sme")
    with _db() as db:
        if db.exec(select(Round)).first() is not None:
            typer.echo("demo: the database has data already; nothing to do")
            return
        rounds = {}
        for fields in DEMO_ROUNDS:
            rounds[fields["slug"]] = Round(questionnaire_id=q.id, questionnaire_version=q.version, **fields)
            db.add(rounds[fields["slug"]])
        db.commit()
        for round_ in rounds.values():
            db.refresh(round_)
        links = create_demo(db, rounds, q, practices)
    typer.echo("demo: two survey rounds and twelve fictional companies created")
    for fields in DEMO_ROUNDS:
        typer.echo(f"  answer as a new company: {BASE_URL}/r/{fields['slug']}")
    first = next(iter(links.items()))
    typer.echo(f"  results of {first[0]}: {BASE_URL}/s/{first[1]}/results")
    typer.echo(f"  staff workspace: {BASE_URL}/staff  (log in as {DEMO_EMAIL} / {DEMO_PASSWORD})")
    typer.echo(f"  booklet: {BASE_URL}/staff/rounds/1/booklet.pdf")
