"""`assess user add`: staff accounts from the command line."""

from __future__ import annotations

import typer

from assess.cli.common import database, fail
from assess.services.accounts import MIN_PASSWORD, create_user, find_user, issue_password_link
from assess.services.errors import DomainError
from assess.vocab import Role

user_app = typer.Typer(help="Staff accounts.", no_args_is_help=True)


@user_app.command("add")
def add(
    email: str = typer.Argument(..., help="The staff member's e-mail address (their login)."),
    role: Role = typer.Option(
        Role.STAFF, help="What the account may do: admins also manage accounts and backups."
    ),
    name: str = typer.Option("", help="Display name."),
    link: bool = typer.Option(
        False, "--link", help="Print a one-time set-password link instead of asking for a password."
    ),
    base_url: str = typer.Option("http://127.0.0.1:8000", help="Address of the app, for the link."),
) -> None:
    """Create a staff account: asks for a password, or prints a one-time link."""
    password = None
    if not link:
        password = typer.prompt(
            f"Password for {email} (at least {MIN_PASSWORD} characters)",
            hide_input=True,
            confirmation_prompt=True,
        )
    with database() as s:
        try:
            user = create_user(s, email, role, name, password)
        except DomainError as exc:
            fail(f"cannot add: {exc.text('en')}")
        if link:
            token = issue_password_link(s, user)
            typer.echo(
                f"{user.email} ({user.role}): set a password at "
                f"{base_url.rstrip('/')}/staff/password/{token} (valid 3 days)"
            )
        else:
            typer.echo(f"{user.email} ({user.role}) added")


@user_app.command("link")
def link_command(
    email: str = typer.Argument(..., help="The account's e-mail address."),
    base_url: str = typer.Option("http://127.0.0.1:8000", help="Address of the app, for the link."),
) -> None:
    """Print a one-time link to set a new password for an existing account (e.g. after a restore)."""
    with database() as s:
        user = find_user(s, email)
        if user is None:
            fail(f"no account {email}")
        token = issue_password_link(s, user)
    typer.echo(
        f"{user.email} ({user.role}): set a password at {base_url.rstrip('/')}/staff/password/{token} "
        "(valid 3 days)"
    )
