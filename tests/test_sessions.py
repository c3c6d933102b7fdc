"""Staff sessions live in the database: logout, a new password, deactivation and
"sign out everywhere" end them at once; login throttling cannot be turned against
the people it protects."""

from sqlmodel import select

from assess.models import LoginAttempt, StaffSession, StaffUser
from assess.services.accounts import issue_password_link, login, set_active, throttle_minutes
from assess.services.throttling import ACCOUNT_FAILURES, ADDRESS_FAILURES, PAIR_FAILURES
from tests.helpers import PASSWORD, csrf_of, db_of, log_in, make_user, submitted


def signed_in(client, email="staff@example.org"):
    """Logs in; returns the session cookie and a CSRF token to replay with it later."""
    assert log_in(client, email).status_code == 303
    return client.cookies["staff_session"], csrf_of(client.get("/staff/responses").text)


def replay(client, cookie, csrf, response_id=None):
    """What an old cookie can still do: read the list, the API, and post a note."""
    client.cookies.set("staff_session", cookie)
    reads = client.get("/staff/responses").status_code, client.get("/api/rounds").status_code
    note = None
    if response_id is not None:
        note = client.post(
            f"/staff/responses/{response_id}/note", data={"csrf_token": csrf, "note": "still here?"}
        ).status_code
    return reads, note


def response_id_of(app):
    with db_of(app) as db:
        from assess.models import Response

        return db.exec(select(Response.id)).first()


def test_logout_ends_the_session_for_every_copy_of_the_cookie(app, client, round_):
    submitted(client)
    make_user(app)
    cookie, csrf = signed_in(client)
    assert replay(client, cookie, csrf, response_id_of(app)) == ((200, 200), 303)
    client.post("/staff/logout", data={"csrf_token": csrf})
    assert replay(client, cookie, csrf, response_id_of(app)) == ((303, 401), 303)


def test_a_new_password_ends_every_session(app, client):
    user = make_user(app)
    cookie, csrf = signed_in(client)
    with db_of(app) as db:
        token = issue_password_link(db, db.get(StaffUser, user.id))
    page = client.get(f"/staff/password/{token}")
    client.post(
        f"/staff/password/{token}",
        data={
            "csrf_token": csrf_of(page.text),
            "password": "a new long password",
            "again": "a new long password",
        },
    )
    fresh = client.cookies["staff_session"]
    assert replay(client, cookie, csrf)[0] == (303, 401)
    assert replay(client, fresh, csrf)[0] == (200, 200)  # the one who set it is signed in


def test_deactivation_ends_sessions_and_reactivation_does_not_bring_them_back(app, client):
    user = make_user(app)
    admin = make_user(app, "admin@example.org", "admin")
    cookie, csrf = signed_in(client)
    with db_of(app) as db:
        set_active(db, db.get(StaffUser, admin.id), db.get(StaffUser, user.id), False)
        assert replay(client, cookie, csrf)[0] == (303, 401)
        set_active(db, db.get(StaffUser, admin.id), db.get(StaffUser, user.id), True)
    assert replay(client, cookie, csrf)[0] == (303, 401)


def test_an_administrator_signs_an_account_out_everywhere(app, client):
    make_user(app)
    make_user(app, "admin@example.org", "admin")
    first, csrf = signed_in(client)
    client.cookies.clear()
    second, _ = signed_in(client)  # a second browser
    client.cookies.clear()
    admin_cookie, admin_csrf = signed_in(client, "admin@example.org")
    with db_of(app) as db:
        user_id = db.exec(select(StaffUser.id).where(StaffUser.email == "staff@example.org")).one()
    done = client.post(f"/staff/users/{user_id}/sign-out", data={"csrf_token": admin_csrf})
    assert done.status_code == 303
    assert replay(client, first, csrf)[0] == (303, 401) and replay(client, second, csrf)[0] == (303, 401)
    assert replay(client, admin_cookie, admin_csrf)[0] == (200, 200)
    with db_of(app) as db:
        assert db.exec(select(StaffSession).where(StaffSession.user_id == user_id)).all() == []


def test_logging_out_on_every_device(app, client):
    make_user(app)
    first, csrf = signed_in(client)
    client.cookies.clear()
    second, csrf2 = signed_in(client)
    client.post("/staff/logout", data={"csrf_token": csrf2, "everywhere": "1"})
    assert replay(client, first, csrf)[0] == (303, 401)


def test_a_session_is_one_lookup_and_an_unknown_or_forged_cookie_is_refused(app, client):
    make_user(app)
    cookie, csrf = signed_in(client)
    for forged in (
        "",
        "x",
        cookie[:-1] + ("A" if cookie[-1] != "A" else "B"),
        "9" * 5000,
        "1.99999999999.abc",
    ):
        assert replay(client, forged, csrf)[0] == (303, 401)


# --- throttling -------------------------------------------------------------------------


def fail(db, email, address, times):
    for _ in range(times):
        assert login(db, email, "wrong password", address) is None


def test_one_address_guessing_one_account_waits_but_the_owner_elsewhere_does_not(app):
    make_user(app)
    with db_of(app) as db:
        assert login(db, "staff@example.org", PASSWORD, "10.0.0.1") is not None  # the owner's office
        fail(db, "staff@example.org", "203.0.113.9", PAIR_FAILURES)
        assert throttle_minutes(db, "staff@example.org", "203.0.113.9") > 0
        assert throttle_minutes(db, "staff@example.org", "10.0.0.1") == 0


def test_failures_from_anywhere_never_lock_the_owner_out_of_a_known_address(app):
    make_user(app, "admin@example.org", "admin")
    with db_of(app) as db:
        assert login(db, "admin@example.org", PASSWORD, "10.0.0.1") is not None
        for n in range(ACCOUNT_FAILURES * 2):  # many addresses, again and again
            fail(db, "admin@example.org", f"198.51.100.{n}", 1)
        assert throttle_minutes(db, "admin@example.org", "198.51.100.200") > 0  # a new address waits
        assert throttle_minutes(db, "admin@example.org", "10.0.0.1") == 0
        assert login(db, "admin@example.org", PASSWORD, "10.0.0.1") is not None


def test_one_user_behind_a_proxy_cannot_lock_out_the_others(app):
    make_user(app)
    make_user(app, "colleague@example.org")
    with db_of(app) as db:
        assert login(db, "colleague@example.org", PASSWORD, "192.0.2.1") is not None  # yesterday
        fail(db, "nobody@example.org", "192.0.2.1", 5)  # someone behind the same proxy
        assert throttle_minutes(db, "colleague@example.org", "192.0.2.1") == 0
        assert throttle_minutes(db, "staff@example.org", "192.0.2.1") == 0  # never logged in from here
        fail(db, "nobody@example.org", "192.0.2.1", ADDRESS_FAILURES)
        assert throttle_minutes(db, "staff@example.org", "192.0.2.1") > 0  # now the address is held back
        assert throttle_minutes(db, "colleague@example.org", "192.0.2.1") == 0  # but not a known user


def test_a_wait_never_outlasts_the_window(app):
    make_user(app)
    with db_of(app) as db:
        fail(db, "staff@example.org", "203.0.113.9", PAIR_FAILURES * 3)
        assert 0 < throttle_minutes(db, "staff@example.org", "203.0.113.9") <= 16
        assert len(db.exec(select(LoginAttempt)).all()) == PAIR_FAILURES * 3
