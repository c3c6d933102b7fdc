"""The command line: checking files, SDG coverage and offline scoring."""

import json
from pathlib import Path

from typer.testing import CliRunner

from assess.cli.main import app
from tests.defs import VALID, definition

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()


def run(*args, env=None):
    return runner.invoke(app, list(args), env=env)


def test_help_everywhere():
    for args in ([], ["db"], ["questionnaire"], ["sdg"]):
        result = run(*args, "--help")
        assert result.exit_code == 0 and "Usage" in result.output


def test_questionnaire_check_passes_on_the_shipped_files():
    result = run("questionnaire", "check", str(ROOT / "questionnaires" / "community-sme-v1.yaml"))
    assert result.exit_code == 0, result.output
    assert "ok: community-sme-v1.yaml: community-sme v1" in result.output


def test_questionnaire_check_prints_every_error_and_fails(tmp_path):
    bad = tmp_path / "t-v1.yaml"
    bad.write_text(
        definition(VALID)
        .replace("type: number", "type: numbr")
        .replace("label: {ja: 詳細, en: Details}", "label: {ja: 詳細}"),
        encoding="utf-8",
    )
    also_bad = tmp_path / "u-v1.yaml"
    also_bad.write_text("id: u\n", encoding="utf-8")
    result = run("questionnaire", "check", str(bad), str(also_bad))
    assert result.exit_code == 1
    assert "Q301 unknown question type 'numbr' (did you mean 'number'?)" in result.output
    assert "Q401 missing en text" in result.output
    assert f"{also_bad}:1: Q104" in result.output
    assert "error(s) in 2 file(s)" in result.output
    assert "Traceback" not in result.output


def test_sdg_check_and_coverage():
    check = run("sdg", "check")
    assert check.exit_code == 0 and check.output.startswith("ok: ")
    coverage = run("sdg", "coverage")
    assert coverage.exit_code == 0
    assert "Goal  8 Decent work and economic growth" in coverage.output
    assert "8.8    " in coverage.output and "occupational_safety (direct)" in coverage.output
    assert "targets reachable:" in coverage.output and "practices asked: 6" in coverage.output


def answers_file(tmp_path, answers, **extra):
    path = tmp_path / "answers.json"
    path.write_text(
        json.dumps(
            {"questionnaire": "community-sme", "version": 1, "answers": answers, **extra}, ensure_ascii=False
        ),
        encoding="utf-8",
    )
    return path


def test_score_json_and_text(tmp_path):
    from assess.questionnaire.loader import load_file

    q, _ = load_file(ROOT / "questionnaires" / "community-sme-v1.yaml")
    multiple = next(
        x for x in q.questions if x.type == "multiple_choice" and x.scored and x.section_id == "environment"
    )
    yes_no = next(x for x in q.questions if x.type == "yes_no_na" and x.scored and x.show_if is None)
    answers = {"company_name": "テスト工業", multiple.id: [multiple.options[0].value], yes_no.id: "yes"}
    path = answers_file(tmp_path, answers)
    result = run("score", str(path), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["questionnaire"] == "community-sme" and 0 < data["overall"]["score"] <= 100
    assert {e["question"] for e in data["explanation"] if e["status"] == "scored"} == {multiple.id, yes_no.id}
    text = run("score", str(path), "--lang", "en")
    assert text.exit_code == 0 and "Overall:" in text.output and "Opportunities:" in text.output
    ja = run("score", str(path))
    assert "総合" in ja.output


def test_score_reports_bad_answers_as_warnings(tmp_path):
    path = answers_file(tmp_path, {"company_name": "x", "no_such_question": 1, "employees": "lots"})
    result = run("score", str(path))
    assert result.exit_code == 0
    assert "unknown question 'no_such_question'" in result.output


def test_score_unreadable_file(tmp_path):
    path = tmp_path / "a.json"
    path.write_text("{not json", encoding="utf-8")
    result = run("score", str(path))
    assert result.exit_code == 1 and "cannot read answers" in result.output
