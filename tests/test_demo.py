"""`assess demo`: fictional companies at every stage, on both questionnaire versions, ready to look at."""

from collections import Counter
from pathlib import Path

from pypdf import PdfReader
from sqlmodel import select
from typer.testing import CliRunner

from assess.cli.main import app as cli
from assess.config import Settings
from assess.db import make_engine, session
from assess.models import Action, CaseStudy, Company, Response, Round
from assess.services.demo import OWNERS

ROOT = Path(__file__).resolve().parent.parent


def test_demo_on_an_empty_database(tmp_path, monkeypatch):
    monkeypatch.setenv("ASSESS_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("ASSESS_DATABASE_URL", f"sqlite:///{tmp_path / 'demo.db'}")
    monkeypatch.setenv("ASSESS_QUESTIONNAIRE_DIR", str(ROOT / "questionnaires"))
    monkeypatch.setenv("ASSESS_PRACTICES_FILE", str(ROOT / "sdg_map" / "practices.yaml"))
    runner = CliRunner()
    first = runner.invoke(cli, ["demo"])
    assert first.exit_code == 0, first.output
    assert "demo-admin@example.org" in first.output and "/s/" in first.output
    assert "nothing to do" in runner.invoke(cli, ["demo"]).output
    engine = make_engine(Settings().db_url)
    with session(engine) as db:
        assert len(db.exec(select(Round)).all()) == 4
        statuses = Counter(r.status for r in db.exec(select(Response)))
        assert statuses == {"approved": 12, "submitted": 4, "returned": 2, "draft": 3}
        assert len(db.exec(select(CaseStudy).where(CaseStudy.included == True)).all()) == 12  # noqa: E712
        versions = Counter(r.questionnaire_version for r in db.exec(select(Response)))
        assert versions == {1: 12, 2: 9}
        # Companies over the years: the same records in 2019, 2024 and 2025, answers carried forward.
        assert len(db.exec(select(Company)).all()) == 12
        carried = db.exec(select(Response).where(Response.carried_from_id.is_not(None))).all()
        assert len(carried) == 5 and any(r.status == "draft" for r in carried)
        assert {a.status for a in db.exec(select(Action))} == {
            "planned",
            "in_progress",
            "done",
            "not_feasible",
        }
        levels = {r.overall_level for r in db.exec(select(Response).where(Response.status != "draft"))}
        assert len(levels) >= 2  # varied maturity
    engine.dispose()
    pdf = tmp_path / "b.pdf"
    printed = runner.invoke(cli, ["booklet", "saga-2019", "-o", str(pdf)])
    assert printed.exit_code == 0 and "3 case studies" in printed.output, printed.output
    # Companies that agreed show their action plan in their case study, without the people in charge.
    text = "".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "私たちのアクションプラン" in text and not any(owner in text for owner in OWNERS)
