"""A company over the years: invited again by its code or a confirmed name and
prefecture, its answers carried forward and confirmed, its records merged, its page."""

from sqlmodel import select

from assess.models import Answer, AuditEvent, Company, Invitation, Response
from assess.services.carry import carry_forward, carryable
from assess.services.invitations import create_invitation
from assess.services.review import act
from tests.defs import SURVEY, definition
from tests.helpers import (
    ENV,
    PROFILE,
    add_round,
    csrf_of,
    db_of,
    definitions_of,
    log_in,
    make_user,
    post_section,
    response_of,
    revision_of,
)


def company(app, name="有田テスト陶業株式会社", code=None, prefecture="saga") -> Company:
    with db_of(app) as db:
        row = Company(name=name, code=code, prefecture=prefecture)
        db.add(row)
        db.commit()
        db.refresh(row)
        return row


def invited_start(app, client, round_, company_id) -> str:
    """The company follows its invitation link and starts; returns the private token."""
    with db_of(app) as db:
        token = create_invitation(db, round_, db.get(Company, company_id), app.state.context.secret)
    page = client.get(f"/i/{token}")
    client.post(f"/i/{token}/start", data={"csrf_token": csrf_of(page.text)})
    return token


def submit(client, token):
    review = client.get(f"/s/{token}/review")
    return client.post(
        f"/s/{token}/submit", data={"csrf_token": csrf_of(review.text), "revision": revision_of(review.text)}
    )


def answer_everything(client, token, env=None):
    post_section(client, token, "profile", PROFILE)
    post_section(client, token, "env", env or ENV)
    post_section(client, token, "narrative", {"motto": "地域とともに", "story": "祭りに参加"})


def stored(app, token) -> dict:
    with db_of(app) as db:
        rows = db.exec(select(Answer).where(Answer.response_id == response_of(app, token).id)).all()
        return {a.question_id: (a.value, a.carried_from_id) for a in rows}


def test_answers_are_carried_confirmed_changed_and_never_overwrite(app, client):
    first = add_round(app, slug="fy2024", fiscal_year=2024)
    second = add_round(app, slug="fy2025", fiscal_year=2025)
    known = company(app, code="1234567890123")
    old = invited_start(app, client, first, known.id)
    answer_everything(client, old)
    assert submit(client, old).headers["location"].endswith("/results")
    new = invited_start(app, client, second, known.id)
    carried = stored(app, new)
    assert carried["energy"] == (["led"], response_of(app, old).id)  # carried, not yet confirmed
    welcome = client.get(f"/s/{new}/welcome?lang=en").text
    assert "from your response for FY2024 are already filled in" in welcome
    page = client.get(f"/s/{new}/p/env?lang=en").text
    assert "From FY2024: check this answer" in page and "come from FY2024" in page
    refused = submit(client, new)
    assert refused.headers["location"].endswith("/review?n=carried")
    review = client.get(f"/s/{new}/review?lang=en").text
    assert "still to confirm" in review and f"/s/{new}/p/env" in review
    post_section(client, new, "env", {**ENV, "energy": ["led", "solar"]})  # changed: confirmed
    assert stored(app, new)["energy"] == (["led", "solar"], None)
    post_section(client, new, "profile", PROFILE)
    post_section(client, new, "narrative", {"motto": "地域とともに", "story": "祭りに参加"})
    assert all(source is None for _, source in stored(app, new).values())
    assert submit(client, new).headers["location"].endswith("/results")
    # The company's link again, later: nothing is carried over what it answered.
    assert stored(app, new)["energy"] == (["led", "solar"], None)
    definitions = definitions_of(app)
    with db_of(app) as db:
        assert db.exec(select(AuditEvent).where(AuditEvent.action == "response.carry_forward")).first()
        response = db.get(Response, response_of(app, new).id)
        questionnaire = definitions.registry.get(response.questionnaire_id, response.questionnaire_version)
        assert carry_forward(db, response, questionnaire, definitions.registry) == 0
        # Returned with a comment: the company edits and resubmits its own answers.
        act(db, response, make_user(app), "return", "太陽光の容量をご記入ください")
    post_section(client, new, "env", {**ENV, "energy": ["solar"]})
    assert submit(client, new).headers["location"].endswith("/results")
    assert stored(app, new)["energy"] == (["solar"], None)
    assert stored(app, old)["energy"] == (["led"], None)  # last year's response is untouched


