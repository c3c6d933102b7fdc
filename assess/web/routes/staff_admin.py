"""Administrators: staff accounts, API tokens and backups."""

from __future__ import annotations

from fastapi import HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import select

from assess.accounts import ROLES, audit, create_api_token, create_user, issue_password_link
from assess.db import write_transaction
from assess.backup import dump, dumps
from assess.models import ApiToken, AuditEvent, StaffUser, utcnow
from assess.web.auth import AdminDep
from assess.web.deps import DbDep, FormDep, RowId
from assess.web.security import FormRouter
from assess.web.templating import render

router = FormRouter()


def users_page(request: Request, db, *, link=None, error=None, status=200):
    users = db.exec(select(StaffUser).order_by(StaffUser.email)).all()
    return render(request, "staff/users.html", {"users": users, "roles": ROLES, "link": link, "error": error}, status)


@router.get("/staff/users")
def users(request: Request, admin: AdminDep, db: DbDep):
    return users_page(request, db)


@router.post("/staff/users")
def add_user(request: Request, admin: AdminDep, form: FormDep, db: DbDep):
    try:
        user = create_user(db, str(form.get("email", "")), str(form.get("role", "staff")), str(form.get("name", "")), actor=admin.email)
    except ValueError as exc:
        return users_page(request, db, error=str(exc), status=400)
    token = issue_password_link(db, user, actor=admin.email)
    return users_page(request, db, link=(user.email, str(request.base_url).rstrip("/") + f"/staff/password/{token}"))


@router.post("/staff/users/{user_id}/reset")
def reset_user(request: Request, user_id: RowId, admin: AdminDep, db: DbDep):
    user = db.get(StaffUser, user_id)
    if user is None:
        raise HTTPException(404)
    token = issue_password_link(db, user, actor=admin.email)
    return users_page(request, db, link=(user.email, str(request.base_url).rstrip("/") + f"/staff/password/{token}"))


@router.post("/staff/users/{user_id}/active")
def toggle_user(request: Request, user_id: RowId, admin: AdminDep, form: FormDep, db: DbDep):
    user = db.get(StaffUser, user_id)
    if user is None:
        raise HTTPException(404)
    if user.id == admin.id:
        return users_page(request, db, error="self", status=400)
    active = form.get("active") == "1"
    with write_transaction(db):
        before = "active" if user.active else "inactive"
        user.active = active
        db.add(user)
        audit(db, admin.email, "user.activate" if active else "user.deactivate", "staff_user", user.id, before, "active" if active else "inactive")
    return RedirectResponse("/staff/users", status_code=303)


def tokens_page(request: Request, db, *, created=None, status=200):
    tokens = db.exec(select(ApiToken, StaffUser.email).join(StaffUser).order_by(ApiToken.created_at.desc())).all()
    return render(request, "staff/tokens.html", {"tokens": tokens, "created": created}, status)


@router.get("/staff/tokens")
def tokens(request: Request, admin: AdminDep, db: DbDep):
    return tokens_page(request, db)


@router.post("/staff/tokens")
def add_token(request: Request, admin: AdminDep, form: FormDep, db: DbDep):
    name = str(form.get("name", "")).strip()
    return tokens_page(request, db, created=(name, create_api_token(db, name, admin)))


@router.post("/staff/tokens/{token_id}/revoke")
def revoke_token(request: Request, token_id: RowId, admin: AdminDep, db: DbDep):
    token = db.get(ApiToken, token_id)
    if token is None:
        raise HTTPException(404)
    with write_transaction(db):
        token.revoked_at = token.revoked_at or utcnow()
        db.add(token)
        audit(db, admin.email, "api_token.revoke", "api_token", token.id)
    return RedirectResponse("/staff/tokens", status_code=303)


@router.get("/staff/backup")
def backup_page(request: Request, admin: AdminDep, db: DbDep):
    recent = db.exec(select(AuditEvent).where(AuditEvent.action == "backup.export").order_by(AuditEvent.at.desc()).limit(10)).all()
    return render(request, "staff/backup.html", {"recent": recent})


@router.post("/staff/backup")
def backup_download(request: Request, admin: AdminDep, db: DbDep):
    """The whole installation as `assess export` writes it, without password hashes."""
    document = dump(request.app.state.engine, credentials=False)
    rows = sum(len(r) for r in document["tables"].values())
    with write_transaction(db):
        audit(db, admin.email, "backup.export", "installation", None, detail=str(rows))
    name = f"assess-backup-{document['created_at'][:10]}.json"
    return Response(dumps(document), media_type="application/json; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})
