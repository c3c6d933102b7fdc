"""Every route of the app, enumerated: staff routes refuse anonymous visitors
and respondent links, admin routes refuse staff, and no POST is accepted
without a valid CSRF token."""

import re

import pytest

from assess.web.routes import (
    actions,
    admin_audit,
    api,
    api_companies,
    attachments,
    contacts,
    results,
    site,
    staff_admin,
    staff_auth,
    staff_companies,
    staff_home,
    staff_interview,
    staff_invitations,
    staff_mail,
    staff_paper,
    staff_responses,
    staff_rounds,
    survey,
)
from tests.helpers import add_round, csrf_of, log_in, make_user, submitted

MODULES = (
    site,
    survey,
    results,
    actions,
    staff_auth,
    staff_home,
    staff_responses,
    staff_rounds,
    staff_invitations,
    staff_companies,
    staff_admin,
    staff_interview,
    staff_paper,
    attachments,
    admin_audit,
    contacts,
    staff_mail,
    api,
    api_companies,
)
PUBLIC_STAFF = {"/staff/login", "/staff/logout", "/staff/password/{token}"}
ADMIN_PREFIXES = ("/staff/users", "/staff/tokens", "/staff/backup", "/staff/audit")


def routes():
    for module in MODULES:
        for route in module.router.routes:
            for method in sorted(route.methods - {"HEAD"}):
                yield method, route.path


def concrete(path: str, ids: dict) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: str(ids.get(m.group(1), "1")), path)


ALL = sorted(set(routes()))
STAFF = [
    (m, p)
    for m, p in ALL
    if (p.startswith("/staff") and p not in PUBLIC_STAFF) or p.startswith("/api/") and p not in ("/api/docs",)
]
ADMIN = [(m, p) for m, p in ALL if p.startswith(ADMIN_PREFIXES)]
POSTS = [(m, p) for m, p in ALL if m == "POST"]


def test_the_enumeration_finds_the_routes():
    assert len(STAFF) >= 20 and len(ADMIN) >= 8 and len(POSTS) >= 15


def test_admin_routes_are_exactly_those_that_need_an_admin():
    from assess.web.deps import get_admin

    def needs_admin(route) -> bool:
        stack = list(route.dependant.dependencies)
        while stack:
            dependency = stack.pop()
            if dependency.call is get_admin:
                return True
            stack.extend(dependency.dependencies)
        return False

    by_dependency = {
        (m, r.path)
        for module in MODULES
        for r in module.router.routes
        if needs_admin(r)
        for m in r.methods - {"HEAD"}
    }
    assert by_dependency == set(ADMIN)


@pytest.fixture
def world(app, client):
    round_ = add_round(app)
    token = submitted(client)
    return {
        "round_id": round_.id,
        "response_id": 1,
        "user_id": 1,
        "token_id": 1,
        "token": token,
        "section_id": "env",
        "slug": "saga-2019",
        "fmt": "csv",
    }


@pytest.mark.parametrize("method,path", STAFF)
def test_staff_routes_refuse_anonymous_visitors_and_respondents(app, client, world, method, path):
    url = concrete(path, world)
    client.get(f"/s/{world['token']}/results")  # a respondent with a working link
    csrf = csrf_of(client.get("/r/saga-2019").text)
    reply = client.request(method, url, data={"csrf_token": csrf} if method == "POST" else None)
    if path.startswith("/api/"):
        assert reply.status_code == 401, url
    else:
        assert reply.status_code == 303 and reply.headers["location"].startswith("/staff/login"), url


@pytest.mark.parametrize("method,path", ADMIN)
def test_admin_routes_refuse_staff(app, client, world, method, path):
    make_user(app)
    log_in(client)
    csrf = csrf_of(client.get("/staff/responses").text)
    reply = client.request(
        method, concrete(path, world), data={"csrf_token": csrf} if method == "POST" else None
    )
    assert reply.status_code == 403, path


@pytest.mark.parametrize("method,path", POSTS)
def test_every_post_needs_a_valid_csrf_token(app, client, world, method, path):
    make_user(app, "admin@example.org", "admin")
    log_in(client, "admin@example.org")
    url = concrete(path, world)
    assert client.post(url, data={}).status_code == 403, url
    assert client.post(url, data={"csrf_token": "forged"}).status_code == 403, url


MISSING = {
    "round_id": 2_147_483_647,
    "response_id": 2_147_483_647,
    "user_id": 2_147_483_647,
    "token_id": 2_147_483_647,
    "case_id": 2_147_483_647,
    "token": "no-such-token",
    "section_id": "no-such-section",
    "slug": "no-such-round",
    "fmt": "doc",
}
HEADERS = ("content-security-policy", "x-content-type-options", "x-frame-options", "referrer-policy")


def assert_protected(reply, url):
    for name in HEADERS:
        assert name in reply.headers, (url, reply.status_code, name)
    if url.startswith(("/s/", "/i/", "/staff", "/api/")):
        assert reply.headers.get("cache-control") == "no-store", (url, reply.status_code)


@pytest.mark.parametrize("method,path", ALL)
def test_every_routes_error_path_carries_the_security_headers(app, client, method, path):
    make_user(app, "admin@example.org", "admin")
    url = concrete(path, MISSING)
    anonymous = client.request(method, url)
    assert anonymous.status_code < 500, url
    assert_protected(anonymous, url)
    log_in(client, "admin@example.org")
    csrf = csrf_of(client.get("/staff/responses").text)
    signed_in = client.request(method, url, data={"csrf_token": csrf} if method == "POST" else None)
    assert signed_in.status_code < 500, url
    assert_protected(signed_in, url)


def test_an_unexpected_error_is_a_page_with_the_security_headers(app, client, round_, monkeypatch):
    token = submitted(client)

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr("assess.web.routes.results.response_feedback", broken)
    reply = client.get(f"/s/{token}/results")
    assert reply.status_code == 500 and "a bug" not in reply.text and "Traceback" not in reply.text
    assert_protected(reply, f"/s/{token}/results")
    assert "<html" in reply.text  # the app's own error page, in the visitor's language
    missing = client.get("/no/such/page")
    assert missing.status_code == 404
    assert_protected(missing, "/no/such/page")