def test_a_company_may_start_empty_and_nothing_is_carried_between_companies(app, client):
    first = add_round(app, slug="fy2024", fiscal_year=2024)
    second = add_round(app, slug="fy2025", fiscal_year=2025)
    one, other = company(app), company(app, name="別の会社")
    old = invited_start(app, client, first, one.id)
    answer_everything(client, old)
    submit(client, old)
    assert stored(app, invited_start(app, client, second, other.id)) == {}  # another company: nothing
    new = invited_start(app, client, second, one.id)
    assert stored(app, new)
    welcome = client.get(f"/s/{new}/welcome").text
    client.post(f"/s/{new}/start-empty", data={"csrf_token": csrf_of(welcome)})
    assert stored(app, new) == {} and response_of(app, new).carried_from_id is None


def test_a_later_version_carries_only_unchanged_questions(app):
    from assess.questionnaire.loader import load_text

    v1, _ = load_text(definition(SURVEY), "t-v1.yaml")
    v2_text = (
        definition(SURVEY)
        .replace("version: 1", "version: 2")
        .replace("{value: solar, label: {ja: 太陽光, en: Solar}", "{value: wind, label: {ja: 風力, en: Wind}")
    )
    v2, errors = load_text(v2_text, "t-v2.yaml")
    assert v2 is not None, [str(e) for e in errors]
    kept = carryable(v1, v2, {"energy": ["led", "solar"], "recycle": "yes", "energy.other": "x", "gone": 1})
    assert kept == {"recycle": "yes"}  # solar is no option of version 2; "gone" is no question


def test_a_number_outside_the_later_versions_limits_is_not_carried():
    from assess.questionnaire.loader import load_text

    v1, _ = load_text(definition(SURVEY), "t-v1.yaml")
    v2, errors = load_text(
        definition(SURVEY).replace("version: 1", "version: 2").replace("max: 1000", "max: 100"), "t-v2.yaml"
    )
    assert v2 is not None, [str(e) for e in errors]
    number = next(q.id for q in v1.questions if q.type == "number")
    assert carryable(v1, v2, {number: 50}) == {number: 50}
    assert carryable(v1, v2, {number: 500}) == {}


def test_a_returned_response_is_not_carried(app, client):
    first = add_round(app, slug="fy2024", fiscal_year=2024)
    second = add_round(app, slug="fy2025", fiscal_year=2025)
    known = company(app)
    old = invited_start(app, client, first, known.id)
    answer_everything(client, old)
    submit(client, old)
    staff = make_user(app)
    with db_of(app) as db:
        act(db, db.get(Response, response_of(app, old).id), staff, "return", "数字をご確認ください")
    assert stored(app, invited_start(app, client, second, known.id)) == {}


def test_inviting_by_code_finds_the_company_and_by_name_asks_staff(app, client):
    make_user(app)
    log_in(client)
    first = add_round(app, slug="fy2024", fiscal_year=2024)
    second = add_round(app, slug="fy2025", fiscal_year=2025)
    known = company(app, name="唐津テスト建設", code="9876543210123")
    with db_of(app) as db:
        db.add(
            Response(
                round_id=first.id,
                company_id=known.id,
                questionnaire_id="t",
                questionnaire_version=1,
                content_hash="x",
                token_hash="a" * 64,
                status="approved",
            )
        )
        db.commit()
    csrf = csrf_of(client.get(f"/staff/rounds/{second.id}").text)
    by_code = client.post(
        f"/staff/rounds/{second.id}/invite", data={"csrf_token": csrf, "company": "", "code": "9876543210123"}
    )
    assert by_code.status_code == 303
    with db_of(app) as db:
        invited = db.exec(select(Invitation.company_id).where(Invitation.round_id == second.id)).all()
        assert invited == [known.id] and len(db.exec(select(Company)).all()) == 1
    # By name and prefecture: staff are asked first, then the known company is invited again.
    ask = client.post(
        f"/staff/rounds/{second.id}/invite?lang=en",
        data={"csrf_token": csrf, "company": "唐津テスト建設", "prefecture": "saga"},
    )
    assert "Are these companies you know already?" in ask.text and "answered in FY2024" in ask.text
    entries = ask.text.split('name="entries" value="')[1].split('"')[0]
    signature = ask.text.split('name="signature" value="')[1].split('"')[0]
    import html

    done = client.post(
        f"/staff/rounds/{second.id}/invite/confirm",
        data={
            "csrf_token": csrf,
            "entries": html.unescape(entries),
            "signature": signature,
            "same-0": str(known.id),
        },
    )
    assert done.status_code == 200
    forged = client.post(
        f"/staff/rounds/{second.id}/invite/confirm",
        data={
            "csrf_token": csrf,
            "entries": html.unescape(entries).replace("唐津", "偽"),
            "signature": signature,
        },
    )
    assert forged.status_code == 400
    with db_of(app) as db:
        assert len(db.exec(select(Company)).all()) == 1  # nobody recorded twice


