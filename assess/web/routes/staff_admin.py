"""Administrators: staff accounts, API tokens and backups."""

from __future__ import annotations

from fastapi import HTTPException, Request

from assess.models import ApiToken, StaffUser
from assess.services.accounts import (
    create_api_token,
    create_user,
    issue_password_link,
    list_api_tokens,
    list_users,
    revoke_api_token,
    set_active,
)
from assess.services.attachments import store_of
from assess.services.backup import download, recent_downloads
from assess.services.errors import DomainError
from assess.services.sessions import sign_out_everywhere
from assess.vocab import Role
from assess.web.csrf import FormRouter
from assess.web.deps import AdminDep, BaseUrlDep, ContextDep, DbDep, FormDep, LocaleDep, RowId
from assess.web.rendering import attachment, redirect, render

router = FormRouter()
RECENT_BACKUPS = 10


def users_page(request: Request, db, *, link=None, error="", status=200):
    return render(
        request,
        "staff/users.html",
        {"users": list_users(db), "roles": list(Role), "link": link, "error": error},
        status,
    )


def _user(db, user_id: int) -> StaffUser:
    user = db.get(StaffUser, user_id)
    if user is None:
        raise HTTPException(404)
    return user


@router.get("/staff/users")
def users(request: Request, admin: AdminDep, db: DbDep):
    return users_page(request, db)


@router.post("/staff/users")
def add_user(
    request: Request, admin: AdminDep, form: FormDep, db: DbDep, locale: LocaleDep, base_url: BaseUrlDep
):
    try:
        user = create_user(
            db,
            str(form.get("email", "")),
            str(form.get("role", Role.STAFF)),
            str(form.get("name", "")),
            actor=admin.email,
        )
    except DomainError as exc:
        return users_page(request, db, error=exc.text(locale), status=400)
    token = issue_password_link(db, user, actor=admin.email)
    return users_page(request, db, link=(user.email, f"{base_url}/staff/password/{token}"))


@router.post("/staff/users/{user_id}/reset")
def reset_user(request: Request, user_id: RowId, admin: AdminDep, db: DbDep, base_url: BaseUrlDep):
    user = _user(db, user_id)
    token = issue_password_link(db, user, actor=admin.email)
    return users_page(request, db, link=(user.email, f"{base_url}/staff/password/{token}"))


@router.post("/staff/users/{user_id}/active")
def toggle_user(
    request: Request, user_id: RowId, admin: AdminDep, form: FormDep, db: DbDep, locale: LocaleDep
):
    try:
        set_active(db, admin, _user(db, user_id), form.get("active") == "1")
    except DomainError as exc:
        return users_page(request, db, error=exc.text(locale), status=400)
    return redirect("/staff/users")


@router.post("/staff/users/{user_id}/sign-out")
def sign_out_user(request: Request, user_id: RowId, admin: AdminDep, db: DbDep):
    """Ends every session of the account at once (a lost laptop, a shared computer)."""
    sign_out_everywhere(db, admin, _user(db, user_id))
    return redirect("/staff/users" if user_id != admin.id else "/staff/login")


def tokens_page(request: Request, db, *, created=None, status=200):
    return render(request, "staff/tokens.html", {"tokens": list_api_tokens(db), "created": created}, status)


@router.get("/staff/tokens")
def tokens(request: Request, admin: AdminDep, db: DbDep):
    return tokens_page(request, db)


@router.post("/staff/tokens")
def add_token(request: Request, admin: AdminDep, form: FormDep, db: DbDep):
    name = str(form.get("name", "")).strip()
    return tokens_page(request, db, created=(name, create_api_token(db, name, admin)))


@router.post("/staff/tokens/{token_id}/revoke")
def revoke_token(token_id: RowId, admin: AdminDep, db: DbDep):
    token = db.get(ApiToken, token_id)
    if token is None:
        raise HTTPException(404)
    revoke_api_token(db, admin, token)
    return redirect("/staff/tokens")


@router.get("/staff/backup")
def backup_page(request: Request, admin: AdminDep, db: DbDep):
    return render(request, "staff/backup.html", {"recent": recent_downloads(db, RECENT_BACKUPS)})


@router.post("/staff/backup")
def backup_download(admin: AdminDep, db: DbDep, context: ContextDep):
    """The whole installation as `assess export` writes it, without password hashes."""
    name, content = download(context.engine, db, admin.email, store_of(context.settings.data_dir))
    response = attachment(content.encode("utf-8"), "application/json; charset=utf-8", name)
    response.headers["cache-control"] = "no-store"
    return response
