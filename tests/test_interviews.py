"""Interview mode: staff fill in an invited company's response with it, or from its paper form;
every answer records who entered it; the company takes its link over and continues alone."""

from datetime import date, timedelta

from sqlmodel import select

from assess.models import Answer, AuditEvent, Company, Invitation, Response
from assess.services.interviews import marker, read_marker
from assess.services.invitations import create_invitation
from tests.helpers import (
    ENV,
    PROFILE,
    Client,
    csrf_of,
    db_of,
    log_in,
    make_user,
    post_section,
    revision_of,
    start,
)

STAFF = "interviewer@example.org"


def invitation(app, round_, name="有田テスト陶業株式会社") -> tuple[int, str]:
    with db_of(app) as db:
        company = Company(name=name, prefecture="saga")
        db.add(company)
        db.commit()
        db.refresh(company)
        token = create_invitation(db, round_, company, app.state.context.secret)
        found = db.exec(select(Invitation).where(Invitation.company_id == company.id)).one()
        return found.id, token


def staff_client(app) -> Client:
    client = Client(app)
    make_user(app, STAFF)
    log_in(client, STAFF)
    return client


def start_interview(client, invitation_id: int, paper_on: str = ""):
    page = client.get("/staff/responses")
    return client.post(
        f"/staff/invitations/{invitation_id}/interview",
        data={"csrf_token": csrf_of(page.text), "paper_on": paper_on},
    )


def authors(app, token_response_id: int) -> dict:
    with db_of(app) as db:
        rows = db.exec(select(Answer).where(Answer.response_id == token_response_id)).all()
        return {a.question_id: a.entered_by for a in rows}


def only_response(app) -> Response:
    with db_of(app) as db:
        return db.exec(select(Response)).one()


def test_staff_enter_answers_and_the_company_continues_alone(app, round_):
    invitation_id, token = invitation(app, round_)
    staff = staff_client(app)
    started = start_interview(staff, invitation_id)
    assert started.status_code == 303 and started.headers["location"] == f"/s/{token}"
    cookie = started.headers["set-cookie"]
    assert "assess_interview=" in cookie and f"Path=/s/{token}" in cookie and "HttpOnly" in cookie
    page = staff.get(f"/s/{token}/p/profile?lang=en").text
    assert "Interview mode" in page and STAFF in page and f"/s/{token}/handover" in page
    post_section(staff, token, "profile", PROFILE)
    post_section(staff, token, "env", ENV)
    response = only_response(app)
    assert set(authors(app, response.id).values()) == {STAFF}

    # The company opens its link in its own browser: it sees what staff entered, no banner.
    company = Client(app)
    page = company.get(f"/s/{token}/p/env?lang=en").text
    assert "Interview mode" not in page and page.count("Entered by the organiser") == len(ENV)
    # Saving the page unchanged keeps who entered it; a changed answer is the company's own.
    post_section(company, token, "env", {**ENV, "recycle": "no"})
    after = authors(app, response.id)
    assert after["recycle"] == "" and after["energy"] == STAFF and after["company_name"] == STAFF
    review = company.get(f"/s/{token}/review?lang=en").text
    assert review.count("entered by the organiser") == len(PROFILE) + len(ENV) - 1
    company.close()

    # The staff page shows it; ending the interview clears the marker and says so.
    detail = staff.get(f"/staff/responses/{response.id}?lang=en").text
    assert f"entered by {STAFF}" in detail
    page = staff.get(f"/s/{token}/p/env").text
    ended = staff.post(f"/s/{token}/interview/end", data={"csrf_token": csrf_of(page)})
    assert ended.headers["location"] == f"/staff/responses/{response.id}?n=interview_ended"
    assert 'assess_interview=""' in ended.headers["set-cookie"] or "Max-Age=0" in ended.headers["set-cookie"]
    with db_of(app) as db:
        done = [e.action for e in db.exec(select(AuditEvent).where(AuditEvent.object_type == "response"))]
    assert "response.interview" in done and "response.interview_end" in done
    staff.close()


