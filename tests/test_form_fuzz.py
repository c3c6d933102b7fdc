"""Random form data posted to every form of the survey and the staff workspace:
huge and strange numbers, NUL and other control characters, lone surrogates and
invalid UTF-8, 1 MB strings, junk uploads. No answer may be a server error, on
SQLite or PostgreSQL. At least 200 examples per kind of route."""

import re
from urllib.parse import quote_plus

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assess.services.accounts import issue_password_link
from assess.web.routes import results, site, staff_admin, staff_auth, staff_responses, staff_rounds, survey
from tests.helpers import PASSWORD, add_round, csrf_of, db_of, log_in, make_user, start, submitted

EXAMPLES = settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck), database=None)

NUMBERS = ["99999999999999999999", "9" * 4301, "-1", "0", "2147483648", "1e400", "NaN", "١٢", "²", "0x10"]
NASTY = [
    "\x00",
    "a\x00b",
    "\ud800",
    "x\udfff",
    "\x1b[31m",
    "\u202e",
    "\ufffe",
    "=cmd|' /C calc'!A0",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "../../etc/passwd",
    "日本語の会社名",
    "",
    " ",
]
FIELDS = [
    "revision", "action", "shown", "energy", "staff", "recycle", "rating", "detail", "company_name",
    "prefecture", "motto", "story", "consent", "energy.other", "email", "password", "again", "next",
    "name", "note", "comment", "role", "active", "everywhere", "slug", "name_ja", "name_en",
    "fiscal_year", "questionnaire", "status", "access", "position", "company", "contact", "step",
    "motto_ja", "story_ja", "initiatives", "challenges", "support", "lang",
]  # fmt: skip

value = st.one_of(
    st.sampled_from(NUMBERS),
    st.sampled_from(NASTY),
    st.text(max_size=40),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.integers(0, 40).map(lambda n: "x" * 1_000_000 if n == 0 else "y" * n),  # now and then 1 MB
)
form = st.dictionaries(
    st.one_of(st.sampled_from(FIELDS), st.text(min_size=1, max_size=12)),
    st.lists(value, min_size=1, max_size=3),
    max_size=8,
)
upload = st.one_of(
    st.binary(max_size=3000),
    st.just(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100),
    st.just("会社名\n有田窯,メモ\n".encode("utf-16")),
    st.just(("a," + "b" * 200_000 + "\n").encode()),
    st.just("株式会社テスト,メモ\n".encode("cp932")),
    st.lists(st.sampled_from(NASTY + ["株式会社A", "B社,連絡先"]), max_size=20).map(
        lambda rows: "\n".join(rows).encode("utf-8", "surrogatepass")
    ),
)


def encode(fields: dict[str, list[str]]) -> bytes:
    """A urlencoded body that may hold invalid UTF-8 (lone surrogates pass through)."""
    pairs = [
        f"{quote_plus(key, errors='surrogatepass')}={quote_plus(item, errors='surrogatepass')}"
        for key, items in fields.items()
        for item in items
    ]
    return "&".join(pairs).encode("ascii")


def posts(*modules) -> list[str]:
    return sorted({r.path for m in modules for r in m.router.routes if "POST" in r.methods})


def concrete(path: str, ids: dict) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: str(ids.get(m.group(1), "1")), path)


def post(client, url: str, fields: dict, csrf: str, files=None):
    fields = {**fields, "csrf_token": [csrf]}
    if files is not None:
        plain = {k: v[0].encode("utf-8", "replace").decode("utf-8") for k, v in fields.items()}
        return client.post(url, data=plain, files={"file": ("list.csv", files, "text/csv")})
    return client.post(
        url, content=encode(fields), headers={"content-type": "application/x-www-form-urlencoded"}
    )


def assert_reached_the_handlers(seen: set[int]) -> None:
    """Not only refused at the door: some posts were taken or answered by the route itself."""
    assert seen & {200, 303} and seen - {403}, seen


@pytest.fixture
def world(app, client):
    round_ = add_round(app)
    make_user(app, "admin@example.org", "admin")
    make_user(app)  # another account, the target of account forms
    tokens = [submitted(client) for _ in range(2)] + [start(client) for _ in range(3)]
    return {"round_id": round_.id, "tokens": tokens}


def test_the_survey_forms_never_fail(app, client, world):
    routes = posts(survey, results, site)
    csrf = csrf_of(client.get("/r/saga-2019").text)

    @EXAMPLES
    @given(
        path=st.sampled_from(routes),
        token=st.sampled_from(world["tokens"] + ["no-such-token", "x" * 200]),
        section=st.sampled_from(["profile", "env", "narrative", "none", "\x00"]),
        fields=form,
    )
    def call(path, token, section, fields):
        url = concrete(path, {"token": token, "section_id": quote_plus(section), "slug": "saga-2019"})
        reply = post(client, url, fields, csrf)
        seen.add(reply.status_code)
        assert reply.status_code < 500, (url, fields.keys(), reply.status_code)

    seen: set[int] = set()
    call()
    assert_reached_the_handlers(seen)


def test_the_staff_workspace_forms_never_fail(app, client, world):
    routes = [p for p in posts(staff_responses, staff_rounds, staff_admin) if "sign-out" not in p]
    ids = st.one_of(st.sampled_from(["1", "2", "3"]), st.sampled_from(["0", "2147483648", "9" * 30]))

    def fresh_login():
        log_in(client, "admin@example.org")
        return csrf_of(client.get("/staff/responses").text)

    state = {"csrf": fresh_login()}

    @EXAMPLES
    @given(path=st.sampled_from(routes), ident=ids, fields=form, files=upload)
    def call(path, ident, fields, files):
        url = concrete(path, {name: ident for name in ("round_id", "response_id", "user_id", "token_id")})
        reply = post(client, url, fields, state["csrf"], files=files if path.endswith("invite-csv") else None)
        seen.add(reply.status_code)
        assert reply.status_code < 500, (url, list(fields), reply.status_code)
        if reply.headers.get("location", "").startswith("/staff/login"):
            state["csrf"] = fresh_login()  # the fuzzer deactivated or signed out the admin

    seen: set[int] = set()
    call()
    assert_reached_the_handlers(seen)


def test_the_login_forms_never_fail(app, client, world):
    with db_of(app) as db:
        from sqlmodel import select

        from assess.models import StaffUser

        user = db.exec(select(StaffUser).where(StaffUser.email == "staff@example.org")).one()
        link = issue_password_link(db, user)
    csrf = csrf_of(client.get("/staff/login").text)

    @EXAMPLES
    @given(
        path=st.sampled_from(posts(staff_auth)),
        token=st.sampled_from([link, "no-such-token", "\x00"]),
        fields=form,
        right=st.booleans(),
    )
    def call(path, token, fields, right):
        if right and path == "/staff/login":
            fields = {**fields, "email": ["admin@example.org"], "password": [PASSWORD]}
        url = concrete(path, {"token": quote_plus(token)})
        reply = post(client, url, fields, csrf)
        seen.add(reply.status_code)
        assert reply.status_code < 500, (url, list(fields), reply.status_code)

    seen: set[int] = set()
    call()
    assert_reached_the_handlers(seen)
