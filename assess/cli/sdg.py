"""`assess sdg ...` and `assess score`: the SDG mapping and offline scoring."""

from __future__ import annotations

from pathlib import Path

import typer

from assess.cli.common import definitions
from assess.config import Settings
from assess.definitions.errors import DefinitionFileError
from assess.questionnaire.registry import load_directory
from assess.scoring.catalogue import cross_check, load_practices

sdg_app = typer.Typer(help="The SDG catalogue and the practice-to-target mapping.", no_args_is_help=True)


@sdg_app.command("check")
def check(path: Path = typer.Argument(None, help="Practice file (default: sdg_map/practices.yaml).")) -> None:
    """Check the practice catalogue against the SDG catalogue and the questionnaires."""
    settings = Settings()
    catalogue, errors = load_practices(path or settings.practices_file)
    if catalogue is not None:
        try:
            questionnaires = load_directory(settings.questionnaire_dir).all()
        except DefinitionFileError as exc:  # the questionnaires the mapping is checked against are broken
            errors = errors + exc.errors
        else:
            errors = errors + cross_check(catalogue, questionnaires)
    for error in errors:
        typer.echo(str(error))
    problems = [e for e in errors if not e.warning]
    if catalogue is None or problems:
        typer.echo(f"{len(problems)} error(s)", err=True)
        raise typer.Exit(1)
    links = [link for p in catalogue.practices.values() for link in p.links]
    targets, goals = {link.target for link in links}, {link.goal for link in links}
    typer.echo(
        f"ok: {len(catalogue.practices)} practices, {len(links)} links to {len(targets)} targets in "
        f"{len(goals)} goals"
    )


@sdg_app.command("coverage")
def coverage(lang: str = typer.Option("en", help="ja or en")) -> None:
    """Per goal, the targets the questionnaires can evidence and through which practices."""
    loaded = definitions()
    registry, catalogue = loaded.registry, loaded.practices
    sdg = catalogue.sdg
    for questionnaire in registry.all():
        typer.echo(f"{questionnaire.id} v{questionnaire.version}: {questionnaire.title.get(lang)}")
        asked = questionnaire.practice_ids
        reach: dict[str, list[str]] = {}
        for pid in sorted(asked):
            for link in catalogue[pid].links:
                reach.setdefault(link.target, []).append(f"{pid} ({link.strength})")
        practices_of = {
            n: sorted({pid for pid in asked for link in catalogue[pid].links if link.goal == n})
            for n in range(1, 18)
        }
        for goal in sdg.goals():
            codes = [t.code for t in sdg.targets_of(goal.number) if t.code in reach]
            typer.echo(
                f"  Goal {goal.number:>2} {goal.short_in(lang)}: {len(codes)} of "
                f"{len(sdg.targets_of(goal.number))} targets, {len(practices_of[goal.number])} practices"
            )
            for code in codes:
                typer.echo(f"      {code:<6} {', '.join(reach[code])}")
        bare = [
            q.id
            for q in questionnaire.questions
            if q.scored and not q.practices and not any(o.practices for o in q.options)
        ]
        typer.echo(
            f"  targets reachable: {len(reach)} of {len(sdg.targets())}, goals: "
            f"{len({sdg.target(c).goal for c in reach})} of 17"
        )
        typer.echo(f"  practices asked: {len(asked)}")
        two = sum(1 for ids in practices_of.values() if len(ids) >= 2)
        typer.echo(f"  goals reachable through at least two practices: {two} of 17")
        typer.echo(
            f"  scored questions without any practice: {len(bare)}"
            + (f" ({', '.join(bare)})" if bare else "")
        )