def test_a_marker_without_the_staff_session_counts_as_the_company(app, round_):
    invitation_id, token = invitation(app, round_)
    staff = staff_client(app)
    start_interview(staff, invitation_id)
    jar = dict(staff.cookies)
    staff.close()
    # The same marker in a browser without the staff session (logged out, or copied).
    other = Client(app)
    other.cookies.update({k: v for k, v in jar.items() if k == "assess_interview"})
    post_section(other, token, "profile", PROFILE)
    assert set(authors(app, only_response(app).id).values()) == {""}
    other.close()


def test_a_forged_marker_is_no_marker(app):
    secret = app.state.context.secret
    genuine = marker(secret, 3, 7)
    assert read_marker(secret, genuine) == (3, 7)
    user, response, signature = genuine.split(".")
    for forged in (
        f"1.{response}.{signature}",
        f"{user}.8.{signature}",
        "3.7",
        "",
        "a.b.c",
        "9" * 40 + ".1.x",
    ):
        assert read_marker(secret, forged) is None


def test_only_invited_editable_responses_can_be_interviewed(app, client, round_):
    staff = staff_client(app)
    token = start(client)  # through the open round: nobody can hand over its link
    response = only_response(app)
    page = staff.get(f"/staff/responses/{response.id}?lang=en")
    assert "Only an invited company" in page.text
    refused = staff.post(f"/staff/responses/{response.id}/interview", data={"csrf_token": csrf_of(page.text)})
    assert refused.headers["location"].endswith("?e=interview_not_invited#interview")
    post_section(client, token, "profile", PROFILE)
    assert set(authors(app, response.id).values()) == {""}
    staff.close()


def test_a_paper_form_is_entered_with_its_date(app, round_):
    invitation_id, token = invitation(app, round_)
    staff = staff_client(app)
    future = (date.today() + timedelta(days=3)).isoformat()
    for bad in (future, "2026-02-30", "昨日", "1999-12-31"):
        refused = start_interview(staff, invitation_id, bad)
        assert refused.headers["location"].endswith("?e=paper_date#invitations"), bad
    started = start_interview(staff, invitation_id, "2026-03-02")
    assert started.headers["location"] == f"/s/{token}"
    response = only_response(app)
    assert response.paper_on == date(2026, 3, 2)
    detail = staff.get(f"/staff/responses/{response.id}?lang=en").text
    assert "Entered from a paper form dated 2026-03-02." in detail
    message = staff.get(f"/staff/rounds/{round_.id}?e=paper_date&lang=en").text
    assert "Enter the date of the paper form" in message
    staff.close()


def test_a_submitted_response_is_not_interviewed_until_returned(app, round_):
    invitation_id, token = invitation(app, round_)
    staff = staff_client(app)
    start_interview(staff, invitation_id)
    post_section(staff, token, "profile", PROFILE)
    post_section(staff, token, "env", ENV)
    post_section(staff, token, "narrative", {"motto": "地域とともに", "story": "祭り"})
    review = staff.get(f"/s/{token}/review").text
    staff.post(f"/s/{token}/submit", data={"csrf_token": csrf_of(review), "revision": revision_of(review)})
    response = only_response(app)
    assert response.status == "submitted"
    page = staff.get(f"/staff/responses/{response.id}?lang=en")
    assert "it can be filled in again once it is returned" in page.text
    again = staff.post(f"/staff/responses/{response.id}/interview", data={"csrf_token": csrf_of(page.text)})
    assert again.headers["location"].endswith("?e=interview_not_editable#interview")
    # The export says who entered the answers.
    export = staff.get(f"/staff/rounds/{round_.id}/export.csv?lang=en").content.decode("utf-8-sig")
    assert "Answers entered by staff" in export and f"{STAFF}: " in export
    staff.close()


def test_the_handover_page_shows_the_companys_link(app, round_):
    invitation_id, token = invitation(app, round_)
    staff = staff_client(app)
    start_interview(staff, invitation_id)
    page = staff.get(f"/s/{token}/handover?lang=en")
    assert (
        page.status_code == 200 and f"/s/{token}" in page.text and "no-store" in page.headers["cache-control"]
    )
    staff.close()
