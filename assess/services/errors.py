"""Domain errors: what the rules refuse, each with a message in the user's language.

Front ends show `error.text(locale)`; the command line shows it in English.
Each kind has a short `code`, so a page can redirect with `?e=<code>` and
show the message after the redirect (`message_for`). Messages are marked with
`N_` and translated in the catalogues.
"""

from __future__ import annotations

from typing import Any, ClassVar

from assess.i18n import N_, gettext


class DomainError(Exception):
    code: ClassVar[str] = "refused"
    message: ClassVar[str] = N_("This cannot be done.")
    kinds: ClassVar[dict[str, type[DomainError]]] = {}

    def __init_subclass__(cls, **kwargs: Any):
        super().__init_subclass__(**kwargs)
        DomainError.kinds.setdefault(cls.code, cls)

    def __init__(self, message: str | None = None, **params: Any):
        self.text_id = message or type(self).message
        self.params = params
        super().__init__(self.text("en"))

    def text(self, locale: str) -> str:
        return gettext(locale, self.text_id, **self.params)


def message_for(code: str, locale: str) -> str:
    """The message of the kind of error with this code; "" for an unknown code."""
    kind = DomainError.kinds.get(code)
    return gettext(locale, kind.message) if kind else ""


class InvalidInput(DomainError):
    """A value that breaks a rule; the message says which."""

    code = "invalid"
    message = N_("Check the values entered.")


class UnstorableText(InvalidInput):
    """Input holding characters no database keeps (see assess.definitions.characters)."""

    code = "characters"
    message = N_(
        "What you sent contains characters that cannot be saved (such as invisible control characters). "
        "Nothing was changed: remove them and try again."
    )


class TooLarge(InvalidInput):
    code = "too_large"
    message = N_("What you sent is larger than 5 MB, more than any form here takes. Nothing was changed.")


class FormInvalid(DomainError):
    """A form with mistakes; `errors` maps each field to the code of its problem."""

    code = "form"
    message = N_("Check the values entered.")

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__()


class CommentRequired(InvalidInput):
    code = "comment"
    message = N_("Write a comment for the company when you return a response.")


class EmptyNote(InvalidInput):
    code = "note"
    message = N_("The note is empty.")


class NotAllowed(DomainError):
    """The step does not apply to the object in its present state."""

    code = "status"
    message = N_("That step does not apply to the response now; it may have changed meanwhile.")


class NotApproved(NotAllowed):
    code = "not_approved"
    message = N_("Only approved responses go into a booklet.")


class OwnAccount(NotAllowed):
    code = "self"
    message = N_("You cannot deactivate your own account.")


class ConsentMissing(DomainError):
    """A case study may be printed only with the company's consent."""

    code = "consent"
    message = N_("This company did not consent to publication, so its case study cannot go into a booklet.")


class Conflict(DomainError):
    """The response changed since the page was loaded (another tab or window)."""

    code = "conflict"
    message = N_("The response changed since the page was loaded.")


class Locked(DomainError):
    """The response was submitted and can no longer be changed."""

    code = "locked"
    message = N_("The response was submitted and can no longer be changed.")


class MissingAnswers(DomainError):
    code = "missing"
    message = N_("Some required questions are not answered yet.")


class RoundClosed(DomainError):
    """The survey round is not open: answers saved so far are kept, nothing changes them."""

    code = "closed"
    message = N_(
        "This survey round is closed: your answers are kept, but they can no longer be changed or "
        "submitted. Ask the organiser if the round should be reopened."
    )


class TooManyStarts(DomainError):
    """More new responses from one address in an hour than a round takes (ASSESS_START_LIMIT)."""

    code = "starts"
    message = N_(
        "Many new responses were started from your network in the last hour, so no more can be started "
        "just now. Please try again later. If you have started already, continue with your private link."
    )


class CarriedUnconfirmed(DomainError):
    code = "carried"
    message = N_(
        "Some answers were carried over from your last response and are not confirmed yet. "
        "Check them on their pages and save each page to confirm them."
    )