def test_merging_two_records_keeps_every_response_and_is_audited(app, client):
    make_user(app)
    log_in(client)
    round_ = add_round(app)
    keep, twice = company(app, code="1111111111111"), company(app)
    with db_of(app) as db:
        for n, owner in enumerate((keep, twice)):
            db.add(
                Response(
                    round_id=round_.id,
                    company_id=owner.id,
                    questionnaire_id="t",
                    questionnaire_version=1,
                    content_hash="x",
                    token_hash=str(n) * 64,
                )
            )
        db.commit()
    page = client.get(f"/staff/companies/{keep.id}?lang=en").text
    assert "The same company recorded twice?" in page and f"#{twice.id}" in page
    client.post(
        f"/staff/companies/{keep.id}/merge", data={"csrf_token": csrf_of(page), "other": str(twice.id)}
    )
    with db_of(app) as db:
        owners = db.exec(select(Response.company_id)).all()
        assert owners == [keep.id, keep.id] and db.get(Company, twice.id) is None
        assert db.exec(select(AuditEvent).where(AuditEvent.action == "company.merge")).first()
    shown = client.get(f"/staff/companies/{keep.id}").text
    assert shown.count("/staff/responses/") >= 2


def test_a_company_code_is_checked_and_unique(app, client):
    make_user(app)
    log_in(client)
    company(app, code="1234")
    two = company(app, name="二社目")
    csrf = csrf_of(client.get(f"/staff/companies/{two.id}").text)
    for code, error in (("12 34", "company_code"), ("1234", "code_taken"), ("あいう", "company_code")):
        reply = client.post(
            f"/staff/companies/{two.id}", data={"csrf_token": csrf, "name": "二社目", "code": code}
        )
        assert reply.headers["location"].endswith(f"?e={error}")
    ok = client.post(
        f"/staff/companies/{two.id}", data={"csrf_token": csrf, "name": "二社目", "code": "5678"}
    )
    assert ok.headers["location"].endswith("?n=saved") and definitions_of(app)


def test_the_api_lists_companies_with_their_rounds_and_actions(app, client):
    from datetime import date

    from assess.models import Action

    make_user(app)
    log_in(client)
    first = add_round(app, slug="fy2024", fiscal_year=2024)
    second = add_round(app, slug="fy2025", fiscal_year=2025)
    known = company(app, code="1234567890123")
    old = invited_start(app, client, first, known.id)
    answer_everything(client, old)
    submit(client, old)
    new = invited_start(app, client, second, known.id)
    with db_of(app) as db:
        planned_in = response_of(app, old).id
        db.add(
            Action(
                company_id=known.id,
                response_id=planned_in,
                title="太陽光パネルの導入",
                practice="renewable_energy",
                due_on=date(2026, 3, 31),
            )
        )
        db.commit()
    page = client.get("/api/companies").json()
    assert (
        page["total"] == 1
        and page["items"][0]["code"] == "1234567890123"
        and page["items"][0]["responses"] == 2
    )
    assert client.get("/api/companies?code=1234567890123").json()["total"] == 1
    assert client.get("/api/companies?code=0000").json() == {
        "total": 0,
        "offset": 0,
        "limit": 100,
        "items": [],
    }
    detail = client.get(f"/api/companies/{known.id}").json()
    assert [r["fiscal_year"] for r in detail["rounds"]] == [2025, 2024]
    assert detail["rounds"][0]["carried_from_id"] == planned_in and detail["rounds"][0]["response_id"] == (
        response_of(app, new).id
    )
    actions = client.get(f"/api/companies/{known.id}/actions").json()
    assert actions[0]["title"] == "太陽光パネルの導入" and actions[0]["due_on"] == "2026-03-31"
    assert client.get("/api/companies/2147483647").status_code == 404
