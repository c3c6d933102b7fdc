"""Rules that live in services, shared by every front end: one set of round
rules for the web and the command line, domain errors in the user's language,
and printing plugged into the web front end."""

import pytest

from assess.i18n import gettext
from assess.services.accounts import create_user
from assess.services.errors import DomainError, InvalidInput, message_for
from assess.services.rounds import FIELD_MESSAGES, RoundForm, check_round, create_round
from tests.helpers import csrf_of, db_of, definitions_of, log_in, make_user, run, settings_for

BAD = {"slug": "Bad Slug", "name_ja": "", "name_en": "x", "fiscal_year": "20x", "questionnaire": "t:9"}


def test_the_round_rules_name_every_field_with_a_problem(app):
    with db_of(app) as db:
        errors = check_round(db, definitions_of(app).registry, RoundForm.from_mapping(BAD))
    assert errors == {
        "slug": "slug",
        "name_ja": "required",
        "fiscal_year": "year",
        "questionnaire": "questionnaire",
    }
    assert set(errors.values()) <= set(FIELD_MESSAGES)


def test_the_command_line_refuses_what_the_web_refuses(monkeypatch, new_database, tmp_path):
    settings = settings_for(new_database("cli"), tmp_path / "data")
    bad = run(
        monkeypatch,
        settings,
        "round",
        "add",
        "Bad Slug",
        "--name-ja",
        "京都",
        "--name-en",
        "Kyoto",
        "--fiscal-year",
        "20x",
    )
    assert bad.exit_code == 1
    assert (
        gettext("en", FIELD_MESSAGES["slug"]) in bad.output
        and gettext("en", FIELD_MESSAGES["year"]) in bad.output
    )
    kyoto = ("round", "add", "kyoto-2025", "--name-ja", "京都", "--name-en", "Kyoto", "--fiscal-year", "2025")
    good = run(monkeypatch, settings, *kyoto)
    assert good.exit_code == 0, good.output
    again = run(monkeypatch, settings, *kyoto)
    assert again.exit_code == 1 and gettext("en", FIELD_MESSAGES["taken"]) in again.output


def test_a_round_made_by_the_service_is_audited(app):
    with db_of(app) as db:
        form = RoundForm(
            slug="nagano-2026", name_ja="長野", name_en="Nagano", fiscal_year="2026", questionnaire="t"
        )
        round_ = create_round(db, definitions_of(app).registry, form, "staff@example.org")
        assert (round_.questionnaire_id, round_.questionnaire_version) == ("t", 1)  # "t": its latest version


def test_domain_errors_speak_the_users_language(app):
    with db_of(app) as db, pytest.raises(InvalidInput) as info:
        create_user(db, "not-an-address", "staff")
    assert info.value.text("ja") == "有効なメールアドレスを入力してください。"
    assert info.value.text("en") == "A valid e-mail address is needed."
    assert message_for("comment", "ja") and message_for("no-such-code", "ja") == ""
    assert len({kind.code for kind in DomainError.kinds.values()}) == len(DomainError.kinds)


def test_an_admin_sees_account_errors_in_japanese(app, client):
    make_user(app, "admin@example.org", "admin")
    log_in(client, "admin@example.org")
    page = client.get("/staff/users")
    refused = client.post(
        "/staff/users", data={"csrf_token": csrf_of(page.text), "email": "nobody", "role": "staff"}
    )
    assert refused.status_code == 400 and "有効なメールアドレスを入力してください。" in refused.text
    assert "valid e-mail" not in refused.text


def test_the_web_prints_through_the_printer_it_was_given(settings):
    from assess.services.startup import load_definitions
    from assess.web.app import create_web_app
    from tests.helpers import Client, add_round, submitted

    class Recorder:
        def __init__(self):
            self.reports = []

        def report(self, db, response, locale, with_details=False):
            self.reports.append((response.id, locale, with_details))
            return b"%PDF-recorded"

        def booklet(self, db, round_ids, locale, progress=None):
            return b"%PDF-booklet", 0

    printer = Recorder()
    app = create_web_app(settings, load_definitions(settings), printer)
    add_round(app)
    client = Client(app)
    token = submitted(client)
    report = client.get(f"/s/{token}/report.pdf?lang=en")
    detailed = client.get(f"/s/{token}/report.pdf?lang=en&details=1")
    assert report.content == detailed.content == b"%PDF-recorded"
    assert printer.reports == [(1, "en", False), (1, "en", True)]
    client.close()
    app.state.context.engine.dispose()


def test_cached_profiles_made_with_an_older_mapping_are_recomputed(app, client, round_):
    from sqlmodel import select

    from assess.models import Response, ResponseScore
    from assess.services.responses import refresh_scores
    from assess.vocab import ScoreKind
    from tests.helpers import ENV, response_of, submitted

    token = submitted(client, env={**ENV, "energy": ["led", "solar"]})
    definitions = definitions_of(app)
    with db_of(app) as db:
        response = db.get(Response, response_of(app, token).id)
        kept = {
            (s.kind, s.key): s.value for s in db.exec(select(ResponseScore)) if s.response_id == response.id
        }
        for row in db.exec(select(ResponseScore).where(ResponseScore.kind == ScoreKind.SIGNATURE)):
            db.delete(row)  # as an older release, which had no signature goals, left it
        response.scored_with = "an-older-method"
        db.add(response)
        db.commit()
        assert refresh_scores(db, definitions.registry, definitions.practices) == 1
        again = {
            (s.kind, s.key): s.value for s in db.exec(select(ResponseScore)) if s.response_id == response.id
        }
        assert again == kept and (ScoreKind.SIGNATURE, "7") in again
        assert refresh_scores(db, definitions.registry, definitions.practices) == 0  # now current
