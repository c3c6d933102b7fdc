"""`assess score`: score an answers file offline (format in docs/scoring.md)."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from assess.cli.common import definitions, fail
from assess.presentation.explain import describe, fmt
from assess.questionnaire.pages import validate_page
from assess.questionnaire.registry import Registry
from assess.scoring import score

SHOWN = 5  # goals and opportunities printed


def read_answers(path: Path, registry: Registry):
    """Read an answers file (docs/scoring.md) and check it page by page."""
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
                form[key] = (
                    [str(v) for v in value]
                    if isinstance(value, list)
                    else ("" if value is None else str(value))
                )
        result = validate_page(
            questionnaire, section, {**answers, **{k: v for k, v in raw.items()}}, form, "en"
        )
        answers.update({k: v for k, v in result.values.items() if v is not None})
        problems += [f"{qid}: {message}" for qid, message in result.errors.items() if qid in raw]
    return questionnaire, answers, problems


def score_command(
    answers_file: Path = typer.Argument(..., help="Answers file (JSON, see docs/scoring.md)."),
    lang: str = typer.Option("ja", help="Language of the report: ja or en."),
    as_json: bool = typer.Option(False, "--json", help="Print the full result as JSON."),
) -> None:
    """Score an answers file offline: scores, levels, top goals and opportunities."""
    loaded = definitions()
    catalogue = loaded.practices
    try:
        questionnaire, answers, problems = read_answers(answers_file, loaded.registry)
    except ValueError as exc:
        fail(str(exc))
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
    print_goals(view)
    typer.echo("Opportunities:")
    for item in view["opportunities"][:SHOWN]:
        typer.echo(
            f"  + {item['practice']} (+{fmt(item['points'])}, SDG +{fmt(item['sdg'], 2)}): "
            f"{item['suggestion']}"
        )
    if view["unanswered"]:
        typer.echo(f"Unanswered: {len(view['unanswered'])}")


def print_goals(view: dict) -> None:
    typer.echo("Signature goals:")
    for g in view["signatures"]:
        typer.echo(f"  {g['number']:>2} {g['short']}: {g['reason']}")
    if not view["signatures"]:
        typer.echo("  (none yet: only practices most companies share)")
    typer.echo("SDG ranking (rank. goal: distinctiveness):")
    for g in [g for g in view["goals"] if g["distinctiveness"]][:SHOWN]:
        typer.echo(f"  {g['rank']:>2}. {g['number']:>2} {g['short']}: {fmt(g['distinctiveness'], 1)}")
