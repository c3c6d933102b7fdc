"""Settings behave as documented, and every setting and format field is documented."""

import re
from pathlib import Path

import pytest

from assess.config import ConfigError, Settings
from assess.questionnaire import conditions, schema
from assess.questionnaire.model import ROLES
from assess.questionnaire.types import REGISTRY

ROOT = Path(__file__).resolve().parent.parent


def test_secret_key_generated_once_and_private(tmp_path):
    s = Settings(data_dir=tmp_path)
    key = s.resolved_secret_key()
    assert len(key) >= 32 and key == Settings(data_dir=tmp_path).resolved_secret_key()
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


@pytest.mark.parametrize("weak", ["changeme", "secret", "short-key"])
def test_known_or_short_secret_refused(tmp_path, weak):
    with pytest.raises(ConfigError):
        Settings(data_dir=tmp_path, secret_key=weak).resolved_secret_key()


def test_defaults(tmp_path, monkeypatch):
    for name in list(__import__("os").environ):
        if name.startswith("ASSESS_"):
            monkeypatch.delenv(name)
    s = Settings(data_dir=tmp_path)
    assert s.db_url == f"sqlite:///{tmp_path / 'assess.db'}" and s.default_locale == "ja"
    monkeypatch.setenv("ASSESS_DEFAULT_LOCALE", "en")
    assert Settings().default_locale == "en"


def test_every_setting_documented():
    doc = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    for name in Settings.model_fields:
        assert f"ASSESS_{name.upper()}" in doc, (
            f"ASSESS_{name.upper()} is not documented in docs/configuration.md"
        )


def test_every_questionnaire_field_documented():
    doc = (ROOT / "docs" / "questionnaire-format.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"`([a-z_.]+)`", doc))
    fields = set(schema.TOP) | set(schema.AREA) | set(schema.LEVEL) | set(schema.SECTION)
    fields |= set(schema.OPTION) | set(schema.SCALE) | set(schema.QUESTION)
    fields |= set(conditions.TESTS) | set(conditions.COMBINATORS) | {"question"}
    fields |= set(REGISTRY) | set(ROLES)
    missing = sorted(fields - documented)
    assert not missing, f"undocumented in docs/questionnaire-format.md: {missing}"


def test_readme_starts_with_the_two_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```(?:sh|bash)?\n(.*?)```", readme, re.S)
    assert blocks[0].strip() == "./setup.sh serve" and blocks[1].strip() == "./setup.sh test"
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "./setup.sh test" in ci


def test_every_backup_table_and_column_documented():
    from assess.services.backup_format import TABLES, table

    doc = (ROOT / "docs" / "backup.md").read_text(encoding="utf-8")
    sections = dict(re.findall(r"^### (\w+)\n(.*?)(?=^### |\Z)", doc, re.S | re.M))
    for name in TABLES:
        assert name in sections, f"table {name} has no section in docs/backup.md"
        missing = [c.name for c in table(name).columns if f"`{c.name}`" not in sections[name]]
        assert not missing, f"docs/backup.md, table {name}: columns {missing} are undocumented"


def test_the_answers_file_in_docs_scoring_md_scores_without_warnings(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from assess.cli.main import app

    doc = (ROOT / "docs" / "scoring.md").read_text(encoding="utf-8")
    example = re.search(r"```json\n(.*?)```", doc, re.S).group(1)
    path = tmp_path / "answers.json"
    path.write_text(example, encoding="utf-8")
    for name in list(__import__("os").environ):
        if name.startswith("ASSESS_"):
            monkeypatch.delenv(name)
    result = CliRunner().invoke(app, ["score", str(path), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "warning" not in result.output, result.output
    overall = re.search(r"Overall: ([\d.]+) / 100", result.output)
    assert overall and float(overall.group(1)) > 0, result.output
