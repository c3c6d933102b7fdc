"""Staff login, logout and setting a password from a one-time link."""

from __future__ import annotations

from fastapi import HTTPException, Request

from assess.services import sessions
from assess.services.accounts import MIN_PASSWORD, login, password_token_user, set_password, throttle_minutes
from assess.services.sessions import end_session, sign_out_everywhere
from assess.web.csrf import FormRouter
from assess.web.deps import ContextDep, DbDep, FormDep
from assess.web.rendering import redirect, render
from assess.web.sessions import clear_session, session_token, session_user, set_session

router = FormRouter()


def safe_next(target: str) -> str:
    # Only back into the workspace: never to another site.
    return target if target.startswith(("/staff", "/api/docs")) and not target.startswith("//") else "/staff"


@router.get("/staff/login")
def login_page(request: Request, db: DbDep, context: ContextDep):
    if session_user(request, db) is not None:
        return redirect(safe_next(request.query_params.get("next", "")))
    return render(request, "staff/login.html", {"next": request.query_params.get("next", ""), "error": None})


@router.post("/staff/login")
def login_submit(request: Request, form: FormDep, db: DbDep, context: ContextDep):
    email = str(form.get("email", "")).strip()[:200]
    password = str(form.get("password", ""))
    target = safe_next(str(form.get("next", "")))
    address = request.client.host if request.client else "unknown"
    wait = throttle_minutes(db, email, address)
    if wait:
        return render(
            request,
            "staff/login.html",
            {"next": target, "email": email, "error": "throttled", "minutes": wait},
            429,
        )
    user = login(db, email, password, address)
    if user is None:
        return render(request, "staff/login.html", {"next": target, "email": email, "error": "wrong"}, 401)
    response = redirect(target)
    start_session(request, response, user, db, context)
    return response


@router.post("/staff/logout")
def logout(request: Request, form: FormDep, db: DbDep):
    """Ends this browser's session; with `everywhere`, every session of the account."""
    user = session_user(request, db)
    if user is not None and form.get("everywhere"):
        sign_out_everywhere(db, user, user)
    end_session(db, session_token(request))
    response = redirect("/staff/login")
    clear_session(response)
    return response


@router.get("/staff/password/{token}")
def password_page(request: Request, token: str, db: DbDep):
    found = password_token_user(db, token)
    if found is None:
        raise HTTPException(404)
    return render(
        request,
        "staff/password.html",
        {"token": token, "email": found[1].email, "error": None, "minimum": MIN_PASSWORD},
    )


@router.post("/staff/password/{token}")
def password_submit(request: Request, token: str, form: FormDep, db: DbDep, context: ContextDep):
    found = password_token_user(db, token)
    if found is None:
        raise HTTPException(404)
    password, again = str(form.get("password", "")), str(form.get("again", ""))
    error = "short" if len(password) < MIN_PASSWORD else ("mismatch" if password != again else None)
    if error:
        return render(
            request,
            "staff/password.html",
            {"token": token, "email": found[1].email, "error": error, "minimum": MIN_PASSWORD},
            400,
        )
    user = set_password(db, token, password)  # ends the account's other sessions
    response = redirect("/staff/responses")
    start_session(request, response, user, db, context)
    return response


def start_session(request: Request, response, user, db, context) -> None:
    max_age = context.settings.session_max_age
    token = sessions.start_session(db, user, max_age)
    set_session(response, token, max_age, secure=request.url.scheme == "https")
