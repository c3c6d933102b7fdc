"""Helpers for staff tests: accounts, logging in, a submitted response."""

from assess.accounts import create_user
from assess.db import session
from survey_helpers import csrf_of, post_section, revision_of, start

PASSWORD = "correct horse battery"
PROFILE = {"company_name": "有田テスト陶業株式会社", "prefecture": "saga"}
ENV = {"energy": ["led"], "staff": "12", "recycle": "yes", "rating": "3"}


def make_user(app, email="staff@example.org", role="staff"):
    with session(app.state.engine) as db:
        return create_user(db, email, role, password=PASSWORD)


def log_in(client, email="staff@example.org", password=PASSWORD):
    page = client.get("/staff/login")
    return client.post("/staff/login", data={"csrf_token": csrf_of(page.text), "email": email, "password": password, "next": "/staff/responses"})


def submitted(client, slug="saga-2019", name="有田テスト陶業株式会社", consent=("motto", "story"), env=None) -> str:
    """A respondent's whole survey, submitted; returns its token. Uses a fresh cookie jar."""
    jar = dict(client.cookies)
    client.cookies.clear()
    token = start(client, slug)
    post_section(client, token, "profile", {**PROFILE, "company_name": name})
    post_section(client, token, "env", env or ENV)
    post_section(client, token, "narrative", {"motto": "地域とともに", "story": "祭りに参加しています", "consent": list(consent)})
    review = client.get(f"/s/{token}/review")
    client.post(f"/s/{token}/submit", data={"csrf_token": csrf_of(review.text), "revision": revision_of(review.text)})
    client.cookies.clear()
    client.cookies.update(jar)
    return token
