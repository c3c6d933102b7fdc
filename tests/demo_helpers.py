"""Settings and command-line runs on the shipped questionnaire and the demo data."""

from pathlib import Path

from typer.testing import CliRunner

from assess.cli import app as cli
from assess.config import Settings

ROOT = Path(__file__).resolve().parent.parent
KEY = "k" * 48


def settings_for(url: str, data_dir: Path) -> Settings:
    return Settings(data_dir=data_dir, database_url=url, secret_key=KEY,
                    questionnaire_dir=ROOT / "questionnaires", practices_file=ROOT / "sdg_map" / "practices.yaml")


def run(monkeypatch, settings: Settings, *args: str):
    """`assess ARGS` with the environment naming `settings`."""
    for name, value in (("DATABASE_URL", settings.database_url), ("DATA_DIR", settings.data_dir), ("SECRET_KEY", KEY),
                        ("QUESTIONNAIRE_DIR", settings.questionnaire_dir), ("PRACTICES_FILE", settings.practices_file)):
        monkeypatch.setenv(f"ASSESS_{name}", str(value))
    return CliRunner().invoke(cli, list(args))
