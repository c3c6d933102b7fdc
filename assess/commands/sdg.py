"""`assess sdg ...` and `assess score`: the SDG mapping and offline scoring."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from assess.config import Settings
from assess.errors import DefinitionFileError

sdg_app = typer.Typer(help="The SDG catalogue and the practice-to-target mapping.", no_args_is_help=True)


def load_all(settings: Settings):
    from assess.practices import load_checked
    from assess.questionnaire.registry import load_directory

    registry = load_directory(settings.questionnaire_dir)
    return registry, load_checked(registry.all(), settings.practices_file)


def _load_or_exit():
    try:
        return load_all(Settings())
    except DefinitionFileError as exc:
        for error in exc.errors:
            typer.echo(str(error), err=True)
        raise typer.Exit(1)


@sdg_app.command("check")
def check(path: Path = typer.Argument(None, help="Practice file (default: sdg_map/practices.yaml).")) -> None:
    """Check the practice catalogue against the SDG catalogue and the questionnaires."""
    from assess.practices import cross_check, load_practices
    from assess.questionnaire.registry import load_directory

    catalogue, errors = load_practices(path or Settings().practices_file)
    if catalogue is not None:
        errors = errors + cross_check(catalogue, load_directory(Settings().questionnaire_dir).all())
    for error in errors:
        typer.echo(str(error))
    problems = [e for e in errors if not e.warning]
    if catalogue is None or problems:
        typer.echo(f"{len(problems)} error(s)", err=True)
        raise typer.Exit(1)
    links = [link for p in catalogue.practices.values() for link in p.links]
    typer.echo(f"ok: {len(catalogue.practices)} practices, {len(links)} links to {len({l.target for l in links})} targets in {len({l.goal for l in links})} goals")


@sdg_app.command("coverage")
def coverage(lang: str = typer.Option("en", help="ja or en")) -> None:
    """Per goal, the targets the questionnaires can evidence and through which practices."""
    registry, catalogue = _load_or_exit()
    sdg = catalogue.sdg
    for questionnaire in registry.all():
        typer.echo(f"{questionnaire.id} v{questionnaire.version}: {questionnaire.title.get(lang)}")
        asked = questionnaire.practice_ids
        reach: dict[str, list[str]] = {}
        for pid in sorted(asked):
            for link in catalogue[pid].links:
                reach.setdefault(link.target, []).append(f"{pid} ({link.strength})")
        for goal in sdg.goals():
            codes = [t.code for t in sdg.targets_of(goal.number) if t.code in reach]
            typer.echo(f"  Goal {goal.number:>2} {goal.short_in(lang)}: {len(codes)} of {len(sdg.targets_of(goal.number))} targets")
            for code in codes:
                typer.echo(f"      {code:<6} {', '.join(reach[code])}")
        bare = [q.id for q in questionnaire.questions if q.scored and not q.practices and not any(o.practices for o in q.options)]
        typer.echo(f"  targets reachable: {len(reach)} of {len(sdg.targets())}, goals: {len({sdg.target(c).goal for c in reach})} of 17")
        typer.echo(f"  practices asked: {len(asked)}")
        typer.echo(f"  scored questions without any practice: {len(bare)}" + (f" ({', '.join(bare)})" if bare else ""))


def read_answers(path: Path, registry):
    """Read an answers file (docs/scoring.md) and check it page by page."""
    from assess.questionnaire.validation import validate_page

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ValueError(f"{path}: cannot read answers: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("answers"), dict):
        raise ValueError(f"{path}: expected an object with an 'answers' object (see docs/scoring.md)")
    qid = data.get("questionnaire") or registry.all()[0].id
    try:
        questionnaire = registry.get(qid, int(data["version"])) if "version" in data else registry.latest(qid)
    except (KeyError, ValueError) as exc:
        raise ValueError(f"{path}: {exc}") from None
    raw = data["answers"]
    known = set(questionnaire.question_index) | {f"{q}.other" for q in questionnaire.question_index}
    problems = [f"unknown question '{key}'" for key in raw if key not in known]
    answers: dict = {}
    for section in questionnaire.sections:
        form = {}
        for key, value in raw.items():
            if key.split(".")[0] in {q.id for q in section.questions}:
                form[key] = [str(v) for v in value] if isinstance(value, list) else ("" if value is None else str(value))
        result = validate_page(questionnaire, section, {**answers, **{k: v for k, v in raw.items()}}, form, "en")
        answers.update({k: v for k, v in result.values.items() if v is not None})
        problems += [f"{qid}: {message}" for qid, message in result.errors.items() if qid in raw]
    return questionnaire, answers, problems


def score_command(
    answers_file: Path = typer.Argument(..., help="Answers file (JSON, see docs/scoring.md)."),
    lang: str = typer.Option("ja", help="Language of the report: ja or en."),
    as_json: bool = typer.Option(False, "--json", help="Print the full result as JSON."),
) -> None:
    """Score an answers file offline: scores, levels, top goals and opportunities."""
    from assess.explain import describe, fmt
    from assess.scoring import score

    registry, catalogue = _load_or_exit()
    try:
        questionnaire, answers, problems = read_answers(answers_file, registry)
    except ValueError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1)
    for problem in problems:
        typer.echo(f"warning: {problem} (answer ignored)", err=True)
    result = score(questionnaire, answers, catalogue)
    if as_json:
        typer.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return
    view = describe(result, questionnaire, catalogue, answers, lang)
    o = view["overall"]
    typer.echo(f"{questionnaire.title.get(lang)} (v{questionnaire.version})")
    typer.echo(f"{o['label']}: {fmt(o['score'])} / 100  [{o['level_label']}]")
    for a in view["areas"]:
        typer.echo(f"  {a['label']}: {fmt(a['score'])}  [{a['level_label']}]")
    typer.echo("SDGs:")
    for g in [g for g in view["goals"] if g["level"] != "none"][:5]:
        typer.echo(f"  {g['number']:>2} {g['short']}: {fmt(g['aggregate'], 2)} ({g['level_label']}; {', '.join(g['targets'])})")
    typer.echo("Opportunities:")
    for item in view["opportunities"][:5]:
        typer.echo(f"  + {item['practice']} (+{fmt(item['points'])}, SDG +{fmt(item['sdg'], 2)}): {item['suggestion']}")
    if view["unanswered"]:
        typer.echo(f"Unanswered: {len(view['unanswered'])}")
